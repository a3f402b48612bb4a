"""One actor decides every service call: its grants are the whole of what it may do, at the console too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from app.accounts.services import create_user
from app.accounts.tokens import actor_of_token
from app.communities import services as register
from app.db import db, utcnow
from app.orders.models import OrderKind
from app.oversight import services as oversight
from app.security.actor import Grant, actor_for, operator
from app.security.permissions import PermissionDenied
from app.security.roles import Role
from app.sessions import services as sessions
from app.sessions.models import Verdict
from tests.factories import CLI, PASSWORD, draft_session, make_world


def test_an_operator_without_a_grant_is_refused_everything(app: Flask) -> None:
    world = make_world()
    nobody = operator("cli")
    with pytest.raises(PermissionDenied):
        register.create_street_office(nobody, code="dongcheng", name="东城街道")
    with pytest.raises(PermissionDenied):
        register.add_building(nobody, world.community.id, "9")
    with pytest.raises(PermissionDenied):
        create_user(nobody, username="x-user", display_name="x", password=PASSWORD, role=Role.ADMINISTRATOR)
    now = utcnow()
    session = draft_session(world, opens_at=now + timedelta(days=16), closes_at=now + timedelta(days=23), items=(("cn.other", "议题"),))
    with pytest.raises(PermissionDenied):
        sessions.announce_session(nobody, session.id, now=now)
    with pytest.raises(PermissionDenied):
        oversight.issue_order(
            nobody,
            community_id=world.community.id,
            kind=OrderKind.RECTIFY,
            subject="公示",
            body="请公示。",
            due_on=now.date() + timedelta(days=9),
            now=now,
        )


def test_an_operator_acts_only_where_its_grants_reach(app: Flask) -> None:
    world = make_world()
    now = utcnow()
    session = draft_session(world, opens_at=now + timedelta(days=16), closes_at=now + timedelta(days=23), items=(("cn.other", "议题"),))
    other_committee = operator("cli", Grant.committee(world.other_community.id))
    with pytest.raises(PermissionDenied):
        sessions.announce_session(other_committee, session.id, now=now)
    office_of_another_community = operator("cli", Grant.office(world.office.id + 1))
    with pytest.raises(PermissionDenied):
        oversight.decide(office_of_another_community, session.id, verdict=Verdict.REJECTED, reasons="不合规", code="", now=now)
    with pytest.raises(PermissionDenied):
        register.create_street_office(operator("cli", Grant.committee(world.community.id)), code="dongcheng", name="东城街道")
    assert register.create_street_office(CLI, code="dongcheng", name="东城街道").code == "dongcheng"


def test_a_signed_in_official_acts_with_exactly_their_role_assignments(app: Flask) -> None:
    world = make_world()
    assert actor_for(world.committee).grants == {Grant.committee(world.community.id, Role.COMMITTEE_CHAIR)}
    assert actor_for(world.official).grants == {Grant.office(world.office.id)}
    assert actor_for(world.admin).grants == {Grant.administrator()}
    assert actor_for(world.official).user_id == world.official.id


def test_a_token_acts_with_only_the_grants_its_scopes_cover(app: Flask) -> None:
    world = make_world()
    with db.write() as s:
        both = s.merge(world.official)
        both.roles.append(type(both.roles[0])(role=Role.COMMITTEE_MEMBER, community_id=world.community.id))
    db.session.refresh(world.official)
    committee_only = actor_of_token(world.official, frozenset({"committee"}))
    assert committee_only.grants == {Grant.committee(world.community.id)}
    office_only = actor_of_token(world.official, frozenset({"office"}))
    assert office_only.grants == {Grant.office(world.office.id)}
    with pytest.raises(PermissionDenied):
        oversight.issue_order(
            committee_only,
            community_id=world.community.id,
            kind=OrderKind.RECTIFY,
            subject="公示",
            body="请公示。",
            due_on=utcnow().date() + timedelta(days=9),
            now=utcnow(),
        )
