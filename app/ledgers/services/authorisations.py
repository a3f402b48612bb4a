"""Standing authorisations of public-income spending: a category the rules of procedure allow, with its yearly cap.

RULES §11: public income belongs to the owners; spending it needs an assembly decision or an authorisation
in the rules of procedure (a category with a yearly cap), named on every expense. The committee records
the authorisation citing the item that adopted the rules; a new one for the same category replaces it.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...audit.services import record, scope
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...domain.ledger import parse_fen
from ...notices.labels import CATEGORIES
from ...security.actor import Actor
from ...sessions.services.authority import deciding_item
from ..models import PublicIncomeAuthorisation
from .common import books_community
from .entries import spent_under_caps

RULES_MATTER = "cn.rules_of_procedure"
# Income categories and the balance brought forward are never spent.
SPENDING_CATEGORIES = ("repairs", "audit_fees", "staff", "office", "other")


def authorise(
    actor: Actor, *, community_id: int, category: str, cap: str, item: str, note: str = "", now: datetime
) -> PublicIncomeAuthorisation:
    category = category.strip()
    if category not in SPENDING_CATEGORIES:
        raise RuleViolation("category", str(_l("Choose the category of spending the rules of procedure authorise.")))
    try:
        cap_fen = parse_fen(cap)
    except RuleViolation:
        raise RuleViolation(
            "cap", str(_l("%(amount)s is not an amount in yuan greater than zero, with at most two decimals.", amount=cap))
        ) from None
    try:
        item_id = int(str(item).strip().removeprefix("#"))
    except ValueError:
        raise RuleViolation("item", str(_l("Give the number of the assembly item that adopted the rules of procedure."))) from None
    with db.write() as s:
        community = books_community(s, actor, community_id)
        deciding_item(s, community.id, item_id, matters={RULES_MATTER}, field="item")
        for standing in s.execute(
            select(PublicIncomeAuthorisation).where(
                PublicIncomeAuthorisation.community_id == community.id,
                PublicIncomeAuthorisation.category == category,
                PublicIncomeAuthorisation.ended_at.is_(None),
            )
        ).scalars():
            standing.ended_at = now
        found = PublicIncomeAuthorisation(
            community_id=community.id,
            category=category,
            yearly_cap_fen=cap_fen,
            item_id=item_id,
            note=note.strip()[:500],
            created_by_user_id=actor.user_id,
            created_at=now,
        )
        s.add(found)
        s.flush()
        record(
            s,
            actor,
            "ledger.authorise",
            "public_income_authorisation",
            found.id,
            **scope(community),
            now=now,
            data={"category": category, "cap_fen": cap_fen, "item": item_id},
        )
    return found


def end(actor: Actor, authorisation_id: int, *, now: datetime) -> PublicIncomeAuthorisation:
    with db.write() as s:
        found = s.get(PublicIncomeAuthorisation, authorisation_id, with_for_update=True)
        if found is None or found.ended_at is not None:
            raise NotFound(str(_l("No such standing authorisation.")))
        community = books_community(s, actor, found.community_id)
        found.ended_at = now
        record(
            s,
            actor,
            "ledger.authorisation_end",
            "public_income_authorisation",
            found.id,
            **scope(community),
            now=now,
            data={"category": found.category},
        )
    return found


def standing(community_id: int, *, today: date) -> list[tuple[PublicIncomeAuthorisation, int]]:
    """The standing authorisations with what this year's spending of their category under the caps has used."""
    s = db.session()
    found = list(
        s.execute(
            select(PublicIncomeAuthorisation)
            .where(PublicIncomeAuthorisation.community_id == community_id, PublicIncomeAuthorisation.ended_at.is_(None))
            .order_by(PublicIncomeAuthorisation.category)
        ).scalars()
    )
    return [(a, spent_under_caps(s, community_id, a.category, today.year)) for a in found]


def category_label(category: str) -> str:
    return str(CATEGORIES.get(category, category))
