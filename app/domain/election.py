"""Committee elections (RULES §5): approvals, qualification, ranking, seats, ties, party check.

The party-member check is advisory: it is reported, and never changes who is
elected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction
from itertools import groupby
from typing import Any

from .numbers import parse_area, percent
from .rules import PartyTarget, Profile
from .tally import ABSTAIN, INVALID, CastBallot, Check, Weight, check, pack, quorum_checks, unpack


@dataclass(frozen=True)
class Candidate:
    id: str
    party: bool = False  # counts only when verified by the street office


@dataclass(frozen=True)
class ElectionItem:
    id: str
    seats: int
    alternates: int
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class CandidateResult:
    candidate: Candidate
    approvals: Weight
    checks: tuple[Check, ...]

    @property
    def qualified(self) -> bool:
        return all(c.met for c in self.checks)

    @property
    def rank_key(self) -> tuple[int, int]:
        """Ranked by approving headcount, then approving area (RULES §5)."""
        return (-self.approvals.heads, -self.approvals.area)


@dataclass(frozen=True)
class PartyCheck:
    members: int
    party_members: int
    target: PartyTarget | None

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.party_members, self.members) if self.members else None

    @property
    def met(self) -> bool | None:
        """None when no target applies; otherwise share >= target and count >= minimum."""
        if self.target is None:
            return None
        share = self.share
        return share is not None and share >= self.target.share and self.party_members >= self.target.minimum

    def as_json(self) -> dict[str, Any]:
        share = self.share
        return {
            "members": self.members,
            "party_members": self.party_members,
            "share": None if share is None else str(share),
            "percent": None if share is None else percent(share),
            "target": None if self.target is None else self.target.as_json(),
            "met": self.met,
        }


@dataclass(frozen=True)
class ElectionResult:
    item: ElectionItem
    participating: Weight
    abstain: Weight
    invalid: Weight
    quorum: tuple[Check, ...]
    candidates: tuple[CandidateResult, ...]  # in ballot order
    elected: tuple[str, ...]
    alternates: tuple[str, ...]
    tie: tuple[str, ...]
    unfilled_seats: int
    unfilled_alternates: int
    committee_formed: bool
    committee_min: int
    party_check: PartyCheck

    @property
    def quorum_met(self) -> bool:
        return all(c.met for c in self.quorum)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.item.id,
            "kind": "election",
            "seats": self.item.seats,
            "alternates_wanted": self.item.alternates,
            "participating": self.participating.as_json(),
            "abstain": self.abstain.as_json(),
            "invalid": self.invalid.as_json(),
            "quorum_met": self.quorum_met,
            "candidates": [
                {
                    "id": r.candidate.id,
                    "party": r.candidate.party,
                    "approvals": r.approvals.as_json(),
                    "qualified": r.qualified,
                    "explanation": [c.as_json() for c in r.checks],
                }
                for r in self.candidates
            ],
            "elected": list(self.elected),
            "alternates": list(self.alternates),
            "tie": list(self.tie),
            "unfilled_seats": self.unfilled_seats,
            "unfilled_alternates": self.unfilled_alternates,
            "committee_formed": self.committee_formed,
            "committee_min": self.committee_min,
            "party_check": self.party_check.as_json(),
            "explanation": [c.as_json() for c in self.quorum],
        }


class ApprovalProblem(Enum):
    UNKNOWN_CANDIDATE = "unknown_candidate"
    TWICE = "twice"
    TOO_MANY = "too_many"


def check_approvals(approvals: Sequence[str], item: ElectionItem) -> tuple[ApprovalProblem, str] | None:
    """Why a list of approvals is not a valid election choice (and how to say it), or None (RULES §5, §7)."""
    known = {c.id for c in item.candidates}
    for candidate_id in approvals:
        if candidate_id not in known:
            return ApprovalProblem.UNKNOWN_CANDIDATE, f'unknown candidate "{candidate_id}"'
    if len(set(approvals)) != len(approvals):
        return ApprovalProblem.TWICE, "approves the same candidate twice"
    if len(approvals) > item.seats:
        return ApprovalProblem.TOO_MANY, f"{len(approvals)} approvals for {item.seats} seats"
    return None


def approvals_problem(approvals: Sequence[str], item: ElectionItem) -> str | None:
    """Why a list of approvals is not a valid election choice, or None (RULES §7)."""
    problem = check_approvals(approvals, item)
    return None if problem is None else problem[1]


def sum_approvals(ballots: Iterable[CastBallot], item: ElectionItem) -> tuple[Weight, Weight, Weight, dict[str, Weight]]:
    """Participation, abstentions, invalid ballots and approvals per candidate, in one pass."""
    approvals = {c.id: 0 for c in item.candidates}
    participating = abstain = invalid = 0
    for ballot in ballots:
        weight = pack(ballot.area, ballot.heads)
        participating += weight
        choice = ballot.choices.get(item.id, ABSTAIN)
        if choice == ABSTAIN or choice == ():
            abstain += weight
        elif choice == INVALID:
            invalid += weight
        else:
            for candidate_id in choice:
                approvals[candidate_id] += weight
    return unpack(participating), unpack(abstain), unpack(invalid), {c: unpack(v) for c, v in approvals.items()}


def allocate(ranked: Sequence[CandidateResult], seats: int, alternates: int) -> tuple[list[str], list[str], list[str], int, int]:
    """Give places in rank order; a tie that straddles a boundary takes none of the places it contends for.

    Returns elected, alternates, tied candidates, unfilled seats, unfilled alternate places.
    Candidates ranked below a tie keep their own places.
    """
    places = seats + alternates
    elected: list[str] = []
    alternate_list: list[str] = []
    tied: list[str] = []
    position = 0
    for _key, group_iter in groupby(ranked, key=lambda r: r.rank_key):
        group = [r.candidate.id for r in group_iter]
        start, end = position, position + len(group)
        position = end
        if start >= places:
            break
        straddles = (start < seats < end) or (start < places < end)
        if straddles:
            tied.extend(group)
        elif end <= seats:
            elected.extend(group)
        else:
            alternate_list.extend(group)
    return elected, alternate_list, tied, seats - len(elected), alternates - len(alternate_list)


Places = tuple[str | None, ...]


def places(ranked: Sequence[tuple[str, tuple[int, int]]], seats: int, alternates: int) -> Places:
    """Who holds each place of a result, seats first and then alternate places; None where a place is open.

    ``ranked``: each qualified candidate with its rank key, best first (``allocate`` gives the same people
    the same places). A place is open when a tie straddling a boundary contends for it or nobody qualified.
    """
    total = seats + alternates
    held: list[str | None] = [None] * total
    position = 0
    for _key, group_iter in groupby(ranked, key=lambda r: r[1]):
        group = [candidate_id for candidate_id, _rank in group_iter]
        start, end = position, position + len(group)
        position = end
        if start >= total:
            break
        if (start < seats < end) or (start < total < end):
            continue
        held[start:end] = group
    return tuple(held)


def places_of_result(result: Mapping[str, Any]) -> Places:
    """The places of an election result as stored (``ElectionResult.as_json``), ranked again from its approvals."""
    seats, alternates = int(result["seats"]), int(result["alternates_wanted"])
    if not result["quorum_met"]:
        return (None,) * (seats + alternates)
    ranked = sorted(
        (
            (str(c["id"]), (-int(c["approvals"]["heads"]), -parse_area(c["approvals"]["area"], allow_zero=True)))
            for c in result["candidates"]
            if c["qualified"]
        ),
        key=lambda r: r[1],
    )
    return places(ranked, seats, alternates)


def fill_places(parent: Places, seats: int, followup: Places, followup_seats: int) -> Places:
    """The parent's places once a follow-up election fills its open ones (RULES §5).

    A runoff between tied candidates and a supplementary election are both set up with
    the parent's open seats as their seats and its open alternate places as their
    alternates; when the parent has no open seat (a runoff for the last alternate
    places), the follow-up's seats are those alternate places. So the follow-up's
    seat places fill the parent's open seats in order (or its open alternate places),
    and its alternate places fill the open alternate places left. Places the parent
    holds never change, nobody holds two places, and the places the follow-up left
    open stay open for the next follow-up.
    """
    held = list(parent)
    present = {p for p in held if p is not None}
    open_seats = [i for i in range(seats) if held[i] is None]
    open_alternates = [i for i in range(seats, len(held)) if held[i] is None]
    incoming_seats, incoming_alternates = list(followup[:followup_seats]), list(followup[followup_seats:])
    if open_seats:
        targets = [*zip(open_seats, incoming_seats, strict=False), *zip(open_alternates, incoming_alternates, strict=False)]
    else:
        targets = list(zip(open_alternates, [*incoming_seats, *incoming_alternates], strict=False))
    for index, who in targets:
        if who is not None and who not in present:
            held[index] = who
            present.add(who)
    return tuple(held)


def seated_from(held: Places, seats: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The members (the held seats in rank order) and the alternates (the held alternate places in rank order)."""
    return tuple(p for p in held[:seats] if p is not None), tuple(p for p in held[seats:] if p is not None)


