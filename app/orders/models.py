"""An order of the street office to a community (街道指令), with its deadline and status."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, str_enum


class OrderKind(enum.Enum):
    RECTIFY = "rectify"  # 责令限期改正
    REVOKE = "revoke"  # 撤销业主大会或业委会的决定
    CONVENE = "convene"  # 责令召开业主大会临时会议
    SUSPEND = "suspend"  # 暂停业主委员会委员履职
    REELECT = "reelect"  # 责令重新选举业主委员会
    CHAIR_VOTE = "chair_vote"  # 责令委员重新推选主任、副主任


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
    # A suspension names the member; a re-election the committee and the election it created.
    membership_id: Mapped[int | None] = mapped_column(ForeignKey("committee_member.id", ondelete="RESTRICT"))
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committee.id", ondelete="RESTRICT"))
    election_id: Mapped[int | None] = mapped_column(ForeignKey("election.id", ondelete="RESTRICT"))
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petition.id", ondelete="RESTRICT"))
    # A revocation of a committee decision names its motion (instead of an assembly item).
    motion_id: Mapped[int | None] = mapped_column(ForeignKey("committee_motion.id", ondelete="RESTRICT"))
    # The session the street office convened itself once the order went unheeded (RULES §10).
    convened_session_id: Mapped[int | None] = mapped_column(ForeignKey("assembly_session.id", ondelete="RESTRICT"), unique=True)
    issued_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="RESTRICT"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    closing_note: Mapped[str] = mapped_column(Text, default="")

    def overdue(self, today: date) -> bool:
        return self.status is OrderStatus.OPEN and today > self.due_on
