"""The rule engine's case format (RULES §7): read a case, evaluate it, write the result.

Every malformed input raises RuleViolation naming the field, e.g.
``ballots[3].unit: unknown unit "9-999"``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .election import Candidate, ElectionItem, ElectionResult, approvals_problem, tally_election
from .errors import RuleViolation
from .numbers import AreaError, format_area, parse_area
from .roll import Roll, UnitRecord, derive_roll
from .rules import DEFAULT_PROFILE, MATTERS, PartyTarget, Profile, get_profile, parse_party_target
from .tally import ABSTAIN, INVALID, QUESTION_CHOICES, CastBallot, QuestionItem, QuestionResult, Weight, tally_questions

Item = QuestionItem | ElectionItem


@dataclass(frozen=True)
class Case:
    profile: Profile
    roll: Roll
    items: tuple[Item, ...]
    ballots: tuple[CastBallot, ...]
    party_target: PartyTarget | None


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _object(raw: object, field: str, allowed: set[str], required: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise RuleViolation(field, "expected an object")
    for key in raw:
        if key not in allowed:
            raise RuleViolation(f"{field}.{key}" if field else key, "unknown field")
    for key in sorted(required):
        if key not in raw:
            raise RuleViolation(f"{field}.{key}" if field else key, "missing")
    return raw


def _list(raw: object, field: str) -> list[Any]:
    if not isinstance(raw, list):
        raise RuleViolation(field, "expected a list")
    return raw


def _text(raw: object, field: str) -> str:
    if not isinstance(raw, str) or not raw:
        raise RuleViolation(field, "expected a non-empty string")
    return raw


def _count(raw: object, field: str, minimum: int) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < minimum:
        raise RuleViolation(field, f"expected a whole number, {minimum} or more")
    return raw


def parse_case(raw: object) -> Case:
    case = _object(raw, "", {"description", "profile", "units", "items", "ballots", "party_target"}, {"units", "items", "ballots"})
    profile_name = case.get("profile", DEFAULT_PROFILE)
    if not isinstance(profile_name, str):
        raise RuleViolation("profile", "expected a profile name")
    try:
        profile = get_profile(profile_name)
    except RuleViolation:
        raise RuleViolation("profile", f"unknown profile {_dumps(profile_name)}") from None

    units = _parse_units(_list(case["units"], "units"))
    roll = derive_roll(units)
    items = _parse_items(_list(case["items"], "items"), profile)
    ballots = _parse_ballots(_list(case["ballots"], "ballots"), roll, {u.unit_id: u for u in units}, items, profile)
    party_target = parse_party_target(case["party_target"], "party_target") if "party_target" in case else None
    return Case(profile, roll, items, ballots, party_target)


def _parse_units(raw_units: list[Any]) -> list[UnitRecord]:
    units = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_units):
        field = f"units[{i}]"
        unit = _object(raw, field, {"id", "area", "holders", "votes"}, {"id", "area", "holders"})
        unit_id = _text(unit["id"], f"{field}.id")
        if unit_id in seen:
            raise RuleViolation(f"{field}.id", f"duplicate unit {_dumps(unit_id)} (first at units[{seen[unit_id]}])")
        seen[unit_id] = i
        if not isinstance(unit["area"], str):
            raise RuleViolation(f"{field}.area", f'expected a decimal string such as "89.50", got {_dumps(unit["area"])}')
        try:
            area = parse_area(unit["area"])
        except AreaError as exc:
            raise RuleViolation(f"{field}.area", str(exc)) from None
        holders = _list(unit["holders"], f"{field}.holders")
        if not holders:
            raise RuleViolation(f"{field}.holders", "a unit needs at least one holder")
        for j, holder in enumerate(holders):
            _text(holder, f"{field}.holders[{j}]")
        votes = unit.get("votes", True)
        if not isinstance(votes, bool):
            raise RuleViolation(f"{field}.votes", "expected true or false")
        units.append(UnitRecord(unit_id, area, frozenset(holders), votes=votes))
    return units


def _parse_items(raw_items: list[Any], profile: Profile) -> tuple[Item, ...]:
    items: list[Item] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_items):
        field = f"items[{i}]"
        if not isinstance(raw, dict):
            raise RuleViolation(field, "expected an object")
        kind = raw.get("kind")
        if kind == "question":
            item = _object(raw, field, {"id", "kind", "matter"}, {"id", "matter"})
            item_id = _text(item["id"], f"{field}.id")
            matter = item["matter"]
            if matter not in MATTERS or matter not in profile.matters:
                raise RuleViolation(f"{field}.matter", f"unknown matter {_dumps(matter)}")
            items.append(QuestionItem(item_id, matter))
        elif kind == "election":
            item = _object(raw, field, {"id", "kind", "seats", "alternates", "candidates"}, {"id", "seats", "candidates"})
            item_id = _text(item["id"], f"{field}.id")
            seats = _count(item["seats"], f"{field}.seats", 1)
            alternates = _count(item.get("alternates", 0), f"{field}.alternates", 0)
            candidates = []
            candidate_ids: set[str] = set()
            for j, raw_candidate in enumerate(_list(item["candidates"], f"{field}.candidates")):
                cfield = f"{field}.candidates[{j}]"
                candidate = _object(raw_candidate, cfield, {"id", "party"}, {"id"})
                candidate_id = _text(candidate["id"], f"{cfield}.id")
                if candidate_id in candidate_ids:
                    raise RuleViolation(f"{cfield}.id", f"duplicate candidate {_dumps(candidate_id)}")
                candidate_ids.add(candidate_id)
                party = candidate.get("party", False)
                if not isinstance(party, bool):
                    raise RuleViolation(f"{cfield}.party", "expected true or false")
                candidates.append(Candidate(candidate_id, party))
            items.append(ElectionItem(item_id, seats, alternates, tuple(candidates)))
        else:
            raise RuleViolation(f"{field}.kind", f'expected "question" or "election", got {_dumps(kind)}')
        if item_id in seen:
            raise RuleViolation(f"{field}.id", f"duplicate item {_dumps(item_id)}")
        seen.add(item_id)
    return tuple(items)


def _parse_choice(raw: object, field: str, item: Item) -> str | tuple[str, ...]:
    if isinstance(item, QuestionItem):
        if raw not in QUESTION_CHOICES:
            raise RuleViolation(field, f"unknown choice {_dumps(raw)} (agree, disagree, abstain or invalid)")
        return raw
    if raw in (ABSTAIN, INVALID):
        return raw
    approvals = _list(raw, field) if not isinstance(raw, str) else None
    if approvals is None:
        raise RuleViolation(field, f'expected a list of candidate ids, "abstain" or "invalid", got {_dumps(raw)}')
    problem = approvals_problem(approvals, item)
    if problem:
        raise RuleViolation(field, problem)
    return tuple(approvals)


def _parse_ballots(
    raw_ballots: list[Any], roll: Roll, units: Mapping[str, UnitRecord], items: tuple[Item, ...], profile: Profile
) -> tuple[CastBallot, ...]:
    by_id = {item.id: item for item in items}
    by_voter: dict[str, tuple[int, CastBallot]] = {}
    for i, raw in enumerate(raw_ballots):
        field = f"ballots[{i}]"
        ballot = _object(raw, field, {"unit", "choices"}, {"unit"})
        unit_id = ballot["unit"]
        if not isinstance(unit_id, str) or unit_id not in units:
            raise RuleViolation(f"{field}.unit", f"unknown unit {_dumps(unit_id)}")
        voter = roll.voter_for_unit(unit_id)
        if voter is None:
            raise RuleViolation(f"{field}.unit", f"unit {_dumps(unit_id)} does not vote")
        raw_choices = ballot.get("choices", {})
        if not isinstance(raw_choices, dict):
            raise RuleViolation(f"{field}.choices", "expected an object of item id to choice")
        choices = {}
        for item_id, raw_choice in raw_choices.items():
            if item_id not in by_id:
                raise RuleViolation(f"{field}.choices.{item_id}", f"unknown item {_dumps(item_id)}")
            choices[item_id] = _parse_choice(raw_choice, f"{field}.choices.{item_id}", by_id[item_id])
        if voter.key in by_voter and not profile.settings.revote:
            first = by_voter[voter.key][0]
            raise RuleViolation(f"{field}.unit", f"the voter of unit {_dumps(unit_id)} has already voted in ballots[{first}]")
        # With revoting allowed, the later ballot supersedes the earlier one.
        by_voter[voter.key] = (i, CastBallot(voter.area_centi, choices, voter.headcount))
    return tuple(b for _i, b in by_voter.values())


def evaluate(case: Case) -> dict[str, Any]:
    total = Weight(case.roll.total_area_centi, case.roll.total_heads)
    questions = [item for item in case.items if isinstance(item, QuestionItem)]
    results: dict[str, QuestionResult | ElectionResult] = {
        r.item.id: r for r in tally_questions(case.profile, questions, total, case.ballots)
    }
    for item in case.items:
        if isinstance(item, ElectionItem):
            results[item.id] = tally_election(case.profile, item, total, case.ballots, case.party_target)
    return {
        "profile": case.profile.name,
        "totals": {"area": format_area(total.area), "heads": total.heads},
        "ballots": len(case.ballots),
        "items": [results[item.id].as_json() for item in case.items],
    }


def evaluate_json(raw: object) -> dict[str, Any]:
    return evaluate(parse_case(raw))
