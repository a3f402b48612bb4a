from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.numbers import AreaError, format_area, parse_area, percent


@pytest.mark.parametrize(
    ("text", "centi"),
    [("89.50", 8950), ("89.5", 8950), ("120", 12000), ("0.01", 1), ("1,234.56", 123456), (" 7.00 ", 700), ("89.500", 8950)],
)
def test_parse_area_reads_two_place_decimals(text: str, centi: int) -> None:
    assert parse_area(text) == centi


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("89.505", "more than two decimals"),
        ("-1", "negative"),
        ("0", "greater than zero"),
        ("abc", "not a number"),
        ("NaN", "not a number"),
        ("", "not a number"),
    ],
)
def test_parse_area_refuses_bad_text_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(AreaError, match=message):
        parse_area(text)


def test_parse_area_refuses_floats() -> None:
    with pytest.raises(AreaError):
        parse_area(89.5)  # type: ignore[arg-type]


@given(st.integers(1, 10**12))
def test_format_and_parse_round_trip(centi: int) -> None:
    assert parse_area(format_area(centi)) == centi
    assert Decimal(format_area(centi)) == Decimal(centi) / 100


def test_percent_rounds_half_up_for_display_only() -> None:
    assert percent(Fraction(2, 3)) == "66.67"
    assert percent(Fraction(1, 8)) == "12.50"
    assert percent(Fraction(1, 200000)) == "0.00"
    assert percent(Fraction(1, 1)) == "100.00"
