"""A property-service company judged by its data (Baotou): satisfaction warnings, the exit procedure, and the monthly
red and black lists. Shares are exact; the thresholds are a profile's data, passed in.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Thresholds:
    warning_below: Fraction = Fraction(80, 100)  # satisfaction under this: a warning
    exit_upheld_over: int = 20  # more upheld complaints in a year than this ...
    exit_below: Fraction = Fraction(50, 100)  # ... with satisfaction under this: the exit procedure
    red_on_time_at_least: Fraction = Fraction(95, 100)  # the red list: on time this often or more ...
    red_satisfaction_at_least: Fraction = Fraction(90, 100)  # ... and this satisfied, with no office finding
    black_on_time_below: Fraction = Fraction(60, 100)  # the black list: on time less often than this ...
    black_per_100_units_over: Fraction = Fraction(10)  # ... or more complaints per 100 units than this, or a finding


class Standing(enum.Enum):
    RED = "red"  # 红名单
    NONE = "none"
    BLACK = "black"  # 黑名单: barred from maintenance-fund projects


def satisfied_share(satisfied: int, answers: int) -> Fraction | None:
    """The share of answers satisfied; None with no answer (nothing to judge)."""
    if satisfied < 0 or answers < 0 or satisfied > answers:
        raise ValueError("satisfied answers are between none and all of them")
    return Fraction(satisfied, answers) if answers else None


def warning(satisfaction: Fraction | None, t: Thresholds) -> bool:
    return satisfaction is not None and satisfaction < t.warning_below


def exit_procedure(upheld_in_year: int, satisfaction: Fraction | None, t: Thresholds) -> bool:
    """More than ``exit_upheld_over`` upheld complaints in the year and satisfaction under ``exit_below``."""
    return upheld_in_year > t.exit_upheld_over and satisfaction is not None and satisfaction < t.exit_below


@dataclass(frozen=True)
class Month:
    complaints: int
    units: int  # the units the company serves under contract
    steps_due: int  # clock steps that fell due in the month
    steps_on_time: int
    satisfaction: Fraction | None
    findings: int  # the office's findings against the company in the month

    def __post_init__(self) -> None:
        if min(self.complaints, self.units, self.steps_due, self.steps_on_time, self.findings) < 0:
            raise ValueError("counts cannot be negative")
        if self.steps_on_time > self.steps_due:
            raise ValueError("steps_on_time cannot exceed steps_due")

    @property
    def per_100_units(self) -> Fraction | None:
        return Fraction(self.complaints * 100, self.units) if self.units else None

    @property
    def on_time(self) -> Fraction | None:
        return Fraction(self.steps_on_time, self.steps_due) if self.steps_due else None


def standing(month: Month, t: Thresholds) -> tuple[Standing, list[str]]:
    """The month's standing and its reasons (codes the office confirms and the list publishes)."""
    black = []
    if month.findings:
        black.append("finding")
    if month.on_time is not None and month.on_time < t.black_on_time_below:
        black.append("late")
    if month.per_100_units is not None and month.per_100_units > t.black_per_100_units_over:
        black.append("complaints")
    if black:
        return Standing.BLACK, black
    on_time = month.on_time if month.on_time is not None else Fraction(1)
    if on_time >= t.red_on_time_at_least and month.satisfaction is not None and month.satisfaction >= t.red_satisfaction_at_least:
        return Standing.RED, ["on_time", "satisfied"]
    return Standing.NONE, []


_SHARES = ("warning_below", "exit_below", "red_on_time_at_least", "red_satisfaction_at_least", "black_on_time_below")


def parse_thresholds(raw: object, where: str = "service_thresholds") -> Thresholds:
    """A profile's thresholds: every field of ``Thresholds``; shares as fractions between 0 and 1 ("4/5"), the
    complaints per 100 units as a fraction of 0 or more, the upheld complaints as a whole number."""
    names = {f for f in Thresholds.__dataclass_fields__}
    if not isinstance(raw, dict) or set(raw) != names:
        missing = sorted(names - set(raw)) if isinstance(raw, dict) else sorted(names)
        unknown = sorted(set(raw) - names) if isinstance(raw, dict) else []
        raise ValueError(f"{where}: " + (f"unknown {unknown[0]}" if unknown else f"missing {missing[0]}"))
    values: dict[str, object] = {}
    for name in names:
        value = raw[name]
        if name == "exit_upheld_over":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{where}.{name}: expected a whole number, 0 or more")
            values[name] = value
            continue
        try:
            if isinstance(value, bool) or not isinstance(value, str | int):
                raise ValueError
            share = Fraction(value)
        except (ValueError, ZeroDivisionError):
            raise ValueError(f'{where}.{name}: expected a fraction such as "4/5"') from None
        if share < 0 or (name in _SHARES and share > 1):
            raise ValueError(f"{where}.{name}: must be between 0 and 1" if name in _SHARES else f"{where}.{name}: must be 0 or more")
        values[name] = share
    return Thresholds(**values)  # type: ignore[arg-type]


def thresholds_as_json(t: Thresholds) -> dict[str, object]:
    return {name: (value if isinstance(value, int) else str(value)) for name, value in vars(t).items()}