def decide_election(
    profile: Profile,
    item: ElectionItem,
    total: Weight,
    participating: Weight,
    abstain: Weight,
    invalid: Weight,
    approvals: Mapping[str, Weight],
    party_target: PartyTarget | None,
) -> ElectionResult:
    quorum = quorum_checks(profile, total, participating)
    cast = Weight(participating.area - abstain.area - invalid.area, participating.heads - abstain.heads - invalid.heads)
    results = []
    for candidate in item.candidates:
        approved = approvals[candidate.id]
        measured = {"total": total, "participating": participating, "agree": approved, "cast": cast}
        results.append(CandidateResult(candidate, approved, tuple(check("qualify", c, measured) for c in profile.qualify)))
    quorum_met = all(c.met for c in quorum)
    if quorum_met:
        ranked = sorted((r for r in results if r.qualified), key=lambda r: r.rank_key)
        elected, alternates, tie, unfilled_seats, unfilled_alternates = allocate(ranked, item.seats, item.alternates)
    else:
        elected, alternates, tie, unfilled_seats, unfilled_alternates = [], [], [], item.seats, item.alternates
    party = {c.id for c in item.candidates if c.party}
    return ElectionResult(
        item=item,
        participating=participating,
        abstain=abstain,
        invalid=invalid,
        quorum=quorum,
        candidates=tuple(results),
        elected=tuple(elected),
        alternates=tuple(alternates),
        tie=tuple(tie),
        unfilled_seats=unfilled_seats,
        unfilled_alternates=unfilled_alternates,
        committee_formed=quorum_met and len(elected) >= profile.settings.committee_min,
        committee_min=profile.settings.committee_min,
        party_check=PartyCheck(len(elected), sum(1 for c in elected if c in party), party_target),
    )


def tally_election(
    profile: Profile, item: ElectionItem, total: Weight, ballots: Iterable[CastBallot], party_target: PartyTarget | None = None
) -> ElectionResult:
    participating, abstain, invalid, approvals = sum_approvals(ballots, item)
    target = party_target if party_target is not None else profile.settings.party_target
    return decide_election(profile, item, total, participating, abstain, invalid, approvals, target)
