"""The ID digits a holder types: full-width and spaced forms mean the same; anything else is a slip, not a try."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.id_digits import is_id_digits, may_end_in_x, normalise_id_digits


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("４０２６", "4026"), (" 40 26 ", "4026"), ("１２３ｘ", "123X"), ("123x", "123X"), ("4026\u3000", "4026"), ("abcd", "ABCD")],
)
def test_full_width_and_spaced_digits_mean_the_ascii_digits(typed: str, meant: str) -> None:
    assert normalise_id_digits(typed) == meant


@pytest.mark.parametrize("text", ["4026", "123X", "0000"])
def test_four_digits_or_three_and_an_x_are_id_digits(text: str) -> None:
    assert is_id_digits(text)


@pytest.mark.parametrize("text", ["ABCD", "一二三四", "X123", "12X3", "123", "12345", "", "١٢٣٤", "12 3"])
def test_anything_else_is_malformed(text: str) -> None:
    assert not is_id_digits(text)


@given(st.from_regex(r"[0-9]{3}[0-9X]", fullmatch=True))
def test_the_full_width_form_of_any_id_digits_normalises_to_them(digits: str) -> None:
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in digits)
    assert normalise_id_digits(full_width) == digits and is_id_digits(normalise_id_digits(full_width))


def test_the_keyboard_offers_x_only_where_the_digits_may_end_in_it() -> None:
    assert may_end_in_x("123X") and may_end_in_x(None) and not may_end_in_x("4026")
