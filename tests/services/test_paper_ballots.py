"""Paper ballots: one committee member enters, another confirms; conflicts are refused and logged."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from app.accounts.services import create_user
from app.audit.models import AuditEvent
from app.db import db
from app.domain.errors import RuleViolation
from app.security.actor import actor_for
from app.security.permissions import PermissionDenied
from app.security.roles import Role
from app.sessions import services
from app.sessions.models import Ballot, Channel, PaperBallot
from app.voting import services as voting
from tests.factories import CLI, PASSWORD, World, items, make_world, open_session


def second_member(world: World):  # type: ignore[no-untyped-def]
    return create_user(
        CLI,
        username="member2",
        display_name="陈委员",
        password=PASSWORD,
        role=Role.COMMITTEE_MEMBER,
        community_id=world.community.id,
    )


def test_a_paper_ballot_counts_only_after_a_second_member_confirms(app: Flask) -> None:
    world = make_world()
    session, _, now = open_session(world)
    q1, q2 = items(session)
    chair, member = world.committee, second_member(world)
    paper = services.enter_paper_ballot(
        actor_for(chair), session.id, unit="1-103", choices={q1: "agree", q2: "disagree"}, paper_reference="No.0017", now=now
    )
    assert services.current_ballot(session.id, paper.roll_entry_id) is None
    with pytest.raises(RuleViolation, match="second person running this session"):
        services.confirm_paper_ballot(actor_for(chair), paper.id, now=now)
    ballot = services.confirm_paper_ballot(actor_for(member), paper.id, now=now)
    assert ballot.channel is Channel.PAPER and ballot.choices == {q1: "agree", q2: "disagree"}
    with pytest.raises(RuleViolation, match="already dealt with"):
        services.confirm_paper_ballot(actor_for(member), paper.id, now=now)


def test_paper_for_a_voter_who_voted_online_is_refused_and_logged(app: Flask) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _ = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree"}, ip="t", now=now)
    with pytest.raises(RuleViolation, match="already have a ballot"):
        services.enter_paper_ballot(
            actor_for(world.committee), session.id, unit="1-101", choices={q1: "disagree"}, paper_reference="P-9", now=now
        )
    conflict = db.session.execute(select(AuditEvent).where(AuditEvent.action == "ballot.conflict")).scalar_one()
    assert conflict.data["existing_channel"] == "online" and conflict.data["paper_reference"] == "P-9"


def test_an_online_ballot_cast_while_paper_waits_wins_and_the_paper_is_a_conflict(app: Flask) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _ = items(session)
    member = second_member(world)
    paper = services.enter_paper_ballot(
        actor_for(world.committee), session.id, unit="1-102", choices={q1: "agree"}, paper_reference="P-1", now=now
    )
    voting.cast_ballot(tokens["李娜"], {q1: "disagree"}, ip="t", now=now)
    with pytest.raises(RuleViolation, match="already have a ballot"):
        services.confirm_paper_ballot(actor_for(member), paper.id, now=now)
    db.session.refresh(paper)
    assert paper.conflict_at is not None and paper.ballot_id is None
    assert [b.channel for b in db.session.execute(select(Ballot)).scalars()] == [Channel.ONLINE]


def test_a_second_paper_entry_for_the_same_voter_waits_for_the_first(app: Flask) -> None:
    world = make_world()
    session, _, now = open_session(world)
    q1, _ = items(session)
    services.enter_paper_ballot(actor_for(world.committee), session.id, unit="1-103", choices={q1: "agree"}, paper_reference="A", now=now)
    with pytest.raises(RuleViolation, match="already waiting"):
        services.enter_paper_ballot(
            actor_for(world.committee), session.id, unit="1-103", choices={q1: "agree"}, paper_reference="B", now=now
        )
    assert len(db.session.execute(select(PaperBallot)).scalars().all()) == 1


def test_only_the_communitys_committee_enters_or_confirms(app: Flask) -> None:
    world = make_world()
    session, _, now = open_session(world)
    q1, _ = items(session)
    paper = services.enter_paper_ballot(
        actor_for(world.committee), session.id, unit="1-103", choices={q1: "agree"}, paper_reference="A", now=now
    )
    for user in (world.admin, world.official, world.outsider):
        with pytest.raises(PermissionDenied):
            services.enter_paper_ballot(actor_for(user), session.id, unit="1-101", choices={}, paper_reference="X", now=now)
        with pytest.raises(PermissionDenied):
            services.confirm_paper_ballot(actor_for(user), paper.id, now=now)


def test_unknown_units_and_choices_are_named(app: Flask) -> None:
    world = make_world()
    session, _, now = open_session(world)
    q1, _ = items(session)
    with pytest.raises(RuleViolation) as refused:
        services.enter_paper_ballot(actor_for(world.committee), session.id, unit="9-999", choices={}, paper_reference="A", now=now)
    assert refused.value.field == "unit"
    with pytest.raises(RuleViolation) as refused:
        services.enter_paper_ballot(actor_for(world.committee), session.id, unit="1-101", choices={q1: "yes"}, paper_reference="A", now=now)
    assert refused.value.field == "choices"


def test_a_rejected_or_withdrawn_entry_never_counts_and_frees_the_units(app: Flask) -> None:
    world = make_world()
    session, _, now = open_session(world)
    q1, q2 = items(session)
    chair, member = world.committee, second_member(world)
    wrong = {q1: "disagree", q2: "agree"}
    first = services.enter_paper_ballot(actor_for(chair), session.id, unit="1-103", choices=wrong, paper_reference="P-1", now=now)
    with pytest.raises(RuleViolation) as unexplained:
        services.reject_paper_ballot(actor_for(member), first.id, reason="  ", now=now)
    assert unexplained.value.field == "reason"
    for user in (world.admin, world.official, world.outsider):
        with pytest.raises(PermissionDenied):
            services.reject_paper_ballot(actor_for(user), first.id, reason="不符", now=now)
        with pytest.raises(PermissionDenied):
            services.withdraw_paper_ballot(actor_for(user), first.id, now=now)
    services.reject_paper_ballot(actor_for(member), first.id, reason="第1项不符", now=now)
    with pytest.raises(RuleViolation, match="already dealt with"):
        services.confirm_paper_ballot(actor_for(member), first.id, now=now)
    second = services.enter_paper_ballot(actor_for(chair), session.id, unit="1-103", choices=wrong, paper_reference="P-1", now=now)
    services.withdraw_paper_ballot(actor_for(chair), second.id, now=now)
    with pytest.raises(RuleViolation, match="already dealt with"):
        services.reject_paper_ballot(actor_for(member), second.id, reason="不符", now=now)
    assert services.pending_paper(session.id) == [] and services.current_ballot(session.id, first.roll_entry_id) is None
    third = services.enter_paper_ballot(
        actor_for(chair), session.id, unit="1-103", choices={q1: "agree", q2: "agree"}, paper_reference="P-1", now=now
    )
    assert services.confirm_paper_ballot(actor_for(member), third.id, now=now).choices == {q1: "agree", q2: "agree"}
