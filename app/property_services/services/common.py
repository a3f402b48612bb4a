"""What every property-service operation needs: the contract in force in a community, the company's staff and the
communities they serve, the profile's clock in the community's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from ...clock import zone
from ...communities.models import Community, District, StreetOffice
from ...domain.rules import get_profile
from ...domain.service_clock import STEPS, ServiceClock, Step
from ...domain.service_standing import Thresholds
from ...security.actor import Actor
from ...security.permissions import PermissionDenied, is_property_staff
from ...security.roles import Role
from ..models import PropertyCompany, ServiceContract


def in_force_on(day: date) -> ColumnElement[bool]:
    """The SQL condition of a contract in force on ``day``."""
    return (
        (ServiceContract.starts_on <= day)
        & (ServiceContract.ends_on >= day)
        & or_(ServiceContract.ended_on.is_(None), ServiceContract.ended_on > day)
    )


def contract_in_force(s: Session, community_id: int, day: date) -> ServiceContract | None:
    """The community's contract on ``day`` (at most one: recording a contract refuses an overlap)."""
    return s.scalars(
        select(ServiceContract)
        .where(ServiceContract.community_id == community_id, in_force_on(day))
        .order_by(ServiceContract.starts_on.desc())
    ).first()


def serving_company(s: Session, community_id: int, day: date) -> PropertyCompany | None:
    contract = contract_in_force(s, community_id, day)
    return contract.company if contract else None


def staff_company_ids(actor: Actor) -> set[int]:
    return {g.company_id for g in actor.grants if g.role is Role.PROPERTY_STAFF and g.company_id is not None}


def staff_community_ids(s: Session, actor: Actor, day: date) -> set[int]:
    """The communities the actor's companies serve on ``day``: all a company's staff may see."""
    companies = staff_company_ids(actor)
    if not companies:
        return set()
    return set(s.scalars(select(ServiceContract.community_id).where(ServiceContract.company_id.in_(companies), in_force_on(day))))


def require_serving(s: Session, actor: Actor, community_id: int, day: date) -> ServiceContract:
    """The contract under which the actor's company serves the community today, or a refusal."""
    contract = contract_in_force(s, community_id, day)
    if contract is None or not is_property_staff(actor, contract.company_id):
        raise PermissionDenied(str(_l("You are not allowed to do this.")))
    return contract


def office_ids_of_city(s: Session, city_id: int) -> list[int]:
    return list(
        s.scalars(select(StreetOffice.id).join(District, StreetOffice.district_id == District.id).where(District.city_id == city_id))
    )


def clock_of(community: Community) -> ServiceClock:
    return get_profile(community.rule_profile).settings.service_clock


def thresholds_of(profile_name: str) -> Thresholds:
    return get_profile(profile_name).settings.service_thresholds


def complaint_kinds(community: Community) -> tuple[str, ...]:
    return get_profile(community.rule_profile).settings.complaint_kinds


def to_local(moment: datetime) -> datetime:
    """A UTC instant as the naive wall-clock time the clock counts in."""
    return moment.astimezone(zone()).replace(tzinfo=None)


def from_local(local: datetime) -> datetime:
    return local.replace(tzinfo=zone()).astimezone(UTC)


def deadlines(community: Community, filed: datetime) -> dict[Step, datetime]:
    """Each step's deadline (UTC) for a request filed at ``filed`` (UTC), on the community's profile's clock."""
    clock = clock_of(community)
    local = to_local(filed)
    return {step: from_local(clock.due(local, step)) for step in STEPS}
