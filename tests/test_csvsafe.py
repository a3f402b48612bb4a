"""CSV cells stay text in a spreadsheet, numbers stay numbers, and an export imports back unchanged."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.csvsafe import safe_cell, unsafe_cell


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('=HYPERLINK("http://evil.example","点击")', '\'=HYPERLINK("http://evil.example","点击")'),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),
        ("停车场", "停车场"),
        ("'引号", "'引号"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_cell_that_would_run_is_quoted(value: object, shown: str) -> None:
    assert safe_cell(value) == shown


@pytest.mark.parametrize("number", [-12.5, -1250, Decimal("-12.50"), "-12.50", "-3", "1500.00", 0])
def test_numbers_stay_numbers(number: object) -> None:
    assert safe_cell(number) == str(number)


@given(st.text())
def test_unsafe_cell_gives_back_what_safe_cell_was_given(text: str) -> None:
    assert unsafe_cell(safe_cell(text)) == text
    assert not safe_cell(text).startswith(("=", "+", "@", "\t", "\r")) or text == ""
