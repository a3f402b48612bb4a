"""Assembly sessions: drafting, announcing with the frozen roll, voting letters, proxies."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.communities import services as register
from app.communities.queries import community_roll
from app.db import db, utcnow
from app.domain.errors import RuleViolation
from app.domain.lifecycle import SessionState
from app.security.actor import Grant, actor_for, operator
from app.security.permissions import PermissionDenied
from app.sessions import services
from app.sessions.models import AssemblySession, Letter, RollEntry, SessionForm
from app.voting import services as voting
from tests.factories import CLI, World, draft_session, make_world, register_csv, tokens_by_holder

REGISTER = register_csv(
    "1,101,89.50,,,,张伟,1234,,",
    "1,102,120.00,,,,李娜、王强,2345;3456,,",
    "2,101,95.25,,,,张伟,1234,,",
    "1,103,100.00,,,,兰亭置业有限公司,,,未售",
)


def draft(world: World, now: datetime, *, opens_in: timedelta = timedelta(days=16), days: int = 7) -> AssemblySession:
    register.import_register_file(CLI, world.community.id, "r.csv", REGISTER)
    return draft_session(
        world,
        title="2026年第一次业主大会",
        opens_at=now + opens_in,
        closes_at=now + opens_in + timedelta(days=days),
        items=(("cn.hire_manager", "续聘物业服务企业"),),
    )


def announce(world: World, session: AssemblySession, now: datetime) -> services.Announcement:
    return services.announce_session(actor_for(world.committee), session.id, now=now)


def test_announcing_freezes_the_roll_and_issues_a_letter_per_holder(app: Flask) -> None:
    world, now = make_world(), utcnow()
    session = draft(world, now)
    result = announce(world, session, now)
    roll = community_roll(world.community.id)
    assert (result.voters, result.letters) == (3, 4)  # 张伟; 李娜+王强 (two letters); the developer
    assert result.roll_sha256 == roll.digest()
    db.session.refresh(session)
    assert session.state is SessionState.ANNOUNCED and session.roll_heads == 3
    entries = db.session.execute(select(RollEntry).where(RollEntry.session_id == session.id)).scalars().all()
    assert sorted(e.area_text for e in entries) == ["100.00", "120.00", "184.75"]


def test_the_frozen_roll_does_not_follow_later_register_changes(app: Flask) -> None:
    world, now = make_world(), utcnow()
    session = draft(world, now)
    announce(world, session, now)
    register.import_register_file(CLI, world.community.id, "r.csv", register_csv("2,102,70.00,,,,赵敏,0456,,"))
    assert community_roll(world.community.id).total_heads == 4
    frozen = db.session.execute(select(func.count()).select_from(RollEntry).where(RollEntry.session_id == session.id)).scalar_one()
    assert frozen == 3


def test_the_notice_period_is_fifteen_days(app: Flask) -> None:
    world, now = make_world(), utcnow()
    session = draft(world, now, opens_in=timedelta(days=14, hours=23))
    with pytest.raises(RuleViolation) as refused:
        announce(world, session, now)
    assert refused.value.field == "opens_at" and "15" in refused.value.reason
    db.session.refresh(session)
    assert session.state is SessionState.DRAFT
    assert db.session.execute(select(func.count()).select_from(Letter)).scalar_one() == 0


def test_the_window_must_last_five_to_sixty_days(app: Flask) -> None:
    world, now = make_world(), utcnow()
    with pytest.raises(RuleViolation, match="5 to 60 days"):
        announce(world, draft(world, now, days=4), now)


def test_items_are_frozen_at_announcement_and_a_session_is_announced_once(app: Flask) -> None:
    world, now = make_world(), utcnow()
    session = draft(world, now)
    announce(world, session, now)
    with pytest.raises(RuleViolation, match="after the session is announced"):
        services.add_item(actor_for(world.committee), session.id, matter="cn.other", title="新议题")
    with pytest.raises(RuleViolation, match="announced session cannot become announced"):
        announce(world, session, now)


def test_only_the_communitys_committee_runs_its_sessions(app: Flask) -> None:
    world, now = make_world(), utcnow()
    session = draft(world, now)
    for user in (world.admin, world.official, world.outsider):
        with pytest.raises(PermissionDenied):
            services.add_item(actor_for(user), session.id, matter="cn.other", title="x")
        with pytest.raises(PermissionDenied):
            services.announce_session(actor_for(user), session.id, now=now)
        with pytest.raises(PermissionDenied):
            services.create_session(
                actor_for(user),
                community_id=world.community.id,
                title="x",
                form=SessionForm.MEETING,
                opens_at=now + timedelta(days=20),
                closes_at=now + timedelta(days=27),
            )


def issued(world: World, now: datetime) -> tuple[AssemblySession, dict[str, str]]:
    """An announced session and each holder's letter token, by holder name."""
    session = draft(world, now)
    announce(world, session, now)
    return session, tokens_by_holder(session.id)


def test_a_letter_opens_with_the_holders_id_digits(app: Flask) -> None:
    world, now = make_world(), utcnow()
    _, tokens = issued(world, now)
    assert len(tokens["张伟"]) >= 32  # 192 bits, URL-safe
    status, letter = voting.confirm_letter(tokens["张伟"], "1234", ip="t", now=now)
    assert status is voting.LetterStatus.OK and letter is not None and letter.confirmed_at is not None
    assert voting.confirm_letter(tokens["王强"], "3456", ip="t", now=now)[0] is voting.LetterStatus.OK


