"""Each unit's fund account (分户账, RULES §11): its deposits, the shares of the costs it bore; the balance follows."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ...db import Base, UTCDateTime, utcnow


class DepositImport(Base):
    """One deposit file as the bank or the housing office gave it: its rows went in together, booked as one income entry."""

    __tablename__ = "fund_deposit_import"
    __table_args__ = (
        UniqueConstraint("community_id", "sha256"),
        CheckConstraint("rows > 0", name="rows_positive"),
        CheckConstraint("total_fen > 0", name="total_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    total_fen: Mapped[int] = mapped_column(BigInteger)
    ledger_entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id", ondelete="RESTRICT"))
    imported_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class UnitDeposit(Base):
    """Money paid into the fund for one unit, as one row of a deposit file named it."""

    __tablename__ = "fund_unit_deposit"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    deposit_date: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str] = mapped_column(String(100), default="")
    payer: Mapped[str] = mapped_column(String(200), default="")
    import_id: Mapped[int] = mapped_column(ForeignKey("fund_deposit_import.id", ondelete="RESTRICT"), index=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class UnitShare(Base):
    """One unit's share, by area, of a cost the fund paid (a project's invoice, an emergency's cost)."""

    __tablename__ = "fund_unit_share"
    __table_args__ = (UniqueConstraint("ledger_entry_id", "unit_id"), CheckConstraint("amount_fen >= 0", name="amount_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    ledger_entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id", ondelete="RESTRICT"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
