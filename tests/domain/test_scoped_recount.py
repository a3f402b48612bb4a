"""A scoped item (RULES §9) counted from bulletin entries decides exactly as the rule engine decides its case."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.domain.ballot import BallotRefused, complete_ballot
from app.domain.bulletin import BulletinBroken, count_entries
from app.domain.case import evaluate_json, parse_case
from app.domain.election import Candidate
from app.domain.result import ItemScope, SessionItem, session_result
from app.domain.roll import derive_scoped_roll
from app.domain.rules import get_profile
from app.domain.tally import Weight

from .test_scoped import scoped_cases, worked_case


def entries_and_items(case: dict[str, Any]) -> tuple[list[dict[str, Any]], list[SessionItem], Weight]:
    """The case's ballots as bulletin entries (the voter's whole weights) and its items with their published scopes."""
    parsed = parse_case(case)
    items = []
    for i, raw in enumerate(case["items"]):
        scope = None
        if "scope" in raw:
            roll = derive_scoped_roll(parsed.units, raw["scope"])
            scope = ItemScope(
                tuple(raw["scope"]), Weight(roll.total_area_centi, roll.total_heads), {v.key: v.area_centi for v in roll.voters}
            )
        if raw["kind"] == "election":
            candidates = tuple(Candidate(c["id"]) for c in raw["candidates"])
            items.append(
                SessionItem(
                    raw["id"], "cn.elect_committee", raw["id"], i, "election", raw["seats"], raw.get("alternates", 0), candidates, scope
                )
            )
        else:
            items.append(SessionItem(raw["id"], raw["matter"], raw["id"], i, scope=scope))
    entries = []
    for seq, ballot in enumerate(case["ballots"], 1):
        voter = parsed.roll.voter_for_unit(ballot["unit"])
        assert voter is not None
        weights = {"area": f"{voter.area_centi // 100}.{voter.area_centi % 100:02d}", "headcount": 1}
        choices = ballot.get("choices", {})
        # The server signs every item of the voter's ballot, a blank one as abstaining; a malformed case stays as it is.
        with contextlib.suppress(BallotRefused):
            signed = complete_ballot(items, choices, invalid=True, voter=voter.key)
            choices = {i: list(c) if isinstance(c, tuple) else c for i, c in signed.items()}
        entries.append(
            {"type": "ballot", "session": "s", "seq": seq, "voter": voter.key, "weights": weights, "supersedes": None,
             "hash": f"h{seq}", "choices": choices}
        )  # fmt: skip
    return entries, items, Weight(parsed.roll.total_area_centi, parsed.roll.total_heads)


def decided(case: dict[str, Any]) -> list[dict[str, Any]]:
    entries, items, total = entries_and_items(case)
    count = count_entries(entries, items=items)
    result = session_result(
        get_profile(case.get("profile", "cn-national")),
        session="s",
        roll_sha256=None,
        total=total,
        participating=count.participating,
        sums=count.sums,
        ballots=count.ballots,
        items=items,
        scoped=count.scoped,
    )
    return [{k: v for k, v in item.items() if k not in ("title", "position")} for item in result["items"]]


def test_the_worked_case_counts_from_its_entries_as_the_case_decides() -> None:
    case = worked_case()
    assert decided(case) == evaluate_json(case)["items"]
    case["ballots"].append({"unit": "107", "choices": {"q": "disagree"}})
    passed = decided(case)
    assert passed == evaluate_json(case)["items"] and passed[0]["outcome"] == "passed"


def test_an_entry_choosing_on_an_item_outside_its_voters_scope_breaks_the_bulletin() -> None:
    case = worked_case()
    case["ballots"].append({"unit": "103", "choices": {}})
    entries, items, _total = entries_and_items(case)
    entries[-1]["choices"] = {"q": "agree"}  # C has no unit in the scope
    with pytest.raises(BulletinBroken) as broken:
        count_entries(entries, items=items)
    assert broken.value.seq == len(entries) and "scope" in broken.value.reason
    with pytest.raises(BallotRefused) as refused:
        complete_ballot(items, {"q": "agree"}, voter=entries[-1]["voter"])
    assert refused.value.outside
    assert complete_ballot(items, {}, voter=entries[-1]["voter"]) == {}  # completion leaves the item out


def test_a_scoped_area_larger_than_the_voters_whole_weight_breaks_the_bulletin() -> None:
    entries, items, _total = entries_and_items(worked_case())
    scope = items[0].scope
    assert scope is not None
    voters = dict(scope.voters)
    voters[entries[0]["voter"]] += 1
    forged = [SessionItem("q", "cn.use_fund", "q", 0, scope=ItemScope(scope.units, scope.total, voters))]
    with pytest.raises(BulletinBroken) as broken:
        count_entries(entries, items=forged)
    assert broken.value.seq == 1


@settings(max_examples=150, deadline=None)
@given(scoped_cases(), st.data())
def test_counting_the_entries_decides_every_item_as_the_rule_engine(case: dict[str, Any], data: st.DataObject) -> None:
    counting = [u for u in case["units"] if u.get("votes", True)]
    inside = data.draw(st.lists(st.sampled_from(counting), unique_by=lambda u: u["id"], min_size=1))
    holders_inside = {u["holders"][0] for u in inside}
    scoped = data.draw(st.sampled_from([["q"], ["e"], ["q", "e"]]))
    for ballot in case["ballots"]:
        holder = next(u["holders"][0] for u in case["units"] if u["id"] == ballot["unit"])
        if holder not in holders_inside:
            ballot["choices"] = {k: v for k, v in ballot["choices"].items() if k not in scoped}
    for item in case["items"]:
        if item["id"] in scoped:
            item["scope"] = [u["id"] for u in inside]
    assume(case["ballots"])  # a bulletin without a ballot is refused before any count
    expected = evaluate_json(case)["items"]
    assert decided(case) == expected
