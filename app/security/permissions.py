"""Named permission predicates over an actor's grants (one place for who may do what).

Services call ``require(...)`` before they change anything; routes and
templates may call the same predicates to decide what to show, but the
service check is the one that holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from flask_babel import lazy_gettext as _l

from ..domain.errors import DomainError
from .actor import Actor
from .roles import COMMITTEE_ROLES, Role


class PermissionDenied(DomainError):
    """The actor's role or scope does not allow the action."""


class Scoped(Protocol):
    """A community as the predicates see it: its id and its street office's."""

    @property
    def id(self) -> int: ...
    @property
    def street_office_id(self) -> int: ...


def _has(
    actor: Actor,
    role: Role,
    *,
    community_id: int | None = None,
    street_office_id: int | None = None,
    district_id: int | None = None,
    city_id: int | None = None,
    company_id: int | None = None,
) -> bool:
    return any(
        g.role is role
        and (community_id is None or g.community_id == community_id)
        and (street_office_id is None or g.street_office_id == street_office_id)
        and (district_id is None or g.district_id == district_id)
        and (city_id is None or g.city_id == city_id)
        and (company_id is None or g.company_id == company_id)
        for g in actor.grants
    )


def is_administrator(actor: Actor) -> bool:
    return _has(actor, Role.ADMINISTRATOR)


def is_committee_member(actor: Actor, community_id: int) -> bool:
    return any(_has(actor, role, community_id=community_id) for role in COMMITTEE_ROLES)


def is_preparatory_member(actor: Actor, community_id: int) -> bool:
    """A member of the community's preparatory group (业主大会筹备组): the role lasts as long as the group."""
    return _has(actor, Role.PREPARATORY_MEMBER, community_id=community_id)


def is_street_official(actor: Actor, street_office_id: int) -> bool:
    return _has(actor, Role.STREET_OFFICIAL, street_office_id=street_office_id)


def can_manage_deployment(actor: Actor) -> bool:
    """Create street offices and communities, manage users."""
    return is_administrator(actor)


def can_manage_register(actor: Actor, community: Scoped) -> bool:
    """Import the owner register and edit buildings: the deployment's administrators."""
    return is_administrator(actor)


def can_view_register(actor: Actor, community: Scoped) -> bool:
    """Owners' contact data: administrators, the community's committee or preparatory group, its street office."""
    return (
        is_administrator(actor)
        or is_committee_member(actor, community.id)
        or is_preparatory_member(actor, community.id)
        or is_street_official(actor, community.street_office_id)
    )


def can_run_sessions(actor: Actor, community: Scoped) -> bool:
    """Draft, announce, re-issue letters, record proxies: the community's committee, or its preparatory group."""
    return is_committee_member(actor, community.id) or is_preparatory_member(actor, community.id)


# Who convened a session (``AssemblySession.convened_by``): the committee, the preparatory group (the first
# assembly), or the street office itself (RULES §10).
CONVENED_BY_COMMITTEE, CONVENED_BY_GROUP, CONVENED_BY_OFFICE = "committee", "group", "office"


def convener_of(actor: Actor, community: Scoped) -> str:
    """Who a new session of ``community`` drafted by ``actor`` is convened by: the group where the actor is one of it."""
    if is_preparatory_member(actor, community.id) and not is_committee_member(actor, community.id):
        return CONVENED_BY_GROUP
    return CONVENED_BY_COMMITTEE


def can_run_session(actor: Actor, community: Scoped, convened_by: str) -> bool:
    """Act on one session (items, announce, letters, proxies, paper ballots): whoever convened it.

    A session the committee convened is the committee's; one the street office
    convened after its order went unheeded (RULES §10) is run by the office's
    officials, and the committee keeps only read access to it. The preparatory
    group's first assembly is the group's alone.
    """
    if convened_by == CONVENED_BY_OFFICE:
        return is_street_official(actor, community.street_office_id)
    if convened_by == CONVENED_BY_GROUP:
        return is_preparatory_member(actor, community.id)
    return can_run_sessions(actor, community)


def can_publish_notices(actor: Actor, community: Scoped) -> bool:
    """Draft, publish, confirm and correct the community's notices, keep its ledgers: its committee or preparatory group."""
    return is_committee_member(actor, community.id) or is_preparatory_member(actor, community.id)


def can_consult_owners(actor: Actor, community: Scoped) -> bool:
    """Draft, open and close the community's consultations (意见征询) and read their summaries before the close:
    its committee (or temporary committee), or its preparatory group while there is no committee."""
    return can_publish_notices(actor, community)


def can_manage_fund(actor: Actor, community: Scoped) -> bool:
    """Open fund projects, book their invoices, apply for emergency use, import unit deposits: the committee (or temporary committee)."""
    return is_committee_member(actor, community.id)


