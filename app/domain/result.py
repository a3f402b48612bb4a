"""A session's published result, built in one place for the server's tally and an offline recount.

``sums`` maps each item id to its summed weights: for a question, by choice
(agree, disagree, abstain, invalid); for an election, ``abstain``,
``invalid`` and one entry per candidate id holding that candidate's approvals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .election import Candidate, ElectionItem, decide_election, sum_approvals
from .rules import Profile
from .tally import ABSTAIN, INVALID, QUESTION_CHOICES, CastBallot, QuestionItem, Weight, decide_question, sum_choices


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
) -> dict[str, Any]:
    """A session's published result: the server's tally and an offline recount both build it here."""
    decided = []
    for item in items:
        item_sums = sums.get(item.id, {})
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
            decided.append({**outcome.as_json(), "title": item.title, "position": item.position})
            continue
        by_choice = {choice: item_sums.get(choice, Weight()) for choice in QUESTION_CHOICES}
        question = decide_question(profile, QuestionItem(item.id, item.matter), total, participating, by_choice)
        decided.append({**question.as_json(), "title": item.title, "position": item.position})
    return {
        "session": session,
        "profile": profile.name,
        "roll_sha256": roll_sha256,
        "totals": total.as_json(),
        "ballots": ballots,
        "items": decided,
    }
