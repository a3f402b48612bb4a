from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.services import create_user
from app.audit.models import AuditEvent
from app.communities import services
from app.db import db
from app.security.actor import actor_for
from app.security.permissions import PermissionDenied
from app.security.roles import Role
from tests.factories import PASSWORD, make_world


def events() -> int:
    return db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def test_only_administrators_create_offices_communities_and_accounts(app: Flask) -> None:
    world = make_world()
    before = events()
    for user in (world.committee, world.official, world.outsider):
        with pytest.raises(PermissionDenied):
            services.create_street_office(actor_for(user), code="other-street", name="x")
        with pytest.raises(PermissionDenied):
            services.create_community(actor_for(user), street_office_id=world.office.id, slug="new-one", name="x")
        with pytest.raises(PermissionDenied):
            create_user(actor_for(user), username="new", display_name="x", password=PASSWORD, role=Role.ADMINISTRATOR)
        with pytest.raises(PermissionDenied):
            services.add_building(actor_for(user), world.community.id, "9")
    assert events() == before  # refusals write nothing


def test_an_administrators_actions_are_audited_with_the_actor(app: Flask) -> None:
    world = make_world()
    office = services.create_street_office(actor_for(world.admin), code="other-street", name="东城街道")
    event = db.session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).scalar_one()
    assert (event.action, event.actor_user_id, event.target_id) == ("street_office.create", world.admin.id, str(office.id))
    user = create_user(
        actor_for(world.admin),
        username="member2",
        display_name="委员",
        password=PASSWORD,
        role=Role.COMMITTEE_MEMBER,
        community_id=world.community.id,
    )
    assert db.session.get(User, user.id).roles[0].community_id == world.community.id
