"""Ledger entries: every movement of money of a community's two books, in integer fen."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, str_enum, utcnow
from ..domain.ledger import LedgerKind


class EntryDirection(enum.Enum):
    INCOME = "income"
    EXPENSE = "expense"


class LedgerEntry(Base):
    """One movement of money, in integer fen. Once its period's statement is locked, the database keeps it as it is."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        # Spending the maintenance fund is a project's invoice or a confirmed emergency's cost (RULES §11); entries
        # booked before projects existed carry the item or the emergency reason they were booked with.
        CheckConstraint(
            "ledger <> 'maintenance_fund' OR direction <> 'expense' OR project_id IS NOT NULL OR emergency_id IS NOT NULL"
            " OR authorised_item_id IS NOT NULL OR emergency_reason IS NOT NULL",
            name="fund_expense_authorised",
        ),
        Index("ix_ledger_entry_books", "community_id", "ledger", "entry_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"))
    ledger: Mapped[LedgerKind] = mapped_column(str_enum(LedgerKind, "ledger_kind"))
    entry_date: Mapped[date] = mapped_column(Date)
    direction: Mapped[EntryDirection] = mapped_column(str_enum(EntryDirection, "entry_direction"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    category: Mapped[str] = mapped_column(String(40))
    counterparty: Mapped[str] = mapped_column(String(200), default="")
    voucher: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    authorised_item_id: Mapped[int | None] = mapped_column(ForeignKey("session_item.id", ondelete="RESTRICT"))
    emergency_reason: Mapped[str | None] = mapped_column(Text)
    # The fund package books these; the ledger itself never spends the fund (RULES §11).
    # A public-income expense under a standing authorisation of the rules of procedure (else ``authorised_item_id``).
    authorisation_id: Mapped[int | None] = mapped_column(ForeignKey("public_income_authorisation.id", ondelete="RESTRICT"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("fund_project.id", ondelete="RESTRICT"), index=True)
    emergency_id: Mapped[int | None] = mapped_column(ForeignKey("fund_emergency.id", ondelete="RESTRICT"), index=True)
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("statement.id", ondelete="RESTRICT"), index=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PublicIncomeAuthorisation(Base):
    """A category of public-income spending the rules of procedure authorise, up to a cap per calendar year (RULES §11).

    ``item_id`` is the assembly item that adopted (or amended) the rules of procedure; an expense of the category
    needs no item of its own while the year's spending stays within ``yearly_cap_fen``.
    """

    __tablename__ = "public_income_authorisation"
    __table_args__ = (CheckConstraint("yearly_cap_fen > 0", name="cap_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    yearly_cap_fen: Mapped[int] = mapped_column(BigInteger)
    item_id: Mapped[int] = mapped_column(ForeignKey("session_item.id", ondelete="RESTRICT"))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
