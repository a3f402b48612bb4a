from __future__ import annotations

import pytest

from app.domain.numbers import AreaError
from app.domain.register_text import (
    control_character,
    header_key,
    normalise,
    read_area,
    split_names,
    split_phones,
    split_values,
    unit_number,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("８９．５０", 8950),
        ("89.50㎡", 8950),
        ("89.50 m²", 8950),
        ("89.5平方米", 8950),
        ("89.50 平米", 8950),
        ("1,089.50", 108950),
        ("120", 12000),
    ],
)
def test_areas_are_read_exactly(text: str, expected: int) -> None:
    assert read_area(text) == expected


@pytest.mark.parametrize("text", ["89,50", "89.50 亩", "m2", "", "89.505㎡"])
def test_what_is_not_an_area_is_refused(text: str) -> None:
    with pytest.raises(AreaError):
        read_area(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("李娜，王强", ["李娜", "王强"]),
        ("李娜、王强；赵敏", ["李娜", "王强", "赵敏"]),
        ("李娜 王强", ["李娜", "王强"]),
        ("李娜　王强", ["李娜", "王强"]),
        ("王　五", ["王五"]),
        ("John Smith, 李娜", ["John Smith", "李娜"]),
        ("、，", []),
        (" 张伟\u200b ", ["张伟"]),
    ],
)
def test_co_owners_are_split_on_the_separators_people_use(text: str, expected: list[str]) -> None:
    assert split_names(text) == expected


def test_values_and_phones_split_where_they_should() -> None:
    assert split_values("1234，567X 0123") == ["1234", "567X", "0123"]
    assert split_phones("138 0000 0001") == ["138 0000 0001"]
    assert split_phones("13800000001 13900000002") == ["13800000001", "13900000002"]
    assert split_phones("13800000001／13900000002") == ["13800000001", "13900000002"]


def test_unit_numbers_and_headers_are_folded() -> None:
    assert unit_number("１－１０１") == "1-101"
    assert unit_number("1 — 101") == "1-101"
    assert normalise("  ＡＢＣ　物业 ") == "ABC 物业"
    assert header_key("建筑面积（㎡）") == "建筑面积"
    assert header_key(" Area_Source *") == "areasource"


def test_control_characters_are_found_not_cleaned() -> None:
    assert control_character("张\x00三") == "\x00"
    assert control_character("张\x08三") == "\x08"
    assert control_character("张三\n李四\t") is None
