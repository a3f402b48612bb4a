"""How objections read to people: their kinds, steps and outcomes, for the letter, the committee's and the office's pages."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from ..domain.lifecycle import SessionState
from ..domain.objections import ObjectionKind, can_file

OBJECTION_KINDS = {
    "not_mine": _l("The ballot on record for my units is not mine"),
    "unit_missing": _l("A unit of mine is missing from my entry on the roll"),
    "unit_wrong": _l("A unit on the roll is wrongly there (not mine, or not an owner's)"),
    "weight_wrong": _l("My area or headcount on the roll is wrong"),
    "count_wrong": _l("The count does not follow from the ballots"),
}

OBJECTION_STATUSES = {
    "filed": _l("Filed: waiting for the answer of those running the session"),
    "answered": _l("Answered: the street office decides"),
    "upheld": _l("Upheld by the street office"),
    "dismissed": _l("Dismissed by the street office"),
    "settled": _l("Upheld, and carried out"),
}

OUTCOME_LABELS = {
    "reissue": _l("The ballot no longer counts; the owner votes again online within a short window (the letter that cast it is replaced)"),
    "paper": _l("The ballot no longer counts; two committee members enter the owner's paper ballot within a short window"),
    "rejected": _l("The result is rejected, and the owners are convened again by order"),
}

# The steps from the count to the final result (``services.timeline``), for the result page and the API.
TIMELINE_STEPS = {
    "closed": _l("Voting closed"),
    "preliminary": _l("Preliminary result published"),
    "objections_until": _l("Objections until"),
    "decided": _l("Objections decided"),
    "rejected": _l("Rejected by the street office"),
    "certified": _l("Certified by the street office: the result is final"),
}


def objection_kinds(state: SessionState, has_ballot: bool, until: datetime | None, now: datetime) -> list[str]:
    """The kinds an owner may object on now: "not mine" while voting is open, every kind during the period."""
    if state is SessionState.OPEN:
        return [ObjectionKind.NOT_MINE.value] if has_ballot else []
    if state is SessionState.TALLIED and can_file(now, until):
        return [k.value for k in ObjectionKind if has_ballot or k is not ObjectionKind.NOT_MINE]
    return []
