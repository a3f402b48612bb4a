"""Convening the committee's meetings (the chair, or the profile's share of all seats asking), taking the roll, closing."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...communities.models import Community
from ...db import db
from ...domain import meetings as rules
from ...domain.errors import NotFound, RuleViolation
from ...elections.models import Committee, MemberRole, Membership
from ...security.actor import Actor
from ..models import Attendance, Meeting, MeetingRequest, MeetingState, MotionState, MotionVote
from .common import committee_of, load_meeting, seat_of, settings_of
from .motions import decide


def _convened(s: Session, community: Community, committee: Committee, meeting: Meeting, *, chair: bool) -> bool:
    requesters = len(list(s.execute(select(MeetingRequest.id).where(MeetingRequest.meeting_id == meeting.id)).scalars()))
    share = settings_of(community).meeting_convene_share
    return rules.may_convene(chair=chair, requesters=requesters, seats=committee.seats, share=share)


def convene_meeting(actor: Actor, *, community_id: int, title: str, agenda: str, place: str, starts_at: datetime, now: datetime) -> Meeting:
    """The chair convenes a meeting; another member's call is a request, convened once the requests reach the share."""
    title, agenda, place = title.strip(), agenda.strip(), place.strip()
    if not title or len(title) > 200:
        raise RuleViolation("title", str(_l("Give the meeting a title of at most 200 characters.")))
    if not agenda:
        raise RuleViolation("agenda", str(_l("Write the agenda: what the meeting is to decide.")))
    if not place or len(place) > 200:
        raise RuleViolation("place", str(_l("Say where the meeting is held, in at most 200 characters.")))
    if starts_at <= now:
        raise RuleViolation("starts_at", str(_l("A meeting is convened for a time still to come.")))
    with db.write() as s:
        community = s.get(Community, community_id)
        if community is None:
            raise NotFound(str(_l("No such community.")))
        committee, seat = seat_of(s, actor, community)
        meeting = Meeting(
            public_id=secrets.token_urlsafe(9),
            community_id=community.id,
            committee_id=committee.id,
            title=title,
            agenda=agenda,
            place=place,
            starts_at=starts_at,
            convened_by_id=seat.id,
            state=MeetingState.REQUESTED,
            created_at=now,
        )
        s.add(meeting)
        s.flush()
        chair = seat.role is MemberRole.CHAIR
        if not chair:
            s.add(MeetingRequest(meeting_id=meeting.id, membership_id=seat.id, requested_at=now))
            s.flush()
        if _convened(s, community, committee, meeting, chair=chair):
            meeting.state, meeting.convened_at = MeetingState.CONVENED, now
        data = {"title": title, "starts_at": starts_at.isoformat(), "state": meeting.state.value, "by": seat.id}
        record(
            s,
            actor,
            "meeting.convene" if chair else "meeting.request",
            "meeting",
            meeting.public_id,
            **scope(community),
            now=now,
            data=data,
        )
    return meeting


def needed_requests(community: Community, committee: Committee) -> int:
    """How many members' requests convene a meeting without the chair."""
    share = settings_of(community).meeting_convene_share
    return next(
        n for n in range(1, committee.seats + 1) if rules.may_convene(chair=False, requesters=n, seats=committee.seats, share=share)
    )


def support_request(actor: Actor, meeting_public_id: str, *, now: datetime) -> Meeting:
    """A member joins the request for a meeting (the chair's support convenes it at once)."""
    with db.write() as s:
        meeting, community = load_meeting(s, meeting_public_id, lock=True)
        committee, seat = seat_of(s, actor, community)
        if meeting.committee_id != committee.id or meeting.state is not MeetingState.REQUESTED:
            raise RuleViolation("meeting", str(_l("This meeting is not waiting for members' requests.")))
        if meeting.starts_at <= now:
            raise RuleViolation("meeting", str(_l("The time asked for this meeting has passed; ask for a new one.")))
        chair = seat.role is MemberRole.CHAIR
        asked = s.execute(select(MeetingRequest.id).where(MeetingRequest.meeting_id == meeting.id, MeetingRequest.membership_id == seat.id))
        if not chair:
            if asked.first() is not None:
                raise RuleViolation("meeting", str(_l("You have already asked for this meeting.")))
            s.add(MeetingRequest(meeting_id=meeting.id, membership_id=seat.id, requested_at=now))
            s.flush()
        if _convened(s, community, committee, meeting, chair=chair):
            meeting.state, meeting.convened_at = MeetingState.CONVENED, now
        data = {"by": seat.id, "state": meeting.state.value}
        record(s, actor, "meeting.support", "meeting", meeting.public_id, **scope(community), now=now, data=data)
    return meeting


