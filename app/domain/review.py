"""The street office's yearly review of a committee (考核): a scorecard from what Gongzhi measured, plus the office's marks.

Eighty points come from the record: meetings held against the profile's
``meetings_per_year`` (prorated to the part of the year the committee sat),
decision notices and account statements published on time, the office's
orders complied with, consultations held, and negative-list findings. Twenty
are the office's own marks. Every share is exact (``Fraction``); a part with
nothing to measure (no decision was due, no order was issued) scores in full
and says so, since a committee is not marked down for what was not asked of
it. The grade bands follow the usual 优秀 / 良好 / 合格 / 不合格.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from math import floor

OFFICE_POINTS = 20
FINDING_PENALTY = 5  # each negative-list finding of the year costs this many of the findings part's points
CONSULTATIONS_EXPECTED = 1  # a committee that asked its owners at least once a year scores the part in full

# The measured parts and their points, in the scorecard's order (80 in all).
PARTS: tuple[tuple[str, int], ...] = (
    ("meetings", 20),
    ("decisions", 15),
    ("statements", 15),
    ("orders", 10),
    ("consultations", 10),
    ("findings", 10),
)
GRADES: tuple[tuple[str, int], ...] = (("excellent", 90), ("good", 75), ("pass", 60), ("fail", 0))


@dataclass(frozen=True)
class Measured:
    """What the record shows for one committee over one year (or the part of it the committee sat)."""

    meetings_held: int
    meetings_expected: int
    decisions_due: int  # decision notices that fell due in the year (assembly results and the committee's own)
    decisions_on_time: int
    statements_due: int
    statements_on_time: int
    orders_issued: int  # orders of the office whose deadline fell in the year
    orders_complied: int
    consultations_held: int
    findings: int
    # At least one consultation is expected of a committee that sat half the year or more; none of one that sat less.
    consultations_expected: int = CONSULTATIONS_EXPECTED

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value < 0:
                raise ValueError(f"{name} cannot be negative")
        for done, due in (
            ("decisions_on_time", "decisions_due"),
            ("statements_on_time", "statements_due"),
            ("orders_complied", "orders_issued"),
        ):
            if getattr(self, done) > getattr(self, due):
                raise ValueError(f"{done} cannot exceed {due}")


@dataclass(frozen=True)
class Part:
    code: str
    points: int  # the most this part can score
    share: Fraction  # of ``points``, in [0, 1]
    measured: bool  # False: nothing to measure, scored in full

    @property
    def score(self) -> Fraction:
        return self.points * self.share


@dataclass(frozen=True)
class Scorecard:
    parts: tuple[Part, ...]
    office_marks: Fraction

    @property
    def measured_score(self) -> Fraction:
        return sum((p.score for p in self.parts), Fraction(0))

    @property
    def total(self) -> Fraction:
        return self.measured_score + self.office_marks

    @property
    def grade(self) -> str:
        return grade_of(self.total)


def _ratio(done: int, due: int) -> tuple[Fraction, bool]:
    return (Fraction(done, due), True) if due else (Fraction(1), False)


def expected_meetings(per_year: int, days_sat: int, days_in_year: int) -> int:
    """The meetings a committee that sat ``days_sat`` of the year's days should have held: the profile's yearly number,
    prorated and rounded half up (a committee seated ten days ago owes none yet; one that sat half the year, half)."""
    if not 0 <= days_sat <= days_in_year or days_in_year <= 0:
        raise ValueError("days_sat must be within the year")
    return floor(Fraction(per_year * days_sat, days_in_year) + Fraction(1, 2))


def expected_consultations(days_sat: int, days_in_year: int) -> int:
    """One consultation a year is expected of a committee that sat at least half of it."""
    return CONSULTATIONS_EXPECTED if days_in_year and 2 * days_sat >= days_in_year else 0


def days_sat(year: int, term_start: date, ended: date | None, today: date) -> tuple[int, int]:
    """(days of ``year`` the committee sat, days of the year so far): a review of the current year counts up to today."""
    first, last = date(year, 1, 1), min(date(year, 12, 31), today)
    if last < first:
        return 0, 0
    start = max(first, term_start)
    end = min(last, ended) if ended is not None else last
    return max(0, (end - start).days + 1), (last - first).days + 1


def score(measured: Measured, office_marks: Fraction | int) -> Scorecard:
    """The scorecard: each measured part's exact share of its points, and the office's marks (0 to ``OFFICE_POINTS``)."""
    marks = Fraction(office_marks)
    if not 0 <= marks <= OFFICE_POINTS:
        raise ValueError(f"the office's marks are 0 to {OFFICE_POINTS}")
    meetings = (
        (min(Fraction(1), Fraction(measured.meetings_held, measured.meetings_expected)), True)
        if measured.meetings_expected
        else (Fraction(1), False)
    )
    findings_points = dict(PARTS)["findings"]
    shares = {
        "meetings": meetings,
        "decisions": _ratio(measured.decisions_on_time, measured.decisions_due),
        "statements": _ratio(measured.statements_on_time, measured.statements_due),
        "orders": _ratio(measured.orders_complied, measured.orders_issued),
        "consultations": (
            (min(Fraction(1), Fraction(measured.consultations_held, measured.consultations_expected)), True)
            if measured.consultations_expected
            else (Fraction(1), False)
        ),
        "findings": (Fraction(max(0, findings_points - FINDING_PENALTY * measured.findings), findings_points), True),
    }
    parts = tuple(Part(code, points, *shares[code]) for code, points in PARTS)
    return Scorecard(parts, marks)


def grade_of(total: Fraction) -> str:
    return next(code for code, floor in GRADES if total >= floor)


def rank(totals: dict[str, Fraction]) -> list[tuple[int, str]]:
    """Competition ranking (1, 2, 2, 4) by total, highest first; ties keep their keys' order for display."""
    ordered = sorted(totals, key=lambda k: (-totals[k], k))
    out: list[tuple[int, str]] = []
    for i, key in enumerate(ordered):
        place = out[-1][0] if out and totals[ordered[i - 1]] == totals[key] else i + 1
        out.append((place, key))
    return out


def distribution(totals: list[Fraction]) -> dict[str, int]:
    """How many committees fall in each grade band, every band present (the district's view)."""
    counts = {code: 0 for code, _ in GRADES}
    for total in totals:
        counts[grade_of(total)] += 1
    return counts
