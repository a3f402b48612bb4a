"""The street office's decisions on a community's sessions."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, str_enum


class Verdict(enum.Enum):
    CERTIFIED = "certified"
    REJECTED = "rejected"


class Certification(Base):
    """备案/确认: the street official's verdict on a tallied session, signed with the server's key.

    ``statement`` is the exact canonical JSON that was signed: the session,
    the SHA-256 of its result, the hash of its bulletin seal, the verdict and
    its time, so anyone holding the published keys can check it.
    """

    __tablename__ = "certification"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("assembly_session.id", ondelete="RESTRICT"), unique=True)
    verdict: Mapped[Verdict] = mapped_column(str_enum(Verdict, "verdict"))
    reasons: Mapped[str] = mapped_column(Text, default="")
    official_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    statement: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(100))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="RESTRICT"))


class OrderKind(enum.Enum):
    RECTIFY = "rectify"  # 责令限期改正
    REVOKE = "revoke"  # 撤销业主大会或业委会的决定
    CONVENE = "convene"  # 责令召开业主大会临时会议


class OrderStatus(enum.Enum):
    OPEN = "open"
    COMPLIED = "complied"
    WITHDRAWN = "withdrawn"


class Order(Base):
    """An order of the street office to a community, with its deadline; published as a notice when issued."""

    __tablename__ = "oversight_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[OrderKind] = mapped_column(str_enum(OrderKind, "order_kind"))
    status: Mapped[OrderStatus] = mapped_column(str_enum(OrderStatus, "order_status"), default=OrderStatus.OPEN)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("session_item.id", ondelete="RESTRICT"))
    issued_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="RESTRICT"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    closing_note: Mapped[str] = mapped_column(Text, default="")

    def overdue(self, today: date) -> bool:
        return self.status is OrderStatus.OPEN and today > self.due_on


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
