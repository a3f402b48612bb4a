"""Cells for CSV files people open in a spreadsheet."""

from __future__ import annotations

# A spreadsheet reads a cell that starts with one of these as a formula (or, tab and CR, may strip them and then do).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell as a spreadsheet shows it, never as a formula it runs."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
