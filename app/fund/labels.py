"""How the fund reads to people: the kinds of emergency and the states of an application, for pages and notices."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The codes are the profile's ``emergency_kinds``; a profile naming a code not here shows the code itself.
EMERGENCY_KINDS = {
    "roof_leak": _l("Leaks from damaged roof waterproofing"),
    "elevator_failure": _l("Elevator failure"),
    "water_supply_drainage": _l("Failure of a high-rise's water supply or drainage"),
    "external_wall": _l("External wall at risk of falling"),
    "fire_equipment": _l("Fire equipment out of order"),
    "other_danger": _l("Other danger to the building's safety"),
}

EMERGENCY_STATES = {
    "applied": _l("Awaiting the street office"),
    "confirmed": _l("Confirmed by the street office"),
    "refused": _l("Refused by the street office"),
    "completed": _l("Works done, publication due"),
    "published": _l("Works and costs published"),
}


def emergency_kind_label(code: str) -> str:
    label = EMERGENCY_KINDS.get(code)
    return code if label is None else str(label)


def emergency_state_label(code: str) -> str:
    label = EMERGENCY_STATES.get(code)
    return code if label is None else str(label)
