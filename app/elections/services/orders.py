"""The effects of the street office's orders on a committee, made inside the order's transaction."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...clock import start_of_day
from ...communities.models import Community, Person
from ...domain import committee as rules
from ...domain.errors import RuleViolation
from ...domain.rules import get_profile
from ...orders.models import Order, OrderKind, OrderStatus
from ...security.actor import Actor
from ..models import (
    Committee,
    CommitteeKind,
    ElectionKind,
    MemberRole,
    Membership,
)
from .common import (
    current_committee,
    drop_role,
    grant_role,
    new_election,
)
from .conduct import standing_finding


def suspend_member(s: Session, community: Community, name: str, *, now: datetime) -> int:
    """Suspend a seated member by name: the rights end at once (the role is withdrawn, sessions logged out)."""
    committee = current_committee(community.id, s)
    found = None
    if committee is not None:
        found = s.execute(
            select(Membership)
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.committee_id == committee.id, Membership.ended_at.is_(None), Person.name == name.strip())
        ).scalar()
    if found is None:
        raise RuleViolation("member", str(_l("Name a current member of this community's committee.")))
    if found.suspended_at is not None:
        raise RuleViolation("member", str(_l("This member is already suspended.")))
    found.suspended_at = now
    drop_role(s, community.id, found.person_id)
    return found.id


def suspend_membership(s: Session, membership_id: int, *, now: datetime) -> Membership:
    """Suspend a seated member by their place (a negative-list finding): the rights end at once; already suspended stays so."""
    membership = s.get(Membership, membership_id, with_for_update=True)
    if membership is None or not membership.holds_seat:
        raise RuleViolation("member", str(_l("Name a current member of this community's committee.")))
    if membership.suspended_at is None:
        membership.suspended_at = now
    committee = s.get(Committee, membership.committee_id)
    assert committee is not None
    drop_role(s, committee.community_id, membership.person_id)
    return membership


def lift_suspension(s: Session, membership_id: int) -> bool:
    """Give a suspended member the rights back, unless something still suspends them; returns whether it did.

    A standing negative-list finding, or another open suspension order naming the place, keeps the suspension.
    """
    membership = s.get(Membership, membership_id)
    if membership is None or membership.ended_at is not None or membership.suspended_at is None:
        return False
    if standing_finding(s, membership.id) is not None:
        return False
    still_ordered = s.execute(
        select(Order.id).where(Order.membership_id == membership.id, Order.kind == OrderKind.SUSPEND, Order.status == OrderStatus.OPEN)
    ).first()
    if still_ordered is not None:
        return False
    membership.suspended_at = None
    committee = s.get(Committee, membership.committee_id)
    if committee is not None and membership.role is not MemberRole.ALTERNATE:
        grant_role(s, committee.community_id, membership.person_id)
    return True


def order_reelection(s: Session, actor: Actor, community: Community, subject: str, due_on: date, *, now: datetime) -> tuple[int, int]:
    """Mark the committee and open the election the street office runs itself; nominations close at the deadline."""
    committee = current_committee(community.id, s)
    if committee is None or committee.kind is not CommitteeKind.OWNERS:
        raise RuleViolation("kind", str(_l("This community has no owners' committee to re-elect.")))
    committee.reelection_ordered_at = now
    settings = get_profile(community.rule_profile).settings
    seats = committee.seats
    if rules.setup_problems(settings, seats, 0):
        seats = settings.committee_min
    with force_locale("zh_CN"):
        title = str(_l("Re-election of the committee (ordered by the street office)"))
    election = new_election(
        s,
        actor,
        community,
        title=title,
        kind=ElectionKind.REGULAR,
        seats=seats,
        alternates=0,
        opens=now,
        closes=start_of_day(due_on),
        run_by="office",
        now=now,
    )
    return committee.id, election.id
