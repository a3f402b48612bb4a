"""Deciding question items: quorum and both majorities, exact at every boundary (RULES §4)."""

from __future__ import annotations

import pytest

from app.domain.numbers import parse_area
from app.domain.rules import get_profile
from app.domain.tally import CastBallot, QuestionItem, Weight, tally_questions

CN = get_profile("cn-national")


def decide(matter: str, voters: list[tuple[str, str | None]], profile: str = "cn-national") -> str:
    """voters: (area, choice) with choice None for a voter who did not vote."""
    total = Weight(sum(parse_area(a) for a, _ in voters), len(voters))
    ballots = [CastBallot(parse_area(a), {"q": c}) for a, c in voters if c is not None]
    return tally_questions(get_profile(profile), [QuestionItem("q", matter)], total, ballots)[0].outcome


# Quorum: participating area >= 2/3 of the total and participating heads >= 2/3.
def test_quorum_is_met_at_exactly_two_thirds_of_the_area() -> None:
    voters = [("80.00", "agree")] * 5 + [("200.00", None)]  # area 400/600, heads 5/6
    assert decide("cn.hire_manager", voters) == "passed"


def test_quorum_fails_a_hundredth_below_two_thirds_of_the_area() -> None:
    voters = [("79.99", "agree")] + [("80.00", "agree")] * 4 + [("200.00", None)]  # 399.99/599.99
    assert decide("cn.hire_manager", voters) == "no_quorum"


def test_quorum_is_met_at_exactly_two_thirds_of_the_heads() -> None:
    voters = [("100.00", "agree")] * 4 + [("10.00", None)] * 2  # heads 4/6, area 400/420
    assert decide("cn.hire_manager", voters) == "passed"


def test_quorum_fails_just_below_two_thirds_of_the_heads() -> None:
    voters = [("100.00", "agree")] * 4 + [("1.00", None)] * 3  # heads 4/7, area 400/403
    assert decide("cn.hire_manager", voters) == "no_quorum"


# Ordinary matters: agree > 1/2 of participating, on area and on heads.
def test_ordinary_matter_fails_at_exactly_half_of_the_area() -> None:
    voters = [("50.00", "agree")] * 4 + [("100.00", "disagree")] * 2  # area 200/400, heads 4/6
    assert decide("cn.hire_manager", voters) == "rejected"


def test_ordinary_matter_passes_a_hundredth_above_half_of_the_area() -> None:
    voters = [("50.01", "agree")] + [("50.00", "agree")] * 3 + [("100.00", "disagree")] * 2
    assert decide("cn.hire_manager", voters) == "passed"


def test_ordinary_matter_fails_at_exactly_half_of_the_heads() -> None:
    voters = [("100.00", "agree")] * 3 + [("10.00", "disagree")] * 3  # heads 3/6, area 300/330
    assert decide("cn.use_fund", voters) == "rejected"


def test_ordinary_matter_passes_one_head_above_half() -> None:
    voters = [("100.00", "agree")] * 4 + [("10.00", "disagree")] * 3  # heads 4/7
    assert decide("cn.use_fund", voters) == "passed"


# Special matters: agree >= 3/4 of participating, on area and on heads.
def test_special_matter_passes_at_exactly_three_quarters_of_the_area() -> None:
    voters = [("75.00", "agree")] * 4 + [("100.00", "disagree")]  # area 300/400, heads 4/5
    assert decide("cn.raise_fund", voters) == "passed"


def test_special_matter_needs_three_quarters_of_the_area() -> None:
    voters = [("74.99", "agree")] + [("75.00", "agree")] * 3 + [("100.00", "disagree")]
    assert decide("cn.raise_fund", voters) == "rejected"


def test_special_matter_passes_at_exactly_three_quarters_of_the_heads() -> None:
    voters = [("100.00", "agree")] * 3 + [("10.00", "disagree")]  # heads 3/4, area 300/310
    assert decide("cn.rebuild", voters) == "passed"


def test_special_matter_needs_three_quarters_of_the_heads() -> None:
    voters = [("100.00", "agree")] * 5 + [("10.00", "disagree")] * 2  # heads 5/7 < 3/4
    assert decide("cn.common_use", voters) == "rejected"


def test_abstentions_and_invalid_choices_participate_and_count_against() -> None:
    voters = [("100.00", "agree")] * 3 + [("100.00", "abstain"), ("100.00", "invalid"), ("100.00", "abstain")]
    assert decide("cn.hire_manager", voters) == "rejected"  # 3/6: not more than half


