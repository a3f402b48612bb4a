"""The street office's yearly review (考核) measured from the record, on a hand-computed fixture; marks, publication, access."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from flask import Flask

from app.clock import today_in_china
from app.committees import services as committees
from app.db import db, utcnow
from app.domain.errors import RuleViolation
from app.notices import services as notices
from app.notices.models import Notice, NoticeState
from app.orders.models import OrderKind, OrderStatus
from app.oversight import services as oversight
from app.oversight.services import yearly
from app.security.actor import actor_for
from app.security.permissions import PermissionDenied
from tests.committee_factories import Seated, held_meeting, seated_committee


def next_january() -> datetime:
    """Mid-January of next year, Beijing time: the year under review is over."""
    return datetime(today_in_china(utcnow()).year + 1, 1, 15, 2, tzinfo=UTC)


def decided(seated: Seated, starts: datetime, *, published_after: timedelta | None) -> None:
    """A meeting at ``starts`` whose motion passes 3/5; its decision notice published ``published_after`` the vote, or never."""
    meeting = held_meeting(seated, starts=starts, title=f"会议 {starts:%m-%d}")
    at = starts + timedelta(minutes=10)
    motion = committees.add_motion(seated.actor("周一"), meeting.public_id, text="同意续签电梯维保合同。", now=at)
    for name in ("周一", "吴二", "郑三"):
        committees.cast_vote(seated.actor(name), motion.public_id, choice="agree", now=at)
    committees.close_motion(seated.actor("周一"), motion.public_id, now=at)
    committees.close_meeting(seated.actor("周一"), meeting.public_id, now=at + timedelta(hours=1))
    if published_after is not None:
        notice = committees.draft_decision_notice(seated.actor("吴二"), motion.public_id, now=at)
        notices.publish_notice(seated.actor("吴二"), notice.id, now=at + published_after)
        notices.confirm_notice(seated.actor("周一"), notice.id, now=at + published_after)


def record(seated: Seated) -> int:
    """This year's record of 兰亭苑's committee, seated since 2025 (so it sat the whole year to date)."""
    now = utcnow()
    decided(seated, now - timedelta(days=20), published_after=timedelta(days=1))  # on time
    decided(seated, now - timedelta(days=10), published_after=timedelta(days=5))  # 3 days allowed: late
    official = actor_for(seated.world.official)
    community = seated.world.community.id
    complied = oversight.issue_order(
        official, community_id=community, kind=OrderKind.RECTIFY, subject="公示账目", body="限期公示。",
        due_on=today_in_china(now) - timedelta(days=5), now=now - timedelta(days=15),
    )  # fmt: skip
    oversight.close_order(official, complied.id, status=OrderStatus.COMPLIED, note="已公示。", now=now - timedelta(days=6))
    oversight.issue_order(
        official,
        community_id=community,
        kind=OrderKind.RECTIFY,
        subject="移交资料",
        body="限期移交。",
        due_on=today_in_china(now) - timedelta(days=2),
        now=now - timedelta(days=9),
    )  # fmt: skip — left open past its day
    return today_in_china(now).year


def test_the_scorecard_of_a_hand_computed_year(app: Flask) -> None:
    seated = seated_committee()
    year = record(seated)
    card = yearly.view(seated.world.community, seated.committee, year, now=utcnow())
    m = card.measured
    # Four meetings expected in a year sat in full, two held: 10 of 20. Two decisions, one on time: 7 1/2 of 15.
    # No account statement fell due: 15 in full, marked as nothing to measure. One order of two complied: 5 of 10.
    # No consultation: 0 of 10. No finding: 10. No marks yet: 0. Total 47 1/2: a fail.
    assert (m.meetings_held, m.meetings_expected) == (2, 4)
    assert (m.decisions_on_time, m.decisions_due) == (1, 2)
    assert (m.statements_on_time, m.statements_due) == (0, 0)
    assert (m.orders_complied, m.orders_issued) == (1, 2)
    assert (m.consultations_held, m.findings) == (0, 0)
    assert [(p.code, p.score, p.measured) for p in card.card.parts] == [
        ("meetings", 10, True),
        ("decisions", Fraction(15, 2), True),
        ("statements", 15, False),
        ("orders", 5, True),
        ("consultations", 0, True),
        ("findings", 10, True),
    ]
    assert card.card.total == Fraction(95, 2) and card.card.grade == "fail"


def test_the_office_marks_and_publishes_and_the_card_then_stays_as_published(app: Flask) -> None:
    seated = seated_committee()
    year = record(seated)
    official = actor_for(seated.world.official)
    with pytest.raises(RuleViolation, match="before publishing"):
        yearly.publish_review(official, seated.committee.id, year, now=utcnow())
    with pytest.raises(RuleViolation, match="0 to 20"):
        yearly.save_review(official, seated.committee.id, year, marks=21, remarks="", commended=False, now=utcnow())
    with pytest.raises(RuleViolation, match="excellent") as refused:
        yearly.save_review(official, seated.committee.id, year, marks=20, remarks="", commended=True, now=utcnow())
    assert refused.value.field == "commended"
    yearly.save_review(official, seated.committee.id, year, marks=18, remarks="会议偏少。", commended=False, now=utcnow())
    with pytest.raises(RuleViolation, match="once the year is over"):
        yearly.publish_review(official, seated.committee.id, year, now=utcnow())
    review = yearly.publish_review(official, seated.committee.id, year, now=next_january())
    assert review.total == "131/2" and review.grade == "pass"  # 47 1/2 + 18
    notice = db.session.get(Notice, review.notice_id)
    assert notice is not None and notice.state is NoticeState.PUBLISHED and notice.community_id == seated.world.community.id
    assert "65.5" in notice.body and "会议偏少。" in notice.body
    # A consultation or a meeting later does not move a published card; nor can the office change it.
    decided(seated, utcnow() - timedelta(days=3), published_after=timedelta(days=1))
    assert yearly.view(seated.world.community, seated.committee, year, now=utcnow()).card.total == Fraction(131, 2)
    with pytest.raises(RuleViolation, match="cannot change"):
        yearly.save_review(official, seated.committee.id, year, marks=20, remarks="", commended=False, now=utcnow())
    with pytest.raises(RuleViolation, match="already published"):
        yearly.publish_review(official, seated.committee.id, year, now=utcnow())
    assert yearly.distribution([seated.world.office.id], year) == ({"excellent": 0, "good": 0, "pass": 1, "fail": 0}, 1)


def test_only_the_community_s_street_office_reviews(app: Flask) -> None:
    seated = seated_committee()
    year = today_in_china(utcnow()).year
    for actor in (seated.actor("周一"), actor_for(seated.world.outsider), actor_for(seated.world.admin)):
        with pytest.raises(PermissionDenied):
            yearly.save_review(actor, seated.committee.id, year, marks=10, remarks="", commended=False, now=utcnow())
    with pytest.raises(RuleViolation, match="did not sit") as refused:
        yearly.save_review(actor_for(seated.world.official), seated.committee.id, 2024, marks=10, remarks="", commended=False, now=utcnow())
    assert refused.value.field == "year"


def test_the_ranking_places_every_committee_of_the_office(app: Flask) -> None:
    seated = seated_committee()
    year = record(seated)
    ranked = yearly.ranking(seated.world.office.id, year, now=utcnow())
    assert [(place, v.community.slug) for place, v in ranked] == [(1, "lanting")]
