"""What the committee's work must not allow: rewriting the office's notices, a decision in other words, an entry that
blocks a voter, a proxy speaking for an owner after their session, personal numbers on the board, ids no record has."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.clock import today_in_china
from app.committees import services as committees
from app.committees.models import Attendance, MotionVote
from app.db import db, utcnow
from app.domain.errors import RuleViolation
from app.domain.lifecycle import SessionState
from app.notices import services as notices
from app.notices.models import Notice, NoticeState
from app.oversight import services as oversight
from app.security.actor import actor_for
from app.sessions import services as sessions
from app.sessions.models import AssemblySession
from tests.committee_factories import Seated, held_meeting, seated_committee
from tests.factories import login, make_world, open_session
from tests.services.test_consultations import opened
from tests.services.test_elections import PDF


def finding_of(seated: Seated, evidence: str = "拖欠物业费 8 个月") -> Notice:
    finding = oversight.record_finding(
        actor_for(seated.world.official), community_id=seated.world.community.id, membership_id=seated.seats["郑三"].id,
        code="fee_arrears", evidence=evidence, found_on=today_in_china(utcnow()), now=utcnow(),
    )  # fmt: skip
    notice = db.session.get(Notice, finding.notice_id)
    assert notice is not None
    return notice


def test_the_committee_cannot_correct_what_the_office_published_on_its_board(app: Flask) -> None:
    seated = seated_committee(logins=True)
    notice = finding_of(seated)
    assert notice.system
    with pytest.raises(RuleViolation, match="only they change it"):
        notices.correct_notice(seated.actor("周一"), notice.id, now=utcnow())
    official = actor_for(seated.world.official)
    draft = oversight.save_audit(
        official, seated.committee.id, auditor="诚信会计师事务所", covered=["ledgers"], report=("r.pdf", PDF), now=utcnow()
    )
    audit = oversight.publish_audit(official, draft.id, now=utcnow())
    with pytest.raises(RuleViolation, match="only they change it"):
        notices.correct_notice(seated.actor("周一"), audit.notice_id, now=utcnow())  # type: ignore[arg-type]
    # Nor through the pages: no correction is drafted, the board keeps the office's words.
    client = login_as(app, "m1")
    client.post(f"/committee/n/{notice.public_id}/correct")
    db.session.rollback()
    assert db.session.execute(select(Notice).where(Notice.supersedes_id == notice.id)).first() is None
    # The committee's own notice stays correctable.
    own = notices.draft_notice(seated.actor("周一"), community_id=seated.world.community.id, kind=notice.kind.GENERAL,
                               title="停水通知", body="周三停水。", now=utcnow())  # fmt: skip
    notices.publish_notice(seated.actor("周一"), own.id, now=utcnow())
    assert notices.correct_notice(seated.actor("周一"), own.id, now=utcnow()).supersedes_id == own.id


def login_as(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


def passed(seated: Seated) -> str:
    meeting = held_meeting(seated)
    motion = committees.add_motion(seated.actor("周一"), meeting.public_id, text="同意更换小区门禁系统。", now=utcnow())
    for name in ("周一", "吴二", "郑三"):
        committees.cast_vote(seated.actor(name), motion.public_id, choice="agree", now=utcnow())
    committees.close_motion(seated.actor("周一"), motion.public_id, now=utcnow())
    return motion.public_id


def test_a_decision_drafted_from_a_motion_keeps_its_words_its_files_and_its_seated_publishers(app: Flask) -> None:
    seated = seated_committee()
    notice = committees.draft_decision_notice(seated.actor("周一"), passed(seated), now=utcnow())
    with pytest.raises(RuleViolation, match="published as drafted"):
        notices.attach(seated.actor("周一"), notice.id, filename="extra.pdf", data=PDF, now=utcnow())
    # An account with the committee's role but no seat on it neither asks for nor confirms the publication.
    unseated = actor_for(seated.world.committee)
    with pytest.raises(RuleViolation, match="not linked to a seat"):
        notices.publish_notice(unseated, notice.id, now=utcnow())
    notices.publish_notice(seated.actor("周一"), notice.id, now=utcnow())
    with pytest.raises(RuleViolation, match="not linked to a seat"):
        notices.confirm_notice(unseated, notice.id, now=utcnow())
    assert notices.confirm_notice(seated.actor("吴二"), notice.id, now=utcnow()).state is NoticeState.PUBLISHED
    with pytest.raises(RuleViolation, match="published as drafted"):
        notices.correct_notice(seated.actor("周一"), notice.id, now=utcnow())


def test_an_unconfirmed_paper_entry_never_blocks_its_voter_nor_marks_them_present(app: Flask) -> None:
    seated = seated_committee()
    meeting = held_meeting(seated)
    motion = committees.add_motion(seated.actor("周一"), meeting.public_id, text="同意。", now=utcnow())
    zheng = seated.seats["郑三"].id
    committees.enter_paper_vote(
        seated.actor("吴二"), motion.public_id, membership_id=zheng, choice="disagree", paper_reference="第 9 号", now=utcnow()
    )
    # 郑三 votes himself: his vote replaces the entry nobody confirmed.
    committees.cast_vote(seated.actor("郑三"), motion.public_id, choice="agree", now=utcnow())
    (vote,) = db.session.execute(select(MotionVote).where(MotionVote.membership_id == zheng)).scalars()
    assert (vote.choice, vote.how.value) == ("agree", "online")
    # 冯五's entry is never confirmed: at the close he is not recorded present for it.
    feng = seated.seats["冯五"].id
    committees.enter_paper_vote(
        seated.actor("吴二"), motion.public_id, membership_id=feng, choice="agree", paper_reference="第 10 号", now=utcnow()
    )
    committees.close_meeting(seated.actor("周一"), meeting.public_id, now=utcnow())
    roll = {a.membership_id: a.present for a in db.session.execute(select(Attendance).where(Attendance.meeting_id == meeting.id)).scalars()}
    assert roll[zheng] is True and roll[feng] is False


def test_a_proxy_s_letter_does_not_answer_the_owner_s_consultations(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, letters, _now = open_session(world)
    proxy = sessions.record_proxy(
        actor_for(world.committee), session.id, unit="1-101", owner_name="张伟", proxy_name="刘某", proxy_id_last4="7777",
        scan_reference="委托书-1", now=utcnow(),
    )  # fmt: skip
    with db.write() as s:
        s.get(AssemblySession, session.id).state = SessionState.TALLIED  # type: ignore[union-attr]
    consultation = opened(world)
    option = consultation.options[0].id
    refused = client.post(
        f"/api/v1/letters/{proxy.token}/consultations/{consultation.public_id}", json={"digits": "7777", "option": option}
    )
    assert refused.status_code == 422 and "代理人的表决通知书" in refused.get_data(as_text=True)
    mine = client.post(
        f"/api/v1/letters/{letters['张伟']}/consultations/{consultation.public_id}", json={"digits": "1234", "option": option}
    )
    assert mine.status_code == 201


@pytest.mark.parametrize(
    "text",
    [
        "电话 +8613812345678",
        "电话 138 1234 5678",
        "电话 138-1234-5678",
        "身份证 110101 19900101 1234",
        "身份证 11010119900101123X",
        "座机 010-8765-4321",
    ],
)
def test_phone_and_id_numbers_are_masked_however_they_are_written(text: str) -> None:
    masked = oversight.mask_personal(text)
    assert "***" in masked and not any(ch.isdigit() for ch in masked.split(" ", 1)[1].replace("***", ""))


def test_dates_and_amounts_stay_in_the_evidence() -> None:
    assert (
        oversight.mask_personal("于2025-03-01发现，欠费 3,200 元，共 8 个月，20250301")
        == "于2025-03-01发现，欠费 3,200 元，共 8 个月，20250301"
    )


def test_the_outcome_note_is_masked_on_the_board_and_in_the_api(app: Flask, client: FlaskClient) -> None:
    seated = seated_committee()
    notice = finding_of(seated)
    finding = oversight.findings_of(seated.world.community.id)[0]
    decided = oversight.decide_finding(
        actor_for(seated.world.official), finding.id, outcome="lifted", note="经核实已缴清，联系人电话 138 1234 5678。", now=utcnow()
    )
    outcome = db.session.get(Notice, decided.outcome_notice_id)
    assert outcome is not None and "5678" not in outcome.body and "联系人电话 " in outcome.body and notice.id != outcome.id
    listed = client.get(f"/api/v1/communities/{seated.world.community.slug}/findings").get_json()
    assert listed and all("5678" not in (f["outcome_note"] or "") for f in listed)


def test_ids_no_record_could_have_are_not_found_not_an_error(app: Flask) -> None:
    seated = seated_committee(logins=True)
    chair = login_as(app, "m1")
    assert chair.post("/committee/votes/99999999999999999999/confirm").status_code == 404
    assert chair.get("/committee/c/99999999999999999999/meetings").status_code == 404
    meeting = held_meeting(seated)
    assert chair.post(f"/committee/meetings/{meeting.public_id}/attendance", data={"membership_id": "²", "present": "1"}).status_code == 400
    official = login_as(app, "official")
    assert official.get(f"/office/committees/{seated.committee.id}/review/0").status_code == 404
    assert official.get(f"/office/committees/{seated.committee.id}/review/10000").status_code == 404
    assert official.get("/office/99999999999999999999/reviews").status_code == 404


def test_a_member_recorded_absent_neither_votes_nor_has_a_paper_vote_until_the_roll_says_present(app: Flask) -> None:
    seated = seated_committee()
    meeting = held_meeting(seated)
    motion = committees.add_motion(seated.actor("周一"), meeting.public_id, text="同意。", now=utcnow())
    feng = seated.seats["冯五"].id
    committees.record_attendance(seated.actor("周一"), meeting.public_id, membership_id=feng, present=False, now=utcnow())
    with pytest.raises(RuleViolation, match="recorded absent"):
        committees.enter_paper_vote(
            seated.actor("吴二"), motion.public_id, membership_id=feng, choice="agree", paper_reference="第 3 号", now=utcnow()
        )
    with pytest.raises(RuleViolation, match="recorded absent"):
        committees.cast_vote(seated.actor("冯五"), motion.public_id, choice="agree", now=utcnow())
    committees.record_attendance(seated.actor("周一"), meeting.public_id, membership_id=feng, present=True, now=utcnow())
    committees.cast_vote(seated.actor("冯五"), motion.public_id, choice="agree", now=utcnow())
    # Having voted, the member attended: the roll cannot say otherwise.
    with pytest.raises(RuleViolation, match="voted at the meeting"):
        committees.record_attendance(seated.actor("周一"), meeting.public_id, membership_id=feng, present=False, now=utcnow())
