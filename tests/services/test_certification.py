"""The street office certifies or rejects a counted result: fresh TOTP, a signature anyone can check, and what follows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.clock import today_in_china
from app.communities import services as register
from app.db import db, utcnow
from app.domain.errors import RuleViolation
from app.domain.lifecycle import SessionState
from app.notices import services as notices
from app.notices.models import NoticeKind, NoticeState
from app.oversight import services
from app.oversight.services.obligations import obligations
from app.security.actor import actor_for
from app.security.keys import load_keyring
from app.security.permissions import PermissionDenied
from app.sessions import services as sessions
from app.sessions.models import AssemblySession, Verdict
from app.voting import services as voting
from tests.factories import CLI, PASSWORD, World, enrol, items, make_world, next_code, open_session, past_session


def tallied(world: World) -> AssemblySession:
    session, tokens, now = past_session(world)
    q1, q2 = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree", q2: "agree"}, ip="t", now=now)
    voting.cast_ballot(tokens["李娜"], {q1: "agree", q2: "disagree"}, ip="t", now=now)
    # Counted an hour after its close; its objection period is over.
    sessions.sync_state(session.id, now=session.closes_at + timedelta(hours=1))
    db.session.rollback()
    db.session.refresh(session)
    assert session.state is SessionState.TALLIED
    return session


def test_certifying_signs_the_result_and_publishes_it_and_the_decisions_fall_due(app: Flask) -> None:
    world = make_world()
    session = tallied(world)
    official = world.official
    now = utcnow()
    done = services.decide(actor_for(official), session.id, verdict=Verdict.CERTIFIED, reasons="", code=next_code("official"), now=now)
    assert services.verify_certification(done, load_keyring(app.instance_path).published)
    tampered = type(done)(statement=done.statement.replace("certified", "rejected"), key_id=done.key_id, signature=done.signature)
    assert not services.verify_certification(tampered, load_keyring(app.instance_path).published)
    db.session.rollback()
    result_notice = notices.board(world.community.id)[0]
    assert result_notice.kind is NoticeKind.RESULT and "续聘" in result_notice.title + (result_notice.body_html or "")
    (due,) = [o for o in obligations(world.community, now=now) if o.kind == "decision"]
    assert not due.met and due.due == today_in_china(now) + timedelta(days=3)
    assert due.overdue(today_in_china(now) + timedelta(days=4))
    # The committee drafts and publishes the decisions (a second member confirms): the obligation is met.
    second = register_member(world)
    title, body = sessions.decision_text(db.session.get(AssemblySession, session.id))  # type: ignore[arg-type]
    chair = world.committee
    draft = notices.draft_notice(
        actor_for(chair),
        community_id=world.community.id,
        kind=NoticeKind.DECISION,
        title=title,
        body=body,
        now=now,
        session_id=session.id,
    )
    notices.publish_notice(actor_for(chair), draft.id, now=now)
    notices.confirm_notice(actor_for(second), draft.id, now=now)
    (met,) = [o for o in obligations(world.community, now=now) if o.kind == "decision"]
    assert met.met and met.notice is not None and met.notice.state is NoticeState.PUBLISHED


def register_member(world: World):  # type: ignore[no-untyped-def]
    from app.accounts.services import create_user
    from app.security.roles import Role

    user = create_user(
        CLI, username="m2", display_name="委员", password=PASSWORD, role=Role.COMMITTEE_MEMBER, community_id=world.community.id
    )
    enrol(user)
    return user


def test_a_wrong_code_is_refused_and_recorded_and_nothing_is_decided(app: Flask) -> None:
    world = make_world()
    session = tallied(world)
    official = world.official
    with pytest.raises(RuleViolation, match="code is not valid") as refused:
        services.decide(actor_for(official), session.id, verdict=Verdict.CERTIFIED, reasons="", code="000000", now=utcnow())
    assert refused.value.field == "code"
    db.session.rollback()
    assert db.session.get(AssemblySession, session.id).state is SessionState.TALLIED  # type: ignore[union-attr]
    failed = db.session.execute(select(AuditEvent.data).where(AuditEvent.action == "auth.second_factor_failed")).scalars().all()
    assert {"during": "certification"} in failed


def test_certifying_twice_another_offices_session_or_rejecting_without_reasons_is_refused(app: Flask) -> None:
    world = make_world()
    session = tallied(world)
    official = world.official
    with pytest.raises(RuleViolation, match="reasons") as no_reasons:
        services.decide(actor_for(official), session.id, verdict=Verdict.REJECTED, reasons=" ", code=next_code("official"), now=utcnow())
    assert no_reasons.value.field == "reasons"
    for user in (world.committee, world.admin, world.outsider):
        with pytest.raises(PermissionDenied):
            services.decide(actor_for(user), session.id, verdict=Verdict.CERTIFIED, reasons="", code="123456", now=utcnow())
    other = register.create_street_office(CLI, code="other", name="别的街道")
    from app.accounts.services import create_user
    from app.security.roles import Role

    stranger = create_user(
        CLI, username="o2", display_name="外街道", password=PASSWORD, role=Role.STREET_OFFICIAL, street_office_id=other.id
    )
    with pytest.raises(PermissionDenied):
        services.decide(actor_for(stranger), session.id, verdict=Verdict.CERTIFIED, reasons="", code="123456", now=utcnow())
    services.decide(
        actor_for(official),
        session.id,
        verdict=Verdict.REJECTED,
        reasons="代填纸质票过多",
        code=next_code("official"),
        now=utcnow(),
    )
    with pytest.raises(RuleViolation, match="already been decided"):
        services.decide(actor_for(official), session.id, verdict=Verdict.CERTIFIED, reasons="", code=next_code("official"), now=utcnow())
    db.session.rollback()
    assert db.session.get(AssemblySession, session.id).state is SessionState.REJECTED  # type: ignore[union-attr]
    # Only the preliminary count was published; a rejected result has no final notice.
    assert [n.title for n in notices.board(world.community.id) if n.kind is NoticeKind.RESULT] == ["初步统计结果公示：会议"]


def test_the_review_lists_what_deserves_a_look(app: Flask) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _ = items(session)
    letter = next(letter for letter in sessions.letters_of_session(session.id) if letter.roll_entry.units == ["1-103"])
    sessions.reissue_letter(actor_for(world.committee), letter.id, now=now)
    voting.cast_ballot(tokens["张伟"], {q1: "agree"}, ip="t", now=now)
    with pytest.raises(RuleViolation):
        sessions.enter_paper_ballot(
            actor_for(world.committee), session.id, unit="1-101", choices={q1: "agree"}, paper_reference="P-9", now=now
        )
    found = {a.kind: a for a in services.anomalies(db.session.get(AssemblySession, session.id))}  # type: ignore[arg-type]
    assert found["conflict"].count == 1 and found["conflict"].detail == "1-101"
    assert found["reissued"].count == 1 and "register_changed" not in found


def test_orders_are_published_have_deadlines_and_a_revocation_marks_the_item(app: Flask) -> None:
    from datetime import date

    from app.orders import services as orders
    from app.orders.models import OrderKind, OrderStatus
    from app.sessions.models import Item

    world = make_world()
    session = tallied(world)
    official = world.official
    now = utcnow()
    services.decide(actor_for(official), session.id, verdict=Verdict.CERTIFIED, reasons="", code=next_code("official"), now=now)
    today = today_in_china(now)
    order = services.issue_order(
        actor_for(official),
        community_id=world.community.id,
        kind=OrderKind.RECTIFY,
        subject="公共收益未公示",
        body="请于期限内公示 2025 年账目。",
        due_on=today + timedelta(days=15),
        now=now,
    )
    assert not order.overdue(today) and order.overdue(today + timedelta(days=16))
    with pytest.raises(RuleViolation, match="deadline after today") as past:
        services.issue_order(
            actor_for(official),
            community_id=world.community.id,
            kind=OrderKind.RECTIFY,
            subject="x",
            body="y",
            due_on=today,
            now=now,
        )
    assert past.value.field == "due_on"
    q1, _q2 = items(session)
    services.issue_order(
        actor_for(official),
        community_id=world.community.id,
        kind=OrderKind.REVOKE,
        subject="续聘决定违反议事规则",
        body="表决程序违法。",
        due_on=today + timedelta(days=7),
        now=now,
        item_id=int(q1),
    )
    db.session.rollback()
    assert db.session.get(Item, int(q1)).revoked_at is not None  # type: ignore[union-attr]
    with pytest.raises(RuleViolation, match="already revoked"):
        services.issue_order(
            actor_for(official),
            community_id=world.community.id,
            kind=OrderKind.REVOKE,
            subject="再次",
            body="z",
            due_on=today + timedelta(days=7),
            now=now,
            item_id=int(q1),
        )
    titles = [n.title for n in notices.board(world.community.id) if n.kind is NoticeKind.ORDER]
    assert any("责令限期改正" in t for t in titles) and any("撤销" in t for t in titles)
    for user in (world.committee, world.admin):
        with pytest.raises(PermissionDenied):
            services.issue_order(
                actor_for(user),
                community_id=world.community.id,
                kind=OrderKind.RECTIFY,
                subject="s",
                body="b",
                due_on=date(2099, 1, 1),
                now=now,
            )
    closed = services.close_order(actor_for(official), order.id, status=OrderStatus.COMPLIED, note="已公示", now=now)
    assert closed.status is OrderStatus.COMPLIED
    with pytest.raises(RuleViolation, match="already closed"):
        services.close_order(actor_for(official), order.id, status=OrderStatus.WITHDRAWN, note="", now=now)
    assert [o.subject for o in orders.open_orders(world.community.id)] == ["续聘决定违反议事规则"]
