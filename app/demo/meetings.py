"""The demo's committee meetings in 兰亭苑: a held meeting with a passed motion whose decision is published and a
failed one, signed minutes; a recent meeting whose decision notice is still a draft; a meeting members ask for."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..committees import services as committees
from ..committees.models import Meeting
from ..communities.models import Community, Person
from ..db import db, utcnow
from ..elections.services import current_committee
from ..notices import services as notices
from ..security.actor import Actor, ActorKind, Grant, actor_for


def _member(community: Community, person_id: int) -> Actor:
    """A seated member at the meeting who has no login in the demo: the command line acting as them."""
    return Actor("demo", ActorKind.OPERATOR, frozenset({Grant.committee(community.id)}), person_id=person_id)


def _hold(
    community: Community,
    actors: list[Actor],
    *,
    title: str,
    agenda: str,
    starts: datetime,
    absent: set[int],
    motions: list[tuple[str, list[str]]],
) -> tuple[Meeting, list[str]]:
    """The chair (``actors[0]``) convenes, takes the roll; each motion is voted (``choices`` in the members' order), the
    meeting closes. Returns the meeting and its motions' public ids."""
    chair = actors[0]
    meeting = committees.convene_meeting(
        chair,
        community_id=community.id,
        title=title,
        agenda=agenda,
        place="兰亭苑物业服务中心二楼会议室",
        starts_at=starts,
        now=starts - timedelta(days=3),
    )
    at = starts + timedelta(minutes=5)
    committee = current_committee(community.id)
    assert committee is not None
    seats = [m for m in committee.members if m.holds_seat]
    for index, seat in enumerate(seats):
        committees.record_attendance(chair, meeting.public_id, membership_id=seat.id, present=index not in absent, now=at)
    ids = []
    for text, choices in motions:
        motion = committees.add_motion(chair, meeting.public_id, text=text, now=at)
        for actor, choice in zip(actors, choices, strict=False):
            if choice:
                committees.cast_vote(actor, motion.public_id, choice=choice, now=at + timedelta(minutes=20))
        ids.append(motion.public_id)
    committees.close_meeting(chair, meeting.public_id, now=starts + timedelta(hours=2))
    return meeting, ids


def seed_meetings(lanting: Community) -> Iterator[str]:
    committee = current_committee(lanting.id)
    if committee is None:
        return
    if db.session.execute(select(Meeting.id).where(Meeting.committee_id == committee.id)).first() is not None:
        yield _("%(name)s: committee meetings already seeded", name=lanting.name)
        return
    users = {u.person_id: u for u in db.session.execute(select(User).where(User.person_id.is_not(None))).scalars()}
    seats = [m for m in committee.members if m.holds_seat]
    actors = [actor_for(users[m.person_id]) if m.person_id in users else _member(lanting, m.person_id) for m in seats]
    logins = [a for a in actors if a.user_id is not None]  # the chair and a member: the two who publish a decision
    now = utcnow()

    # Six weeks ago: the maintenance contract passes 5 of 7, the charging points fail 3 of 7; published and signed.
    first, (contract, _charging) = _hold(
        lanting,
        actors,
        title="2026 年第三次业主委员会会议",
        agenda="1. 电梯维保合同续签\n2. 地下车库增设充电桩",
        starts=now - timedelta(days=42),
        absent={6},
        motions=[
            (
                "与兰亭电梯工程有限公司续签电梯维保合同一年，年费不超过 48,000 元。",
                ["agree", "agree", "agree", "agree", "agree", "disagree"],
            ),
            ("在地下车库增设 20 个充电桩，由业主自愿申请、费用自理。", ["agree", "agree", "disagree", "agree", "abstain", "disagree"]),
        ],
    )
    decided = now - timedelta(days=42) + timedelta(hours=2)
    notice = committees.draft_decision_notice(logins[0], contract, now=decided)
    notices.publish_notice(logins[0], notice.id, now=decided + timedelta(hours=20))
    notices.confirm_notice(logins[-1], notice.id, now=decided + timedelta(days=1))
    minutes = committees.draft_minutes(
        actors[1], first.public_id, notes="维保单位列席，说明了报价构成；充电桩事项待征询业主意见后再议。", now=decided
    )
    for actor in actors[:6]:
        committees.sign_minutes(actor, minutes.public_id, now=decided + timedelta(days=2))
    yield _("%(name)s: a held committee meeting, its published decision and signed minutes", name=lanting.name)

    # Five days ago: the audit passes; its decision notice is drafted but not published, past its 3 days (the dashboard flags it).
    second, (audit,) = _hold(
        lanting,
        actors,
        title="2026 年第四次业主委员会会议",
        agenda="聘请会计师事务所审计 2025 年度公共收益",
        starts=now - timedelta(days=5),
        absent={5},
        motions=[
            ("聘请华信会计师事务所审计 2025 年度公共收益账目，费用不超过 8,000 元。", ["agree", "agree", "agree", "agree", "disagree"])
        ],
    )
    committees.draft_decision_notice(logins[0], audit, now=now - timedelta(days=5) + timedelta(hours=3))
    committees.draft_minutes(logins[0], second.public_id, notes="", now=now - timedelta(days=5) + timedelta(hours=3))
    yield _("%(name)s: a committee decision whose notice is overdue, still a draft", name=lanting.name)

    # Next week: a member asks for a meeting on the parking fees; it needs a third of the seats to ask.
    asker = logins[-1]
    committees.convene_meeting(
        asker,
        community_id=lanting.id,
        title="关于调整地面停车收费标准的临时会议",
        agenda="讨论物业服务企业提出的地面停车收费调整方案",
        place="兰亭苑物业服务中心二楼会议室",
        starts_at=now + timedelta(days=7),
        now=now,
    )
    chair = db.session.get(Person, seats[0].person_id)
    yield _(
        "%(name)s: a meeting a member asked for, awaiting the chair (%(chair)s) or more members",
        name=lanting.name,
        chair=chair.name if chair else "",
    )
