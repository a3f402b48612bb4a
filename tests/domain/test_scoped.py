"""Items decided by part of the community (RULES §9): the rule engine's scoped items."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.case import evaluate_json
from app.domain.numbers import format_area
from app.domain.roll import UnitRecord, derive_scoped_roll
from app.domain.rules import MATTERS, profile_names
from app.domain.tally import QUESTION_CHOICES

from .test_cases import CASES, evaluate


def worked_case() -> dict[str, Any]:
    return json.loads((CASES / "rules9-1-scoped-no-quorum-without-developer.json").read_text(encoding="utf-8"))


def test_the_worked_case_measures_against_the_scope() -> None:
    item = evaluate_json(worked_case())["items"][0]
    assert item["totals"] == {"area": "420.00", "heads": 4}
    assert item["scope"] == ["101", "102", "104", "106"]
    assert item["participating"] == {"area": "270.00", "heads": 3}  # D weighs 90.00: only 104 is in scope
    assert (item["quorum_met"], item["outcome"]) == (False, "no_quorum")


def test_an_in_scope_voter_who_leaves_the_item_blank_abstains() -> None:
    case = worked_case()
    case["items"].append({"id": "w", "kind": "question", "matter": "cn.other"})
    case["ballots"].append({"unit": "107", "choices": {"w": "agree"}})  # dev votes only on the whole-community item
    scoped, whole = evaluate_json(case)["items"]
    assert scoped["participating"] == {"area": "420.00", "heads": 4}
    assert scoped["abstain"] == {"area": "150.00", "heads": 1}
    assert scoped["outcome"] == "passed"  # 270/420 > 1/2 and 3/4 > 1/2
    assert "scope" not in whole and "totals" not in whole
    assert whole["participating"] == {"area": "630.00", "heads": 4}  # A, B, D (150.00) and dev (300.00)


def test_a_voter_outside_the_scope_who_votes_elsewhere_does_not_participate() -> None:
    case = worked_case()
    case["items"].append({"id": "w", "kind": "question", "matter": "cn.other"})
    case["ballots"].append({"unit": "103", "choices": {"w": "agree"}})  # C has no unit in the scope
    scoped = evaluate_json(case)["items"][0]
    assert scoped["participating"] == {"area": "270.00", "heads": 3}


def test_non_voting_units_in_the_scope_do_not_count() -> None:
    case = worked_case()
    case["units"].append({"id": "P-1", "area": "12.00", "holders": ["A"], "votes": False})
    case["items"][0]["scope"].append("P-1")
    assert evaluate_json(case)["items"][0]["totals"] == {"area": "420.00", "heads": 4}


def test_a_scoped_election_is_counted_against_the_scope() -> None:
    case = worked_case()
    case["items"] = [
        {"id": "e", "kind": "election", "seats": 1, "candidates": [{"id": "c1"}, {"id": "c2"}], "scope": ["101", "102", "104", "106"]}
    ]
    case["ballots"] = [
        {"unit": "101", "choices": {"e": ["c1"]}},
        {"unit": "102", "choices": {"e": ["c1"]}},
        {"unit": "105", "choices": {"e": ["c2"]}},
        {"unit": "107", "choices": {"e": ["c2"]}},
    ]
    item = evaluate_json(case)["items"][0]
    assert item["totals"] == {"area": "420.00", "heads": 4}
    assert item["participating"] == {"area": "420.00", "heads": 4}
    approvals = {c["id"]: c["approvals"] for c in item["candidates"]}
    assert approvals == {"c1": {"area": "180.00", "heads": 2}, "c2": {"area": "240.00", "heads": 2}}
    assert item["elected"] == []  # neither has more than half of the heads


MALFORMED = [
    ("scope not a list", lambda c: c["items"][0].update(scope="101"), "items[0].scope: expected a list"),
    (
        "empty scope",
        lambda c: c["items"][0].update(scope=[]),
        "items[0].scope: an empty scope (leave the scope out for a whole-community item)",
    ),
    ("unknown unit in scope", lambda c: c["items"][0]["scope"].append("9-999"), 'items[0].scope: unknown unit "9-999"'),
    ("unit named twice", lambda c: c["items"][0]["scope"].append("102"), 'items[0].scope: duplicate unit "102" (first at [1])'),
    ("unit id not a string", lambda c: c["items"][0]["scope"].append(104), "items[0].scope: expected unit ids, got 104 at [4]"),
    (
        "no counting unit",
        lambda c: (
            c["units"].append({"id": "P-1", "area": "12.00", "holders": ["A"], "votes": False}),
            c["items"][0].update(scope=["P-1"]),
        ),
        "items[0].scope: no counting unit in the scope",
    ),
    (
        "choice from outside the scope",
        lambda c: c["ballots"].append({"unit": "103", "choices": {"q": "agree"}}),
        'ballots[3].choices.q: the voter of unit "103" has no counting unit in the scope of item "q"',
    ),
    (
        "abstention from outside the scope",
        lambda c: c["ballots"].append({"unit": "108", "choices": {"q": "abstain"}}),
        'ballots[3].choices.q: the voter of unit "108" has no counting unit in the scope of item "q"',
    ),
]


@pytest.mark.parametrize(("name", "change", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_scope_exits_2_with_one_line_naming_the_field(name: str, change: Any, message: str) -> None:
    case = worked_case()
    change(case)
    done = evaluate("-", stdin=json.dumps(case, ensure_ascii=False))
    assert (done.returncode, done.stdout, done.stderr) == (2, "", message + "\n")


def test_the_scoped_roll_keeps_the_voters_identity() -> None:
    units = [UnitRecord("1", 100, frozenset({"A"})), UnitRecord("2", 250, frozenset({"A"})), UnitRecord("3", 70, frozenset({"B"}))]
    roll = derive_scoped_roll(units, ["2", "3"])
    assert [(v.key, v.units, v.area_centi) for v in roll.voters] == [("A", ("2",), 250), ("B", ("3",), 70)]
    assert (roll.total_area_centi, roll.total_heads) == (320, 2)


@st.composite
def scoped_cases(draw: st.DrawFn) -> dict[str, Any]:
    """A community where holders own several units (some not voting) and a session with one question and one election."""
    holders = [f"h{i}" for i in range(draw(st.integers(1, 7)))]
    units = []
    for i in range(draw(st.integers(len(holders), len(holders) + 6))):
        holder = holders[i] if i < len(holders) else draw(st.sampled_from(holders))
        unit: dict[str, Any] = {"id": f"u{i}", "area": format_area(draw(st.integers(1, 50_000))), "holders": [holder]}
        if i >= len(holders) and draw(st.booleans()):
            unit["votes"] = False
        units.append(unit)
    first_unit: dict[str, str] = {}
    for u in units:
        first_unit.setdefault(u["holders"][0], u["id"])
    voting = draw(st.lists(st.sampled_from(holders), unique=True))
    candidates = ["c1", "c2", "c3"]
    ballots = []
    for h in voting:
        choices: dict[str, Any] = {}
        if draw(st.booleans()):
            choices["q"] = draw(st.sampled_from(QUESTION_CHOICES))
        if draw(st.booleans()):
            choices["e"] = draw(st.lists(st.sampled_from(candidates), unique=True, max_size=2))
        ballots.append({"unit": first_unit[h], "choices": choices})
    return {
        "profile": draw(st.sampled_from(profile_names())),
        "units": units,
        "items": [
            {"id": "q", "kind": "question", "matter": draw(st.sampled_from(MATTERS))},
            {"id": "e", "kind": "election", "seats": 2, "alternates": 1, "candidates": [{"id": c} for c in candidates]},
        ],
        "ballots": ballots,
    }


def without_scope(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in ("scope", "totals")}


@settings(max_examples=150, deadline=None)
@given(scoped_cases(), st.data())
def test_a_scope_of_every_unit_gives_the_unscoped_result(case: dict[str, Any], data: st.DataObject) -> None:
    unscoped = evaluate_json(case)
    every = data.draw(st.permutations([u["id"] for u in case["units"]]))
    for item in case["items"]:
        item["scope"] = list(every)
    scoped = evaluate_json(case)
    assert [without_scope(i) for i in scoped["items"]] == unscoped["items"]
    assert all(i["totals"] == unscoped["totals"] for i in scoped["items"])


@settings(max_examples=150, deadline=None)
@given(scoped_cases(), st.data())
def test_a_scoped_item_totals_its_counting_units_and_counts_only_their_voters(case: dict[str, Any], data: st.DataObject) -> None:
    counting = [u for u in case["units"] if u.get("votes", True)]
    inside = data.draw(st.lists(st.sampled_from(counting), unique_by=lambda u: u["id"], min_size=1))
    scope = [u["id"] for u in inside]
    holders_inside = {u["holders"][0] for u in inside}
    for ballot in case["ballots"]:  # a voter without an in-scope unit may not choose on the scoped items
        holder = next(u["holders"][0] for u in case["units"] if u["id"] == ballot["unit"])
        if holder not in holders_inside:
            ballot["choices"] = {}
    for item in case["items"]:
        item["scope"] = scope
    result = evaluate_json(case)
    area = sum(Decimal(u["area"]) for u in inside)
    voters_in = {next(u["holders"][0] for u in case["units"] if u["id"] == b["unit"]) for b in case["ballots"]} & holders_inside
    area_in = sum(Decimal(u["area"]) for u in inside if u["holders"][0] in voters_in)
    for item in result["items"]:
        assert item["scope"] == scope
        assert item["totals"] == {"area": f"{area:.2f}", "heads": len(holders_inside)}
        assert item["participating"] == {"area": f"{area_in:.2f}", "heads": len(voters_in)}
