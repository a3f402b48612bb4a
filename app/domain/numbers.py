"""Exact numbers: areas in integer hundredths of a square metre.

Areas are never floats (RULES §1). The database, the roll and the tally all
carry integer hundredths; ``Decimal`` strings with two places appear only at
the edges (JSON, forms, pages).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction

_HUNDRED = Decimal(100)


class AreaError(ValueError):
    """An area text that is not a positive number with at most two decimals."""


def parse_area(text: str | int | Decimal, *, allow_zero: bool = False) -> int:
    """Parse ``"89.5"`` / ``"89.50"`` into hundredths (8950).

    Refuses floats, more than two decimals, negatives and (unless
    ``allow_zero``) zero, each with a message a person can act on.
    """
    if isinstance(text, (bool, float)):
        raise AreaError('must be written as a decimal string, e.g. "89.50"')
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation:
        raise AreaError(f"not a number: {str(text)!r}") from None
    if not value.is_finite():
        raise AreaError(f"not a number: {str(text)!r}")
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent < -2 and value != value.quantize(Decimal("0.01")):
        raise AreaError(f"more than two decimals: {str(text).strip()}")
    if value < 0:
        raise AreaError(f"negative: {str(text).strip()}")
    if value == 0 and not allow_zero:
        raise AreaError("must be greater than zero")
    return int(value * _HUNDRED)


def format_area(centi: int) -> str:
    """Hundredths to the two-place string used in JSON and on pages."""
    if not isinstance(centi, int) or isinstance(centi, bool):
        raise TypeError(f"area must be integer hundredths, got {type(centi).__name__}")
    sign = "-" if centi < 0 else ""
    whole, frac = divmod(abs(centi), 100)
    return f"{sign}{whole}.{frac:02d}"


def area_decimal(centi: int) -> Decimal:
    return Decimal(centi) / _HUNDRED


def percent(share: Fraction, places: int = 2) -> str:
    """A share shown to people, rounded half-up after the decision is made."""
    scaled = share * 100 * 10**places
    rounded = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    whole, frac = divmod(rounded, 10**places)
    return f"{whole}.{frac:0{places}d}" if places else str(whole)
