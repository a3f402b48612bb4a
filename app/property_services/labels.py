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
