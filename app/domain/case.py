"""The rule engine's case format (RULES §7): read a case, evaluate it, write the result.

Every malformed input raises RuleViolation naming the field, e.g.
``ballots[3].unit: unknown unit "9-999"``.

Scoped items (RULES §9): an item may carry ``"scope": [unit ids]``. Its roll
is derived from the scope's counting units only (``roll.derive_scoped_roll``),
its totals are the scope's, and it is decided against those totals and the
ballots of the voters on that roll; a ballot of an in-scope voter that leaves
the item blank abstains on it, as for a whole-community item. Its result
carries its own ``totals`` and its ``scope``. The case is malformed, naming
``items[i].scope``, when the scope is not a list of unit ids, is empty, names
an unknown unit, names a unit twice (a set written with a repetition is
almost always a typing slip, and refusing it keeps the published scope exact)
or holds no counting unit (nobody could decide the item); and naming
``ballots[i].choices.ITEM`` when a ballot gives a choice, even ``abstain``, on
an item for which its voter has no counting unit in the scope.

A scoped election is counted the same way. §5 measures quorum and
qualification only against totals and participation, which the scope
supplies unchanged in form, so the engine needs no separate rule; whether a
committee may be elected by part of the community is a question for the
session that carries the item, not for the counting.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .election import Candidate, ElectionItem, ElectionResult, approvals_problem, tally_election
from .errors import RuleViolation
from .numbers import AreaError, format_area, parse_area
from .roll import Roll, UnitRecord, derive_roll, derive_scoped_roll
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
    units: tuple[UnitRecord, ...] = ()
    scopes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    voters: tuple[str, ...] = ()  # the voter key of each ballot, in the order of ``ballots``


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
    by_unit = {u.unit_id: u for u in units}
    items, scopes = _parse_items(_list(case["items"], "items"), profile, by_unit)
    counted = _parse_ballots(_list(case["ballots"], "ballots"), roll, by_unit, items, profile, scopes)
    party_target = parse_party_target(case["party_target"], "party_target") if "party_target" in case else None
    ballots = tuple(ballot for _key, ballot in counted)
    return Case(profile, roll, items, ballots, party_target, tuple(units), scopes, tuple(key for key, _ballot in counted))


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


def _parse_scope(raw: object, field: str, units: Mapping[str, UnitRecord]) -> tuple[str, ...]:
    """An item's scope: distinct known unit ids, at least one of them a counting unit (RULES §9)."""
    listed = _list(raw, field)
    if not listed:
        raise RuleViolation(field, "an empty scope (leave the scope out for a whole-community item)")
    seen: dict[str, int] = {}
    for j, unit_id in enumerate(listed):
        if not isinstance(unit_id, str):
            raise RuleViolation(field, f"expected unit ids, got {_dumps(unit_id)} at [{j}]")
        if unit_id not in units:
            raise RuleViolation(field, f"unknown unit {_dumps(unit_id)}")
        if unit_id in seen:
            raise RuleViolation(field, f"duplicate unit {_dumps(unit_id)} (first at [{seen[unit_id]}])")
        seen[unit_id] = j
    if not any(units[unit_id].votes for unit_id in listed):
        raise RuleViolation(field, "no counting unit in the scope")
    return tuple(listed)


