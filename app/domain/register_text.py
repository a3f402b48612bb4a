"""What a committee types into a register spreadsheet, read the way it is meant.

Pure text rules, no Flask: Unicode compatibility forms (full-width digits,
letters, commas and spaces from a Chinese input method) become their plain
forms (NFKC); invisible paste residue goes; a cell's several co-owners are
split on the separators people use; an area may carry its unit. Control
characters are never cleaned away silently: they are found and refused.
"""

from __future__ import annotations

import re
import unicodedata

from .numbers import AreaError, parse_area

# Zero-width spaces and joiners, the word joiner and a stray byte-order mark: invisible, never meant.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_WHITESPACE = re.compile(r"\s+")
# Dashes people type between a building and a unit number (NFKC leaves these alone).
_DASHES = re.compile(r"\s*[\u2010-\u2015\u2212\ufe58\ufe63\u30fc\uff70-]\s*")
# Between co-owners: 、 , ; / | (their full-width forms are folded by NFKC first).
_SEPARATORS = re.compile(r"[、,;/|]")
# The unit of an area, after NFKC (㎡ and m² both become "m2").
_AREA_UNIT = re.compile(r"\s*(?:m2|平方米|平米|sqm|sq\.?\s?m)\s*$", re.IGNORECASE)
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
_LATIN = re.compile(r"[A-Za-z]")
_PHONE_LIKE = re.compile(r"^\+?\d{7,}$")
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}


def normalise(text: str) -> str:
    """NFKC, invisible characters removed, whitespace runs as one space, trimmed."""
    folded = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return _WHITESPACE.sub(" ", folded).strip()


def control_character(text: str) -> str | None:
    """The first control character in ``text`` (NUL, backspace, …), or None; tabs and line breaks are whitespace."""
    for char in text:
        if char not in _ALLOWED_CONTROLS and unicodedata.category(char) == "Cc":
            return char
    return None


def header_key(text: str) -> str:
    """A column title as compared: ``"建筑面积（㎡）*"`` and ``"Area source"`` become ``"建筑面积"``, ``"areasource"``."""
    key = normalise(text).casefold()
    key = re.sub(r"\s*[*＊]+$", "", key)
    key = re.sub(r"\s*\([^()]*\)$", "", key)
    return re.sub(r"[\s_]+", "", key)


def unit_number(text: str) -> str:
    """A building or unit number: ``"１－１０１"``, ``"1 — 101"`` → ``"1-101"``."""
    return _DASHES.sub("-", normalise(text))


def read_area(text: str) -> int:
    """An area cell in hundredths of a m², exact: ``"８９．５０"``, ``"89.50㎡"``, ``"89.5 平方米"`` → 8950.

    Raises ``AreaError`` like ``parse_area``; a comma must separate thousands
    (``"1,089.50"``), as ``"89,50"`` would otherwise silently read as 8950 m².
    """
    value = _AREA_UNIT.sub("", normalise(text))
    if "," in value and not _THOUSANDS.match(value):
        raise AreaError(f"not a number: {text!r}")
    return parse_area(value)


def split_names(text: str) -> list[str]:
    """The co-owners named in one cell.

    Separated by 、 ， , ； ; ／ / | or by spaces between Chinese names of two
    characters or more. A space inside a two-character name (``"王　五"``, the
    padding of a printed roll) is dropped; a name in Latin letters keeps its
    spaces (``"John Smith"``).
    """
    names: list[str] = []
    for piece in _SEPARATORS.split(normalise(text)):
        piece = piece.strip()
        if not piece:
            continue
        parts = piece.split(" ")
        if len(parts) == 1 or _LATIN.search(piece):
            names.append(piece)
        elif all(len(part) >= 2 for part in parts):
            names.extend(parts)
        else:
            names.append("".join(parts))
    return names


def split_values(text: str) -> list[str]:
    """Several short values in one cell (ID digits): any separator or space."""
    return [v for v in re.split(r"[、,;/|\s]+", normalise(text)) if v]


def split_phones(text: str) -> list[str]:
    """Several phone numbers in one cell; a space splits only between whole numbers (not in ``"138 0000 0001"``)."""
    phones: list[str] = []
    for piece in _SEPARATORS.split(normalise(text)):
        piece = piece.strip()
        if not piece:
            continue
        parts = piece.split(" ")
        phones.extend(parts if len(parts) > 1 and all(_PHONE_LIKE.match(p) for p in parts) else [piece])
    return phones
