"""What the election services share: who may run an election, loading one, the sitting committee, owners by unit, roles."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ...accounts.models import RoleAssignment, User
from ...audit.services import record, scope
from ...communities.models import Building, Community, Holding, HoldingState, Person, Unit
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...domain.units import unit_label_parts
from ...security.actor import Actor
from ...security.permissions import can_certify, can_run_sessions, require
from ...security.roles import COMMITTEE_ROLES, Role
from ..models import (
    Committee,
    Election,
    ElectionKind,
    ElectionState,
)

SETUP_MESSAGES = {
    "seats_range": _l("The committee has %(low)d to %(high)d members."),
    "seats_even": _l("The number of members must be odd."),
    "alternates_range": _l("There may be no more alternates than members."),
}

# Formatted with the profile's numbers: ``n`` the minimum, ``share`` the owners' representatives' share ("1/2").
TEMPORARY_MESSAGES = {
    "members_min": _l("A temporary management committee has at least %(n)d members."),
    "members_even": _l("The number of members must be odd."),
    "representatives_share": _l("At least %(share)s of the members must be owners' representatives."),
}


def may_run(actor: Actor, community: Community) -> str:
    """The community's committee runs its elections; the street office may run one itself."""
    if can_run_sessions(actor, community):
        return "committee"
    require(can_certify(actor, community))
    return "office"


def load_election(s: Session, election_id: int, *, lock: bool = False) -> tuple[Election, Community]:
    election = s.get(Election, election_id, with_for_update=lock)
    if election is None:
        raise NotFound(str(_l("No such election.")))
    community = s.get(Community, election.community_id)
    assert community is not None
    return election, community


def current_committee(community_id: int, s: Session | None = None) -> Committee | None:
    s = s or db.session()
    return s.execute(
        select(Committee).where(Committee.community_id == community_id, Committee.ended_at.is_(None)).order_by(Committee.id.desc())
    ).scalar()


def new_election(
    s: Session,
    actor: Actor,
    community: Community,
    *,
    title: str,
    kind: ElectionKind,
    seats: int,
    alternates: int,
    opens: datetime,
    closes: datetime,
    run_by: str,
    now: datetime,
    parent: Election | None = None,
    state: ElectionState = ElectionState.NOMINATING,
) -> Election:
    election = Election(
        public_id=secrets.token_urlsafe(9),
        community_id=community.id,
        kind=kind,
        state=state,
        title=title,
        seats=seats,
        alternates=alternates,
        nominations_open_at=opens,
        nominations_close_at=closes,
        run_by=run_by,
        parent_id=parent.id if parent else None,
        created_by_user_id=actor.user_id,
        created_at=now,
    )
    s.add(election)
    s.flush()
    data = {"kind": kind.value, "seats": seats, "alternates": alternates, "run_by": run_by, "parent": parent.public_id if parent else None}
    record(s, actor, "election.create", "election", election.public_id, **scope(community), now=now, data=data)
    return election


def owner_of(s: Session, community: Community, unit_label: str, field: str = "unit") -> tuple[str, list[Person]]:
    """The unit by its label ("1-101") and the owners holding it; refuses a unit of no owner."""
    building, number = unit_label_parts(unit_label)
    unit = s.execute(
        select(Unit).join(Building).where(Unit.community_id == community.id, Building.name == building, Unit.number == number)
    ).scalar()
    if unit is None:
        raise RuleViolation(field, str(_l('There is no unit "%(unit)s" in this community.', unit=unit_label.strip())))
    owners = list(
        s.execute(
            select(Person)
            .join(Holding, Holding.person_id == Person.id)
            .where(Holding.unit_id == unit.id, Holding.state == HoldingState.DELIVERED, Person.is_developer.is_(False))
        ).scalars()
    )
    return f"{building}-{number}", owners


def grant_role(s: Session, community_id: int, person_id: int) -> None:
    """A seated member with an account gets the committee's rights in the app."""
    user = s.execute(select(User).where(User.person_id == person_id)).scalar()
    if user is None:
        return
    has = s.execute(
        select(RoleAssignment.id).where(
            RoleAssignment.user_id == user.id, RoleAssignment.community_id == community_id, RoleAssignment.role.in_(COMMITTEE_ROLES)
        )
    ).first()
    if has is None:
        s.add(RoleAssignment(user_id=user.id, role=Role.COMMITTEE_MEMBER, community_id=community_id))


def drop_role(s: Session, community_id: int, person_id: int) -> None:
    user = s.execute(select(User).where(User.person_id == person_id)).scalar()
    if user is not None:
        s.execute(
            delete(RoleAssignment).where(
                RoleAssignment.user_id == user.id, RoleAssignment.community_id == community_id, RoleAssignment.role.in_(COMMITTEE_ROLES)
            )
        )
        user.session_version += 1  # rights end now, in every open session
