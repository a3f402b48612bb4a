"""How the preparatory group's codes read to people: the pages, the member-list notice and the messages share these."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "owner": _l("Owners' representative"),
    "developer": _l("Developer's representative"),
    "office": _l("Street office's representative"),
    "residents_committee": _l("Residents' committee's representative"),
}

# The composition rule (RULES §10), formatted with the profile's share: ``share`` ("1/2").
PROBLEM_MESSAGES = {
    "members_none": _l("Name the members of the preparatory group."),
    "members_even": _l("The preparatory group has an odd number of members."),
    "owners_share": _l("At least %(share)s of the preparatory group's members must be owners' representatives."),
    "developer_without_units": _l("The developer has a representative only while it still holds undelivered or unsold units."),
    "leader_count": _l("Mark exactly one member as the group's leader."),
    "leader_not_office": _l("The group is led by the street office's representative."),
}
