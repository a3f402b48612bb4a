"""The roles an account can hold; each is scoped to a community, a street office, a district, a city or a
property-service company, or to the whole deployment."""

from __future__ import annotations

import enum


class Role(enum.Enum):
    ADMINISTRATOR = "administrator"
    STREET_OFFICIAL = "street_official"
    COMMITTEE_CHAIR = "committee_chair"
    COMMITTEE_VICE_CHAIR = "committee_vice_chair"
    COMMITTEE_MEMBER = "committee_member"
    PREPARATORY_MEMBER = "preparatory_member"  # 业主大会筹备组: acts for its community while the group exists
    DISTRICT_OFFICIAL = "district_official"  # reads the figures of every office of a district
    CITY_OFFICIAL = "city_official"  # reads the figures of every office of every district of a city
    PROPERTY_STAFF = "property_staff"  # 物业服务企业: acts for its company in the communities it serves under contract

    @property
    def is_committee(self) -> bool:
        return self in COMMITTEE_ROLES


COMMITTEE_ROLES = frozenset({Role.COMMITTEE_CHAIR, Role.COMMITTEE_VICE_CHAIR, Role.COMMITTEE_MEMBER})
AREA_ROLES = frozenset({Role.DISTRICT_OFFICIAL, Role.CITY_OFFICIAL})