def test_only_the_hash_of_a_token_is_stored(app: Flask) -> None:
    world, now = make_world(), utcnow()
    _, tokens = issued(world, now)
    stored = db.session.execute(select(Letter.token_hash, Letter.nonce)).all()
    assert all(tokens["张伟"] not in (h, n) for h, n in stored)


def test_five_wrong_tries_lock_the_letter(app: Flask) -> None:
    world, now = make_world(), utcnow()
    _, tokens = issued(world, now)
    results = [voting.confirm_letter(tokens["李娜"], "0000", ip="t", now=now)[0] for _ in range(5)]
    assert results == [voting.LetterStatus.WRONG_DIGITS] * 4 + [voting.LetterStatus.LOCKED]
    assert voting.confirm_letter(tokens["李娜"], "2345", ip="t", now=now)[0] is voting.LetterStatus.LOCKED
    actions = db.session.execute(select(AuditEvent.action).where(AuditEvent.action.like("letter.%"))).scalars().all()
    assert actions.count("letter.wrong_digits") == 5 and actions.count("letter.locked") == 1


def test_reissue_kills_the_old_token_and_is_audited(app: Flask) -> None:
    world, now = make_world(), utcnow()
    _, tokens = issued(world, now)
    for _ in range(5):
        voting.confirm_letter(tokens["李娜"], "0000", ip="t", now=now)
    old = voting.find_letter(tokens["李娜"])
    assert old is not None
    new = services.reissue_letter(actor_for(world.committee), old.id, now=now)
    assert voting.confirm_letter(tokens["李娜"], "2345", ip="t", now=now)[0] is voting.LetterStatus.INVALID
    assert voting.confirm_letter(new.token, "2345", ip="t", now=now)[0] is voting.LetterStatus.OK
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "letter.reissue")).scalar_one().data == {"replaces": old.id}
    with pytest.raises(PermissionDenied):
        services.reissue_letter(actor_for(world.outsider), new.letter.id, now=now)


def test_unknown_tokens_are_refused_and_audited(app: Flask) -> None:
    make_world()
    assert voting.confirm_letter("not-a-real-token", "1234", ip="1.2.3.4", now=utcnow())[0] is voting.LetterStatus.INVALID
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "letter.invalid_token")).scalar_one()
    assert event.data == {"ip": "1.2.3.4"}


def test_a_recorded_proxy_gets_a_letter_that_acts_for_the_owner(app: Flask) -> None:
    world, now = make_world(), utcnow()
    session, _ = issued(world, now)
    from app.communities.models import Person

    owner = db.session.execute(select(Person).where(Person.name == "张伟")).scalar_one()
    proxy = services.record_proxy(
        actor_for(world.committee),
        session.id,
        unit="2-101",
        owner_name=owner.name,
        proxy_name="张小伟",
        proxy_id_last4="987x",
        scan_reference="委托书-2026-001",
        now=now,
    )
    assert voting.confirm_letter(proxy.token, "1234", ip="t", now=now)[0] is voting.LetterStatus.WRONG_DIGITS
    status, letter = voting.confirm_letter(proxy.token, "987X", ip="t", now=now)
    assert status is voting.LetterStatus.OK and letter is not None and letter.roll_entry.units == ["1-101", "2-101"]
    with pytest.raises(RuleViolation, match="not a holder"):
        services.record_proxy(
            actor_for(world.committee),
            session.id,
            unit="1-102",
            owner_name=owner.name,
            proxy_name="x",
            proxy_id_last4="1111",
            scan_reference="r",
            now=now,
        )


def test_the_clock_opens_and_closes_an_announced_session(app: Flask) -> None:
    world, now = make_world(), utcnow()
    session = draft(world, now)
    announce(world, session, now)
    assert services.sync_state(session.id, now=now + timedelta(days=16)) is SessionState.OPEN
    assert services.sync_state(session.id, now=now + timedelta(days=30)) is SessionState.TALLIED
    events = select(AuditEvent.action).where(AuditEvent.action.in_(["session.open", "session.closed"])).order_by(AuditEvent.seq)
    actions = db.session.execute(events).scalars()
    assert list(actions) == ["session.open", "session.closed"]


def test_close_due_opens_and_closes_sessions_by_the_clock_and_is_idempotent(app: Flask) -> None:
    world, now = make_world(), utcnow()
    session = draft(world, now)
    announce(world, session, now)
    assert services.advance_due_sessions(now=now) == {"opened": 0, "closed": 0, "recounted": 0}
    assert services.advance_due_sessions(now=now + timedelta(days=17)) == {"opened": 1, "closed": 0, "recounted": 0}
    assert services.advance_due_sessions(now=now + timedelta(days=24)) == {"opened": 0, "closed": 1, "recounted": 0}
    assert services.advance_due_sessions(now=now + timedelta(days=25)) == {"opened": 0, "closed": 0, "recounted": 0}
    db.session.refresh(session)
    assert session.state is SessionState.TALLIED and session.result is not None


def test_an_operator_can_record_a_proxy_from_the_command_line(app: Flask) -> None:
    world, now = make_world(), utcnow()
    session, _ = issued(world, now)
    letter = services.record_proxy(
        operator("test", Grant.committee(world.community.id)),
        session.id,
        unit="1-101",
        owner_name="张伟",
        proxy_name="张小伟",
        proxy_id_last4="1111",
        scan_reference="WT-009",
        now=now,
    )
    assert voting.confirm_letter(letter.token, "1111", ip="t", now=now)[0] is voting.LetterStatus.OK
