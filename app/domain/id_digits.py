"""The last four characters of an ID number as a holder types them on a phone.

A Chinese keyboard may send full-width digits (４０２６) or a space; they mean
the same four characters. What is not four characters of 0-9, the last of
which may be X, is a slip of the keyboard, not a guess: it is refused without
counting as a try.
"""

from __future__ import annotations

import re
import unicodedata

_ID_LAST4 = re.compile(r"[0-9]{3}[0-9X]")

# Wrong tries before a voting letter, or a unit's identity check on the public board, is locked.
MAX_ATTEMPTS = 5


def normalise_id_digits(typed: str) -> str:
    """``typed`` with full-width forms folded (NFKC), every space removed and letters in upper case."""
    return "".join(unicodedata.normalize("NFKC", typed).split()).upper()


def is_id_digits(text: str) -> bool:
    """Whether ``text`` (normalised) is four characters of 0-9, of which only the last may be X."""
    return _ID_LAST4.fullmatch(text) is not None


def may_end_in_x(expected: str | None) -> bool:
    """Whether the keyboard for these digits must offer X: the digits on record end in X, or none are on record."""
    return expected is None or normalise_id_digits(expected).endswith("X")
