"""The street office's own records about its committees: the yearly review (考核)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utcnow


class YearlyReview(Base):
    """One committee's review for one year: the office's marks and remarks; its scorecard frozen when published."""

    __tablename__ = "yearly_review"
    __table_args__ = (
        UniqueConstraint("committee_id", "year"),
        CheckConstraint("office_marks >= 0 AND office_marks <= 20", name="office_marks_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    office_marks: Mapped[int] = mapped_column(Integer, default=0)
    remarks: Mapped[str] = mapped_column(Text, default="")
    commended: Mapped[bool] = mapped_column(Boolean, default=False)  # 表彰: only an excellent committee
    # The measured figures as published (``domain.review.Measured`` fields), so a published card never moves.
    measured: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    total: Mapped[str | None] = mapped_column(String(20))  # the exact total as a fraction, "249/4"
    grade: Mapped[str | None] = mapped_column(String(10))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="RESTRICT"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
