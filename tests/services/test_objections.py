"""Objections to a preliminary result (RULES §6): filed from a letter, answered, decided, carried out; then certified."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from app.db import db, utcnow
from app.domain.bulletin import recount
from app.domain.errors import RuleViolation
from app.domain.lifecycle import SessionState
from app.notices import services as notices
from app.notices.models import NoticeKind
from app.orders.models import Order, OrderKind
from app.oversight import services as office
from app.security.actor import actor_for
from app.security.keys import load_keyring
from app.sessions import services as sessions
from app.sessions.models import AssemblySession, Letter, Verdict
from app.sessions.services import bulletin, corrections
from app.voting import services as voting
from tests.factories import CLI, PASSWORD, World, enrol, items, make_world, next_code, past_session, use_profile

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def member(world: World):  # type: ignore[no-untyped-def]
    from app.accounts.services import create_user
    from app.security.roles import Role

    user = create_user(
        CLI, username="m2", display_name="委员", password=PASSWORD, role=Role.COMMITTEE_MEMBER, community_id=world.community.id
    )
    enrol(user)
    return user


def counted(world: World, *, profile: str | None = None) -> tuple[AssemblySession, dict[str, str], list[str]]:
    """Three voters of 1-101, 1-102 and 1-103 voted; the session was counted ten days ago, its period over since three."""
    if profile:
        use_profile(world, profile)
    session, tokens, when = past_session(world)
    q1, q2 = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree", q2: "agree"}, ip="t", now=when)
    voting.cast_ballot(tokens["李娜"], {q1: "agree", q2: "agree"}, ip="t", now=when)
    voting.cast_ballot(tokens["赵敏"], {q1: "agree", q2: "agree"}, ip="t", now=when)  # not by 赵敏: her letter was taken
    sessions.sync_state(session.id, now=session.closes_at + timedelta(minutes=1))
    db.session.rollback()
    db.session.refresh(session)
    assert session.state is SessionState.TALLIED
    return session, tokens, [q1, q2]


def letter_of(token: str) -> Letter:
    found = voting.find_letter(token)
    assert found is not None
    return found


def certify(world: World, session: AssemblySession, when):  # type: ignore[no-untyped-def]
    return office.decide(actor_for(world.official), session.id, verdict=Verdict.CERTIFIED, reasons="", code=next_code("official"), now=when)


def test_the_count_is_published_preliminary_with_its_period_from_the_profile(app: Flask) -> None:
    world = make_world()
    session, _tokens, _q = counted(world)
    assert session.objections_until == session.tallied_at + timedelta(days=7)  # type: ignore[operator]
    notice = notices.board(world.community.id)[0]
    assert notice.kind is NoticeKind.RESULT and notice.title.startswith("初步统计结果")
    seal = bulletin.seal_of(db.session(), session.id)
    assert seal is not None and seal["hash"] in notice.body and f"/s/{session.public_id}/participation" in notice.body


def test_certification_waits_for_the_period_and_then_for_every_objection(app: Flask) -> None:
    world = make_world()
    session, tokens, _q = counted(world)
    until = session.objections_until
    assert until is not None
    with pytest.raises(RuleViolation, match="may object to the preliminary result until") as during:
        certify(world, session, until - timedelta(minutes=1))
    assert during.value.field == "objections"
    objection = voting.file_objection(
        letter_of(tokens["张伟"]).id, "count_wrong", "3 张票却显示 3 票同意？", ip="t", now=until - timedelta(days=1)
    )
    with pytest.raises(RuleViolation, match=f"Decide the owners' objections first: {objection.public_id}"):
        certify(world, session, until + timedelta(minutes=1))
    voting.answer_objection(actor_for(world.committee), objection.id, answer="核对纸质与线上记录，计票无误。", now=until)
    office.decide_objection(actor_for(world.official), objection.id, upheld=False, reasons="计票与公告板一致。", now=until)
    assert certify(world, session, utcnow()).verdict is Verdict.CERTIFIED


def test_a_profile_without_a_period_certifies_at_once_and_takes_no_objection(app: Flask) -> None:
    world = make_world()
    session, tokens, _q = counted(world, profile="de-weg-25")
    assert session.objections_until == session.tallied_at
    with pytest.raises(RuleViolation, match="period ended"):
        voting.file_objection(letter_of(tokens["张伟"]).id, "count_wrong", "不对", ip="t", now=session.tallied_at)  # type: ignore[arg-type]
    assert certify(world, session, utcnow()).verdict is Verdict.CERTIFIED


def test_filing_names_the_field_and_each_kind_is_said_once(app: Flask) -> None:
    world = make_world()
    session, tokens, _q = counted(world)
    letter = letter_of(tokens["张伟"]).id
    now = session.tallied_at + timedelta(hours=1)  # type: ignore[operator]
    with pytest.raises(RuleViolation) as empty:
        voting.file_objection(letter, "weight_wrong", "  ", ip="t", now=now)
    assert empty.value.field == "statement"
    with pytest.raises(RuleViolation) as kind:
        voting.file_objection(letter, "my_neighbour", "x", ip="t", now=now)
    assert kind.value.field == "kind"
    with pytest.raises(RuleViolation, match=r"notes\.txt") as bad_file:
        voting.file_objection(letter, "weight_wrong", "面积应为 98.50", files=[voting.Upload("notes.txt", b"hello")], ip="t", now=now)
    assert bad_file.value.field == "files"
    filed = voting.file_objection(letter, "weight_wrong", "面积应为 98.50", files=[voting.Upload("产权证.png", PNG)], ip="t", now=now)
    assert [d.filename for d in voting.documents_of(filed.id)] == ["产权证.png"]
    with pytest.raises(RuleViolation, match="already objected"):
        voting.file_objection(letter, "weight_wrong", "again", ip="t", now=now)
    with pytest.raises(RuleViolation, match="period ended"):
        voting.file_objection(letter, "count_wrong", "late", ip="t", now=session.objections_until)  # type: ignore[arg-type]
    summary = voting.summary(session.id)
    assert (summary.total, summary.by_kind, summary.undecided) == (1, {"weight_wrong": 1}, 1)


def test_not_my_ballot_upheld_re_issues_the_letter_and_the_owner_votes_again_in_the_window(app: Flask) -> None:
    world = make_world()
    session, tokens, (q1, q2) = counted(world)
    assert session.result["ballots"] == 3  # type: ignore[index]
    old = letter_of(tokens["赵敏"])
    now = session.tallied_at + timedelta(hours=2)  # type: ignore[operator]
    objection = voting.file_objection(old.id, "not_mine", "我没有投票，投票通知书曾被他人拿走。", ip="t", now=now)
    now = utcnow()  # the office decides after the period, and the window runs from its decision
    # Only what follows from a ballot not being hers: never a reissue for a count objection.
    with pytest.raises(RuleViolation) as wrong:
        office.decide_objection(actor_for(world.official), objection.id, upheld=True, reasons="x", outcome="paper_or_what", now=now)
    assert wrong.value.field == "outcome"
    decided = office.decide_objection(
        actor_for(world.official), objection.id, upheld=True, reasons="核实：该票由他人持通知书投出。", outcome="reissue", now=now
    )
    assert decided.token is not None
    db.session.rollback()
    assert voting.find_letter(tokens["赵敏"]) is None and db.session.get(Letter, old.id).revoked_at is not None  # type: ignore[union-attr]
    verify = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verify.exit_code == 0 and f"bulletin of session {session.public_id}: OK" in verify.output, verify.output
    # The disputed ballot is out of the count; certification waits for her window.
    with pytest.raises(RuleViolation, match="still being carried out"):
        certify(world, session, utcnow())  # type: ignore[operator]
    with pytest.raises(RuleViolation, match="not open"):
        voting.cast_ballot(tokens["张伟"], {q1: "disagree", q2: "disagree"}, ip="t", now=now)  # no one else votes again
    voting.cast_ballot(decided.token, {q1: "disagree", q2: "agree"}, ip="t", now=now + timedelta(hours=1))
    db.session.rollback()
    assembly = db.session.get(AssemblySession, session.id)
    assert assembly is not None and assembly.result is not None
    first = assembly.result["items"][0]
    assert assembly.result["ballots"] == 3 and first["disagree"]["heads"] == 1
    assert voting.settled(voting.objection_by_public_id(objection.public_id))  # type: ignore[arg-type]
    # The published bulletin recounts to the corrected result: seal, correction, her ballot, seal again.
    entries = bulletin.entries(db.session(), session.id)
    assert [e["type"] for e in entries][-3:] == ["correction", "ballot", "seal"]
    again = recount(entries, load_keyring(app.instance_path).published, whole=True)
    assert again.ballots == 3 and again.sums[q1]["disagree"].heads == 1
    verify = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verify.exit_code == 0 and f"bulletin of session {session.public_id}: OK" in verify.output, verify.output
    corrected = notices.board(world.community.id)[0]
    assert corrected.title.startswith("更正后的初步统计结果")
    assert certify(world, session, utcnow()).verdict is Verdict.CERTIFIED  # type: ignore[operator]


def test_a_window_that_ends_without_a_ballot_leaves_the_disputed_ballot_out(app: Flask) -> None:
    world = make_world()
    session, tokens, _q = counted(world)
    now = session.tallied_at + timedelta(hours=1)  # type: ignore[operator]
    objection = voting.file_objection(letter_of(tokens["赵敏"]).id, "not_mine", "不是我投的", ip="t", now=now)
    office.decide_objection(actor_for(world.official), objection.id, upheld=True, reasons="属实", outcome="reissue", now=now)
    assert corrections.close_due_windows(now=now + timedelta(hours=47)) == 0
    assert corrections.close_due_windows(now=now + timedelta(hours=48)) == 1
    db.session.rollback()
    assembly = db.session.get(AssemblySession, session.id)
    assert assembly is not None and assembly.result["ballots"] == 2  # type: ignore[index]
    entries = bulletin.entries(db.session(), session.id)
    assert recount(entries, load_keyring(app.instance_path).published, whole=True).ballots == 2


def test_not_my_ballot_upheld_on_paper_two_members_enter_the_owners_ballot(app: Flask) -> None:
    world = make_world()
    second = member(world)
    session, tokens, (q1, q2) = counted(world)
    now = session.tallied_at + timedelta(hours=1)  # type: ignore[operator]
    objection = voting.file_objection(letter_of(tokens["赵敏"]).id, "not_mine", "我交的是纸质票", ip="t", now=now)
    with pytest.raises(RuleViolation, match="not open"):  # no paper after the count without the office's decision
        sessions.enter_paper_ballot(
            actor_for(world.committee), session.id, unit="1-101", choices={q1: "agree"}, paper_reference="P1", now=now
        )
    office.decide_objection(actor_for(world.official), objection.id, upheld=True, reasons="纸质票在册。", outcome="paper", now=now)
    paper = sessions.enter_paper_ballot(
        actor_for(world.committee), session.id, unit="1-103", choices={q1: "disagree", q2: "disagree"}, paper_reference="P-0103", now=now
    )
    sessions.confirm_paper_ballot(actor_for(second), paper.id, now=now + timedelta(minutes=5))
    db.session.rollback()
    assembly = db.session.get(AssemblySession, session.id)
    assert assembly is not None and assembly.result["items"][1]["disagree"]["heads"] == 1  # type: ignore[index]
    assert bulletin.head_of(db.session(), session.id).sealed_at is not None  # type: ignore[union-attr]


@pytest.mark.parametrize("kind", ["unit_missing", "unit_wrong", "weight_wrong", "count_wrong", "not_mine"])
def test_any_upheld_objection_can_reject_the_result_with_an_order(app: Flask, kind: str) -> None:
    world = make_world()
    session, tokens, _q = counted(world)
    now = session.tallied_at + timedelta(hours=1)  # type: ignore[operator]
    objection = voting.file_objection(letter_of(tokens["赵敏"]).id, kind, "登记有误", ip="t", now=now)
    due = date.today() + timedelta(days=40)
    with pytest.raises(RuleViolation, match="code is not valid"):
        office.decide_objection(
            actor_for(world.official),
            objection.id,
            upheld=True,
            reasons="核实属实",
            outcome="rejected",
            code="000000",
            order_due_on=due,
            now=now,
        )
    if kind != "not_mine":
        with pytest.raises(RuleViolation) as only_rejection:
            office.decide_objection(actor_for(world.official), objection.id, upheld=True, reasons="x", outcome="reissue", now=now)
        assert only_rejection.value.field == "outcome"
    office.decide_objection(
        actor_for(world.official),
        objection.id,
        upheld=True,
        reasons="核实属实",
        outcome="rejected",
        code=next_code("official"),
        order_due_on=due,
        now=utcnow(),
    )
    db.session.rollback()
    assert db.session.get(AssemblySession, session.id).state is SessionState.REJECTED  # type: ignore[union-attr]
    order = db.session.execute(select(Order).where(Order.community_id == world.community.id)).scalar_one()
    assert order.kind is OrderKind.CONVENE and order.due_on == due
    assert voting.settled(voting.objection_by_public_id(objection.public_id))  # type: ignore[arg-type]


def test_only_the_office_decides_and_only_those_running_the_session_answer(app: Flask) -> None:
    from app.security.permissions import PermissionDenied

    world = make_world()
    session, tokens, _q = counted(world)
    now = session.tallied_at + timedelta(hours=1)  # type: ignore[operator]
    objection = voting.file_objection(letter_of(tokens["张伟"]).id, "count_wrong", "不对", ip="t", now=now)
    with pytest.raises(PermissionDenied):
        office.decide_objection(actor_for(world.committee), objection.id, upheld=False, reasons="x", now=now)
    with pytest.raises(PermissionDenied):
        voting.answer_objection(actor_for(world.outsider), objection.id, answer="x", now=now)
    with pytest.raises(PermissionDenied):
        voting.answer_objection(actor_for(world.official), objection.id, answer="x", now=now)


def test_the_audit_log_records_each_step(app: Flask) -> None:
    from app.audit.models import AuditEvent

    world = make_world()
    session, tokens, _q = counted(world)
    now = session.tallied_at + timedelta(hours=1)  # type: ignore[operator]
    objection = voting.file_objection(letter_of(tokens["张伟"]).id, "count_wrong", "不对", ip="t", now=now)
    voting.answer_objection(actor_for(world.committee), objection.id, answer="无误", now=now)
    office.decide_objection(actor_for(world.official), objection.id, upheld=False, reasons="无误", now=now)
    actions = (
        db.session.execute(select(AuditEvent.action).where(AuditEvent.action.like("objection.%")).order_by(AuditEvent.id)).scalars().all()
    )
    assert actions == ["objection.file", "objection.answer", "objection.decide"]
    data = db.session.execute(select(AuditEvent.data).where(AuditEvent.action == "objection.decide")).scalar_one()
    assert json.loads(json.dumps(data))["upheld"] is False


def test_rejecting_while_a_window_runs_seals_the_count_first_and_leaves_nothing_to_decide(app: Flask) -> None:
    world = make_world()
    session, tokens, _q = counted(world)
    filed = session.tallied_at + timedelta(hours=1)  # type: ignore[operator]
    mine = voting.file_objection(letter_of(tokens["赵敏"]).id, "not_mine", "不是我投的", ip="t", now=filed)
    other = voting.file_objection(letter_of(tokens["张伟"]).id, "count_wrong", "计票有误", ip="t", now=filed)
    now = utcnow()
    office.decide_objection(actor_for(world.official), mine.id, upheld=True, reasons="属实", outcome="reissue", now=now)
    rejected = office.decide(
        actor_for(world.official), session.id, verdict=Verdict.REJECTED, reasons="另有违规", code=next_code("official"), now=now
    )
    db.session.rollback()
    assembly = db.session.get(AssemblySession, session.id)
    assert assembly is not None and assembly.state is SessionState.REJECTED and assembly.result["ballots"] == 2  # type: ignore[index]
    # What was signed is the sealed count without the voided ballot; no window is left to reopen a decided result.
    assert json.loads(rejected.statement)["result_sha256"] == assembly.result_sha256
    entries = bulletin.entries(db.session(), session.id)
    assert entries[-1]["type"] == "seal" and json.loads(rejected.statement)["seal"] == entries[-1]["hash"]
    assert corrections.close_due_windows(now=now + timedelta(days=3)) == 0
    assert [o.public_id for o, _a in office.objections_to_decide(world.office.id)] == []
    assert voting.objection_by_public_id(other.public_id).status.value == "filed"  # type: ignore[union-attr]
    verify = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verify.exit_code == 0, verify.output
