"""Notices (公告) of a community's public board, immutable once published, their files, and the ledgers' published statements."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, str_enum, utcnow
from ..domain.ledger import LedgerKind


class NoticeKind(enum.Enum):
    ANNOUNCEMENT = "announcement"  # 会议公告: a session and its items
    DECISION = "decision"  # 决定
    RESULT = "result"  # 表决结果
    ELECTION_SLATE = "election_slate"  # 候选人名单
    STATEMENT = "statement"  # 账目公示
    ORDER = "order"  # 街道办事处的决定、责令
    GENERAL = "general"  # 一般公告


# Publishing these takes a second committee member's confirmation.
CONFIRMED_KINDS = frozenset({NoticeKind.DECISION, NoticeKind.STATEMENT})


class NoticeState(enum.Enum):
    DRAFT = "draft"
    PENDING = "pending"  # waiting for a second committee member
    PUBLISHED = "published"


class Notice(Base):
    """One version of a notice. The database refuses to change or delete a published one;
    a correction is a new version naming the one it supersedes, and both stay on the board."""

    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[NoticeKind] = mapped_column(str_enum(NoticeKind, "notice_kind"))
    state: Mapped[NoticeState] = mapped_column(str_enum(NoticeState, "notice_state"), default=NoticeState.DRAFT)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown as written
    body_html: Mapped[str | None] = mapped_column(Text)  # rendered and sanitised at publication, then fixed
    version: Mapped[int] = mapped_column(Integer, default=1)
    # At most one correction per version: the history is a line, never a tree.
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="RESTRICT"), unique=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("assembly_session.id", ondelete="RESTRICT"), index=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    requested_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    confirmed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Published by the system for someone else (the office's orders, findings and audits, results, summaries): the
    # committee publishes the board but never corrects these.
    system: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Statement(Base):
    """账目公示: one period of one ledger, its figures frozen when the period was locked."""

    __tablename__ = "statement"
    __table_args__ = (UniqueConstraint("community_id", "ledger", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    ledger: Mapped[LedgerKind] = mapped_column(str_enum(LedgerKind, "ledger_kind"))
    period_kind: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)  # the day after the last
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    closing_fen: Mapped[int] = mapped_column(BigInteger)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="RESTRICT"))
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))


class Attachment(Base):
    """A PDF or image attached to a notice; stored by its SHA-256 in instance/attachments, fixed once the notice is published."""

    __tablename__ = "notice_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="RESTRICT"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
