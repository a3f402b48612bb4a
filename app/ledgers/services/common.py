"""What the ledgers' services share: the community's books and who keeps them, the period, the lock."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...communities.models import Community
from ...domain.errors import NotFound
from ...domain.ledger import LedgerKind, PeriodKind
from ...domain.rules import get_profile
from ...notices.models import Statement
from ...security.actor import Actor
from ...security.permissions import can_publish_notices, require


def books_community(s: Session, actor: Actor, community_id: int) -> Community:
    community = s.get(Community, community_id)
    if community is None:
        raise NotFound(str(_l("No such community.")))
    require(can_publish_notices(actor, community))
    return community


def period_kind(community: Community) -> PeriodKind:
    return PeriodKind.every(get_profile(community.rule_profile).settings.accounts_publication_months)


def locked_until(s: Session, community_id: int, ledger: LedgerKind) -> date | None:
    """The end of the last locked period: no entry may be dated before it."""
    return s.execute(
        select(func.max(Statement.period_end)).where(Statement.community_id == community_id, Statement.ledger == ledger)
    ).scalar()
