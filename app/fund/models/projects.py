"""Fund projects (维修资金使用项目): works with a scope, a contractor and a budget, decided by the scope's owners."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ...db import Base, UTCDateTime, str_enum, utcnow


class ProjectState(enum.Enum):
    """applied → approved → works → accepted → settled (RULES §11); withdrawn only before approval."""

    APPLIED = "applied"
    APPROVED = "approved"
    WORKS = "works"
    ACCEPTED = "accepted"
    SETTLED = "settled"
    WITHDRAWN = "withdrawn"


class FundProject(Base):
    """One use of the maintenance fund. Its scope is a list of the register's unit ids (``building-number``), as items carry."""

    __tablename__ = "fund_project"
    __table_args__ = (CheckConstraint("budget_fen > 0", name="budget_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    works: Mapped[str] = mapped_column(Text)
    scope: Mapped[list[str]] = mapped_column(JSON)
    scope_label: Mapped[str] = mapped_column(String(200))
    contractor: Mapped[str] = mapped_column(String(200))
    budget_fen: Mapped[int] = mapped_column(BigInteger)
    works_start: Mapped[date | None] = mapped_column(Date)
    works_end: Mapped[date | None] = mapped_column(Date)  # planned completion: the office sees the project once it is past
    state: Mapped[ProjectState] = mapped_column(str_enum(ProjectState, "fund_project_state"), default=ProjectState.APPLIED)
    # SET NULL: a draft session may drop the item again; the project then waits for another session.
    item_id: Mapped[int | None] = mapped_column(ForeignKey("session_item.id", ondelete="SET NULL"))
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProjectDocument(Base):
    """A quote, a contract, an invoice, the acceptance report: stored by SHA-256 like every published file."""

    __tablename__ = "fund_project_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("fund_project.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # quote | contract | invoice | acceptance | other
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
