"""Money in fen, periods, and statements computed exactly."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import RuleViolation
from app.domain.ledger import Direction, Movement, Period, PeriodKind, format_fen, parse_fen, statement


@pytest.mark.parametrize(("text", "fen"), [("1,234.56", 123456), ("¥80", 8000), ("0.01", 1), (" 12.5 ", 1250)])
def test_amounts_in_yuan_become_integer_fen(text: str, fen: int) -> None:
    assert parse_fen(text) == fen


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("12.345", "fractions of a fen"),
        ("-5", "greater than zero"),
        ("0", "greater than zero"),
        ("十元", "not an amount"),
        ("NaN", "not an amount"),
    ],
)
def test_bad_amounts_say_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(RuleViolation, match=reason) as refused:
        parse_fen(text)
    assert refused.value.field == "amount"


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_formatting_and_parsing_round_trip(fen: int) -> None:
    text = format_fen(fen)
    if fen > 0:
        assert parse_fen(text) == fen
    assert text.endswith(f".{abs(fen) % 100:02d}")


@pytest.mark.parametrize(
    ("kind", "day", "start", "end", "label"),
    [
        (PeriodKind.YEAR, date(2026, 7, 4), date(2026, 1, 1), date(2027, 1, 1), "2026"),
        (PeriodKind.QUARTER, date(2026, 11, 22), date(2026, 10, 1), date(2027, 1, 1), "2026Q4"),
        (PeriodKind.QUARTER, date(2026, 4, 1), date(2026, 4, 1), date(2026, 7, 1), "2026Q2"),
        (PeriodKind.MONTH, date(2026, 12, 31), date(2026, 12, 1), date(2027, 1, 1), "2026-12"),
    ],
)
def test_periods(kind: PeriodKind, day: date, start: date, end: date, label: str) -> None:
    period = Period.containing(kind, day)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert period.next().start == end and day in period and end not in period


def test_a_statement_by_hand() -> None:
    """2026 public income: 12,000.00 carried over, parking 3 × 1,500.00, ads 800.00, repairs 2,345.67."""
    moves = [
        Movement(date(2025, 12, 31), Direction.INCOME, 1_200_000, "opening"),
        *(Movement(date(2026, m, 5), Direction.INCOME, 150_000, "parking") for m in (1, 2, 3)),
        Movement(date(2026, 6, 1), Direction.INCOME, 80_000, "advertising"),
        Movement(date(2026, 8, 9), Direction.EXPENSE, 234_567, "repairs"),
        Movement(date(2027, 1, 1), Direction.INCOME, 999_999, "parking"),  # next year
    ]
    s = statement(Period.containing(PeriodKind.YEAR, date(2026, 1, 1)), moves)
    assert s.opening == 1_200_000 and s.income == {"parking": 450_000, "advertising": 80_000} and s.expense == {"repairs": 234_567}
    assert s.closing == 1_200_000 + 530_000 - 234_567 == 1_495_433
    assert format_fen(s.closing) == "14,954.33"


def test_a_balance_carried_in_during_the_period_opens_it_rather_than_counting_as_income() -> None:
    moves = [
        Movement(date(2026, 3, 1), Direction.INCOME, 500_000, "opening"),
        Movement(date(2026, 4, 1), Direction.INCOME, 1_000, "parking"),
    ]
    s = statement(Period.containing(PeriodKind.YEAR, date(2026, 1, 1)), moves)
    assert (s.opening, s.income, s.closing) == (500_000, {"parking": 1_000}, 501_000)


movements = st.lists(
    st.builds(
        Movement,
        st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
        st.sampled_from(Direction),
        st.integers(min_value=1, max_value=10**9),
        st.sampled_from(["parking", "advertising", "repairs", "staff", "opening"]),
    ),
    max_size=60,
)


@given(movements, st.sampled_from(PeriodKind), st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)))
def test_consecutive_statements_chain_and_account_for_every_movement(moves: list[Movement], kind: PeriodKind, day: date) -> None:
    first = statement(Period.containing(kind, day), moves)
    second = statement(first.period.next(), moves)
    carried_in = sum(
        m.fen if m.direction is Direction.INCOME else -m.fen for m in moves if m.category == "opening" and m.day in second.period
    )
    assert second.opening == first.closing + carried_in  # each period opens where the last closed
    inside = [m for m in moves if m.day in first.period and m.category != "opening"]
    assert first.total_income == sum(m.fen for m in inside if m.direction is Direction.INCOME)
    assert first.total_expense == sum(m.fen for m in inside if m.direction is Direction.EXPENSE)
    everything_before_end = sum(m.fen if m.direction is Direction.INCOME else -m.fen for m in moves if m.day < first.period.end)
    assert first.opening + first.total_income - first.total_expense == first.closing
    assert first.closing == everything_before_end
    assert first.period.end - first.period.start >= timedelta(days=28)