def test_a_blank_item_on_a_cast_ballot_is_an_abstention() -> None:
    profile = CN
    total = Weight(30000, 3)
    ballots = [CastBallot(10000, {"q": "agree"}), CastBallot(10000, {"q": "agree"}), CastBallot(10000, {})]
    result = tally_questions(profile, [QuestionItem("q", "cn.hire_manager")], total, ballots)[0]
    assert result.by_choice["abstain"] == Weight(10000, 1)
    assert result.participating == Weight(30000, 3)
    assert result.outcome == "passed"


def test_explanation_names_each_condition_with_its_numbers() -> None:
    voters = [("80.00", "agree")] * 4 + [("120.00", "disagree"), ("300.00", None)]  # area 440/740, heads 5/6
    total = Weight(sum(parse_area(a) for a, _ in voters), len(voters))
    ballots = [CastBallot(parse_area(a), {"q": c}) for a, c in voters if c]
    result = tally_questions(CN, [QuestionItem("q", "cn.raise_fund")], total, ballots)[0]
    explained = [c.as_json() for c in result.checks]
    assert [(e["stage"], e["measure"], e["met"]) for e in explained] == [
        ("quorum", "area", False),
        ("quorum", "heads", True),
        ("majority", "area", False),  # 320/440 < 3/4
        ("majority", "heads", True),  # 4/5 >= 3/4
    ]
    assert explained[0] == {
        "stage": "quorum",
        "measure": "area",
        "numerator": "participating",
        "base": "total",
        "op": ">=",
        "fraction": "2/3",
        "value": "440.00",
        "of": "740.00",
        "share": "22/37",
        "percent": "59.46",
        "met": False,
    }
    assert result.outcome == "no_quorum"


@pytest.mark.parametrize(
    ("profile", "voters", "outcome"),
    [
        # Spain: > 1/2 of all heads and of all area, whoever votes.
        ("es-lph-17", [("100.00", "agree")] * 2 + [("100.00", None)] * 2, "rejected"),
        ("es-lph-17", [("100.00", "agree")] * 3 + [("100.00", None)], "passed"),
        # France art. 24: > 1/2 of the area cast (abstentions left out).
        ("fr-1965", [("100.00", "agree"), ("90.00", "disagree"), ("500.00", "abstain")], "passed"),
        # Germany § 25: > 1/2 of the heads cast.
        ("de-weg-25", [("1.00", "agree")] * 2 + [("900.00", "disagree"), ("50.00", "abstain")], "passed"),
        ("de-weg-25", [("1.00", "abstain")] * 3, "rejected"),
        # Italy first call: heads > 1/2 participating and area >= 1/2 of the total.
        ("it-1136-first-call", [("500.00", "agree"), ("100.00", "disagree"), ("100.00", "agree"), ("300.00", "agree")], "passed"),
        ("it-1136-first-call", [("100.00", "agree")] * 3 + [("700.00", "disagree")], "rejected"),  # area 300/1000 < 1/2
    ],
)
def test_other_profiles_use_the_same_condition_model(profile: str, voters: list[tuple[str, str | None]], outcome: str) -> None:
    assert decide("cn.hire_manager", voters, profile) == outcome


def test_an_item_left_blank_among_several_is_an_abstention_on_that_item_only() -> None:
    items = [QuestionItem("q1", "cn.hire_manager"), QuestionItem("q2", "cn.use_fund"), QuestionItem("q3", "cn.other")]
    ballots = [
        CastBallot(10000, {"q1": "agree", "q2": "agree", "q3": "disagree"}),
        CastBallot(20000, {"q1": "agree", "q3": "agree"}),
        CastBallot(30000, {}),
    ]
    q1, q2, q3 = tally_questions(CN, items, Weight(60000, 3), ballots)
    assert q1.by_choice["agree"] == Weight(30000, 2) and q1.by_choice["abstain"] == Weight(30000, 1)
    assert q2.by_choice["agree"] == Weight(10000, 1) and q2.by_choice["abstain"] == Weight(50000, 2)
    assert q3.by_choice["disagree"] == Weight(10000, 1) and q3.by_choice["agree"] == Weight(20000, 1)
    assert q1.participating == q2.participating == q3.participating == Weight(60000, 3)
