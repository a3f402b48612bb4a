"""Properties of the rule engine that must hold for every case (hypothesis)."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.case import evaluate_json
from app.domain.numbers import format_area
from app.domain.rules import MATTERS, get_profile, profile_names
from app.domain.tally import QUESTION_CHOICES, CastBallot, QuestionItem, Weight, tally_questions

PROFILES = [p for p in profile_names()]


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    """A community where some holders own several units, and a session with two questions and an election."""
    holders = [f"h{i}" for i in range(draw(st.integers(1, 8)))]
    units = []
    for i in range(draw(st.integers(len(holders), len(holders) + 6))):
        holder = holders[i] if i < len(holders) else draw(st.sampled_from(holders))
        units.append({"id": f"u{i}", "area": format_area(draw(st.integers(1, 50_000))), "holders": [holder]})
    voting = draw(st.lists(st.sampled_from(holders), unique=True))
    first_unit = {}
    for u in units:
        first_unit.setdefault(u["holders"][0], u["id"])
    matters = draw(st.lists(st.sampled_from(MATTERS), min_size=2, max_size=2))
    candidates = ["c1", "c2", "c3", "c4"]
    ballots = [
        {
            "unit": first_unit[h],
            "choices": {
                "q1": draw(st.sampled_from(QUESTION_CHOICES)),
                "q2": draw(st.sampled_from(QUESTION_CHOICES)),
                "e": draw(st.lists(st.sampled_from(candidates), unique=True, max_size=2)),
            },
        }
        for h in voting
    ]
    return {
        "profile": draw(st.sampled_from(PROFILES)),
        "units": units,
        "items": [
            {"id": "q1", "kind": "question", "matter": matters[0]},
            {"id": "q2", "kind": "question", "matter": matters[1]},
            {"id": "e", "kind": "election", "seats": 2, "alternates": 1, "candidates": [{"id": c} for c in candidates]},
        ],
        "ballots": ballots,
    }


def outcomes(result: dict[str, Any]) -> list[Any]:
    return [(i.get("outcome"), i.get("elected"), i.get("alternates"), sorted(i.get("tie", []))) for i in result["items"]]


@settings(max_examples=200)
@given(cases(), st.randoms(use_true_random=False))
def test_permuting_ballots_or_units_never_changes_a_result(case: dict[str, Any], rnd: random.Random) -> None:
    shuffled = {
        **case,
        "units": rnd.sample(case["units"], len(case["units"])),
        "ballots": rnd.sample(case["ballots"], len(case["ballots"])),
    }
    assert evaluate_json(shuffled)["items"] == evaluate_json(case)["items"]


@settings(max_examples=200)
@given(cases(), st.integers(2, 1000))
def test_scaling_every_area_by_a_constant_never_changes_an_outcome(case: dict[str, Any], k: int) -> None:
    scaled = {**case, "units": [{**u, "area": format_area(round(float(u["area"]) * 100) * k)} for u in case["units"]]}
    assert outcomes(evaluate_json(scaled)) == outcomes(evaluate_json(case))


@settings(max_examples=200)
@given(cases(), st.randoms(use_true_random=False))
def test_a_voters_ballot_counts_the_same_whichever_of_its_units_it_names(case: dict[str, Any], rnd: random.Random) -> None:
    units_of: dict[str, list[str]] = {}
    for u in case["units"]:
        units_of.setdefault(u["holders"][0], []).append(u["id"])
    holder_of = {u["id"]: u["holders"][0] for u in case["units"]}
    moved = {**case, "ballots": [{**b, "unit": rnd.choice(units_of[holder_of[b["unit"]]])} for b in case["ballots"]]}
    assert evaluate_json(moved)["items"] == evaluate_json(case)["items"]


@settings(max_examples=300)
@given(
    st.sampled_from(PROFILES),
    st.sampled_from(MATTERS),
    st.lists(st.tuples(st.integers(1, 10_000), st.sampled_from((*QUESTION_CHOICES, None))), min_size=1, max_size=25),
)
def test_adding_an_agree_ballot_never_turns_passed_into_rejected(profile: str, matter: str, voters: list[tuple[int, str | None]]) -> None:
    rules = get_profile(profile)
    total = Weight(sum(a for a, _ in voters), len(voters))
    item = [QuestionItem("q", matter)]

    def outcome(vs: list[tuple[int, str | None]]) -> str:
        return tally_questions(rules, item, total, [CastBallot(a, {"q": c}) for a, c in vs if c is not None])[0].outcome

    before = outcome(voters)
    for index, (area, choice) in enumerate(voters):
        if choice is None or choice != "agree":  # a voter who had not voted now votes agree
            after = outcome([*voters[:index], (area, "agree"), *voters[index + 1 :]])
            assert not (before == "passed" and after != "passed")
