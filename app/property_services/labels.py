"""Labels of property services' values, for the pages; each part keeps its labels in a block of its own."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# --- The registry, the contracts and the service's facts ------------------------------------------------------------

# communities.models.UnitKind values, as a contract's fee standards name them.
UNIT_KIND_LABELS = {
    "residential": _l("Residential"),
    "commercial": _l("Commercial"),
    "parking": _l("Parking spaces"),
    "storage": _l("Storage"),
    "other": _l("Other units"),
}

# The contractors a company names on the board (ServiceFacts.contractors[].kind).
CONTRACTOR_KIND_LABELS = {
    "elevator": _l("Elevator maintenance"),
    "fire": _l("Fire-safety maintenance"),
    "cleaning": _l("Cleaning"),
    "security": _l("Security"),
    "greenery": _l("Greenery"),
    "other": _l("Other contractor"),
}

FACTS_STATE_LABELS = {
    "submitted": _l("Awaiting the committee's confirmation"),
    "confirmed": _l("Confirmed, on the board"),
    "returned": _l("Returned by the committee"),
}

# ---------------------------------------------------------------- requests: owners' complaints and repair requests

# The codes are the profile's ``complaint_kinds``; a profile naming a code not here shows the code itself.
REQUEST_KINDS = {
    "leak": _l("Leak or seepage"),
    "plumbing": _l("Water supply and drains"),
    "electrical": _l("Electrical and lighting"),
    "elevator": _l("Elevator"),
    "fire_safety": _l("Fire safety"),
    "cleaning": _l("Cleaning and rubbish"),
    "greenery": _l("Greenery"),
    "security": _l("Security and gates"),
    "parking": _l("Parking and vehicles"),
    "noise": _l("Noise"),
    "fees": _l("Fees and charges"),
    "other": _l("Other"),
}

REQUEST_CATEGORIES = {"complaint": _l("Complaint"), "repair": _l("Repair request")}

REQUEST_STATES = {
    "filed": _l("Filed, awaiting the company"),
    "acknowledged": _l("Acknowledged"),
    "on_site": _l("Staff on site"),
    "resolved": _l("Resolved, awaiting the owner's rating"),
    "closed": _l("Closed"),
}

# The clock's steps (``domain.service_clock.Step`` values).
REQUEST_STEPS = {"acknowledge": _l("Acknowledge"), "on_site": _l("On site"), "resolve": _l("Resolve")}

# A step as the ledger reads it (``services.requests.StepTime.status``).
STEP_STATUSES = {
    "on_time": _l("on time"),
    "late": _l("late"),
    "overdue": _l("overdue"),
    "pending": _l("not yet due"),
}

REQUEST_EVENTS = {
    "filed": _l("Filed"),
    "acknowledged": _l("Acknowledged"),
    "on_site": _l("Staff on site"),
    "resolved": _l("Resolved"),
    "rated": _l("Rated by the owner"),
    "follow_up": _l("Follow-up visit"),
    "escalated": _l("Escalated to the committee and the street office"),
    "upheld": _l("Upheld by the street office"),
    "not_upheld": _l("Not upheld by the street office"),
}

RATINGS = {
    1: _l("1 — very dissatisfied"),
    2: _l("2 — dissatisfied"),
    3: _l("3 — neither"),
    4: _l("4 — satisfied"),
    5: _l("5 — very satisfied"),
}


def _label(table: dict[str, object], code: str) -> str:
    label = table.get(code)
    return code if label is None else str(label)


def request_kind_label(code: str) -> str:
    return _label(REQUEST_KINDS, code)


def request_category_label(code: str) -> str:
    return _label(REQUEST_CATEGORIES, code)


def request_state_label(code: str) -> str:
    return _label(REQUEST_STATES, code)


def request_step_label(code: str) -> str:
    return _label(REQUEST_STEPS, code)


def step_status_label(code: str) -> str:
    return _label(STEP_STATUSES, code)


def request_event_label(code: str) -> str:
    return _label(REQUEST_EVENTS, code)


# The satisfaction survey, the office's findings and the monthly red and black lists ------------------------------

# The survey's options, in order; the first ``SATISFIED_OPTIONS`` count as satisfied.
SATISFACTION_OPTIONS = (_l("Satisfied"), _l("Fairly satisfied"), _l("Dissatisfied"))
SATISFIED_OPTIONS = 2

STANDING_LABELS = {"red": _l("Red list"), "none": _l("Neither list"), "black": _l("Black list")}

# ``domain.service_standing.standing``'s reason codes.
REASON_LABELS = {
    "finding": _l("a finding of the street office"),
    "late": _l("steps late on the clock"),
    "complaints": _l("too many complaints per 100 units"),
    "on_time": _l("steps on time"),
    "satisfied": _l("owners satisfied"),
}

LIST_STATE_LABELS = {"proposed": _l("Proposed, awaiting the street office"), "confirmed": _l("Confirmed and published")}
