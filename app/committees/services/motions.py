"""Motions put to the members' vote: adding one, a member's vote in the app, a paper vote entered and confirmed by a
second member, and closing the vote, which passes with more than half of ALL seats (RULES §5)."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...communities.models import Community
from ...consultations import services as consultations
from ...consultations.models import ConsultationState
from ...db import db
from ...domain import meetings as rules
from ...domain.errors import NotFound, RuleViolation
from ...elections.models import Committee, Membership
from ...security.actor import Actor
from ..models import Attendance, Meeting, MeetingState, Motion, MotionState, MotionVote, VoteChannel
from .common import VOTE_MESSAGES, load_meeting, load_motion, seat_of, standings

MAX_TEXT = 5000


def _voting_open(meeting: Meeting, motion: Motion, now: datetime) -> None:
    if motion.state is not MotionState.OPEN:
        raise RuleViolation("motion", str(_l("The vote on this motion is closed.")))
    if meeting.state is not MeetingState.CONVENED:
        raise RuleViolation("meeting", str(_l("Members vote only at a convened meeting.")))
    if now < meeting.starts_at:
        raise RuleViolation("meeting", str(_l("Voting opens when the meeting begins.")))


def _check_vote(s: Session, committee: Committee, motion: Motion, voter: Membership | None, choice: str) -> None:
    voted = s.execute(select(MotionVote.membership_id).where(MotionVote.motion_id == motion.id)).scalars()
    member = str(voter.id) if voter is not None and voter.committee_id == committee.id else ""
    problem = rules.vote_problem(member, choice, standings(committee), (str(v) for v in voted))
    if problem is not None:
        raise RuleViolation("choice" if problem == "choice" else "member", str(VOTE_MESSAGES[problem]))
    assert voter is not None
    absent = s.execute(
        select(Attendance.id).where(
            Attendance.meeting_id == motion.meeting_id, Attendance.membership_id == voter.id, Attendance.present.is_(False)
        )
    ).first()
    if absent is not None:  # the minutes would say both: absent, and voting
        raise RuleViolation("member", str(RECORDED_ABSENT))


RECORDED_ABSENT = _l("This member is recorded absent from the meeting: if they attend, mark them present on the roll first.")


def add_motion(actor: Actor, meeting_public_id: str, *, text: str, now: datetime, consultation: str = "") -> Motion:
    """A member puts an agenda item to the vote at a convened meeting, naming the owners' consultation it follows, if any."""
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise RuleViolation("text", str(_l("Write the motion, in at most %(max)d characters.", max=MAX_TEXT)))
    with db.write() as s:
        meeting, community = load_meeting(s, meeting_public_id, lock=True)
        _committee, seat = seat_of(s, actor, community)
        if meeting.committee_id != _committee.id or meeting.state is not MeetingState.CONVENED:
            raise RuleViolation("meeting", str(_l("Motions are put at a convened meeting that has not closed.")))
        asked = consultations.by_public_id(consultation.strip()) if consultation.strip() else None
        if consultation.strip() and (asked is None or asked.community_id != community.id or asked.state is not ConsultationState.CLOSED):
            # The decision notice cites the owners' answers: only a closed consultation has its summary.
            raise RuleViolation("consultation", str(_l("Choose a closed consultation of this community's owners, or none.")))
        number = (s.execute(select(func.max(Motion.number)).where(Motion.meeting_id == meeting.id)).scalar() or 0) + 1
        motion = Motion(
            public_id=secrets.token_urlsafe(9),
            meeting_id=meeting.id,
            number=number,
            text=text,
            created_at=now,
            consultation_id=asked.id if asked is not None else None,
        )
        s.add(motion)
        s.flush()
        record(
            s,
            actor,
            "motion.add",
            "motion",
            motion.public_id,
            **scope(community),
            now=now,
            data={"meeting": meeting.public_id, "by": seat.id},
        )
    return motion


def cast_vote(actor: Actor, motion_public_id: str, *, choice: str, now: datetime) -> MotionVote:
    """A seated, non-suspended member votes once on a motion, in the app."""
    with db.write() as s:
        motion, meeting, community = load_motion(s, motion_public_id)
        committee, seat = seat_of(s, actor, community, acting=False)
        if meeting.committee_id != committee.id:
            raise RuleViolation("member", str(VOTE_MESSAGES["not_a_member"]))
        _voting_open(meeting, motion, now)
        # The member's own vote replaces a paper entry of theirs nobody confirmed: an entry never blocks its voter.
        entered = s.execute(
            select(MotionVote).where(
                MotionVote.motion_id == motion.id,
                MotionVote.membership_id == seat.id,
                MotionVote.how == VoteChannel.PAPER,
                MotionVote.confirmed_at.is_(None),
            )
        ).scalar()
        if entered is not None:
            s.delete(entered)
            s.flush()
        _check_vote(s, committee, motion, seat, choice)
        vote = MotionVote(motion_id=motion.id, membership_id=seat.id, choice=choice, how=VoteChannel.ONLINE, cast_at=now)
        s.add(vote)
        s.flush()
        data = {"member": seat.id, "choice": choice, "replaced_paper_entry": entered.paper_reference if entered is not None else None}
        record(s, actor, "motion.vote", "motion", motion.public_id, **scope(community), now=now, data=data)
    return vote


