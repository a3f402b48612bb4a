"""The committee's conduct in figures, for the yearly review: meetings held, motions decided, decisions published on
time or late, and each member's missed meetings (the negative list's ``absent_meetings``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...clock import today_in_china
from ...communities.models import Community
from ...db import db, utcnow
from ...domain.errors import NotFound
from ...elections.models import Committee, Membership
from ...notices.models import Notice
from ..models import Attendance, Meeting, MeetingState, Motion, MotionState
from .decisions import Decision, due_of


@dataclass(frozen=True)
class ConductFigures:
    meetings_held: int
    motions_decided: int
    decisions: int  # motions passed
    decisions_published_on_time: int
    decisions_late: int  # published after their day, or still unpublished past it
    meetings_missed_by_member: dict[int, int] = field(default_factory=dict)  # membership id -> meetings missed


def year_figures(committee_id: int, start: date, end: date) -> ConductFigures:
    """The committee's figures over the meetings held from ``start`` to ``end`` (Beijing days, both included).

    A decision counts in the period of its meeting; whether it was published on time is read now (a decision of the
    period still within its days is neither on time nor late yet). Every member who held a seat on the committee gets a
    row in ``meetings_missed_by_member``, 0 when they missed none.
    """
    s = db.session()
    committee = s.get(Committee, committee_id)
    if committee is None:
        raise NotFound(str(_l("No such committee.")))
    community = s.get(Community, committee.community_id)
    assert community is not None
    held = [
        m
        for m in s.execute(
            select(Meeting).where(Meeting.committee_id == committee.id, Meeting.state == MeetingState.CLOSED).order_by(Meeting.starts_at)
        ).scalars()
        if start <= today_in_china(m.starts_at) <= end
    ]
    ids = [m.id for m in held]
    motions = list(s.execute(select(Motion).where(Motion.meeting_id.in_(ids), Motion.state != MotionState.OPEN)).scalars()) if ids else []
    today = today_in_china(utcnow())
    decisions = [
        Decision(m, m.meeting, due_of(community, m), s.get(Notice, m.notice_id) if m.notice_id else None, today)
        for m in motions
        if m.state is MotionState.PASSED
    ]
    missed = {
        m.id: 0 for m in s.execute(select(Membership).where(Membership.committee_id == committee.id)).scalars() if m.alternate_rank is None
    }
    if ids:
        for member_id in s.execute(
            select(Attendance.membership_id).where(Attendance.meeting_id.in_(ids), Attendance.present.is_(False))
        ).scalars():
            missed[member_id] = missed.get(member_id, 0) + 1
    return ConductFigures(
        meetings_held=len(held),
        motions_decided=len(motions),
        decisions=len(decisions),
        decisions_published_on_time=sum(1 for d in decisions if d.published and not d.late),
        decisions_late=sum(1 for d in decisions if d.late),
        meetings_missed_by_member=missed,
    )


def consecutive_absences(membership_id: int) -> int:
    """The held meetings in a row, most recent first, at which the member was recorded absent."""
    s = db.session()
    rows = s.execute(
        select(Attendance.present)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Attendance.membership_id == membership_id, Meeting.state == MeetingState.CLOSED)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    ).scalars()
    count = 0
    for present in rows:
        if present:
            break
        count += 1
    return count
