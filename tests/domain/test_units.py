"""Units sort as people read them: building first, then each number as a number."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.domain.units import unit_label_parts, unit_sort_key

numbers = st.integers(min_value=0, max_value=99999)
unit_ids = st.text(alphabet="0123456789-AB栋号²", max_size=12) | st.text(max_size=12)


def test_flats_of_one_building_sort_by_their_number() -> None:
    assert sorted(["1-1001", "1-101", "1-1006", "1-99", "1-102"], key=unit_sort_key) == ["1-99", "1-101", "1-102", "1-1001", "1-1006"]


def test_buildings_sort_by_their_number_before_the_flats() -> None:
    assert sorted(["10-101", "2-1001", "2-201", "1-2"], key=unit_sort_key) == ["1-2", "2-201", "2-1001", "10-101"]


def test_names_that_are_not_numbers_still_sort() -> None:
    assert sorted(["商铺-3", "1-101", "车位-B12", "车位-B2"], key=unit_sort_key) == ["1-101", "商铺-3", "车位-B2", "车位-B12"]


@given(numbers, numbers, numbers, numbers)
def test_building_then_number_decide_the_order(b1: int, n1: int, b2: int, n2: int) -> None:
    first, second = unit_sort_key(f"{b1}-{n1}"), unit_sort_key(f"{b2}-{n2}")
    assert (first < second) == ((b1, n1) < (b2, n2))


@given(unit_ids, unit_ids)
def test_two_different_units_never_tie(a: str, b: str) -> None:
    assert (unit_sort_key(a) == unit_sort_key(b)) == (a == b)


@given(st.lists(unit_ids))
def test_sorting_is_a_total_order(units: list[str]) -> None:
    once = sorted(units, key=unit_sort_key)
    assert sorted(once, key=unit_sort_key) == once == sorted(reversed(units), key=unit_sort_key)


def test_units_sort_by_building_then_number_numerically() -> None:
    units = ["1-1001", "10-101", "1-101", "2-101", "1-201", "1-A1", "1-101A", "B2-3", "B10-1"]
    assert sorted(units, key=unit_sort_key) == ["1-101", "1-101A", "1-201", "1-1001", "1-A1", "2-101", "10-101", "B2-3", "B10-1"]


def test_full_width_digits_sort_as_digits_and_equal_numbers_fall_back_to_text() -> None:
    assert sorted(["１－１０１０", "1-102"], key=unit_sort_key) == ["1-102", "１－１０１０"]
    assert sorted(["1", "01"], key=unit_sort_key) == ["01", "1"]
    assert sorted(["商铺", "车位", "101"], key=unit_sort_key) == ["101", "商铺", "车位"]


@given(st.lists(st.text(alphabet="0123456789-AB栋号 ", max_size=8), max_size=20))
def test_any_labels_sort_without_error_and_the_order_is_total(labels: list[str]) -> None:
    once = sorted(labels, key=unit_sort_key)
    assert sorted(reversed(once), key=unit_sort_key) == once


def test_a_unit_label_typed_on_a_phone_keyboard_names_the_same_unit() -> None:
    for typed in ("1-101", " 1-101 ", "１－１０１", "1—101", "1–101", "1 - 101", "１-101"):
        assert unit_label_parts(typed) == ("1", "101"), typed
    assert unit_label_parts("地下车库-B12") == ("地下车库", "B12")
    assert unit_label_parts("1101") == ("1101", "")  # no dash: no number, so no unit is found


@given(st.text(alphabet="0123456789ABC", min_size=1, max_size=4), st.text(alphabet="0123456789ABC", min_size=1, max_size=5))
def test_full_width_forms_fold_to_the_register_s_own(building: str, number: str) -> None:
    wide = "".join(chr(ord(c) + 0xFEE0) for c in f"{building}-{number}")
    assert unit_label_parts(wide) == (building, number)
