"""How the meetings' states and choices read to people: the pages, the minutes and the notices share these."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MEETING_STATE_LABELS = {
    "requested": _l("Requested by members, not yet convened"),
    "convened": _l("Convened"),
    "closed": _l("Held"),
}

MOTION_STATE_LABELS = {"open": _l("Vote open"), "passed": _l("Passed"), "failed": _l("Not passed")}

CHOICE_LABELS = {"agree": _l("Agree"), "disagree": _l("Disagree"), "abstain": _l("Abstain")}

CHANNEL_LABELS = {"online": _l("in the app"), "paper": _l("on paper")}

MINUTES_STATE_LABELS = {"draft": _l("Draft, awaiting the attending members' confirmation"), "confirmed": _l("Confirmed")}
