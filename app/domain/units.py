"""How units are put in order: as people read them, not as text ("1-101" before "1-1001")."""

from __future__ import annotations

import re

_RUNS = re.compile(r"(\d+)|(\D+)")

UnitSortKey = tuple[tuple[int, int, str], ...]


def unit_sort_key(unit: str) -> UnitSortKey:
    """The key that sorts unit ids naturally: building, then each number in it as a number.

    The id is cut into runs of digits and of other characters; digits compare by
    their value (and, for the same value, by how they are written, so "01" and
    "1" never tie), other text compares as text after any number at the same
    place. Two different ids never get the same key.
    """
    return tuple((0, int(digits), digits) if digits else (1, 0, text) for digits, text in _RUNS.findall(unit))
