"""The yearly review's scorecard (考核): exact shares of each part's points, the grade bands, ranking and distribution."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import review
from app.domain.review import Measured, days_sat, expected_meetings, grade_of, rank, score


def measured(**overrides: int) -> Measured:
    values = dict(
        meetings_held=4,
        meetings_expected=4,
        decisions_due=2,
        decisions_on_time=2,
        statements_due=1,
        statements_on_time=1,
        orders_issued=0,
        orders_complied=0,
        consultations_held=1,
        findings=0,
    )
    return Measured(**{**values, **overrides})


def test_the_hand_computed_card() -> None:
    # 3 of 4 meetings: 15; 3 of 4 decisions on time: 45/4; both statements: 15; the one order not complied: 0;
    # no consultation: 0; one finding: 10 - 5 = 5; the office's 16. 46 1/4 measured, 62 1/4 in all: a pass.
    card = score(
        Measured(
            meetings_held=3,
            meetings_expected=4,
            decisions_due=4,
            decisions_on_time=3,
            statements_due=2,
            statements_on_time=2,
            orders_issued=1,
            orders_complied=0,
            consultations_held=0,
            findings=1,
        ),
        16,
    )
    assert [(p.code, p.score) for p in card.parts] == [
        ("meetings", 15),
        ("decisions", Fraction(45, 4)),
        ("statements", 15),
        ("orders", 0),
        ("consultations", 0),
        ("findings", 5),
    ]
    assert card.measured_score == Fraction(185, 4)
    assert card.total == Fraction(249, 4)
    assert card.grade == "pass"


def test_nothing_to_measure_scores_in_full_and_says_so() -> None:
    card = score(measured(decisions_due=0, decisions_on_time=0, orders_issued=0), 20)
    parts = {p.code: p for p in card.parts}
    assert parts["decisions"].score == 15 and not parts["decisions"].measured
    assert parts["orders"].score == 10 and not parts["orders"].measured
    assert card.total == 100 and card.grade == "excellent"


def test_more_meetings_than_expected_do_not_score_beyond_the_part() -> None:
    assert score(measured(meetings_held=12), 0).parts[0].score == 20


def test_findings_take_five_points_each_down_to_nothing() -> None:
    assert [score(measured(findings=n), 0).parts[-1].score for n in range(4)] == [10, 5, 0, 0]


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (100, "excellent"),
        (90, "excellent"),
        (Fraction(8999, 100), "good"),
        (75, "good"),
        (Fraction(7499, 100), "pass"),
        (60, "pass"),
        (Fraction(5999, 100), "fail"),
        (0, "fail"),
    ],
)
def test_grade_bands_at_their_boundaries(total: Fraction, grade: str) -> None:
    assert grade_of(Fraction(total)) == grade


def test_the_office_marks_are_bounded() -> None:
    with pytest.raises(ValueError, match="0 to 20"):
        score(measured(), 21)
    with pytest.raises(ValueError, match="0 to 20"):
        score(measured(), -1)


def test_impossible_figures_are_refused() -> None:
    with pytest.raises(ValueError, match="decisions_on_time cannot exceed decisions_due"):
        measured(decisions_due=1, decisions_on_time=2)
    with pytest.raises(ValueError, match="findings cannot be negative"):
        measured(findings=-1)


def test_a_committee_seated_in_july_is_expected_at_half_the_meetings() -> None:
    sat, days = days_sat(2026, date(2026, 7, 2), None, date(2027, 1, 5))
    assert (sat, days) == (183, 365)
    assert expected_meetings(4, sat, days) == 2  # 4 × 183/365 = 2.005…, rounded half up
    assert expected_meetings(4, 10, 365) == 0  # seated ten days ago: no meeting owed yet
    assert expected_meetings(4, 365, 365) == 4 and expected_meetings(4, 320, 365) == 4  # 3.5…: rounded up
    assert days_sat(2026, date(2020, 1, 1), date(2026, 3, 31), date(2027, 1, 1)) == (90, 365)
    # The current year counts up to today.
    assert days_sat(2026, date(2020, 1, 1), None, date(2026, 1, 31)) == (31, 31)
    assert days_sat(2027, date(2020, 1, 1), None, date(2026, 6, 1)) == (0, 0)


def test_ranking_shares_places_on_equal_totals() -> None:
    totals = {"a": Fraction(80), "b": Fraction(91), "c": Fraction(80), "d": Fraction(10)}
    assert rank(totals) == [(1, "b"), (2, "a"), (2, "c"), (4, "d")]


def test_distribution_lists_every_band() -> None:
    assert review.distribution([Fraction(95), Fraction(61), Fraction(62)]) == {"excellent": 1, "good": 0, "pass": 2, "fail": 0}


counts = st.integers(min_value=0, max_value=30)


@st.composite
def figures(draw: st.DrawFn) -> Measured:
    def pair() -> tuple[int, int]:
        due = draw(counts)
        return draw(st.integers(0, due)), due

    (decided, decisions), (stated, statements), (complied, orders) = pair(), pair(), pair()
    return Measured(draw(counts), draw(counts), decisions, decided, statements, stated, orders, complied, draw(counts), draw(counts))


@given(figures(), st.fractions(min_value=0, max_value=20))
def test_a_score_is_between_nothing_and_a_hundred(m: Measured, marks: Fraction) -> None:
    card = score(m, marks)
    assert 0 <= card.measured_score <= 80
    assert card.total == card.measured_score + marks
    assert all(0 <= p.share <= 1 for p in card.parts)


@given(figures())
def test_doing_more_never_lowers_the_score(m: Measured) -> None:
    base = score(m, 10).total
    better = [
        Measured(**{**vars(m), "meetings_held": m.meetings_held + 1}),
        Measured(**{**vars(m), "consultations_held": m.consultations_held + 1}),
        Measured(**{**vars(m), "findings": max(0, m.findings - 1)}),
    ]
    if m.decisions_on_time < m.decisions_due:
        better.append(Measured(**{**vars(m), "decisions_on_time": m.decisions_on_time + 1}))
    assert all(score(b, 10).total >= base for b in better)


def test_a_committee_that_sat_less_than_half_the_year_owes_no_consultation() -> None:
    assert review.expected_consultations(182, 365) == 0 and review.expected_consultations(183, 365) == 1
    card = score(measured(consultations_held=0, consultations_expected=0), 0)
    consultations = next(p for p in card.parts if p.code == "consultations")
    assert consultations.score == 10 and not consultations.measured
