"""Property services' labels: what the pages and the notices call each value, one block per part."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

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
