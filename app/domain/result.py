"""A session's published result, built in one place for the server's tally and an offline recount.

``sums`` maps each item id to its summed weights: for a question, by choice
(agree, disagree, abstain, invalid); for an election, ``abstain``,
``invalid`` and one entry per candidate id holding that candidate's approvals.

A scoped item (RULES §9) carries its ``ItemScope``: it is decided against the
scope's totals, with ``scoped[item id]`` as its participation, and its sums
weigh each in-scope voter by their in-scope area and a headcount of 1. Its
published result carries ``scope`` (the unit ids) and ``totals``, as the case
format's result does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .canonical import canonical_json, sha256_hex
from .election import Candidate, ElectionItem, decide_election, sum_approvals
from .numbers import format_area
from .rules import Profile
from .tally import ABSTAIN, INVALID, QUESTION_CHOICES, CastBallot, QuestionItem, Weight, decide_question, sum_choices


@dataclass(frozen=True)
class ItemScope:
    """The part of the community that decides an item (RULES §9), as frozen at announcement.

    ``voters`` names each voter with a counting unit inside the scope by the
    name the bulletin gives them, with their in-scope area in hundredths.
    """

    units: tuple[str, ...]
    total: Weight
    voters: Mapping[str, int] = field(default_factory=dict, hash=False)
    label: str = ""

    def holds(self, voter: str) -> bool:
        return voter in self.voters

    def digest(self) -> str:
        """SHA-256 of the scope's frozen roll (its units, each voter's name and in-scope area), published at announcement:
        the recount and ``flask audit verify`` hold roll.json and the stored rows to it."""
        return scope_digest(self.units, self.voters)


def scope_digest(units: Sequence[str], voters: Mapping[str, int]) -> str:
    roll = {"units": list(units), "voters": {name: format_area(area) for name, area in sorted(voters.items())}}
    return sha256_hex(canonical_json(roll))


@dataclass(frozen=True)
class SessionItem:
    """An item as a session's result names it; an election carries its seats and vetted slate."""

    id: str
    matter: str
    title: str
    position: int
    kind: str = "question"
    seats: int = 0
    alternates: int = 0
    candidates: tuple[Candidate, ...] = field(default=())
    scope: ItemScope | None = None

    @property
    def is_election(self) -> bool:
        return self.kind == "election"

    def election(self) -> ElectionItem:
        return ElectionItem(self.id, self.seats, self.alternates, self.candidates)


def sum_session(ballots: Iterable[CastBallot], items: Sequence[SessionItem]) -> tuple[Weight, dict[str, dict[str, Weight]]]:
    """Participation and the sums of every item in one pass over the ballots."""
    ballots = list(ballots)
    questions = [i.id for i in items if not i.is_election]
    participating, sums = sum_choices(ballots, questions)
    for item in items:
        if item.is_election:
            _participating, abstain, invalid, approvals = sum_approvals(ballots, item.election())
            sums[item.id] = {ABSTAIN: abstain, INVALID: invalid, **approvals}
    return participating, sums


def sum_scoped(ballots: Iterable[tuple[str, Mapping[str, Any]]], item: SessionItem) -> tuple[Weight, dict[str, Weight]]:
    """A scoped item's participation and sums from ``(voter, counted choices)``: in-scope voters by in-scope area, 1 head each."""
    assert item.scope is not None
    inside = item.scope.voters
    counted = [CastBallot(inside[voter], choices, 1) for voter, choices in ballots if voter in inside]
    participating, sums = sum_session(counted, [item])
    return participating, sums[item.id]


def session_result(
    profile: Profile,
    *,
    session: str,
    roll_sha256: str | None,
    total: Weight,
    participating: Weight,
    sums: Mapping[str, Mapping[str, Weight]],
    ballots: int,
    items: Sequence[SessionItem],
    scoped: Mapping[str, Weight] | None = None,
) -> dict[str, Any]:
    """A session's published result: the server's tally and an offline recount both build it here.

    ``scoped``: each scoped item's participation (its in-scope voters who cast a ballot).
    """
    decided = []
    whole_total, whole_participating = total, participating
    for item in items:
        item_sums = sums.get(item.id, {})
        extra: dict[str, Any] = {}
        if item.scope is not None:
            total, participating = item.scope.total, (scoped or {}).get(item.id, Weight())
            extra = {"scope": list(item.scope.units), "totals": total.as_json()}
        else:
            total, participating = whole_total, whole_participating
        if item.is_election:
            election = item.election()
            outcome = decide_election(
                profile,
                election,
                total,
                participating,
                item_sums.get(ABSTAIN, Weight()),
                item_sums.get(INVALID, Weight()),
                {c.id: item_sums.get(c.id, Weight()) for c in election.candidates},
                profile.settings.party_target,
            )
            decided.append({**outcome.as_json(), **extra, "title": item.title, "position": item.position})
            continue
        by_choice = {choice: item_sums.get(choice, Weight()) for choice in QUESTION_CHOICES}
        question = decide_question(profile, QuestionItem(item.id, item.matter), total, participating, by_choice)
        decided.append({**question.as_json(), **extra, "title": item.title, "position": item.position})
    return {
        "session": session,
        "profile": profile.name,
        "roll_sha256": roll_sha256,
        "totals": whole_total.as_json(),
        "ballots": ballots,
        "items": decided,
    }