def enter_paper_vote(
    actor: Actor, motion_public_id: str, *, membership_id: int, choice: str, paper_reference: str, now: datetime
) -> MotionVote:
    """A member enters another member's vote from the meeting's paper record; it counts once a second member confirms it."""
    paper_reference = paper_reference.strip()
    if not paper_reference or len(paper_reference) > 100:
        raise RuleViolation(
            "paper_reference", str(_l("Give the paper record's reference (its page or number), in at most 100 characters."))
        )
    with db.write() as s:
        motion, meeting, community = load_motion(s, motion_public_id)
        committee, seat = seat_of(s, actor, community)
        if meeting.committee_id != committee.id:
            raise RuleViolation("member", str(VOTE_MESSAGES["not_a_member"]))
        _voting_open(meeting, motion, now)
        voter = s.get(Membership, membership_id)
        _check_vote(s, committee, motion, voter, choice)
        assert voter is not None
        vote = MotionVote(
            motion_id=motion.id,
            membership_id=voter.id,
            choice=choice,
            how=VoteChannel.PAPER,
            cast_at=now,
            paper_reference=paper_reference,
            entered_by_id=seat.id,
        )
        s.add(vote)
        s.flush()
        data = {"member": voter.id, "choice": choice, "paper": paper_reference, "entered_by": seat.id}
        record(s, actor, "motion.paper_vote", "motion", motion.public_id, **scope(community), now=now, data=data)
    return vote


def confirm_paper_vote(actor: Actor, vote_id: int, *, now: datetime) -> MotionVote:
    """A second, different member confirms a paper vote against the paper record; only then it counts."""
    with db.write() as s:
        # The motion's lock (load_motion) serialises every change to its votes: taking the vote's first could deadlock.
        vote = s.get(MotionVote, vote_id)
        if vote is None or vote.how is not VoteChannel.PAPER:
            raise NotFound(str(_l("No such paper vote.")))
        motion = s.get(Motion, vote.motion_id)
        assert motion is not None
        _motion, meeting, community = load_motion(s, motion.public_id)
        # Read again under the lock: the voter's own vote may have replaced the entry meanwhile.
        vote = s.execute(select(MotionVote).where(MotionVote.id == vote_id).execution_options(populate_existing=True)).scalar()
        if vote is None:
            raise NotFound(str(_l("No such paper vote.")))
        committee, seat = seat_of(s, actor, community)
        if meeting.committee_id != committee.id:
            raise RuleViolation("member", str(VOTE_MESSAGES["not_a_member"]))
        _voting_open(meeting, motion, now)
        if vote.confirmed_at is not None:
            raise RuleViolation("vote", str(_l("This paper vote is already confirmed.")))
        if vote.entered_by_id == seat.id:
            raise RuleViolation("vote", str(_l("A second member must confirm the paper vote you entered.")))
        vote.confirmed_by_id, vote.confirmed_at = seat.id, now
        data = {"member": vote.membership_id, "choice": vote.choice, "confirmed_by": seat.id}
        record(s, actor, "motion.paper_confirm", "motion", motion.public_id, **scope(community), now=now, data=data)
    return vote


def counted(s: Session, committee: Committee, motion: Motion) -> tuple[rules.MotionOutcome, list[MotionVote]]:
    """The motion's count now: online votes and confirmed paper votes of members still entitled to vote; the rest
    (paper entries waiting for a second member, votes of a member suspended since) are returned as not counted."""
    seats = standings(committee)
    votes = list(s.execute(select(MotionVote).where(MotionVote.motion_id == motion.id).order_by(MotionVote.id)).scalars())
    counting = {
        str(v.membership_id): v.choice for v in votes if v.counts and seats.get(str(v.membership_id)) is rules.MemberStanding.ACTIVE
    }
    left_out = [v for v in votes if str(v.membership_id) not in counting]
    return rules.motion_outcome(committee.seats, counting, seats), left_out


def decide(
    s: Session, actor: Actor, community: Community, committee: Committee, motion: Motion, closer: Membership | None, now: datetime
) -> None:
    """Close the vote in the caller's transaction: the count against all seats, fixed on the motion."""
    outcome, left_out = counted(s, committee, motion)
    motion.seats, motion.agree, motion.disagree, motion.abstain = outcome.seats, outcome.agree, outcome.disagree, outcome.abstain
    motion.state = MotionState.PASSED if outcome.passed else MotionState.FAILED
    motion.decided_at, motion.closed_by_id = now, closer.id if closer is not None else None
    data = {
        "state": motion.state.value,
        "agree": outcome.agree,
        "disagree": outcome.disagree,
        "abstain": outcome.abstain,
        "seats": outcome.seats,
        "needed": outcome.needed,
        "not_counted": [v.id for v in left_out],
    }
    record(s, actor, "motion.close", "motion", motion.public_id, **scope(community), now=now, data=data)


def close_motion(actor: Actor, motion_public_id: str, *, now: datetime) -> Motion:
    """A member closes the vote on a motion; it passes with agree >= more than half of all seats, whatever the attendance."""
    with db.write() as s:
        motion, meeting, community = load_motion(s, motion_public_id)
        committee, seat = seat_of(s, actor, community)
        if meeting.committee_id != committee.id:
            raise RuleViolation("member", str(VOTE_MESSAGES["not_a_member"]))
        _voting_open(meeting, motion, now)
        decide(s, actor, community, committee, motion, seat, now)
    return motion
