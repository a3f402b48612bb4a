"""What owners do with their letters besides voting: object to the count, and petition."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, str_enum
from ..domain.objections import ObjectionKind, ObjectionStatus, Outcome


class Objection(Base):
    """An owner's objection to a session's count, from their letter: a ballot not theirs, the roll, the weight, the count.

    The committee answers it; the street office upholds or dismisses it; an upheld one ends in its outcome (RULES §6,
    ``domain.objections``). Who objected is never shown to the public, only how many and of which kinds.
    """

    __tablename__ = "objection"
    __table_args__ = (UniqueConstraint("letter_id", "kind"),)  # one of each kind per letter: the holder says it once

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("assembly_session.id", ondelete="RESTRICT"), index=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("voting_letter.id", ondelete="RESTRICT"))
    roll_entry_id: Mapped[int] = mapped_column(ForeignKey("roll_entry.id", ondelete="RESTRICT"))
    kind: Mapped[ObjectionKind] = mapped_column(str_enum(ObjectionKind, "objection_kind"))
    ballot_id: Mapped[int | None] = mapped_column(ForeignKey("ballot.id", ondelete="RESTRICT"))  # the ballot said not to be theirs
    statement: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[ObjectionStatus] = mapped_column(str_enum(ObjectionStatus, "objection_status"), default=ObjectionStatus.FILED)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision: Mapped[str] = mapped_column(Text, default="")  # the street office's reasons
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome, "objection_outcome"))
    # Carried out: the letter re-issued for the voter's window (which ``session.correction_window`` keeps), or the
    # order that follows a rejected result.
    reissued_letter_id: Mapped[int | None] = mapped_column(ForeignKey("voting_letter.id", ondelete="RESTRICT"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("oversight_order.id", ondelete="RESTRICT"))
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ObjectionDocument(Base):
    """A photo or scan the owner attaches (a deed, the paper ballot they kept), kept under its SHA-256."""

    __tablename__ = "objection_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    objection_id: Mapped[int] = mapped_column(ForeignKey("objection.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PetitionStatus(enum.Enum):
    OPEN = "open"  # collecting signatures
    REACHED = "reached"  # 20 % of area and of headcount signed: the committee is ordered to convene
    EXPIRED = "expired"


class Petition(Base):
    """联名提议: owners asking for an extraordinary session (RULES §3).

    A letter petition is signed with the voting letters of one session and weighed
    against its frozen roll. A board petition (no session) is started and signed
    from the community's public board with the register's identity check, and
    weighed against the roll derived from the register when it was started: its
    lines are kept with it, and their SHA-256 and totals are shown.
    """

    __tablename__ = "petition"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    # The session whose letters sign it; None for a petition from the public board.
    session_id: Mapped[int | None] = mapped_column(ForeignKey("assembly_session.id", ondelete="RESTRICT"))
    status: Mapped[PetitionStatus] = mapped_column(str_enum(PetitionStatus, "petition_status"), default=PetitionStatus.OPEN)
    title: Mapped[str] = mapped_column(String(200))
    items: Mapped[str] = mapped_column(Text)  # the proposed items, one per line
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_on: Mapped[date] = mapped_column(Date)
    reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A board petition's roll, derived from the register at its start: the SHA-256 of its canonical JSON and its totals.
    roll_sha256: Mapped[str | None] = mapped_column(String(64))
    roll_area_centi: Mapped[int | None] = mapped_column(BigInteger)
    roll_heads: Mapped[int | None] = mapped_column(Integer)


class PetitionRollLine(Base):
    """One voter of a board petition's roll, as the register gave it at the petition's start."""

    __tablename__ = "petition_roll_line"
    __table_args__ = (UniqueConstraint("petition_id", "voter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id", ondelete="CASCADE"), index=True)
    voter_key: Mapped[str] = mapped_column(String(400))
    units: Mapped[list[str]] = mapped_column(JSON)
    area_centi: Mapped[int] = mapped_column(BigInteger)
    heads: Mapped[int] = mapped_column(Integer, default=1)


class PetitionSignature(Base):
    """One voter's signature; the unique constraints refuse a second from the same voter.

    A letter signature names the roll entry and letter; a board signature the
    petition's roll line and the register's person who signed.
    """

    __tablename__ = "petition_signature"
    __table_args__ = (UniqueConstraint("petition_id", "roll_entry_id"), UniqueConstraint("petition_id", "roll_line_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id", ondelete="RESTRICT"), index=True)
    roll_entry_id: Mapped[int | None] = mapped_column(ForeignKey("roll_entry.id", ondelete="RESTRICT"))
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("voting_letter.id", ondelete="RESTRICT"))
    roll_line_id: Mapped[int | None] = mapped_column(ForeignKey("petition_roll_line.id", ondelete="RESTRICT"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    area_centi: Mapped[int] = mapped_column(BigInteger)
    heads: Mapped[int] = mapped_column(Integer)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
