"""Consultations (意见征询): one answer per voter of the roll, by letter or on the board; the summary by area and headcount.

The fixture's roll (``open_session`` with two more voters, hand-computed): 1-101 张伟 89.50 m²,
1-102 李娜 and 王强 120.00 m² (one voter), 1-103 赵敏 60.00 m², 2-1 业主1 and 2-2 业主2 80.00 m²
each: 5 voters, 429.50 m².
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import inspect, select

from app.audit.models import AuditEvent
from app.clock import today_in_china
from app.consultations import services as consultations
from app.consultations.models import Consultation, ConsultationAnswer, ConsultationState
from app.db import db, utcnow
from app.domain.errors import RuleViolation
from app.domain.id_digits import MAX_ATTEMPTS
from app.notices import services as notices
from app.security.actor import actor_for
from app.security.permissions import PermissionDenied
from tests.factories import World, make_world, open_session

OPTIONS = ["加装电梯", "维持现状", "再议"]


def opened(world: World, now=None, **fields):  # type: ignore[no-untyped-def]
    now = now or utcnow()
    draft = consultations.draft_consultation(
        actor_for(world.committee),
        community_id=world.community.id,
        title=fields.get("title", "是否在 1 号楼加装电梯？"),
        description="业委会拟提请业主大会表决，先听取业主意见。",
        options=fields.get("options", OPTIONS),
        closes_on=today_in_china(now) + timedelta(days=7),
        now=now,
    )
    return consultations.open_consultation(actor_for(world.committee), draft.id, now=now)


def option_id(consultation: Consultation, label: str) -> int:
    return next(o.id for o in db.session.get(Consultation, consultation.id).options if o.label == label)  # type: ignore[union-attr]


def by_identity(c: Consultation, label: str, unit: str, name: str, last4: str, now=None):  # type: ignore[no-untyped-def]
    return consultations.answer_by_identity(
        c.public_id, option_id(c, label), unit=unit, name=name, id_last4=last4, ip="t", now=now or utcnow()
    )


def test_each_voter_answers_once_whichever_holder_and_whichever_way(app: Flask) -> None:
    world = make_world()
    _session, tokens, now = open_session(world, more_voters=2)
    c = opened(world, now)
    consultations.answer_by_letter(tokens["张伟"], c.public_id, option_id(c, "加装电梯"), ip="t", now=now)
    with pytest.raises(RuleViolation, match="already answered") as again:
        consultations.answer_by_letter(tokens["张伟"], c.public_id, option_id(c, "维持现状"), ip="t", now=now)
    assert "cannot be changed" in again.value.reason
    consultations.answer_by_letter(tokens["李娜"], c.public_id, option_id(c, "维持现状"), ip="t", now=now)
    # 王强 holds 1-102 with 李娜: one voter, who has answered, by letter or on the board.
    with pytest.raises(RuleViolation, match="already answered"):
        consultations.answer_by_letter(tokens["王强"], c.public_id, option_id(c, "加装电梯"), ip="t", now=now)
    with pytest.raises(RuleViolation, match="already answered"):
        by_identity(c, "加装电梯", "1-102", "王强", "3456", now)
    by_identity(c, "加装电梯", "1-103", "赵敏", "0456", now)
    with pytest.raises(RuleViolation, match="already answered"):  # and on the board, then by letter
        consultations.answer_by_letter(tokens["赵敏"], c.public_id, option_id(c, "再议"), ip="t", now=now)

    counts = consultations.summary(db.session.get(Consultation, c.id))  # type: ignore[arg-type]
    assert [(o.label, o.heads, o.area_centi) for o in counts.options] == [
        ("加装电梯", 2, 14950),  # 张伟 89.50 + 赵敏 60.00
        ("维持现状", 1, 12000),  # 李娜 and 王强's 120.00, once
        ("再议", 0, 0),
    ]
    assert (counts.heads, counts.roll_heads, counts.area_centi, counts.roll_area_centi) == (3, 5, 26950, 42950)
    assert db.session.execute(select(ConsultationAnswer)).scalars().all().__len__() == 3


def test_an_option_must_be_one_of_the_consultation_and_a_letter_of_the_community(app: Flask) -> None:
    world = make_world()
    _session, tokens, now = open_session(world)
    c = opened(world, now)
    with pytest.raises(RuleViolation, match="Choose one of the options") as missing:
        consultations.answer_by_letter(tokens["张伟"], c.public_id, None, ip="t", now=now)
    assert missing.value.field == "option"
    with pytest.raises(RuleViolation, match="not valid"):
        consultations.answer_by_letter("not-a-token", c.public_id, option_id(c, "再议"), ip="t", now=now)


def test_the_identity_check_refuses_and_locks_as_for_petitions(app: Flask) -> None:
    world = make_world()
    _session, _tokens, now = open_session(world)
    c = opened(world, now)
    with pytest.raises(RuleViolation, match='no unit "9-999"') as nowhere:
        by_identity(c, "再议", "9-999", "张伟", "1234", now)
    assert nowhere.value.field == "unit"
    with pytest.raises(RuleViolation, match="not counted as a try") as slip:
        by_identity(c, "再议", "1-101", "张伟", "12", now)
    assert slip.value.field == "id_last4"
    for left in range(MAX_ATTEMPTS - 1, 0, -1):
        with pytest.raises(RuleViolation, match=f"{left} tries left") as wrong:
            by_identity(c, "再议", "1-101", "张三", "1234", now)
        assert wrong.value.field == "name"
    with pytest.raises(RuleViolation, match="locked for identity checks"):
        by_identity(c, "再议", "1-101", "张三", "1234", now)
    with pytest.raises(RuleViolation, match="locked for identity checks"):  # even with the right details
        by_identity(c, "再议", "1-101", "张伟", "1234", now)
    refused = db.session.execute(select(AuditEvent).where(AuditEvent.action == "consultation.identity_refused")).scalars().all()
    assert len(refused) == MAX_ATTEMPTS and all(e.target_id == c.public_id for e in refused)
    assert consultations.summary(db.session.get(Consultation, c.id)).heads == 0  # type: ignore[arg-type]


def test_a_closed_consultation_takes_no_answer_and_its_last_day_closes_it(app: Flask) -> None:
    world = make_world()
    _session, tokens, now = open_session(world)
    c = opened(world, now)
    after = c.closes_at + timedelta(seconds=1)
    with pytest.raises(RuleViolation, match="closed and takes no more answers"):  # the clock, before close-due ran
        consultations.answer_by_letter(tokens["张伟"], c.public_id, option_id(c, "再议"), ip="t", now=after)
    early = opened(world, now, title="小区大门改造方案")
    consultations.close_consultation(actor_for(world.committee), early.id, now=now)
    with pytest.raises(RuleViolation, match="closed and takes no more answers"):
        by_identity(early, "再议", "1-101", "张伟", "1234", now)
    with pytest.raises(RuleViolation, match="Only an open consultation"):
        consultations.close_consultation(actor_for(world.committee), early.id, now=now)


def test_close_due_publishes_the_summary_by_area_and_headcount_and_nobody_s_answer(app: Flask) -> None:
    world = make_world()
    _session, tokens, now = open_session(world, more_voters=2)
    c = opened(world, now)
    consultations.answer_by_letter(tokens["张伟"], c.public_id, option_id(c, "加装电梯"), ip="t", now=now)
    consultations.answer_by_letter(tokens["王强"], c.public_id, option_id(c, "维持现状"), ip="t", now=now)
    by_identity(c, "加装电梯", "1-103", "赵敏", "0456", now)
    assert consultations.close_due(now) == 0
    after = c.closes_at + timedelta(minutes=1)
    assert consultations.close_due(after) == 1
    assert consultations.close_due(after) == 0
    closed = db.session.get(Consultation, c.id)
    assert closed is not None and closed.state is ConsultationState.CLOSED and closed.summary_notice_id is not None
    notice = notices.published_notice(world.community.id, notices.public_id_of(closed.summary_notice_id) or "")
    # Published in Chinese (English until the integrated catalogue carries these texts).
    assert notice is not None and notice.title in ("意见征询结果：是否在 1 号楼加装电梯？", "Consultation summary: 是否在 1 号楼加装电梯？")
    assert "| 加装电梯 | 2 | 149.50 |" in notice.body
    assert "| 维持现状 | 1 | 120.00 |" in notice.body
    assert "| 再议 | 0 | 0.00 |" in notice.body
    assert "3" in notice.body and "429.50" in notice.body and "60.00%" in notice.body and "62.75%" in notice.body
    for private in ("1-101", "1-102", "1-103", "张伟", "王强", "赵敏"):
        assert private not in notice.body
    # What an answer keeps: the voter's roll line (to refuse a second) and the option with its weight; no holder, letter or address.
    kept = {c.key for c in inspect(ConsultationAnswer).columns}
    assert kept == {"id", "consultation_id", "roll_line_id", "option_id", "area_centi", "heads"}
    answers = db.session.execute(select(AuditEvent).where(AuditEvent.action == "consultation.answer")).scalars().all()
    assert len(answers) == 3 and all("option" not in (e.data or {}) for e in answers)


def test_opening_announces_it_on_the_board_with_its_link(app: Flask) -> None:
    world = make_world()
    _session, _tokens, now = open_session(world)
    c = opened(world, now)
    notice = notices.published_notice(world.community.id, notices.public_id_of(c.announcement_notice_id) or "")
    assert notice is not None and notice.title in ("意见征询：是否在 1 号楼加装电梯？", "Consultation: 是否在 1 号楼加装电梯？")
    assert f"/c/lanting/consultations/{c.public_id}" in notice.body
    assert all(label in notice.body for label in OPTIONS)
    assert [x.public_id for x in consultations.open_for(world.community.id, now)] == [c.public_id]
    assert consultations.open_for(world.community.id, c.closes_at) == []


def test_a_draft_names_the_field_or_option_row_it_refuses(app: Flask) -> None:
    world = make_world()
    now = utcnow()
    chair = actor_for(world.committee)
    day = today_in_china(now) + timedelta(days=3)

    def draft(**over):  # type: ignore[no-untyped-def]
        fields: dict[str, Any] = {"title": "问题", "description": "", "options": ["甲", "乙"], "closes_on": day} | over
        return consultations.draft_consultation(chair, community_id=world.community.id, now=now, **fields)

    for over, field in (
        ({"title": " "}, "title"),
        ({"options": ["甲", "", ""]}, "options"),
        ({"options": [str(n) for n in range(11)]}, "options"),
        ({"options": ["甲", "", "甲"]}, "options-2"),
        ({"options": ["甲", "乙" * 201]}, "options-1"),
        ({"closes_on": today_in_china(now)}, "closes_on"),
        ({"closes_on": None}, "closes_on"),
    ):
        with pytest.raises(RuleViolation) as refused:
            draft(**over)
        assert refused.value.field == field, over
    with pytest.raises(PermissionDenied):
        consultations.draft_consultation(
            actor_for(world.outsider),
            community_id=world.community.id,
            title="问题",
            description="",
            options=["甲", "乙"],
            closes_on=day,
            now=now,
        )
    kept = draft(options=["", "甲", " 乙 ", ""])
    assert [o.label for o in kept.options] == ["甲", "乙"]
    edited = consultations.edit_draft(
        chair, kept.id, title="新问题", description="说明", options=["丙", "丁", "戊"], closes_on=day, now=now
    )
    assert [o.label for o in edited.options] == ["丙", "丁", "戊"] and edited.title == "新问题"


def test_a_draft_cannot_open_without_a_roll_and_held_in_counts_the_opened(app: Flask) -> None:
    world = make_world()
    now = utcnow()
    chair = actor_for(world.committee)
    day = today_in_china(now) + timedelta(days=3)
    empty = consultations.draft_consultation(
        chair, community_id=world.community.id, title="问题", description="", options=["甲", "乙"], closes_on=day, now=now
    )
    with pytest.raises(RuleViolation, match="no voters yet"):
        consultations.open_consultation(chair, empty.id, now=now)
    _session, _tokens, now = open_session(world)
    opened(world, now)
    today = today_in_china(now)
    assert consultations.held_in(world.community.id, today.replace(month=1, day=1), today.replace(month=12, day=31)) == 1
    assert consultations.held_in(world.community.id, today + timedelta(days=1), today + timedelta(days=30)) == 0
    assert consultations.held_in(world.community.id, today, today, purpose="satisfaction") == 0


def test_flask_close_due_closes_the_consultations_past_their_last_day(app: Flask, runner: FlaskCliRunner) -> None:
    world = make_world()
    _session, _tokens, now = open_session(world)
    c = opened(world, now)
    with db.write() as s:  # its last day ended a minute ago
        s.get(Consultation, c.id).closes_at = now - timedelta(minutes=1)  # type: ignore[union-attr]
    result = runner.invoke(args=["close-due"], env={"GONGZHI_LANG": "en"})
    assert result.exit_code == 0, result.output
    assert "closed 1 consultation(s) and published their summaries" in result.output
    db.session.rollback()
    closed = db.session.get(Consultation, c.id)
    assert closed is not None and closed.state is ConsultationState.CLOSED and closed.summary_notice_id is not None
