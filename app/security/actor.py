"""Who acts: one ``Actor`` for every service call, carrying the grants that decide what it may do.

A logged-in official's actor carries the grants of their role assignments (or,
through an API token, those its scopes allow); an operator at the command line
is an actor whose grants the command names; owners with a voting letter, the
clock and the system act with no grant at all. Services authorize against the
grants and nothing else, so no path runs without a check.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .roles import COMMITTEE_ROLES, Role


@dataclass(frozen=True)
class Grant:
    """One role in one scope: a community (committee roles), a street office (officials), a district or a city
    (their officials, who read), a property-service company (its staff), or the deployment."""

    role: Role
    community_id: int | None = None
    street_office_id: int | None = None
    district_id: int | None = None
    city_id: int | None = None
    company_id: int | None = None  # a property-service company's staff

    @classmethod
    def administrator(cls) -> Grant:
        return cls(Role.ADMINISTRATOR)

    @classmethod
    def committee(cls, community_id: int, role: Role = Role.COMMITTEE_MEMBER) -> Grant:
        assert role in COMMITTEE_ROLES
        return cls(role, community_id=community_id)

    @classmethod
    def preparatory(cls, community_id: int) -> Grant:
        return cls(Role.PREPARATORY_MEMBER, community_id=community_id)

    @classmethod
    def office(cls, street_office_id: int) -> Grant:
        return cls(Role.STREET_OFFICIAL, street_office_id=street_office_id)

    @classmethod
    def district(cls, district_id: int) -> Grant:
        return cls(Role.DISTRICT_OFFICIAL, district_id=district_id)

    @classmethod
    def city(cls, city_id: int) -> Grant:
        return cls(Role.CITY_OFFICIAL, city_id=city_id)

    @classmethod
    def staff(cls, company_id: int) -> Grant:
        return cls(Role.PROPERTY_STAFF, company_id=company_id)


class ActorKind(enum.Enum):
    USER = "user"  # an official signed in with password and authenticator, or their API token
    OPERATOR = "operator"  # someone at the server's command line
    OWNER = "owner"  # a holder with their voting letter
    PROXY = "proxy"  # a recorded proxy with their letter
    ANONYMOUS = "anonymous"
    CLOCK = "clock"  # the voting window opening and closing
    SYSTEM = "system"  # a consequence the rules draw (a petition reaching its threshold)


@dataclass(frozen=True)
class Actor:
    """Who acted, for the audit log, and the grants that say what they may do."""

    label: str
    kind: ActorKind
    grants: frozenset[Grant] = field(default=frozenset())
    user_id: int | None = None
    # The register's person an official also is (a seated member votes for the chair with it).
    person_id: int | None = None

    @property
    def is_user(self) -> bool:
        return self.kind is ActorKind.USER


ANONYMOUS = Actor("anonymous", ActorKind.ANONYMOUS)
OWNER = Actor("owner", ActorKind.OWNER)
PROXY = Actor("proxy", ActorKind.PROXY)
CLOCK = Actor("clock", ActorKind.CLOCK)
SYSTEM = Actor("system", ActorKind.SYSTEM)


def actor_for(user: Any, *, roles: Iterable[Role] | None = None) -> Actor:
    """The actor of a signed-in user: their role assignments as grants (only ``roles`` when given, for a token's scopes)."""
    grants = frozenset(
        Grant(a.role, a.community_id, a.street_office_id, a.district_id, a.city_id, a.company_id)
        for a in user.roles
        if roles is None or a.role in set(roles)
    )
    return Actor(user.username, ActorKind.USER, grants, user_id=user.id, person_id=user.person_id)


def operator(label: str, *grants: Grant) -> Actor:
    """Someone at the command line, with the grants the command names."""
    return Actor(label, ActorKind.OPERATOR, frozenset(grants))
