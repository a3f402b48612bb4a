"""Who may not be the contractor of the fund's works (a black-listed property-service company): each guard returns
the refusal naming the list entry, or None. The factory provides them; the fund never imports the lists."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from ...communities.models import Community
from ...domain.errors import RuleViolation

ContractorGuard = Callable[[Session, Community, str, datetime], str | None]
_contractor_guards: list[ContractorGuard] = []


def guard_contractors(guard: ContractorGuard) -> None:
    if guard not in _contractor_guards:
        _contractor_guards.append(guard)


def check_contractor(s: Session, community: Community, contractor: str, now: datetime) -> None:
    """Refuse ``contractor`` for works in ``community`` if a guard says so (an empty name is never checked)."""
    if not contractor.strip():
        return
    for guard in _contractor_guards:
        refusal = guard(s, community, contractor, now)
        if refusal:
            raise RuleViolation("contractor", refusal)
