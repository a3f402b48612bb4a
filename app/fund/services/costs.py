"""An emergency's costs booked in the fund (RULES §11): only on an application the street office confirmed,
never beyond its confirmed estimate, shared among the units of its scope by area."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from ...audit.services import record, scope
from ...clock import today_in_china
from ...communities.models import Community
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...domain.ledger import LedgerKind, format_fen, parse_fen
from ...ledgers import services as ledgers
from ...ledgers.models import EntryDirection, LedgerEntry
from ...security.actor import Actor
from ...security.permissions import can_manage_fund, require
from ..models.emergencies import EmergencyApplication
from .accounts import apportion_cost
from .emergencies import booked_fen, confirmed_application


def book_emergency_cost(
    actor: Actor, application_id: int, *, day: str | date, amount: str, voucher: str = "", note: str = "", now: datetime
) -> LedgerEntry:
    with db.write() as s:
        found = s.get(EmergencyApplication, application_id, with_for_update=True)
        if found is None:
            raise NotFound(str(_l("There is no such emergency application in this community.")))
        community = s.get(Community, found.community_id)
        assert community is not None
        require(can_manage_fund(actor, community))
        application = confirmed_application(s, community, application_id)
        try:
            fen = parse_fen(amount)
        except RuleViolation:
            raise RuleViolation(
                "amount", str(_l("%(amount)s is not an amount in yuan greater than zero, with at most two decimals.", amount=amount))
            ) from None
        if isinstance(day, str):
            try:
                day = date.fromisoformat(day.strip()) if day.strip() else today_in_china(now)
            except ValueError:
                raise RuleViolation("date", str(_l("Write the date as YYYY-MM-DD."))) from None
        left = application.estimate_fen - booked_fen(s, application.id)
        if fen > left:
            raise RuleViolation(
                "amount",
                str(
                    _l(
                        "%(amount)s yuan is more than the confirmed estimate leaves: %(left)s yuan of %(estimate)s yuan;"
                        " a larger cost needs a new application or an assembly decision.",
                        amount=format_fen(fen),
                        left=format_fen(max(left, 0)),
                        estimate=format_fen(application.estimate_fen),
                    )
                ),
            )
        entry = ledgers.book(
            s,
            actor,
            community,
            LedgerKind.MAINTENANCE_FUND,
            day=day,
            direction=EntryDirection.EXPENSE,
            fen=fen,
            category="repairs",
            counterparty=application.contractor,
            voucher=voucher[:100],
            note=(note.strip() or application.works)[:500],
            emergency_id=application.id,
            now=now,
        )
        apportion_cost(s, community, entry, application.scope)
        application.changed_at = now
        record(
            s,
            actor,
            "emergency.cost",
            "emergency",
            application.public_id,
            **scope(community),
            now=now,
            data={"entry": entry.id, "fen": fen, "left_fen": left - fen},
        )
    return entry
