"""Committee elections, their candidates, and the committees they seat (DESIGN §2)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, str_enum, utcnow


class ElectionKind(enum.Enum):
    REGULAR = "regular"  # a committee's first election or its re-election (换届)
    RUNOFF = "runoff"  # between the candidates tied for contested places
    SUPPLEMENTARY = "supplementary"  # for seats a result left unfilled (补选)


class ElectionState(enum.Enum):
    NOMINATING = "nominating"  # candidates come forward and are vetted
    PUBLISHED = "published"  # the vetted slate is a public notice
    ON_BALLOT = "on_ballot"  # an item of an assembly session
    DECIDED = "decided"  # the session is tallied
    SEATED = "seated"  # a committee was seated from the certified result
    FAILED = "failed"  # certified with no committee formed, or rejected


class Election(Base):
    """选举: the owners electing committee members and alternates, as one item of an assembly session."""

    __tablename__ = "election"
    __table_args__ = (
        CheckConstraint("seats > 0 AND alternates >= 0", name="places_positive"),
        CheckConstraint("nominations_close_at > nominations_open_at", name="nomination_period_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[ElectionKind] = mapped_column(str_enum(ElectionKind, "election_kind"), default=ElectionKind.REGULAR)
    state: Mapped[ElectionState] = mapped_column(str_enum(ElectionState, "election_state"), default=ElectionState.NOMINATING)
    title: Mapped[str] = mapped_column(String(200))
    seats: Mapped[int] = mapped_column(Integer)
    alternates: Mapped[int] = mapped_column(Integer)
    nominations_open_at: Mapped[datetime] = mapped_column(UTCDateTime())
    nominations_close_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # "committee" or "office": the street office runs it when there is no committee or it ordered a re-election.
    run_by: Mapped[str] = mapped_column(String(10), default="committee")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("election.id", ondelete="RESTRICT"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("session_item.id", ondelete="SET NULL"), unique=True)
    slate_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="RESTRICT"))
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    candidates: Mapped[list[Candidate]] = relationship(back_populates="election", order_by="Candidate.id")


class Nomination(enum.Enum):
    SELF = "self"  # 自荐
    JOINT = "joint"  # 业主联名推荐
    ORGANISATION = "organisation"  # 社区党组织、居民委员会推荐


class CandidateStatus(enum.Enum):
    NOMINATED = "nominated"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Candidate(Base):
    """候选人: an owner of the community standing in one election, vetted by the street office."""

    __tablename__ = "candidate"
    __table_args__ = (UniqueConstraint("election_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="RESTRICT"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    unit: Mapped[str] = mapped_column(String(40))  # the unit by which the candidate is an owner
    nomination: Mapped[Nomination] = mapped_column(str_enum(Nomination, "nomination"))
    # Joint nominations: the nominating owners' units; recommendations: the organisation's name.
    nominated_by: Mapped[list[str]] = mapped_column(JSON, default=list)
    statement: Mapped[str] = mapped_column(Text, default="")
    party_declared: Mapped[bool] = mapped_column(Boolean, default=False)
    # None until the street office checks; only True counts toward the party target.
    party_verified: Mapped[bool | None] = mapped_column(Boolean)
    status: Mapped[CandidateStatus] = mapped_column(str_enum(CandidateStatus, "candidate_status"), default=CandidateStatus.NOMINATED)
    reason: Mapped[str] = mapped_column(Text, default="")  # the vetting's reason, shown to the candidate
    # The negative list's entries the vetting official confirmed clear (codes), and the entry a rejection names.
    cleared: Mapped[list[str]] = mapped_column(JSON, default=list)
    rejected_entry: Mapped[str | None] = mapped_column(String(40))
    vetted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    vetted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    election: Mapped[Election] = relationship(back_populates="candidates")

    @property
    def counts_as_party(self) -> bool:
        return self.party_verified is True


class CommitteeKind(enum.Enum):
    OWNERS = "owners"  # 业主委员会, elected
    TEMPORARY = "temporary"  # 物业管理委员会, appointed by the street office where no owners' committee exists


class Committee(Base):
    """A committee of a community for one term; at most one is current (``ended_at`` null)."""

    __tablename__ = "committee"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[CommitteeKind] = mapped_column(str_enum(CommitteeKind, "committee_kind"))
    election_id: Mapped[int | None] = mapped_column(ForeignKey("election.id", ondelete="RESTRICT"))
    seats: Mapped[int] = mapped_column(Integer)
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date] = mapped_column(Date)
    seated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reelection_ordered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The members elect the chair and vice chair within 7 days of seating (RULES §5); after that the street
    # office may order a new vote, which starts a new round of ballots open until this day (Beijing).
    chair_vote_until: Mapped[date | None] = mapped_column(Date)
    chair_round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    members: Mapped[list[Membership]] = relationship(back_populates="committee", order_by="Membership.id")


class MemberRole(enum.Enum):
    CHAIR = "chair"  # 主任
    VICE_CHAIR = "vice_chair"  # 副主任
    MEMBER = "member"  # 委员
    ALTERNATE = "alternate"  # 候补委员


class Membership(Base):
    """A person's place on a committee: a seat, or an alternate's place in rank order."""

    __tablename__ = "committee_member"
    __table_args__ = (UniqueConstraint("committee_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="RESTRICT"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidate.id", ondelete="RESTRICT"))
    role: Mapped[MemberRole] = mapped_column(str_enum(MemberRole, "member_role"))
    alternate_rank: Mapped[int | None] = mapped_column(Integer)
    party: Mapped[bool] = mapped_column(Boolean, default=False)  # verified by the street office
    # Temporary committees: an owners' representative rather than an official of the street or community.
    owner_representative: Mapped[bool] = mapped_column(Boolean, default=True)
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str] = mapped_column(String(300), default="")
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # by a street office order naming this place

    committee: Mapped[Committee] = relationship(back_populates="members")

    @property
    def holds_seat(self) -> bool:
        return self.ended_at is None and self.role is not MemberRole.ALTERNATE

    @property
    def active(self) -> bool:
        return self.holds_seat and self.suspended_at is None


class ChairBallot(Base):
    """One member's choice of chair or vice chair; more than half of all members elect (RULES §5)."""

    __tablename__ = "chair_ballot"
    __table_args__ = (UniqueConstraint("committee_id", "office", "voter_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="RESTRICT"), index=True)
    office: Mapped[str] = mapped_column(String(12))  # chair | vice_chair
    voter_id: Mapped[int] = mapped_column(ForeignKey("committee_member.id", ondelete="RESTRICT"))
    choice_id: Mapped[int] = mapped_column(ForeignKey("committee_member.id", ondelete="RESTRICT"))
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # 1 for the vote after seating; each vote the street office orders again is the next round.
    round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class FindingOutcome(enum.Enum):
    STANDING = "standing"  # recorded: the member is suspended until the finding ends
    REMOVED = "removed"  # the assembly removed the member; the first alternate took the seat
    LIFTED = "lifted"  # the finding was overturned: the suspension is lifted


class Finding(Base):
    """履职负面清单: the street office's finding that a seated member falls under one entry of the profile's negative list.

    Recorded, it suspends the member at once; while it stands nothing else gives the rights back.
    """

    __tablename__ = "conduct_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="RESTRICT"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("committee_member.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(String(40))  # the entry of the negative list
    limit: Mapped[int | None] = mapped_column(Integer)  # the entry's limit when the finding was recorded
    found_on: Mapped[date] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text)
    outcome: Mapped[FindingOutcome] = mapped_column(str_enum(FindingOutcome, "finding_outcome"), default=FindingOutcome.STANDING)
    removal_item_id: Mapped[int | None] = mapped_column(ForeignKey("session_item.id", ondelete="RESTRICT"))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="RESTRICT"))
    outcome_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="RESTRICT"))
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    documents: Mapped[list[FindingDocument]] = relationship(order_by="FindingDocument.id")

    @property
    def standing(self) -> bool:
        return self.outcome is FindingOutcome.STANDING


