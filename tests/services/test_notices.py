"""Notices: drafts, publication (two people for decisions and statements), immutability and corrections."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from app.accounts.services import create_user
from app.audit.models import AuditEvent
from app.db import db, utcnow
from app.domain.errors import RuleViolation
from app.notices import services
from app.notices.models import Notice, NoticeKind, NoticeState
from app.security.actor import actor_for
from app.security.permissions import PermissionDenied
from app.security.roles import Role
from tests.factories import CLI, PASSWORD, World, make_world, open_session


def member(world: World) -> object:
    return create_user(
        CLI, username="m2", display_name="委员", password=PASSWORD, role=Role.COMMITTEE_MEMBER, community_id=world.community.id
    )


def draft(world: World, kind: NoticeKind = NoticeKind.GENERAL, body: str = "停水通知：**周六**上午停水。") -> Notice:
    chair = world.committee
    return services.draft_notice(actor_for(chair), community_id=world.community.id, kind=kind, title="停水", body=body, now=utcnow())


def test_a_general_notice_is_published_at_once_and_rendered_safely(app: Flask) -> None:
    world = make_world()
    notice = draft(world, body="**周六**停水 <script>alert(1)</script> [链接](javascript:alert(1))")
    assert services.board(world.community.id) == []  # a draft is not on the board
    published = services.publish_notice(actor_for(world.committee), notice.id, now=utcnow())
    assert published.state is NoticeState.PUBLISHED and published.body_html is not None
    assert "<strong>周六</strong>" in published.body_html
    assert "<script" not in published.body_html and "href" not in published.body_html  # shown as text, never run or linked
    assert [n.public_id for n in services.board(world.community.id)] == [notice.public_id]


def test_a_decision_needs_a_second_committee_member(app: Flask) -> None:
    world = make_world()
    second = member(world)
    notice = draft(world, NoticeKind.DECISION)
    chair = world.committee
    asked = services.publish_notice(actor_for(chair), notice.id, now=utcnow())
    assert asked.state is NoticeState.PENDING and services.board(world.community.id) == []
    with pytest.raises(RuleViolation, match="second committee member"):
        services.confirm_notice(actor_for(chair), notice.id, now=utcnow())
    done = services.confirm_notice(actor_for(second), notice.id, now=utcnow())  # type: ignore[arg-type]
    assert done.state is NoticeState.PUBLISHED and done.confirmed_by_user_id == second.id  # type: ignore[attr-defined]


def test_a_published_notice_cannot_be_edited_and_a_correction_keeps_both(app: Flask) -> None:
    world = make_world()
    chair = world.committee
    first = draft(world)
    services.publish_notice(actor_for(chair), first.id, now=utcnow())
    with pytest.raises(RuleViolation, match="cannot be edited"):
        services.edit_draft(actor_for(chair), first.id, title="改", body="改", now=utcnow())
    fix = services.correct_notice(actor_for(chair), first.id, now=utcnow())
    assert (fix.version, fix.supersedes_id, fix.state) == (2, first.id, NoticeState.DRAFT)
    with pytest.raises(RuleViolation, match="already has a correction"):
        services.correct_notice(actor_for(chair), first.id, now=utcnow())
    services.edit_draft(actor_for(chair), fix.id, title="停水（更正）", body="改为周日停水。", now=utcnow())
    services.publish_notice(actor_for(chair), fix.id, now=utcnow() + timedelta(minutes=1))
    db.session.rollback()
    board = services.board(world.community.id)
    assert [n.version for n in board] == [2, 1]  # both stay visible, newest first
    assert [n.version for n in services.versions(db.session.get(Notice, first.id))] == [2, 1]  # type: ignore[arg-type]


def test_the_database_refuses_to_change_or_delete_a_published_notice(app: Flask) -> None:
    world = make_world()
    notice = draft(world)
    services.publish_notice(actor_for(world.committee), notice.id, now=utcnow())
    for statement in ("UPDATE notice SET title = 'x'", "DELETE FROM notice"):
        with pytest.raises(DatabaseError, match="immutable"), db.write() as s:
            s.execute(text(statement))
    db.session.rollback()
    assert db.session.execute(select(Notice.title)).scalar_one() == "停水"


@pytest.mark.parametrize(("title", "body", "field"), [("", "x", "title"), ("t" * 201, "x", "title"), ("t", "  ", "body")])
def test_bad_input_names_the_field_and_writes_nothing(app: Flask, title: str, body: str, field: str) -> None:
    world = make_world()
    with pytest.raises(RuleViolation) as refused:
        services.draft_notice(
            actor_for(world.committee),
            community_id=world.community.id,
            kind=NoticeKind.GENERAL,
            title=title,
            body=body,
            now=utcnow(),
        )
    assert refused.value.field == field
    assert db.session.execute(select(func.count()).select_from(Notice)).scalar_one() == 0


def test_only_the_communitys_committee_writes_its_notices(app: Flask) -> None:
    world = make_world()
    for user in (world.outsider, world.official, world.admin):
        with pytest.raises(PermissionDenied):
            services.draft_notice(
                actor_for(user), community_id=world.community.id, kind=NoticeKind.GENERAL, title="t", body="b", now=utcnow()
            )
    notice = draft(world)
    with pytest.raises(PermissionDenied):
        services.publish_notice(actor_for(world.outsider), notice.id, now=utcnow())


def test_announcing_a_session_publishes_its_announcement_with_every_item_in_full(app: Flask) -> None:
    world = make_world()
    session, _, _ = open_session(world)
    (notice,) = services.board(world.community.id)
    assert notice.kind is NoticeKind.ANNOUNCEMENT and notice.session_id == session.id
    assert "续聘" in notice.body_html and "电梯" in notice.body_html and f"/s/{session.public_id}" in notice.body_html  # type: ignore[operator]
    assert "2/3" not in notice.title and session.roll_sha256 in notice.body_html  # type: ignore[operator]
    events = db.session.execute(select(AuditEvent.action).where(AuditEvent.target_id == notice.public_id)).scalars().all()
    assert events == ["notice.publish"]
