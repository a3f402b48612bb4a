"""Accounts of public income (公共收益) and the maintenance fund (维修资金): money in integer fen, periods, statements.

Amounts are parsed from the yuan a committee writes ("1,234.56") into fen and
never leave integers; a statement is the opening balance, income and expense
by category, and the closing balance of one period.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum

from .errors import RuleViolation


class LedgerKind(Enum):
    """The two books every community keeps."""

    PUBLIC_INCOME = "public_income"  # 公共收益
    MAINTENANCE_FUND = "maintenance_fund"  # 维修资金


class Direction(Enum):
    INCOME = "income"
    EXPENSE = "expense"


class PeriodKind(Enum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    @classmethod
    def every(cls, months: int) -> PeriodKind:
        """The statement period for a profile's ``accounts_publication_months`` (1, 3, or 12 and more)."""
        return cls.MONTH if months <= 1 else cls.QUARTER if months <= 3 else cls.YEAR


def parse_fen(text: str) -> int:
    """``"1,234.56"`` yuan → 123456 fen; refuses fractions of a fen, zero and negative amounts, naming the problem."""
    cleaned = str(text).strip().replace(",", "").replace("，", "").removeprefix("¥").removeprefix("￥")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise RuleViolation("amount", f"not an amount of yuan: {text!r}") from None
    if not value.is_finite():
        raise RuleViolation("amount", f"not an amount of yuan: {text!r}")
    if value != value.quantize(Decimal("0.01")):
        raise RuleViolation("amount", f"{cleaned} has fractions of a fen (at most two decimals)")
    if value <= 0:
        raise RuleViolation("amount", "must be greater than zero (record an expense as an expense, not a negative income)")
    return int(value * 100)


def format_fen(fen: int) -> str:
    """123456 → ``"1,234.56"``; negative balances keep their sign."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date  # first day
    end: date  # the day after the last

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> Period:
        if kind is PeriodKind.YEAR:
            return cls(kind, date(day.year, 1, 1), date(day.year + 1, 1, 1))
        months = 1 if kind is PeriodKind.MONTH else 3
        first = (day.month - 1) // months * months + 1
        start = date(day.year, first, 1)
        after = first + months
        end = date(day.year + 1, 1, 1) if after > 12 else date(day.year, after, 1)
        return cls(kind, start, end)

    def next(self) -> Period:
        return Period.containing(self.kind, self.end)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end

    @property
    def label(self) -> str:
        if self.kind is PeriodKind.YEAR:
            return f"{self.start.year}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"


@dataclass(frozen=True)
class Movement:
    day: date
    direction: Direction
    fen: int
    category: str


@dataclass(frozen=True)
class Statement:
    period: Period
    opening: int
    income: dict[str, int] = field(default_factory=dict)
    expense: dict[str, int] = field(default_factory=dict)

    @property
    def total_income(self) -> int:
        return sum(self.income.values())

    @property
    def total_expense(self) -> int:
        return sum(self.expense.values())

    @property
    def closing(self) -> int:
        return self.opening + self.total_income - self.total_expense

    def as_json(self) -> dict[str, object]:
        return {
            "period": self.period.label,
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            "opening_fen": self.opening,
            "income_fen": dict(sorted(self.income.items())),
            "expense_fen": dict(sorted(self.expense.items())),
            "total_income_fen": self.total_income,
            "total_expense_fen": self.total_expense,
            "closing_fen": self.closing,
        }


OPENING = "opening"  # a balance carried over from books kept before: part of the opening, not income


def statement(period: Period, movements: Iterable[Movement]) -> Statement:
    """The statement of ``period``: everything before it, and balances carried in, make the opening balance."""
    opening = 0
    income: dict[str, int] = {}
    expense: dict[str, int] = {}
    for m in movements:
        signed = m.fen if m.direction is Direction.INCOME else -m.fen
        if m.day < period.start or (m.category == OPENING and m.day in period):
            opening += signed
        elif m.day in period:
            bucket = income if m.direction is Direction.INCOME else expense
            bucket[m.category] = bucket.get(m.category, 0) + m.fen
    return Statement(period, opening, income, expense)
