"""The owners' committee around its election (RULES §5): setup, slate, term, vacancies, chair vote.

Pure functions over plain values; the services translate the problem codes
into messages for people.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from math import ceil
from typing import Any, Literal

from .numbers import percent
from .rules import PartyTarget, Settings

# How far ahead the re-election is flagged (issue: three months before the term ends).
REELECTION_NOTICE_MONTHS = 3
# The members elect the chair and vice chair within this many days of seating.
CHAIR_ELECTION_DAYS = 7

SetupProblem = Literal["seats_range", "seats_even", "alternates_range"]


def setup_problems(settings: Settings, seats: int, alternates: int) -> list[tuple[str, SetupProblem]]:
    """Everything wrong with an election's seats and alternate places, by field."""
    problems: list[tuple[str, SetupProblem]] = []
    if not settings.committee_min <= seats <= settings.committee_max:
        problems.append(("seats", "seats_range"))
    elif settings.committee_odd and seats % 2 == 0:
        problems.append(("seats", "seats_even"))
    if alternates < 0 or alternates > seats * settings.alternates_max_ratio:
        problems.append(("alternates", "alternates_range"))
    return problems


def party_needed(target: PartyTarget, seats: int) -> int:
    """How many of ``seats`` members must be party members for the target to hold."""
    return max(target.minimum, ceil(target.share * seats))


@dataclass(frozen=True)
class SlateCheck:
    """Can the vetted slate meet the party target at all? Advisory: it never bars a candidate."""

    seats: int
    candidates: int
    verified_party: int
    target: PartyTarget | None

    @property
    def needed(self) -> int | None:
        return None if self.target is None else party_needed(self.target, self.seats)

    @property
    def feasible(self) -> bool | None:
        """None when no target applies."""
        needed = self.needed
        return None if needed is None else self.verified_party >= needed

    @property
    def enough_candidates(self) -> bool:
        return self.candidates >= self.seats

    def as_json(self) -> dict[str, Any]:
        return {
            "seats": self.seats,
            "candidates": self.candidates,
            "verified_party": self.verified_party,
            "needed": self.needed,
            "feasible": self.feasible,
            "enough_candidates": self.enough_candidates,
            "target": None if self.target is None else self.target.as_json(),
        }


def slate_check(target: PartyTarget | None, seats: int, party_flags: Sequence[bool]) -> SlateCheck:
    """``party_flags``: one per approved candidate, True when the street office verified membership."""
    return SlateCheck(seats, len(party_flags), sum(1 for p in party_flags if p), target)


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def term_end(seated_on: date, years: int) -> date:
    """A term runs ``years`` from seating; it ends the day before the anniversary."""
    return date.fromordinal(add_years(seated_on, years).toordinal() - 1)


@dataclass(frozen=True)
class TermStatus:
    ends_on: date
    days_left: int
    reelection_due: bool  # within the notice months before the end, or past it
    expired: bool
    seated: int  # members currently holding a seat and not suspended
    seats: int
    below_half: bool  # fewer than half the seats filled: a re-election is due

    @property
    def flags(self) -> list[str]:
        out = []
        if self.expired:
            out.append("expired")
        elif self.reelection_due:
            out.append("reelection_due")
        if self.below_half:
            out.append("below_half")
        return out


def term_status(ends_on: date, today: date, *, seats: int, seated: int) -> TermStatus:
    return TermStatus(
        ends_on=ends_on,
        days_left=(ends_on - today).days,
        reelection_due=today >= add_months(ends_on, -REELECTION_NOTICE_MONTHS),
        expired=today > ends_on,
        seated=seated,
        seats=seats,
        below_half=2 * seated < seats,
    )


@dataclass(frozen=True)
class Seat:
    """A place on the committee as vacancy filling sees it."""

    id: str
    alternate_rank: int | None  # None for a member; 1, 2, ... for alternates in rank order
    active: bool  # False once the member has left


def next_alternate(seats: Sequence[Seat]) -> str | None:
    """The alternate who fills a vacancy: the highest-ranked one still active (RULES §5)."""
    waiting = sorted((s for s in seats if s.active and s.alternate_rank is not None), key=lambda s: s.alternate_rank or 0)
    return waiting[0].id if waiting else None


@dataclass(frozen=True)
class ChairOutcome:
    office: str
    members: int
    votes: Mapping[str, int]
    elected: str | None  # more than half of ALL members, not of those who voted

    @property
    def needed(self) -> int:
        return self.members // 2 + 1


def chair_outcome(office: str, members: int, ballots: Mapping[str, str]) -> ChairOutcome:
    """``ballots`` maps each voting member to the member they chose for ``office``."""
    votes = Counter(ballots.values())
    needed = members // 2 + 1
    winners = [candidate for candidate, n in votes.items() if n >= needed]
    return ChairOutcome(office, members, dict(votes), winners[0] if winners else None)


def chair_vote_deadline(seated_on: date, reopened_until: date | None = None) -> date:
    """The last day the members may elect the chair and vice chair (RULES §5: within 7 days of seating).

    When the street office has ordered the members to vote again, the day that order's vote runs to.
    """
    return reopened_until if reopened_until is not None else seated_on + timedelta(days=CHAIR_ELECTION_DAYS)


def chair_vote_reopened_until(ordered_on: date) -> date:
    """A vote the street office orders again runs another 7 days from the order."""
    return ordered_on + timedelta(days=CHAIR_ELECTION_DAYS)


def chair_vote_open(today: date, deadline: date) -> bool:
    return today <= deadline


def chair_vote_overdue(today: date, deadline: date, *, offices_filled: bool) -> bool:
    """The dashboard's flag: the deadline has passed and the chair or the vice chair is still to be elected."""
    return not offices_filled and not chair_vote_open(today, deadline)


def party_share_text(members: int, party_members: int) -> str:
    return percent(Fraction(party_members, members)) if members else "0.00"
