"""The roles an account can hold; each is scoped to a community or a street office, or to the whole deployment."""

from __future__ import annotations

import enum


class Role(enum.Enum):
    ADMINISTRATOR = "administrator"
    STREET_OFFICIAL = "street_official"
    COMMITTEE_CHAIR = "committee_chair"
    COMMITTEE_VICE_CHAIR = "committee_vice_chair"
    COMMITTEE_MEMBER = "committee_member"
    PREPARATORY_MEMBER = "preparatory_member"  # 业主大会筹备组: acts for its community while the group exists

    @property
    def is_committee(self) -> bool:
        return self in COMMITTEE_ROLES


COMMITTEE_ROLES = frozenset({Role.COMMITTEE_CHAIR, Role.COMMITTEE_VICE_CHAIR, Role.COMMITTEE_MEMBER})
