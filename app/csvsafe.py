"""Cells of the CSV files people open in a spreadsheet: text stays text, never a formula.

A cell that starts with = + - @, a tab or a carriage return is read by Excel,
WPS and LibreOffice as a formula (``=HYPERLINK(…)``, ``+cmd|…``); a leading
apostrophe makes it text, and the spreadsheet does not show the apostrophe.
Numbers are not formulas: an int, a Decimal, or text that is a plain number
such as ``-12.50`` is written as it is. ``unsafe_cell`` undoes ``safe_cell``,
so a file exported and imported again gives back the original text.
"""

from __future__ import annotations

import re
from decimal import Decimal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _needs_quote(text: str) -> bool:
    if _PLAIN_NUMBER.fullmatch(text):
        return False
    # An apostrophe before what would need one is quoted again, so unsafe_cell can tell the two apart.
    return text.startswith(FORMULA_START) or (text.startswith("'") and _needs_quote(text[1:]))


def safe_cell(value: object) -> str:
    """A cell as a spreadsheet shows it, never as a formula it runs."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if _needs_quote(text) else text


def unsafe_cell(text: str) -> str:
    """The text ``safe_cell`` was given: its quoting apostrophe taken off again."""
    return text[1:] if text.startswith("'") and _needs_quote(text[1:]) else text