def _parse_items(
    raw_items: list[Any], profile: Profile, units: Mapping[str, UnitRecord]
) -> tuple[tuple[Item, ...], dict[str, tuple[str, ...]]]:
    items: list[Item] = []
    scopes: dict[str, tuple[str, ...]] = {}
    seen: set[str] = set()
    for i, raw in enumerate(raw_items):
        field = f"items[{i}]"
        if not isinstance(raw, dict):
            raise RuleViolation(field, "expected an object")
        kind = raw.get("kind")
        if kind == "question":
            item = _object(raw, field, {"id", "kind", "matter", "scope"}, {"id", "matter"})
            item_id = _text(item["id"], f"{field}.id")
            matter = item["matter"]
            if matter not in MATTERS or matter not in profile.matters:
                raise RuleViolation(f"{field}.matter", f"unknown matter {_dumps(matter)}")
            items.append(QuestionItem(item_id, matter))
        elif kind == "election":
            item = _object(raw, field, {"id", "kind", "seats", "alternates", "candidates", "scope"}, {"id", "seats", "candidates"})
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
        if "scope" in item:
            scopes[item_id] = _parse_scope(item["scope"], f"{field}.scope", units)
    return tuple(items), scopes


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
    raw_ballots: list[Any],
    roll: Roll,
    units: Mapping[str, UnitRecord],
    items: tuple[Item, ...],
    profile: Profile,
    scopes: Mapping[str, tuple[str, ...]],
) -> tuple[tuple[str, CastBallot], ...]:
    """The counted ballots, each with its voter's key (the later one per voter when revoting is allowed)."""
    by_id = {item.id: item for item in items}
    scope_sets = {item_id: frozenset(scope) for item_id, scope in scopes.items()}
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
            if item_id in scope_sets and scope_sets[item_id].isdisjoint(voter.units):
                raise RuleViolation(
                    f"{field}.choices.{item_id}",
                    f"the voter of unit {_dumps(unit_id)} has no counting unit in the scope of item {_dumps(item_id)}",
                )
        if voter.key in by_voter and not profile.settings.revote:
            first = by_voter[voter.key][0]
            raise RuleViolation(f"{field}.unit", f"the voter of unit {_dumps(unit_id)} has already voted in ballots[{first}]")
        # With revoting allowed, the later ballot supersedes the earlier one.
        by_voter[voter.key] = (i, CastBallot(voter.area_centi, choices, voter.headcount))
    return tuple((key, b) for key, (_i, b) in by_voter.items())


def scoped_ballots(case: Case, scope: tuple[str, ...]) -> tuple[Weight, tuple[CastBallot, ...]]:
    """A scoped item's totals and ballots (RULES §9): in-scope voters only, weighed by their in-scope units."""
    roll = derive_scoped_roll(case.units, scope)
    inside = {voter.key: voter for voter in roll.voters}
    ballots = tuple(
        CastBallot(inside[key].area_centi, ballot.choices, inside[key].headcount)
        for key, ballot in zip(case.voters, case.ballots, strict=True)
        if key in inside
    )
    return Weight(roll.total_area_centi, roll.total_heads), ballots


def _decide(case: Case, item: Item, total: Weight, ballots: tuple[CastBallot, ...]) -> QuestionResult | ElectionResult:
    if isinstance(item, QuestionItem):
        return tally_questions(case.profile, [item], total, ballots)[0]
    return tally_election(case.profile, item, total, ballots, case.party_target)


def evaluate(case: Case) -> dict[str, Any]:
    total = Weight(case.roll.total_area_centi, case.roll.total_heads)
    questions = [item for item in case.items if isinstance(item, QuestionItem) and item.id not in case.scopes]
    results: dict[str, dict[str, Any]] = {r.item.id: r.as_json() for r in tally_questions(case.profile, questions, total, case.ballots)}
    for item in case.items:
        scope = case.scopes.get(item.id)
        if scope is not None:
            scope_total, ballots = scoped_ballots(case, scope)
            decided = _decide(case, item, scope_total, ballots).as_json()
            results[item.id] = {**decided, "scope": list(scope), "totals": scope_total.as_json()}
        elif isinstance(item, ElectionItem):
            results[item.id] = tally_election(case.profile, item, total, case.ballots, case.party_target).as_json()
    return {
        "profile": case.profile.name,
        "totals": {"area": format_area(total.area), "heads": total.heads},
        "ballots": len(case.ballots),
        "items": [results[item.id] for item in case.items],
    }


def evaluate_json(raw: object) -> dict[str, Any]:
    return evaluate(parse_case(raw))
