"""Named permission predicates (one place for who may do what).

Services call ``require(...)`` before they change anything; routes and
templates may call the same predicates to decide what to show, but the
service check is the one that holds.
"""

from __future__ import annotations

from typing import Protocol

from flask_babel import lazy_gettext as _l

from ..accounts.models import COMMITTEE_ROLES, Role
from ..domain.errors import DomainError


class PermissionDenied(DomainError):
    """The actor's role or scope does not allow the action."""


class Principal(Protocol):
    """What permissions look at: the user's role assignments."""

    @property
    def roles(self) -> list: ...  # type: ignore[type-arg]


def _has(user: Principal | None, role: Role, *, community_id: int | None = None, street_office_id: int | None = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    for assignment in user.roles:
        if assignment.role is not role:
            continue
        if community_id is not None and assignment.community_id != community_id:
            continue
        if street_office_id is not None and assignment.street_office_id != street_office_id:
            continue
        return True
    return False


def is_administrator(user: Principal | None) -> bool:
    return _has(user, Role.ADMINISTRATOR)


def is_committee_member(user: Principal | None, community_id: int) -> bool:
    return any(_has(user, role, community_id=community_id) for role in COMMITTEE_ROLES)


def is_street_official(user: Principal | None, street_office_id: int) -> bool:
    return _has(user, Role.STREET_OFFICIAL, street_office_id=street_office_id)


def can_manage_deployment(user: Principal | None) -> bool:
    """Create street offices and communities, manage users."""
    return is_administrator(user)


def can_manage_register(user: Principal | None, community_id: int) -> bool:
    """Import the owner register and edit buildings: the deployment's administrators."""
    return is_administrator(user)


def can_view_register(user: Principal | None, community_id: int, street_office_id: int) -> bool:
    """Owners' contact data: administrators, the community's committee, its street office."""
    return is_administrator(user) or is_committee_member(user, community_id) or is_street_official(user, street_office_id)


def can_run_sessions(user: Principal | None, community_id: int) -> bool:
    """Draft, announce, re-issue letters, record proxies: the community's committee."""
    return is_committee_member(user, community_id)


def can_publish_notices(user: Principal | None, community_id: int) -> bool:
    """Draft, publish, confirm and correct the community's notices: its committee."""
    return is_committee_member(user, community_id)


def can_certify(user: Principal | None, street_office_id: int) -> bool:
    """Certify or reject a community's result: the officials of its street office."""
    return is_street_official(user, street_office_id)


def can_oversee(user: Principal | None, street_office_id: int) -> bool:
    """The street office's dashboard and review queue: its officials, and the deployment's administrators."""
    return is_street_official(user, street_office_id) or is_administrator(user)


def can_view_sessions(user: Principal | None, community_id: int, street_office_id: int) -> bool:
    return is_committee_member(user, community_id) or is_street_official(user, street_office_id) or is_administrator(user)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(str(_l("You are not allowed to do this.")))
