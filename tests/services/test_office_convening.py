"""The street office convenes and runs the session itself once the committee ignores its order past the deadline (RULES §10)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import create_user
from app.audit.models import AuditEvent
from app.clock import today_in_china
from app.communities import services as register
from app.db import db, utcnow
from app.domain.errors import RuleViolation
from app.domain.lifecycle import SessionState
from app.elections import services as elections
from app.elections.models import Candidate, ElectionState
from app.elections.services import slates
from app.orders.models import Order, OrderKind, OrderStatus
from app.oversight import services as oversight
from app.security.actor import actor_for
from app.security.permissions import PermissionDenied, can_run_session
from app.security.roles import Role
from app.sessions import services as sessions
from app.sessions.models import AssemblySession
from tests.factories import CLI, PASSWORD, World, make_world, register_csv

T0 = utcnow() - timedelta(days=60)


def ordered(world: World, kind: OrderKind = OrderKind.CONVENE) -> Order:
    """Seven owners of 80.00 m²; the office orders the committee to convene within five days (issued 60 days ago)."""
    register.import_register_file(
        CLI, world.community.id, "r.csv", register_csv(*[f"2,{n},80.00,,,,业主{n},{n:04d},," for n in range(1, 8)])
    )
    return oversight.issue_order(
        actor_for(world.official),
        community_id=world.community.id,
        kind=kind,
        subject="召开临时会议",
        body="业主联名提议，限期召开。",
        due_on=today_in_china(T0) + timedelta(days=5),
        now=T0,
    )


def convene(world: World, user: User, order: Order, now: datetime) -> AssemblySession:
    return oversight.convene(
        actor_for(user), order.id, title="临时业主大会", opens_at=now + timedelta(days=16), closes_at=now + timedelta(days=25), now=now
    )


def official(world: World, username: str, office_id: int | None = None) -> User:
    return create_user(
        CLI,
        username=username,
        display_name=username,
        password=PASSWORD,
        role=Role.STREET_OFFICIAL,
        street_office_id=office_id or world.office.id,
    )


def test_the_office_may_convene_only_after_the_deadline_and_only_its_own_officials(app: Flask) -> None:
    world = make_world()
    order = ordered(world)
    on_the_day = T0 + timedelta(days=5)
    for early in (T0 + timedelta(days=1), on_the_day):
        with pytest.raises(RuleViolation, match=r"has until .* to comply"):
            convene(world, world.official, order, early)
    later = T0 + timedelta(days=6)
    other_office = register.create_street_office(CLI, code="dongcheng", name="东城街道")
    with pytest.raises(PermissionDenied):
        convene(world, official(world, "stranger", other_office.id), order, later)
    with pytest.raises(PermissionDenied):
        convene(world, world.committee, order, later)
    assembly = convene(world, world.official, order, later)
    assert assembly.convened_by == "office" and assembly.state is SessionState.DRAFT
    linked = db.session.execute(select(AuditEvent).where(AuditEvent.action == "order.office_convened")).scalar_one()
    assert linked.target_id == order.public_id and linked.data["session"] == assembly.public_id
    with pytest.raises(RuleViolation, match="already convened"):
        convene(world, world.official, order, later)


def test_only_an_open_order_to_convene_or_to_re_elect_lets_the_office_convene(app: Flask) -> None:
    world = make_world()
    rectify = ordered(world, OrderKind.RECTIFY)
    later = T0 + timedelta(days=6)
    with pytest.raises(RuleViolation, match="only on an order to convene or to re-elect"):
        convene(world, world.official, rectify, later)
    order = oversight.issue_order(
        actor_for(world.official),
        community_id=world.community.id,
        kind=OrderKind.CONVENE,
        subject="召开",
        body="限期召开。",
        due_on=today_in_china(T0) + timedelta(days=2),
        now=T0,
    )
    oversight.close_order(actor_for(world.official), order.id, status=OrderStatus.WITHDRAWN, note="", now=T0 + timedelta(days=1))
    with pytest.raises(RuleViolation, match="order is closed"):
        convene(world, world.official, order, later)


def test_the_office_runs_its_session_through_to_the_close_and_the_committee_only_reads_it(app: Flask) -> None:
    world = make_world()
    order = ordered(world)
    second = official(world, "official2")
    # An election the office runs itself: five owners stand, the office vets them and publishes the slate.
    election = elections.create_election(
        actor_for(world.official),
        community_id=world.community.id,
        title="业主委员会选举",
        seats=5,
        alternates=0,
        nominations_open_at=T0,
        nominations_close_at=T0 + timedelta(days=5),
        now=T0,
    )
    for n in range(1, 6):
        elections.nominate_self(
            election.id,
            unit=f"2-{n}",
            name=f"业主{n}",
            id_last4=f"{n:04d}",
            statement="",
            party_declared=False,
            ip="t",
            now=T0 + timedelta(days=1),
        )
    for candidate in db.session.execute(select(Candidate).where(Candidate.election_id == election.id)).scalars().all():
        elections.vet_candidate(
            actor_for(world.official),
            candidate.id,
            approve=True,
            reason="",
            party_verified=False,
            now=T0 + timedelta(days=6),
            cleared=elections.negative_codes(world.community),
        )
    later = T0 + timedelta(days=6)
    elections.publish_slate(actor_for(world.official), election.id, now=later)

    assembly = convene(world, world.official, order, later)
    community = world.community
    assert can_run_session(actor_for(world.official), community, assembly.convened_by)
    assert not can_run_session(actor_for(world.committee), community, assembly.convened_by)
    with pytest.raises(PermissionDenied):
        sessions.add_item(actor_for(world.committee), assembly.id, matter="cn.other", title="议题")
    question = sessions.add_item(actor_for(world.official), assembly.id, matter="cn.hire_manager", title="选聘物业")
    with pytest.raises(PermissionDenied):
        slates.add_election_item(actor_for(world.committee), assembly.id, election_id=election.id)
    slates.add_election_item(actor_for(world.official), assembly.id, election_id=election.id)
    db.session.expire_all()
    assert db.session.get(type(election), election.id).state is ElectionState.ON_BALLOT  # type: ignore[union-attr]
    with pytest.raises(PermissionDenied):
        sessions.announce_session(actor_for(world.committee), assembly.id, now=later)
    done = sessions.announce_session(actor_for(world.official), assembly.id, now=later)
    assert done.voters == 7

    voting = later + timedelta(days=17)
    paper = sessions.enter_paper_ballot(
        actor_for(world.official), assembly.id, unit="2-1", choices={str(question.id): "agree"}, paper_reference="P-1", now=voting
    )
    with pytest.raises(RuleViolation, match="second"):
        sessions.confirm_paper_ballot(actor_for(world.official), paper.id, now=voting)
    with pytest.raises(PermissionDenied):
        sessions.confirm_paper_ballot(actor_for(world.committee), paper.id, now=voting)
    sessions.confirm_paper_ballot(actor_for(second), paper.id, now=voting)
    state = sessions.sync_state(assembly.id, now=later + timedelta(days=26))
    assert state in (SessionState.CLOSED, SessionState.TALLIED)
    db.session.expire_all()
    closed = db.session.get(AssemblySession, assembly.id)
    assert closed is not None and closed.convened_by == "office"
