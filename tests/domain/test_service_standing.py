"""The company's thresholds at and around their boundaries: warnings, the exit procedure, the monthly lists."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

from app.domain.service_standing import (
    Month,
    Standing,
    Thresholds,
    exit_procedure,
    parse_thresholds,
    satisfied_share,
    standing,
    thresholds_as_json,
    warning,
)

T = Thresholds()


@pytest.mark.parametrize(("satisfied", "answers", "warned"), [(79, 100, True), (80, 100, False), (81, 100, False), (799, 1000, True)])
def test_a_warning_under_80_percent(satisfied: int, answers: int, warned: bool) -> None:
    assert warning(satisfied_share(satisfied, answers), T) is warned


def test_no_answer_is_no_judgement() -> None:
    assert satisfied_share(0, 0) is None and not warning(None, T) and not exit_procedure(30, None, T)
    with pytest.raises(ValueError):
        satisfied_share(3, 2)


@pytest.mark.parametrize(
    ("upheld", "share", "starts"),
    [(20, Fraction(49, 100), False), (21, Fraction(49, 100), True), (21, Fraction(50, 100), False), (40, Fraction(1, 2), False)],
)
def test_the_exit_procedure_needs_more_than_20_upheld_and_under_half_satisfied(upheld: int, share: Fraction, starts: bool) -> None:
    assert exit_procedure(upheld, share, T) is starts


def month(**overrides: object) -> Month:
    values: dict[str, object] = dict(complaints=2, units=100, steps_due=100, steps_on_time=96, satisfaction=Fraction(92, 100), findings=0)
    return Month(**{**values, **overrides})  # type: ignore[arg-type]


def test_the_red_list_at_its_boundaries() -> None:
    assert standing(month(), T) == (Standing.RED, ["on_time", "satisfied"])
    assert standing(month(steps_on_time=95), T)[0] is Standing.RED
    assert standing(month(steps_on_time=94), T)[0] is Standing.NONE
    assert standing(month(satisfaction=Fraction(90, 100)), T)[0] is Standing.RED
    assert standing(month(satisfaction=Fraction(89, 100)), T)[0] is Standing.NONE
    assert standing(month(satisfaction=None), T)[0] is Standing.NONE  # nobody answered: not commended


def test_the_black_list_at_its_boundaries_with_its_reasons() -> None:
    assert standing(month(steps_on_time=60), T)[0] is Standing.NONE
    assert standing(month(steps_on_time=59), T) == (Standing.BLACK, ["late"])
    assert standing(month(complaints=10), T)[0] is not Standing.BLACK  # 10 per 100 units is the limit, not over it
    assert standing(month(complaints=11), T) == (Standing.BLACK, ["complaints"])
    assert standing(month(findings=1), T) == (Standing.BLACK, ["finding"])
    assert standing(month(findings=1, complaints=11, steps_on_time=10), T)[1] == ["finding", "late", "complaints"]


def test_impossible_months_are_refused() -> None:
    with pytest.raises(ValueError, match="steps_on_time cannot exceed"):
        month(steps_on_time=101)
    with pytest.raises(ValueError, match="negative"):
        month(complaints=-1)


BAOTOU = {
    "warning_below": "4/5",
    "exit_upheld_over": 20,
    "exit_below": "1/2",
    "red_on_time_at_least": "19/20",
    "red_satisfaction_at_least": "9/10",
    "black_on_time_below": "3/5",
    "black_per_100_units_over": "10",
}


def test_a_profile_s_thresholds_read_back_as_they_are_written() -> None:
    t = parse_thresholds(BAOTOU)
    assert t == Thresholds()  # Baotou's figures are the defaults
    assert thresholds_as_json(t) == BAOTOU
    assert parse_thresholds({**BAOTOU, "black_per_100_units_over": "25/2"}).black_per_100_units_over == Fraction(25, 2)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"warning_below": "5/4"}, "service_thresholds.warning_below: must be between 0 and 1"),
        ({"exit_below": "half"}, "service_thresholds.exit_below: expected a fraction"),
        ({"exit_upheld_over": -1}, "service_thresholds.exit_upheld_over: expected a whole number"),
        ({"exit_upheld_over": True}, "service_thresholds.exit_upheld_over: expected a whole number"),
        ({"black_per_100_units_over": "-1"}, "service_thresholds.black_per_100_units_over: must be 0 or more"),
        ({"colour": "red"}, "service_thresholds: unknown colour"),
    ],
)
def test_bad_thresholds_name_their_field(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_thresholds({**BAOTOU, **change})
    missing = dict(BAOTOU)
    del missing["exit_below"]
    with pytest.raises(ValueError, match="missing exit_below"):
        parse_thresholds(missing)
