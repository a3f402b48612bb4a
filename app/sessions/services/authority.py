"""An assembly decision as the authority for an act (RULES §11): passed, certified by the street office, not revoked.

The fund's projects and the public-income ledger cite an item; this is the one place that says whether the
item may be cited, and each refusal names why, under the field the caller gives.
"""

from __future__ import annotations

from collections.abc import Collection

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.errors import RuleViolation
from ..labels import MATTER_LABELS
from ..models import AssemblySession, Certification, Item, Verdict

_OUTCOMES = {
    "rejected": _l("the owners rejected it"),
    "no_quorum": _l("too few owners took part (no quorum)"),
}


def deciding_item(s: Session, community_id: int, item_id: int, *, matters: Collection[str], field: str) -> Item:
    """The item, when it is of this community, of one of ``matters``, passed, certified and not revoked."""
    row = s.execute(
        select(Item, AssemblySession).join(AssemblySession, AssemblySession.id == Item.session_id).where(Item.id == item_id)
    ).first()
    if row is None or row[1].community_id != community_id:
        raise RuleViolation(field, str(_l("No assembly item %(id)s in this community.", id=item_id)))
    item, session = row
    if item.matter not in matters:
        wanted = "、".join(str(MATTER_LABELS.get(m, m)) for m in sorted(matters))
        raise RuleViolation(
            field,
            str(
                _l(
                    "Assembly item %(id)s decided “%(matter)s”, not %(wanted)s.",
                    id=item_id,
                    matter=MATTER_LABELS.get(item.matter, item.matter),
                    wanted=wanted,
                )
            ),
        )
    outcome = next((i.get("outcome") for i in (session.result or {}).get("items", []) if i["id"] == str(item.id)), None)
    if outcome is None:
        raise RuleViolation(field, str(_l("Assembly item %(id)s has not been decided yet: its session is not counted.", id=item_id)))
    if outcome != "passed":
        reason = _OUTCOMES.get(outcome, outcome)
        raise RuleViolation(field, str(_l("Assembly item %(id)s was not passed: %(reason)s.", id=item_id, reason=reason)))
    certification = s.execute(select(Certification).where(Certification.session_id == session.id)).scalar()
    if certification is None:
        raise RuleViolation(field, str(_l("Assembly item %(id)s is passed but not yet certified by the street office.", id=item_id)))
    if certification.verdict is not Verdict.CERTIFIED:
        raise RuleViolation(field, str(_l("The street office rejected the result of assembly item %(id)s.", id=item_id)))
    if item.revoked_at is not None:
        raise RuleViolation(
            field,
            str(
                _l(
                    "The street office revoked the decision of assembly item %(id)s on %(day)s.",
                    id=item_id,
                    day=item.revoked_at.date().isoformat(),
                )
            ),
        )
    return item