def can_hold_meetings(actor: Actor, community: Scoped) -> bool:
    """Convene or ask for the committee's meetings, take the roll, vote on motions, enter and confirm paper votes, close
    votes, draft and sign minutes, draft decision notices: the members of the community's committee (the service then
    finds their seat: a suspended seat keeps its place but cannot act)."""
    return is_committee_member(actor, community.id)


def can_view_meetings(actor: Actor, community: Scoped) -> bool:
    """Read the committee's meetings, votes and draft minutes: its members, its street office's officials, the administrators."""
    return is_committee_member(actor, community.id) or is_street_official(actor, community.street_office_id) or is_administrator(actor)


def can_certify(actor: Actor, community: Scoped) -> bool:
    """Certify or reject a community's result, vet its candidates, order it: the officials of its street office."""
    return is_street_official(actor, community.street_office_id)


def can_judge_conduct(actor: Actor, community: Scoped) -> bool:
    """Record a negative-list finding against a member of a community's committee and decide how it ends, and carry out
    and publish the outgoing committee's term-end audit: the officials of the community's street office."""
    return is_street_official(actor, community.street_office_id)


def can_confirm_emergency(actor: Actor, community: Scoped) -> bool:
    """Confirm or refuse an emergency use of the maintenance fund (RULES §11): the officials of its street office."""
    return is_street_official(actor, community.street_office_id)


def can_view_sessions(actor: Actor, community: Scoped) -> bool:
    return can_run_sessions(actor, community) or is_street_official(actor, community.street_office_id) or is_administrator(actor)


def can_run_elections(actor: Actor, community: Scoped) -> bool:
    """The community's committee runs its elections; the street office may run one itself."""
    return can_run_sessions(actor, community) or can_certify(actor, community)


def can_oversee(actor: Actor, street_office_id: int, *, district_id: int | None = None, city_id: int | None = None) -> bool:
    """The street office's dashboard and review queue: its officials, and the deployment's administrators; given the
    office's district and city, their officials too, who only read (every write asks a narrower predicate)."""
    return (
        is_street_official(actor, street_office_id)
        or is_administrator(actor)
        or can_view_area(actor, district_id=district_id, city_id=city_id)
    )


def can_view_area(actor: Actor, *, street_office_id: int | None = None, district_id: int | None = None, city_id: int | None = None) -> bool:
    """Read the figures of an area: an office (its id, its district's, its city's), a district (its id and its city's)
    or a city. The office's officials, the district's, the city's, and the administrators; they only read."""
    return (
        is_administrator(actor)
        or (street_office_id is not None and is_street_official(actor, street_office_id))
        or (district_id is not None and _has(actor, Role.DISTRICT_OFFICIAL, district_id=district_id))
        or (city_id is not None and _has(actor, Role.CITY_OFFICIAL, city_id=city_id))
    )


def can_issue_orders(actor: Actor, street_office_id: int) -> bool:
    """Issue and close the office's orders: its officials."""
    return is_street_official(actor, street_office_id)


def is_property_staff(actor: Actor, company_id: int) -> bool:
    """The company's own staff; what they may do in a community also needs the company to serve it under a contract
    in force (``property_services.services.common.require_serving``)."""
    return _has(actor, Role.PROPERTY_STAFF, company_id=company_id)


def can_keep_company_registry(actor: Actor, office_ids: Iterable[int]) -> bool:
    """Record and edit a city's property-service companies: the administrators and the officials of any street office
    of that city (``office_ids``)."""
    return is_administrator(actor) or any(is_street_official(actor, o) for o in office_ids)


def can_record_contracts(actor: Actor, community: Scoped) -> bool:
    """Record a community's property-service contract: its street office and the administrators."""
    return is_administrator(actor) or is_street_official(actor, community.street_office_id)


def can_confirm_service_facts(actor: Actor, community: Scoped) -> bool:
    """Confirm the company's update of the service's facts for the board: the community's committee."""
    return is_committee_member(actor, community.id)


def can_watch_service(actor: Actor, community: Scoped) -> bool:
    """Read the community's requests (with the owners' units), its escalations and its ledger: the committee or the
    preparatory group, the street office and the administrators."""
    return (
        is_administrator(actor)
        or is_committee_member(actor, community.id)
        or is_preparatory_member(actor, community.id)
        or is_street_official(actor, community.street_office_id)
    )


def can_judge_service(actor: Actor, community: Scoped) -> bool:
    """Uphold a complaint, record a finding against the company: the community's street office."""
    return is_street_official(actor, community.street_office_id)


def can_confirm_lists(actor: Actor, office_ids: Iterable[int]) -> bool:
    """Confirm a month's red and black lists of a city's companies: an official of any street office of the city."""
    return any(is_street_official(actor, o) for o in office_ids)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(str(_l("You are not allowed to do this.")))
