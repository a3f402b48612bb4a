from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.domain.units import unit_sort_key


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
