"""Emergency use of the maintenance fund (RULES §11): applied for, confirmed or refused by the street office in time."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ...db import Base, UTCDateTime, str_enum, utcnow


class EmergencyState(enum.Enum):
    """applied → confirmed | refused; a confirmed one → completed (works done) → published (works and costs)."""

    APPLIED = "applied"
    CONFIRMED = "confirmed"
    REFUSED = "refused"
    COMPLETED = "completed"
    PUBLISHED = "published"


class EmergencyApplication(Base):
    """One application for emergency use. ``kind`` is one of the profile's ``emergency_kinds``; scope as projects carry it."""

    __tablename__ = "fund_emergency"
    __table_args__ = (CheckConstraint("estimate_fen > 0", name="estimate_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    works: Mapped[str] = mapped_column(Text)
    scope: Mapped[list[str]] = mapped_column(JSON)
    scope_label: Mapped[str] = mapped_column(String(200))
    contractor: Mapped[str] = mapped_column(String(200), default="")
    estimate_fen: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[EmergencyState] = mapped_column(str_enum(EmergencyState, "fund_emergency_state"), default=EmergencyState.APPLIED)
    applied_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answer_due_at: Mapped[datetime] = mapped_column(UTCDateTime())  # applied_at + the profile's hours
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str | None] = mapped_column(Text)
    works_done_on: Mapped[date | None] = mapped_column(Date)
    publish_due_on: Mapped[date | None] = mapped_column(Date)  # works_done_on + the profile's days
    published_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="RESTRICT"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
