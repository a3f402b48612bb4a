"""What the meeting pages read: a community's meetings, one meeting's roll, motions, counts and minutes, the public record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...communities.models import Community
from ...db import db, utcnow
from ...domain import meetings as rules
from ...domain.errors import NotFound
from ...elections.models import Committee, Membership
from ...security.actor import Actor
from ...security.permissions import can_view_meetings, require
from ..models import Attendance, Meeting, MeetingRequest, MeetingState, Minutes, MinutesState, Motion, MotionVote
from .common import names_of, readable_meeting
from .decisions import Decision, decisions_of
from .meetings import needed_requests, seated_committee
from .minutes import awaited, signatures_of, versions_of
from .motions import counted


def meetings_for_committee(actor: Actor, community_id: int) -> tuple[Community, Committee | None, list[Meeting]]:
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound(str(_l("No such community.")))
    require(can_view_meetings(actor, community))
    committee = seated_committee(community)
    meetings = (
        list(db.session.execute(select(Meeting).where(Meeting.committee_id == committee.id).order_by(Meeting.starts_at.desc())).scalars())
        if committee is not None
        else []
    )
    return community, committee, meetings


def seat_of_actor(actor: Actor, committee: Committee | None) -> Membership | None:
    """The reader's own seat, to offer them their vote (None for the office, or an account not linked to a seat)."""
    if committee is None or actor.person_id is None:
        return None
    return next((m for m in committee.members if m.holds_seat and m.person_id == actor.person_id), None)


@dataclass(frozen=True)
class MotionView:
    motion: Motion
    outcome: rules.MotionOutcome  # the live count while open, the fixed one once decided
    votes: list[MotionVote]
    waiting: list[MotionVote]  # paper entries waiting for a second member

    @property
    def voted_ids(self) -> set[int]:
        return {v.membership_id for v in self.votes}


@dataclass(frozen=True)
class MeetingView:
    meeting: Meeting
    community: Community
    committee: Committee
    names: dict[int, str]
    seats: list[Membership]  # held now, in the committee's order
    roll: dict[int, bool]  # membership id -> present
    requests: int
    requests_needed: int
    motions: list[MotionView]
    minutes: list[Minutes]  # newest first
    signatures: dict[int, set[int]]  # minutes id -> the members who signed
    attending: set[int]
    awaited: set[int]  # the attending members whose confirmation the minutes wait for (active seats)
    decisions: dict[int, Decision]  # motion id -> its decision notice's state, for the passed ones


def meeting_view(actor: Actor, public_id: str) -> MeetingView:
    s = db.session()
    meeting, community = readable_meeting(s, actor, public_id)
    committee = s.get(Committee, meeting.committee_id)
    assert committee is not None
    roll = {a.membership_id: a.present for a in s.execute(select(Attendance).where(Attendance.meeting_id == meeting.id)).scalars()}
    motions = []
    for motion in meeting.motions:
        votes = list(s.execute(select(MotionVote).where(MotionVote.motion_id == motion.id).order_by(MotionVote.id)).scalars())
        if motion.decided_at is None:
            outcome, _left = counted(s, committee, motion)
        else:
            outcome = rules.MotionOutcome(motion.seats or committee.seats, motion.agree, motion.disagree, motion.abstain)
        motions.append(MotionView(motion, outcome, votes, [v for v in votes if not v.counts]))
    minutes = versions_of(meeting.id)
    return MeetingView(
        meeting=meeting,
        community=community,
        committee=committee,
        names=names_of(s, committee),
        seats=[m for m in committee.members if m.holds_seat],
        roll=roll,
        requests=len(list(s.execute(select(MeetingRequest.id).where(MeetingRequest.meeting_id == meeting.id)).scalars())),
        requests_needed=needed_requests(community, committee),
        motions=motions,
        minutes=minutes,
        signatures={m.id: signatures_of(m.id) for m in minutes},
        attending={mid for mid, present in roll.items() if present},
        awaited=awaited(s, meeting.id),
        decisions={d.motion.id: d for d in decisions_of(community, now=utcnow(), s=s) if d.meeting.id == meeting.id},
    )


@dataclass(frozen=True)
class HeldMeeting:
    meeting: Meeting
    minutes: Minutes  # the newest confirmed version
    versions: list[Minutes]  # every confirmed version, newest first


def held_meetings(community: Community) -> list[HeldMeeting]:
    """The public record: each held meeting with confirmed minutes, newest first."""
    s = db.session()
    meetings = s.execute(
        select(Meeting).where(Meeting.community_id == community.id, Meeting.state == MeetingState.CLOSED).order_by(Meeting.starts_at.desc())
    ).scalars()
    out = []
    for meeting in meetings:
        confirmed = [m for m in versions_of(meeting.id) if m.state is MinutesState.CONFIRMED]
        if confirmed:
            out.append(HeldMeeting(meeting, confirmed[0], confirmed))
    return out


def held_meeting(community: Community, public_id: str) -> HeldMeeting:
    found = next((h for h in held_meetings(community) if h.meeting.public_id == public_id), None)
    if found is None:
        raise NotFound(str(_l("No such meeting.")))
    return found


def upcoming(community: Community, now: datetime) -> list[Meeting]:
    """Meetings convened and still to be held, for the public committee page."""
    return list(
        db.session.execute(
            select(Meeting)
            .where(Meeting.community_id == community.id, Meeting.state == MeetingState.CONVENED, Meeting.starts_at >= now)
            .order_by(Meeting.starts_at)
        ).scalars()
    )
