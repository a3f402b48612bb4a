"""The committee's meetings through the services: convening, the vote against all seats, paper votes, minutes, decisions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.clock import today_in_china
from app.committees import services as committees
from app.committees.models import MeetingState, Minutes, MinutesState, Motion, MotionState
from app.db import db, utcnow
from app.domain.errors import RuleViolation
from app.elections import services as elections
from app.notices import services as notices
from app.notices.models import NoticeKind, NoticeState
from app.orders.models import Order, OrderKind
from app.oversight import services as oversight
from app.security.actor import actor_for
from app.security.permissions import PermissionDenied
from tests.committee_factories import Seated, held_meeting, seated_committee


def motion_of(seated: Seated, text: str = "同意与某电梯公司续签维保合同一年，费用不超过 4 万元。") -> Motion:
    meeting = held_meeting(seated)
    return committees.add_motion(seated.actor("周一"), meeting.public_id, text=text, now=utcnow())


def vote(seated: Seated, motion: Motion, choices: dict[str, str]) -> None:
    for name, choice in choices.items():
        committees.cast_vote(seated.actor(name), motion.public_id, choice=choice, now=utcnow())


def closed(motion: Motion, seated: Seated, name: str = "周一") -> Motion:
    committees.close_motion(seated.actor(name), motion.public_id, now=utcnow())
    found = db.session.get(Motion, motion.id)
    assert found is not None
    db.session.refresh(found)
    return found


# Convening ------------------------------------------------------------------------------------------------------------


def test_the_chair_convenes_and_other_members_once_a_third_of_all_seats_ask(app: Flask) -> None:
    seated = seated_committee()
    now = utcnow()
    when = now + timedelta(days=3)
    fields = {"community_id": seated.world.community.id, "agenda": "议程", "place": "会议室", "starts_at": when, "now": now}
    by_chair = committees.convene_meeting(seated.actor("周一"), title="主任召集", **fields)  # type: ignore[arg-type]
    assert by_chair.state is MeetingState.CONVENED
    # 1/3 of 5 seats is 1.67: two members' requests convene a meeting.
    asked = committees.convene_meeting(seated.actor("吴二"), title="委员提议", **fields)  # type: ignore[arg-type]
    assert asked.state is MeetingState.REQUESTED
    with pytest.raises(RuleViolation, match="already asked"):
        committees.support_request(seated.actor("吴二"), asked.public_id, now=now)
    assert committees.support_request(seated.actor("郑三"), asked.public_id, now=now).state is MeetingState.CONVENED
    with pytest.raises(RuleViolation, match="time still to come"):
        committees.convene_meeting(seated.actor("周一"), title="过去", **{**fields, "starts_at": now - timedelta(hours=1)})  # type: ignore[arg-type]
    with pytest.raises(RuleViolation, match="agenda"):
        committees.convene_meeting(seated.actor("周一"), title="无议程", **{**fields, "agenda": " "})  # type: ignore[arg-type]


# Voting ---------------------------------------------------------------------------------------------------------------


def test_a_member_votes_once_and_every_refusal_names_its_rule(app: Flask) -> None:
    seated = seated_committee()
    world = seated.world
    early = committees.convene_meeting(
        seated.actor("周一"),
        community_id=world.community.id,
        title="明天的会",
        agenda="议程",
        place="会议室",
        starts_at=utcnow() + timedelta(days=1),
        now=utcnow(),
    )
    early_motion = committees.add_motion(seated.actor("周一"), early.public_id, text="议案", now=utcnow())
    with pytest.raises(RuleViolation, match="when the meeting begins"):
        committees.cast_vote(seated.actor("吴二"), early_motion.public_id, choice="agree", now=utcnow())
    motion = motion_of(seated)
    vote(seated, motion, {"吴二": "agree"})
    with pytest.raises(RuleViolation, match="already voted"):
        committees.cast_vote(seated.actor("吴二"), motion.public_id, choice="disagree", now=utcnow())
    with pytest.raises(RuleViolation, match="agree, disagree or abstain"):
        committees.cast_vote(seated.actor("郑三"), motion.public_id, choice="maybe", now=utcnow())
    # The street office suspends 王四: the seat still counts, the member cannot vote.
    oversight.issue_order(
        actor_for(world.official),
        community_id=world.community.id,
        kind=OrderKind.SUSPEND,
        subject="暂停王四履职",
        body="拒不履职。",
        due_on=today_in_china(utcnow()) + timedelta(days=30),
        member="王四",
        now=utcnow(),
    )
    with pytest.raises(RuleViolation, match="suspended"):
        committees.cast_vote(seated.actor("王四"), motion.public_id, choice="agree", now=utcnow())
    # The chair account of the test world holds the committee role but no seat; a member of 梅园 has no say here.
    with pytest.raises(RuleViolation, match="not linked to a seat"):
        committees.cast_vote(actor_for(world.committee), motion.public_id, choice="agree", now=utcnow())
    with pytest.raises(PermissionDenied):
        committees.cast_vote(actor_for(world.outsider), motion.public_id, choice="agree", now=utcnow())
    with pytest.raises(PermissionDenied):
        committees.close_motion(actor_for(world.outsider), motion.public_id, now=utcnow())
    decided = closed(motion, seated)
    assert (decided.agree, decided.state) == (1, MotionState.FAILED)
    with pytest.raises(RuleViolation, match="closed"):
        committees.cast_vote(seated.actor("郑三"), motion.public_id, choice="agree", now=utcnow())


def test_a_paper_vote_counts_only_once_a_second_member_confirms_it(app: Flask) -> None:
    seated = seated_committee()
    motion = motion_of(seated)
    vote(seated, motion, {"周一": "agree", "吴二": "agree"})
    with pytest.raises(RuleViolation, match="paper record's reference"):
        committees.enter_paper_vote(
            seated.actor("周一"), motion.public_id, membership_id=seated.seats["冯五"].id, choice="agree", paper_reference="", now=utcnow()
        )
    paper = committees.enter_paper_vote(
        seated.actor("周一"),
        motion.public_id,
        membership_id=seated.seats["冯五"].id,
        choice="agree",
        paper_reference="表决单 第 3 页",
        now=utcnow(),
    )
    with pytest.raises(RuleViolation, match="second member"):
        committees.confirm_paper_vote(seated.actor("周一"), paper.id, now=utcnow())
    view = committees.meeting_view(seated.actor("郑三"), db.session.get(Motion, motion.id).meeting.public_id)  # type: ignore[union-attr]
    assert view.motions[0].outcome.agree == 2 and [v.id for v in view.motions[0].waiting] == [paper.id]
    committees.confirm_paper_vote(seated.actor("吴二"), paper.id, now=utcnow())
    with pytest.raises(RuleViolation, match="already voted"):  # one vote per member, however it is cast
        committees.cast_vote(seated.actor("冯五"), motion.public_id, choice="disagree", now=utcnow())
    decided = closed(motion, seated)
    assert (decided.agree, decided.state) == (3, MotionState.PASSED)
    actions = set(db.session.execute(select(AuditEvent.action).where(AuditEvent.target_id == motion.public_id)).scalars())
    assert {"motion.paper_vote", "motion.paper_confirm", "motion.close"} <= actions


def test_three_of_five_pass_whatever_the_attendance(app: Flask) -> None:
    seated = seated_committee()
    motion = motion_of(seated)
    vote(seated, motion, {"周一": "agree", "吴二": "agree", "郑三": "agree"})
    meeting = db.session.get(Motion, motion.id).meeting  # type: ignore[union-attr]
    committees.close_meeting(seated.actor("吴二"), meeting.public_id, now=utcnow())
    decided = db.session.get(Motion, motion.id)
    assert decided is not None
    db.session.refresh(decided)
    assert (decided.state, decided.agree, decided.seats) == (MotionState.PASSED, 3, 5)
    # Nobody took the roll: at the close the three who voted are recorded present, the other two absent.
    view = committees.meeting_view(seated.actor("周一"), meeting.public_id)
    assert view.roll == {m.id: name in ("周一", "吴二", "郑三") for name, m in seated.seats.items()}


def test_two_against_two_with_one_absent_fails_with_five_seats(app: Flask) -> None:
    seated = seated_committee()
    motion = motion_of(seated)
    vote(seated, motion, {"周一": "agree", "吴二": "agree", "郑三": "disagree", "王四": "disagree"})
    decided = closed(motion, seated)
    assert (decided.state, decided.agree, decided.disagree) == (MotionState.FAILED, 2, 2)


def test_a_vacant_seat_still_counts_among_all_members(app: Flask) -> None:
    seated = seated_committee()
    for name in ("王四", "冯五"):  # no alternates: the two seats stay vacant
        elections.record_departure(actor_for(seated.world.official), seated.seats[name].id, reason="房屋已出售", now=utcnow())
    motion = motion_of(seated)
    # Two of the three seated agree: more than half of those seated, not of all five seats.
    vote(seated, motion, {"周一": "agree", "吴二": "agree", "郑三": "disagree"})
    decided = closed(motion, seated)
    assert (decided.state, decided.agree, decided.seats) == (MotionState.FAILED, 2, 5)


# Minutes --------------------------------------------------------------------------------------------------------------


def test_minutes_are_fixed_once_the_attending_members_confirm_and_a_correction_is_a_new_version(app: Flask) -> None:
    seated = seated_committee()
    motion = motion_of(seated)
    meeting = db.session.get(Motion, motion.id).meeting  # type: ignore[union-attr]
    for name in ("周一", "吴二", "郑三"):
        committees.record_attendance(
            seated.actor("周一"), meeting.public_id, membership_id=seated.seats[name].id, present=True, now=utcnow()
        )
    vote(seated, motion, {"周一": "agree", "吴二": "agree", "郑三": "agree"})
    with pytest.raises(RuleViolation, match="once the meeting has closed"):
        committees.draft_minutes(seated.actor("周一"), meeting.public_id, notes="", now=utcnow())
    committees.close_meeting(seated.actor("周一"), meeting.public_id, now=utcnow())
    minutes = committees.draft_minutes(seated.actor("吴二"), meeting.public_id, notes="讨论了报价。", now=utcnow())
    assert "周一、吴二、郑三" in minutes.record and "王四、冯五" in minutes.record and "3/5" in minutes.record
    with pytest.raises(RuleViolation, match="already drafted"):
        committees.draft_minutes(seated.actor("吴二"), meeting.public_id, notes="", now=utcnow())
    with pytest.raises(RuleViolation, match="Only the members who attended"):
        committees.sign_minutes(seated.actor("王四"), minutes.public_id, now=utcnow())
    with pytest.raises(RuleViolation, match="Only confirmed minutes"):
        committees.correct_minutes(seated.actor("周一"), minutes.public_id, notes="改", now=utcnow())
    for name in ("周一", "吴二"):
        assert committees.sign_minutes(seated.actor(name), minutes.public_id, now=utcnow()).state is MinutesState.DRAFT
    with pytest.raises(RuleViolation, match="already confirmed"):
        committees.sign_minutes(seated.actor("周一"), minutes.public_id, now=utcnow())
    assert committees.sign_minutes(seated.actor("郑三"), minutes.public_id, now=utcnow()).state is MinutesState.CONFIRMED
    assert committees.held_meetings(seated.world.community)[0].minutes.id == minutes.id
    with pytest.raises(RuleViolation, match="can no longer change"):
        committees.sign_minutes(seated.actor("郑三"), minutes.public_id, now=utcnow())
    with pytest.raises(RuleViolation, match="what the correction changes"):
        committees.correct_minutes(seated.actor("周一"), minutes.public_id, notes=" ", now=utcnow())
    correction = committees.correct_minutes(seated.actor("周一"), minutes.public_id, notes="更正：报价为 3.8 万元。", now=utcnow())
    assert (correction.version, correction.supersedes_id, correction.state) == (2, minutes.id, MinutesState.DRAFT)
    with pytest.raises(RuleViolation, match="already has a correction"):
        committees.correct_minutes(seated.actor("周一"), minutes.public_id, notes="再改", now=utcnow())
    first = db.session.get(Minutes, minutes.id)
    assert first is not None and first.state is MinutesState.CONFIRMED and first.notes == "讨论了报价。"
    # Until the correction is confirmed the public record keeps the confirmed version.
    assert committees.held_meetings(seated.world.community)[0].minutes.id == minutes.id


# Decisions ------------------------------------------------------------------------------------------------------------


def passed_motion(seated: Seated) -> Motion:
    motion = motion_of(seated)
    vote(seated, motion, {"周一": "agree", "吴二": "agree", "郑三": "agree", "王四": "disagree"})
    return closed(motion, seated)


def test_the_decision_notice_is_drafted_from_the_motion_and_published_by_two_members(app: Flask) -> None:
    seated = seated_committee()
    motion = passed_motion(seated)
    notice = committees.draft_decision_notice(seated.actor("吴二"), motion.public_id, now=utcnow())
    assert notice.kind is NoticeKind.DECISION and notice.state is NoticeState.DRAFT
    assert "电梯公司续签维保合同" in notice.title
    assert "同意与某电梯公司续签维保合同一年" in notice.body and "3/5" in notice.body and "第三次委员会会议" in notice.body
    with pytest.raises(RuleViolation, match="already drafted"):
        committees.draft_decision_notice(seated.actor("周一"), motion.public_id, now=utcnow())
    failed = committees.add_motion(
        seated.actor("周一"), db.session.get(Motion, motion.id).meeting.public_id, text="否决的议案", now=utcnow()
    )  # type: ignore[union-attr]
    vote(seated, failed, {"周一": "agree"})
    closed(failed, seated)
    with pytest.raises(RuleViolation, match="Only a passed motion"):
        committees.draft_decision_notice(seated.actor("周一"), failed.public_id, now=utcnow())
    assert notices.publish_notice(seated.actor("吴二"), notice.id, now=utcnow()).state is NoticeState.PENDING
    with pytest.raises(RuleViolation, match="second committee member"):
        notices.confirm_notice(seated.actor("吴二"), notice.id, now=utcnow())
    assert notices.confirm_notice(seated.actor("周一"), notice.id, now=utcnow()).state is NoticeState.PUBLISHED
    (decision,) = committees.decisions_of(seated.world.community, now=utcnow())
    assert decision.published and not decision.late and not decision.overdue


def test_an_unpublished_decision_is_overdue_after_its_days_on_the_committee_page_and_the_dashboard(app: Flask) -> None:
    seated = seated_committee()
    world = seated.world
    then = utcnow() - timedelta(days=6)
    meeting = held_meeting(seated, starts=then)
    motion = committees.add_motion(seated.actor("周一"), meeting.public_id, text="更换小区门禁系统", now=then)
    for name in ("周一", "吴二", "郑三"):
        committees.cast_vote(seated.actor(name), motion.public_id, choice="agree", now=then)
    committees.close_meeting(seated.actor("周一"), meeting.public_id, now=then)
    (decision,) = committees.decisions_of(world.community, now=utcnow())
    assert decision.due == today_in_china(then) + timedelta(days=3) and decision.overdue and decision.late
    assert not committees.decisions_of(world.community, now=then)[0].overdue
    owed = [o for o in oversight.obligations(world.community, now=utcnow()) if o.kind == "committee_decision"]
    assert len(owed) == 1 and owed[0].overdue(today_in_china(utcnow()))
    row = next(r for r in oversight.dashboard(world.office.id, now=utcnow()) if r.community.id == world.community.id)
    assert {"committee_decision_overdue", "publication_overdue"} <= set(row.flags)
    # Drafted and published late, it is no longer overdue but counts as late.
    notice = committees.draft_decision_notice(seated.actor("周一"), motion.public_id, now=utcnow())
    notices.publish_notice(seated.actor("周一"), notice.id, now=utcnow())
    notices.confirm_notice(seated.actor("吴二"), notice.id, now=utcnow())
    (decision,) = committees.decisions_of(world.community, now=utcnow())
    assert not decision.overdue and decision.late
    row = next(r for r in oversight.dashboard(world.office.id, now=utcnow()) if r.community.id == world.community.id)
    assert "committee_decision_overdue" not in row.flags


def test_the_street_office_revokes_a_committee_decision_and_the_board_says_so(app: Flask, client: FlaskClient) -> None:
    seated = seated_committee()
    world = seated.world
    motion = passed_motion(seated)
    notice = committees.draft_decision_notice(seated.actor("周一"), motion.public_id, now=utcnow())
    office = actor_for(world.official)
    order_fields = {
        "community_id": world.community.id,
        "kind": OrderKind.REVOKE,
        "subject": "撤销业委会关于电梯维保的决定",
        "body": "决定违反管理规约。",
        "due_on": today_in_china(utcnow()) + timedelta(days=10),
    }
    with pytest.raises(RuleViolation, match="Only a published committee decision"):
        oversight.issue_order(office, motion_id=motion.id, now=utcnow(), **order_fields)  # type: ignore[arg-type]
    notices.publish_notice(seated.actor("周一"), notice.id, now=utcnow())
    notices.confirm_notice(seated.actor("吴二"), notice.id, now=utcnow())
    assert [m.id for m, _n in committees.published_decisions(world.community.id)] == [motion.id]
    with pytest.raises(PermissionDenied):
        oversight.issue_order(seated.actor("周一"), motion_id=motion.id, now=utcnow(), **order_fields)  # type: ignore[arg-type]
    order = oversight.issue_order(office, motion_id=motion.id, now=utcnow(), **order_fields)  # type: ignore[arg-type]
    assert db.session.get(Order, order.id).motion_id == motion.id  # type: ignore[union-attr]
    revoked = db.session.get(Motion, motion.id)
    assert revoked is not None and revoked.revoked_at is not None
    assert committees.published_decisions(world.community.id) == []
    with pytest.raises(RuleViolation, match="already revoked"):
        oversight.issue_order(office, motion_id=motion.id, now=utcnow(), **order_fields)  # type: ignore[arg-type]
    with pytest.raises(RuleViolation, match="revoked"):
        committees.draft_decision_notice(seated.actor("周一"), motion.public_id, now=utcnow())
    page = client.get(f"/c/{world.community.slug}/n/{notice.public_id}").get_data(as_text=True)
    order_notice = notices.public_id_of(order.notice_id)
    assert "Revoked by order of the street office" in page or "已被街道办事处责令撤销" in page
    assert f"/n/{order_notice}" in page
    for path in (f"/c/{world.community.slug}", f"/c/{world.community.slug}/meetings"):
        listing = client.get(path).get_data(as_text=True)
        card = listing[listing.index(f"/n/{notice.public_id}") :]
        assert "已被街道办事处责令撤销" in card.split("</li>")[0] and f"/n/{order_notice}" in card.split("</li>")[0]


# Figures for the yearly review -----------------------------------------------------------------------------------------


def test_year_figures_and_consecutive_absences(app: Flask) -> None:
    seated = seated_committee()
    base = utcnow() - timedelta(days=20)
    for offset in (0, 10):
        then = base + timedelta(days=offset)
        meeting = held_meeting(seated, starts=then, title=f"会议 {offset}")
        for name in ("周一", "吴二", "郑三", "王四"):
            present = not (name == "王四" and offset == 10)
            committees.record_attendance(
                seated.actor("周一"), meeting.public_id, membership_id=seated.seats[name].id, present=present, now=then
            )
        motion = committees.add_motion(seated.actor("周一"), meeting.public_id, text=f"议案 {offset}", now=then)
        for name in ("周一", "吴二", "郑三"):
            committees.cast_vote(seated.actor(name), motion.public_id, choice="agree", now=then)
        committees.close_meeting(seated.actor("周一"), meeting.public_id, now=then)
        if offset == 0:  # the first decision is published the same day, the second never
            notice = committees.draft_decision_notice(seated.actor("周一"), motion.public_id, now=then)
            notices.publish_notice(seated.actor("周一"), notice.id, now=then)
            notices.confirm_notice(seated.actor("吴二"), notice.id, now=then)
    year = today_in_china(utcnow()).year
    figures = committees.year_figures(seated.committee.id, date(year - 1, 1, 1), date(year, 12, 31))
    assert (figures.meetings_held, figures.motions_decided, figures.decisions) == (2, 2, 2)
    assert (figures.decisions_published_on_time, figures.decisions_late) == (1, 1)
    missed = figures.meetings_missed_by_member
    assert missed[seated.seats["冯五"].id] == 2 and missed[seated.seats["王四"].id] == 1 and missed[seated.seats["周一"].id] == 0
    assert committees.consecutive_absences(seated.seats["冯五"].id) == 2
    assert committees.consecutive_absences(seated.seats["王四"].id) == 1
    assert committees.consecutive_absences(seated.seats["周一"].id) == 0
    empty = committees.year_figures(seated.committee.id, date(2000, 1, 1), date(2000, 12, 31))
    assert empty.meetings_held == 0 and empty.meetings_missed_by_member[seated.seats["冯五"].id] == 0


def test_a_decision_notice_drafted_from_a_motion_keeps_its_words(app: Flask) -> None:
    seated = seated_committee()
    motion = passed_motion(seated)
    notice = committees.draft_decision_notice(seated.actor("周一"), motion.public_id, now=utcnow())
    with pytest.raises(RuleViolation, match="published as drafted"):
        notices.edit_draft(seated.actor("周一"), notice.id, title="另一个标题", body="另写的内容", now=utcnow())
    # Other drafts stay editable.
    other = notices.draft_notice(
        seated.actor("周一"), community_id=seated.world.community.id, kind=NoticeKind.DECISION, title="草稿", body="正文", now=utcnow()
    )
    assert notices.edit_draft(seated.actor("周一"), other.id, title="草稿二", body="正文二", now=utcnow()).title == "草稿二"


def test_a_motion_names_the_consultation_it_follows_and_its_decision_notice_links_it(app: Flask) -> None:
    from app.consultations import services as consultations
    from tests.services.test_consultations import opened

    seated = seated_committee()
    asked = opened(seated.world, title="是否续签电梯维保合同？")
    meeting = held_meeting(seated)
    chair = seated.actor("周一")
    with pytest.raises(RuleViolation, match="closed consultation") as refused:
        committees.add_motion(chair, meeting.public_id, text="续签。", consultation="nonexistent", now=utcnow())
    assert refused.value.field == "consultation"
    draft = consultations.draft_consultation(
        chair, community_id=seated.world.community.id, title="草稿", description="", options=["是", "否"],
        closes_on=today_in_china(utcnow()) + timedelta(days=3), now=utcnow(),
    )  # fmt: skip
    with pytest.raises(RuleViolation, match="closed consultation"):
        committees.add_motion(chair, meeting.public_id, text="续签。", consultation=draft.public_id, now=utcnow())
    with pytest.raises(RuleViolation, match="closed consultation"):  # still taking answers: no summary to cite yet
        committees.add_motion(chair, meeting.public_id, text="续签。", consultation=asked.public_id, now=utcnow())
    consultations.close_consultation(actor_for(seated.world.committee), asked.id, now=utcnow())
    motion = committees.add_motion(chair, meeting.public_id, text="同意续签电梯维保合同一年。", consultation=asked.public_id, now=utcnow())
    vote(seated, motion, {"周一": "agree", "吴二": "agree", "郑三": "agree"})
    closed(motion, seated)
    notice = committees.draft_decision_notice(chair, motion.public_id, now=utcnow())
    assert f"(/c/lanting/consultations/{asked.public_id})" in notice.body and "是否续签电梯维保合同？" in notice.body
    assert "？。" not in notice.body and "？](" in notice.body


def test_minutes_do_not_wait_for_a_member_suspended_since_the_meeting(app: Flask) -> None:
    seated = seated_committee()
    motion = motion_of(seated)
    meeting = db.session.get(Motion, motion.id).meeting  # type: ignore[union-attr]
    for name in ("周一", "吴二", "郑三"):
        committees.record_attendance(
            seated.actor("周一"), meeting.public_id, membership_id=seated.seats[name].id, present=True, now=utcnow()
        )
    committees.close_meeting(seated.actor("周一"), meeting.public_id, now=utcnow())
    minutes = committees.draft_minutes(seated.actor("周一"), meeting.public_id, notes="", now=utcnow())
    assert committees.sign_minutes(seated.actor("周一"), minutes.public_id, now=utcnow()).state is MinutesState.DRAFT
    assert committees.sign_minutes(seated.actor("吴二"), minutes.public_id, now=utcnow()).state is MinutesState.DRAFT
    with db.write() as s:  # a negative-list finding suspends 郑三 before he signs
        elections.suspend_membership(s, seated.seats["郑三"].id, now=utcnow())
    # One who signed fixes them: the only signature missing is one that can no longer come.
    assert committees.sign_minutes(seated.actor("吴二"), minutes.public_id, now=utcnow()).state is MinutesState.CONFIRMED
    assert committees.held_meetings(seated.world.community)[0].minutes.id == minutes.id
