"""Counting: the only implementation of deciding a question item (RULES §4, §6).

Inputs are the session's totals and its cast ballots, each carrying its voter's
weight; every sum is an integer (areas in hundredths) and every threshold is
compared exactly. Each outcome comes with its explanation: every condition,
the measured numbers, the required fraction, met or not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from operator import itemgetter
from typing import Any, Literal

from .numbers import format_area, percent
from .rules import Condition, Profile

AGREE, DISAGREE, ABSTAIN, INVALID = "agree", "disagree", "abstain", "invalid"
QUESTION_CHOICES = (AGREE, DISAGREE, ABSTAIN, INVALID)
Outcome = Literal["passed", "rejected", "no_quorum"]


@dataclass(frozen=True)
class Weight:
    """Area in hundredths of m² and headcount."""

    area: int = 0
    heads: int = 0

    def __add__(self, other: Weight) -> Weight:
        return Weight(self.area + other.area, self.heads + other.heads)

    def of(self, measure: str) -> int:
        return self.area if measure == "area" else self.heads

    def as_json(self) -> dict[str, Any]:
        return {"area": format_area(self.area), "heads": self.heads}


@dataclass(frozen=True)
class CastBallot:
    """One voter's counted ballot: its weight and a choice per item.

    A question choice is one of QUESTION_CHOICES; an election choice is a tuple
    of candidate ids, or ABSTAIN / INVALID. A missing item is an abstention.
    """

    area: int
    choices: Mapping[str, str | tuple[str, ...]]
    heads: int = 1


@dataclass(frozen=True)
class Check:
    """One condition as measured: the explanation of an outcome."""

    stage: Literal["quorum", "majority", "qualify"]
    condition: Condition
    value: int
    base: int
    met: bool

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.value, self.base) if self.base > 0 else None

    def as_json(self) -> dict[str, Any]:
        show = format_area if self.condition.measure == "area" else (lambda n: n)
        share = self.share
        return {
            "stage": self.stage,
            **self.condition.as_json(),
            "value": show(self.value),
            "of": show(self.base),
            "share": None if share is None else str(share),
            "percent": None if share is None else percent(share),
            "met": self.met,
        }


def check(stage: Literal["quorum", "majority", "qualify"], condition: Condition, measured: Mapping[str, Weight]) -> Check:
    """Measure one condition against named sums (participating, agree, total, cast)."""
    value = measured[condition.numerator].of(condition.measure)
    base = measured[condition.base].of(condition.measure)
    return Check(stage, condition, value, base, condition.holds(value, base))


def quorum_checks(profile: Profile, total: Weight, participating: Weight) -> tuple[Check, ...]:
    measured = {"total": total, "participating": participating}
    return tuple(check("quorum", c, measured) for c in profile.quorum)


@dataclass(frozen=True)
class QuestionItem:
    id: str
    matter: str


@dataclass(frozen=True)
class QuestionResult:
    item: QuestionItem
    matter_class: str
    participating: Weight
    by_choice: Mapping[str, Weight]
    checks: tuple[Check, ...]
    quorum_met: bool
    outcome: Outcome

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.item.id,
            "kind": "question",
            "matter": self.item.matter,
            "class": self.matter_class,
            "participating": self.participating.as_json(),
            **{choice: self.by_choice[choice].as_json() for choice in QUESTION_CHOICES},
            "quorum_met": self.quorum_met,
            "outcome": self.outcome,
            "explanation": [c.as_json() for c in self.checks],
        }


# Area and headcount are summed as one integer, area in the high bits, so each
# ballot costs one addition per item; exact while the headcount stays below 2**32.
_HEADS_BITS = 32
_HEADS_MASK = (1 << _HEADS_BITS) - 1


def pack(area: int, heads: int) -> int:
    return (area << _HEADS_BITS) | heads


def unpack(packed: int) -> Weight:
    return Weight(packed >> _HEADS_BITS, packed & _HEADS_MASK)


def sum_choices(ballots: Iterable[CastBallot], item_ids: Sequence[str]) -> tuple[Weight, dict[str, dict[str, Weight]]]:
    """One pass over the ballots: participation, and area and headcount per item and choice.

    Ballots are summed per combination of choices (at most 4 ** items of them),
    fetching a ballot's choices in one call; a ballot that leaves an item blank
    abstains on it. Per-item sums are then read off the combinations.
    """
    by_combination: defaultdict[tuple[str, ...], int] = defaultdict(int)
    if item_ids:
        fetch = itemgetter(*item_ids)
        single = len(item_ids) == 1
        for ballot in ballots:
            weight = (ballot.area << _HEADS_BITS) | ballot.heads
            try:
                combination = fetch(ballot.choices)
            except KeyError:
                combination = tuple(ballot.choices.get(i, ABSTAIN) for i in item_ids)
                combination = combination[0] if single else combination
            by_combination[(combination,) if single else combination] += weight
    else:
        for ballot in ballots:
            by_combination[()] += (ballot.area << _HEADS_BITS) | ballot.heads
    sums = {item_id: dict.fromkeys(QUESTION_CHOICES, 0) for item_id in item_ids}
    for combination, weight in by_combination.items():
        for item_id, choice in zip(item_ids, combination, strict=True):
            sums[item_id][choice] += weight
    participating = unpack(sum(by_combination.values()))
    return participating, {i: {c: unpack(v) for c, v in per.items()} for i, per in sums.items()}


def decide_question(
    profile: Profile, item: QuestionItem, total: Weight, participating: Weight, by_choice: Mapping[str, Weight]
) -> QuestionResult:
    """The outcome of one question item from its sums (RULES §4 under the profile's conditions)."""
    matter_class = profile.class_of(item.matter)
    quorum = quorum_checks(profile, total, participating)
    measured = {
        "total": total,
        "participating": participating,
        "agree": by_choice[AGREE],
        "cast": by_choice[AGREE] + by_choice[DISAGREE],
    }
    majority = tuple(check("majority", c, measured) for c in profile.classes[matter_class])
    quorum_met = all(c.met for c in quorum)
    outcome: Outcome = "no_quorum" if not quorum_met else "passed" if all(c.met for c in majority) else "rejected"
    return QuestionResult(item, matter_class, participating, by_choice, quorum + majority, quorum_met, outcome)


def tally_questions(profile: Profile, items: Sequence[QuestionItem], total: Weight, ballots: Iterable[CastBallot]) -> list[QuestionResult]:
    participating, sums = sum_choices(ballots, [item.id for item in items])
    return [decide_question(profile, item, total, participating, sums[item.id]) for item in items]
