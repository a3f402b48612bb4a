"""意见征询: a consultation, its options, the roll it is weighed on, and one answer per voter of that roll."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, str_enum


class ConsultationState(enum.Enum):
    DRAFT = "draft"  # the committee is writing it; nobody else sees it
    OPEN = "open"  # announced on the board, taking answers until ``closes_at``
    CLOSED = "closed"  # its summary is on the board


class Consultation(Base):
    """A non-binding question the committee (or preparatory group) puts to the owners before a decision.

    Opening it announces it on the board and keeps the roll the register gives
    at that moment (its lines, SHA-256 and totals), as a board petition does:
    every answer is weighed on that roll, one per voter. ``purpose`` says what
    it is for ("general"; other features ask their own questions this way).
    """

    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    purpose: Mapped[str] = mapped_column(String(40), default="general")
    title: Mapped[str] = mapped_column(String(200))  # the question
    description: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[ConsultationState] = mapped_column(str_enum(ConsultationState, "consultation_state"), default=ConsultationState.DRAFT)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    announcement_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="RESTRICT"))
    summary_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="RESTRICT"))
    # The roll derived from the register when it opened: the SHA-256 of its canonical JSON and its totals.
    roll_sha256: Mapped[str | None] = mapped_column(String(64))
    roll_area_centi: Mapped[int | None] = mapped_column(BigInteger)
    roll_heads: Mapped[int | None] = mapped_column(Integer)

    options: Mapped[list[ConsultationOption]] = relationship(
        order_by="ConsultationOption.position", cascade="all, delete-orphan", back_populates="consultation"
    )


class ConsultationOption(Base):
    __tablename__ = "consultation_option"
    __table_args__ = (UniqueConstraint("consultation_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))

    consultation: Mapped[Consultation] = relationship(back_populates="options")


class ConsultationRollLine(Base):
    """One voter of the consultation's roll, as the register gave it when it opened."""

    __tablename__ = "consultation_roll_line"
    __table_args__ = (UniqueConstraint("consultation_id", "voter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    voter_key: Mapped[str] = mapped_column(String(400))
    units: Mapped[list[str]] = mapped_column(JSON)
    area_centi: Mapped[int] = mapped_column(BigInteger)
    heads: Mapped[int] = mapped_column(Integer, default=1)


class ConsultationAnswer(Base):
    """One voter's answer: the roll line (which refuses a second one) and the option, with the line's weight.

    Nothing else: not the holder, the letter, the address or the moment; the
    pages and the summary show only the counts.
    """

    __tablename__ = "consultation_answer"
    __table_args__ = (UniqueConstraint("consultation_id", "roll_line_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="RESTRICT"), index=True)
    roll_line_id: Mapped[int] = mapped_column(ForeignKey("consultation_roll_line.id", ondelete="RESTRICT"))
    option_id: Mapped[int] = mapped_column(ForeignKey("consultation_option.id", ondelete="RESTRICT"))
    area_centi: Mapped[int] = mapped_column(BigInteger)
    heads: Mapped[int] = mapped_column(Integer)