def _started(meeting: Meeting, committee: Committee, now: datetime) -> None:
    if meeting.committee_id != committee.id or meeting.state is not MeetingState.CONVENED:
        raise RuleViolation("meeting", str(_l("This meeting is not convened, or has already closed.")))
    if now < meeting.starts_at:
        raise RuleViolation("meeting", str(_l("The roll is taken once the meeting has begun.")))


def record_attendance(actor: Actor, meeting_public_id: str, *, membership_id: int, present: bool, now: datetime) -> Attendance:
    """A member takes the roll: each seated member attending or absent (a suspended member may attend, not vote)."""
    with db.write() as s:
        meeting, community = load_meeting(s, meeting_public_id, lock=True)
        committee, seat = seat_of(s, actor, community)
        _started(meeting, committee, now)
        member = s.get(Membership, membership_id)
        if member is None or member.committee_id != committee.id or not member.holds_seat:
            raise RuleViolation("membership_id", str(_l("Choose a seated member of the committee.")))
        motion_ids = [m.id for m in meeting.motions]
        if not present and motion_ids:
            votes = s.execute(select(MotionVote).where(MotionVote.motion_id.in_(motion_ids), MotionVote.membership_id == member.id))
            if any(v.counts for v in votes.scalars()):
                raise RuleViolation("membership_id", str(_l("This member voted at the meeting, so attended it.")))
        row = s.execute(
            select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.membership_id == member.id)
        ).scalar_one_or_none()
        if row is None:
            row = Attendance(meeting_id=meeting.id, membership_id=member.id, present=present, recorded_by_id=seat.id, recorded_at=now)
            s.add(row)
        else:
            row.present, row.recorded_by_id, row.recorded_at = present, seat.id, now
        s.flush()
        data = {"member": member.id, "present": present, "by": seat.id}
        record(s, actor, "meeting.attendance", "meeting", meeting.public_id, **scope(community), now=now, data=data)
    return row


def close_meeting(actor: Actor, meeting_public_id: str, *, now: datetime) -> Meeting:
    """A member closes the meeting: votes still open are closed and counted; members not on the roll are recorded
    present if they voted at the meeting (in the app or on its paper record), absent otherwise."""
    with db.write() as s:
        meeting, community = load_meeting(s, meeting_public_id, lock=True)
        committee, seat = seat_of(s, actor, community)
        _started(meeting, committee, now)
        for motion in meeting.motions:
            if motion.state is MotionState.OPEN:
                decide(s, actor, community, committee, motion, seat, now)
        on_roll = set(s.execute(select(Attendance.membership_id).where(Attendance.meeting_id == meeting.id)).scalars())
        motion_ids = [m.id for m in meeting.motions]
        # Only counted votes show a member attended: a paper entry nobody confirmed says nothing of who was there.
        votes = list(s.execute(select(MotionVote).where(MotionVote.motion_id.in_(motion_ids))).scalars()) if motion_ids else []
        voted = {v.membership_id for v in votes if v.counts}
        absent = []
        for member in committee.members:
            if member.holds_seat and member.id not in on_roll:  # a member who voted at the meeting attended it
                s.add(
                    Attendance(
                        meeting_id=meeting.id, membership_id=member.id, present=member.id in voted, recorded_by_id=None, recorded_at=now
                    )
                )
                if member.id not in voted:
                    absent.append(member.id)
        meeting.state, meeting.closed_at = MeetingState.CLOSED, now
        s.flush()
        record(s, actor, "meeting.close", "meeting", meeting.public_id, **scope(community), now=now, data={"by": seat.id, "absent": absent})
    return meeting


def seated_committee(community: Community) -> Committee | None:
    """The community's current committee, or None (the pages show an empty state)."""
    try:
        return committee_of(db.session(), community)
    except RuleViolation:
        return None