class FindingDocument(Base):
    """Evidence of a finding: a PDF or image kept by its SHA-256, read by the street office only."""

    __tablename__ = "conduct_finding_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("conduct_finding.id", ondelete="RESTRICT"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())


# What a term-end audit covers, in the order its form and notice list them.
AUDIT_SCOPE = ("ledgers", "fund_projects", "contracts", "records")


class AuditState(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"  # on the board; a successor may now be seated


class TermAudit(Base):
    """换届审计/离任审计: the audit of an outgoing committee, by the street office or an auditor it names.

    Published, it is a notice on the board, and the next committee may be seated.
    """

    __tablename__ = "term_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="RESTRICT"), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    auditor: Mapped[str] = mapped_column(String(200), default="")  # an auditor firm; empty: the street office itself
    # Each part of AUDIT_SCOPE: whether the audit covered it.
    scope: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    state: Mapped[AuditState] = mapped_column(str_enum(AuditState, "audit_state"), default=AuditState.DRAFT)
    report_filename: Mapped[str | None] = mapped_column(String(200))
    report_content_type: Mapped[str | None] = mapped_column(String(40))
    report_size: Mapped[int | None] = mapped_column(Integer)
    report_sha256: Mapped[str | None] = mapped_column(String(64))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="RESTRICT"))
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    findings: Mapped[list[AuditFinding]] = relationship(order_by="AuditFinding.id")

    @property
    def published(self) -> bool:
        return self.state is AuditState.PUBLISHED


class AuditFinding(Base):
    """One finding of a term-end audit; the office may turn it into an order to rectify."""

    __tablename__ = "term_audit_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("term_audit.id", ondelete="RESTRICT"), index=True)
    text: Mapped[str] = mapped_column(Text)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("oversight_order.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


def slate_json(election: Election) -> list[dict[str, Any]]:
    """The approved candidates as the roll publishes them: id and verified party membership."""
    return [{"id": str(c.id), "party": c.counts_as_party} for c in election.candidates if c.status is CandidateStatus.APPROVED]
