"""How the session's kinds read to people: the forms, the pages and the notice texts share these."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# A session's state as owners and officials read it (pages, the demo's summary).
STATE_LABELS = {
    "draft": _l("Draft"),
    "announced": _l("Announced: voting has not opened yet"),
    "open": _l("Voting is open"),
    "closed": _l("Voting has closed"),
    "tallied": _l("Counted, awaiting certification"),
    "certified": _l("Certified by the street office"),
    "rejected": _l("Rejected by the street office"),
    "revoked": _l("Revoked by order of the street office"),
}

FORM_LABELS = {"written": _l("Written consultation"), "meeting": _l("Meeting")}

MATTER_LABELS = {
    "cn.rules_of_procedure": _l("Rules of procedure of the owners' assembly"),
    "cn.covenant": _l("Management covenant"),
    "cn.elect_committee": _l("Electing or replacing committee members"),
    "cn.hire_manager": _l("Hiring or dismissing the property manager"),
    "cn.use_fund": _l("Using the maintenance fund"),
    "cn.raise_fund": _l("Raising the maintenance fund (special matter)"),
    "cn.rebuild": _l("Rebuilding or reconstructing buildings (special matter)"),
    "cn.common_use": _l("Changing the use of common parts or running business on them (special matter)"),
    "cn.other": _l("Other major matters"),
}

# How a ballot was cast, as a message names it: "these units already have a ballot (cast online)".
CHANNEL_LABELS = {"online": _l("cast online"), "paper": _l("on paper"), "proxy": _l("cast by a proxy")}
