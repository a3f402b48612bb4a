"""What owners do with their letters besides voting: say a ballot is not theirs, and petition."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, str_enum


class DisputeStatus(enum.Enum):
    OPEN = "open"
    RESOLVED = "resolved"


class Dispute(Base):
    """An owner's complaint that the ballot on record for their units is not theirs; goes to the street office."""

    __tablename__ = "dispute"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("assembly_session.id", ondelete="RESTRICT"), index=True)
    # One dispute per letter: the holder says it once; the office answers it.
    letter_id: Mapped[int] = mapped_column(ForeignKey("voting_letter.id", ondelete="RESTRICT"), unique=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="RESTRICT"))
    statement: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[DisputeStatus] = mapped_column(str_enum(DisputeStatus, "dispute_status"), default=DisputeStatus.OPEN)
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PetitionStatus(enum.Enum):
    OPEN = "open"  # collecting signatures
    REACHED = "reached"  # 20 % of area and of headcount signed: the committee is ordered to convene
    EXPIRED = "expired"


class Petition(Base):
    """联名提议: owners asking for an extraordinary session (RULES §3), signed with their voting letters.

    Signatures are weighed against the roll of the session whose letters sign it,
    so the threshold is measured on a roll everyone can check.
    """

    __tablename__ = "petition"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("assembly_session.id", ondelete="RESTRICT"))
    status: Mapped[PetitionStatus] = mapped_column(str_enum(PetitionStatus, "petition_status"), default=PetitionStatus.OPEN)
    title: Mapped[str] = mapped_column(String(200))
    items: Mapped[str] = mapped_column(Text)  # the proposed items, one per line
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_on: Mapped[date] = mapped_column(Date)
    reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PetitionSignature(Base):
    """One voter's signature; the unique constraint refuses a second from the same voter."""

    __tablename__ = "petition_signature"
    __table_args__ = (UniqueConstraint("petition_id", "roll_entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id", ondelete="RESTRICT"), index=True)
    roll_entry_id: Mapped[int] = mapped_column(ForeignKey("roll_entry.id", ondelete="RESTRICT"))
    letter_id: Mapped[int] = mapped_column(ForeignKey("voting_letter.id", ondelete="RESTRICT"))
    area_centi: Mapped[int] = mapped_column(BigInteger)
    heads: Mapped[int] = mapped_column(Integer)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
