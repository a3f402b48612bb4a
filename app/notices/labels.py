"""How notices and the ledgers' statements read to people: the pages, the forms and the notice texts share these."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "announcement": _l("Session announcement"),
    "decision": _l("Decision"),
    "result": _l("Voting result"),
    "election_slate": _l("Candidates"),
    "statement": _l("Accounts statement"),
    "order": _l("Street office order"),
    "general": _l("General notice"),
}
CATEGORIES = {
    "opening": _l("Balance brought forward"),
    "parking": _l("Parking"),
    "advertising": _l("Advertising"),
    "elevator_ads": _l("Elevator advertising"),
    "venue_rental": _l("Venue rental"),
    "deposits": _l("Fund deposits"),
    "interest": _l("Interest"),
    "repairs": _l("Repairs"),
    "audit_fees": _l("Audit fees"),
    "staff": _l("Staff"),
    "office": _l("Office costs"),
    "other": _l("Other"),
}
LEDGER_LABELS = {"public_income": _l("Public income"), "maintenance_fund": _l("Maintenance fund")}
DIRECTION_LABELS = {"income": _l("Income"), "expense": _l("Expense")}


def file_size(size: int) -> str:
    """A file's size as people say it: bytes under a kilobyte, then KB or MB, with one decimal below ten."""
    if size < 1024:
        return _("%(num)d B", num=size)
    value, unit = (size / 1024, "KB") if size < 1024 * 1024 else (size / (1024 * 1024), "MB")
    shown = f"{value:.1f}".removesuffix(".0") if value < 10 else str(round(value))
    return f"{shown} {unit}"
