"""The order people expect units in: 1-101, 1-201, 1-1001, 2-101, 10-101."""

from __future__ import annotations

import re
import unicodedata

_DIGITS = re.compile(r"(\d+)")

Chunk = tuple[int, int, str]
UnitSortKey = tuple[tuple[Chunk, ...], str]


def unit_sort_key(unit: str) -> UnitSortKey:
    """Sort key for a unit (or building) label: runs of digits compare as numbers, the rest as text.

    ``"1-1001"`` comes after ``"1-101"``, ``"10-101"`` after ``"2-101"``; a
    number before letters (``"1-101"`` before ``"1-A1"``); full-width digits
    count as digits; labels that compare equal so far (``"01"`` and ``"1"``)
    fall back to their text, so the order is total and stable.
    """
    text = unicodedata.normalize("NFKC", unit).casefold()
    chunks = tuple((0, int(part), "") if index % 2 else (1, 0, part) for index, part in enumerate(_DIGITS.split(text)) if part)
    return chunks, unit


# Dashes a phone keyboard may type between building and number: the full-width minus (NFKC folds it), en and em
# dashes, the hyphen and the Chinese long dash.
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "―": "-"})


def unit_label_parts(label: str) -> tuple[str, str]:
    """A unit label as owners type it ("1-101", "１－１０１", "1—101") as (building, number) the register names."""
    folded = unicodedata.normalize("NFKC", label).translate(_DASHES).strip()
    building, _, number = folded.partition("-")
    return building.strip(), number.strip()
