"""The committee's meetings (业主委员会会议), their attendance, motions and votes, minutes and decision notices.

A motion passes with more than half of ALL seats (``domain.meetings``); its
decision notice is drafted from it and published on the board through the
notices' publish and second-member confirmation. Minutes are versions: a
confirmed version never changes, a correction is a new version naming it.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, str_enum, utcnow


class MeetingState(enum.Enum):
    REQUESTED = "requested"  # members asked for it; not yet a third of the seats
    CONVENED = "convened"  # called by the chair, or by enough members' requests
    CLOSED = "closed"  # held: attendance recorded, every motion decided


class Meeting(Base):
    """One meeting of a community's committee: its agenda, place and time, who convened it."""

    __tablename__ = "committee_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    agenda: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[MeetingState] = mapped_column(str_enum(MeetingState, "meeting_state"), default=MeetingState.REQUESTED)
    # The chair who convened it, or the member who first asked for it (its requests reached the share).
    convened_by_id: Mapped[int] = mapped_column(ForeignKey("committee_member.id", ondelete="RESTRICT"))
    convened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    motions: Mapped[list[Motion]] = relationship(back_populates="meeting", order_by="Motion.number")


class MeetingRequest(Base):
    """A member asking for a meeting; enough of them (the profile's share of all seats) convene it."""

    __tablename__ = "committee_meeting_request"
    __table_args__ = (UniqueConstraint("meeting_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("committee_meeting.id", ondelete="RESTRICT"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("committee_member.id", ondelete="RESTRICT"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Attendance(Base):
    """Whether a seated member attended; the roll a member takes at the meeting, completed as absent at its close."""

    __tablename__ = "committee_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("committee_meeting.id", ondelete="RESTRICT"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("committee_member.id", ondelete="RESTRICT"), index=True)
    present: Mapped[bool] = mapped_column(Boolean)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("committee_member.id", ondelete="RESTRICT"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MotionState(enum.Enum):
    OPEN = "open"
    PASSED = "passed"
    FAILED = "failed"


class Motion(Base):
    """An agenda item put to the members' vote; decided by more than half of all seats."""

    __tablename__ = "committee_motion"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("committee_meeting.id", ondelete="RESTRICT"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[MotionState] = mapped_column(str_enum(MotionState, "motion_state"), default=MotionState.OPEN)
    # Fixed when the vote closes: the seats it was decided against and the counted votes.
    seats: Mapped[int | None] = mapped_column(Integer)
    agree: Mapped[int] = mapped_column(Integer, default=0)
    disagree: Mapped[int] = mapped_column(Integer, default=0)
    abstain: Mapped[int] = mapped_column(Integer, default=0)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("committee_member.id", ondelete="RESTRICT"))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="RESTRICT"), unique=True)
    # The consultation of the owners the committee held before deciding (意见征询), linked from the decision notice.
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultation.id", ondelete="RESTRICT"))
    # Set when the street office revokes the decision (an Order of kind revoke naming this motion).
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="motions")

    @property
    def title(self) -> str:
        """The motion as a list names it: its first line, shortened."""
        first = self.text.strip().splitlines()[0] if self.text.strip() else ""
        return first if len(first) <= 60 else first[:59] + "…"


class VoteChannel(enum.Enum):
    ONLINE = "online"  # the member in the app
    PAPER = "paper"  # from the meeting's paper record, entered by one member and confirmed by another


class MotionVote(Base):
    """One member's vote on a motion; a paper entry counts once a second member confirms it."""

    __tablename__ = "committee_motion_vote"
    __table_args__ = (UniqueConstraint("motion_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("committee_motion.id", ondelete="RESTRICT"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("committee_member.id", ondelete="RESTRICT"))
    choice: Mapped[str] = mapped_column(String(10))  # agree | disagree | abstain
    how: Mapped[VoteChannel] = mapped_column(str_enum(VoteChannel, "motion_vote_channel"))
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime())
    paper_reference: Mapped[str] = mapped_column(String(100), default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("committee_member.id", ondelete="RESTRICT"))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("committee_member.id", ondelete="RESTRICT"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def counts(self) -> bool:
        return self.how is VoteChannel.ONLINE or self.confirmed_at is not None


class MinutesState(enum.Enum):
    DRAFT = "draft"  # awaiting the attending members' confirmation
    CONFIRMED = "confirmed"  # every attending member confirmed: fixed, published on the board


class Minutes(Base):
    """One version of a meeting's minutes, drafted from its record; a correction is a new version naming this one."""

    __tablename__ = "committee_minutes"
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("committee_meeting.id", ondelete="RESTRICT"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("committee_minutes.id", ondelete="RESTRICT"), unique=True)
    state: Mapped[MinutesState] = mapped_column(str_enum(MinutesState, "minutes_state"), default=MinutesState.DRAFT)
    record: Mapped[str] = mapped_column(Text)  # Markdown generated from the meeting's record
    notes: Mapped[str] = mapped_column(Text, default="")  # what the drafter adds: discussion, a correction's reason
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("committee_member.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MinutesSignature(Base):
    """An attending member confirming one version of the minutes."""

    __tablename__ = "committee_minutes_signature"
    __table_args__ = (UniqueConstraint("minutes_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("committee_minutes.id", ondelete="RESTRICT"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("committee_member.id", ondelete="RESTRICT"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
