"""A ballot as a session counts it: every item with its choice, checked against the items and their slates.

The phone's ballot, a paper ballot typed in by the committee and an entry of
the published bulletin in a recount all go through ``complete_ballot``, so a
choice the count would refuse can never be cast, nor slip through a recount.

A scoped item (RULES §9) is on the ballot only of the voters its scope holds:
for anyone else completion leaves it out, and a choice on it is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .election import ApprovalProblem, check_approvals
from .result import SessionItem
from .tally import ABSTAIN, AGREE, DISAGREE, INVALID

# What an owner or a paper ballot chooses on a question; "invalid" is the count's word for a spoiled paper.
CAST_CHOICES = (AGREE, DISAGREE, ABSTAIN)

Choice = str | list[str]


class BallotRefused(ValueError):
    """A ballot the session's items cannot take, naming the item and why."""

    def __init__(self, item_id: str, reason: str, *, too_many: bool = False, outside: bool = False) -> None:
        super().__init__(f"choices.{item_id} {reason}")
        self.item_id = item_id
        self.reason = reason
        # Approving more candidates than seats is a voter's slip; anything else a form could not have sent.
        self.too_many = too_many
        # A choice on a scoped item the voter has no counting unit in (RULES §9).
        self.outside = outside


def items_for(items: Sequence[SessionItem], voter: str | None) -> list[SessionItem]:
    """The items on a voter's ballot: every whole-community item, and the scoped items whose scope holds the voter."""
    return [item for item in items if item.scope is None or voter is None or item.scope.holds(voter)]


def id_order(item_id: str) -> tuple[int, str]:
    """Ids in their numeric order where they are numbers (as the server's are)."""
    return (int(item_id), item_id) if item_id.isdigit() else (1 << 62, item_id)


def complete_ballot(
    items: Sequence[SessionItem], choices: Mapping[str, Any], *, invalid: bool = False, voter: str | None = None
) -> dict[str, Choice]:
    """Every item on the voter's ballot with its choice: blank items and empty approval lists abstain, approvals in id order.

    ``invalid`` admits the count's "invalid" (a recount of published entries); a
    voter's or a paper ballot never carries it. ``voter`` (the bulletin's name
    for them) leaves out the scoped items whose scope does not hold them. Raises
    BallotRefused at the first choice the items do not offer.
    """
    by_id = {item.id: item for item in items}
    for item_id in choices:
        if item_id not in by_id:
            raise BallotRefused(item_id, "names no item of the session")
    if voter is not None and any(item.scope is not None for item in items):
        for item_id in choices:
            scope = by_id[item_id].scope
            if scope is not None and not scope.holds(voter):
                raise BallotRefused(item_id, "is an item of a scope the voter has no counting unit in", outside=True)
        by_id = {item.id: item for item in items_for(items, voter)}
    question_choices = (*CAST_CHOICES, INVALID) if invalid else CAST_CHOICES
    complete: dict[str, Choice] = {}
    for item_id, item in by_id.items():
        choice = choices.get(item_id, ABSTAIN)
        if not item.is_election:
            if isinstance(choice, list):
                raise BallotRefused(item_id, "approves candidates on a question")
            if choice not in question_choices:
                raise BallotRefused(item_id, f"is not one of {', '.join(question_choices)}")
            complete[item_id] = choice
            continue
        if choice == ABSTAIN or choice == []:
            complete[item_id] = ABSTAIN
            continue
        if invalid and choice == INVALID:
            complete[item_id] = INVALID
            continue
        if not isinstance(choice, list) or any(not isinstance(c, str) for c in choice):
            raise BallotRefused(item_id, "is not a list of candidates, abstain or invalid")
        problem = check_approvals(choice, item.election())
        if problem is not None:
            kind, reason = problem
            raise BallotRefused(item_id, reason, too_many=kind is ApprovalProblem.TOO_MANY)
        complete[item_id] = sorted(choice, key=id_order)
    return complete
