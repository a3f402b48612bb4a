"""The owners' committee deciding on its own (RULES §5): who may convene, who may vote, when a motion passes.

A motion passes with more than half of **all** members: the committee's
seats, vacant ones included, whatever the attendance. A suspended member
keeps the seat (it still counts in "all members") but cannot vote. Pure
functions over plain values; the services translate the problem codes into
messages for people.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from math import ceil
from typing import Literal


class MemberStanding(enum.Enum):
    ACTIVE = "active"
    SUSPENDED = "suspended"  # by an order or a negative-list finding: the seat counts, the member does not vote


MOTION_CHOICES = ("agree", "disagree", "abstain")

VoteProblem = Literal["not_a_member", "suspended", "twice", "choice"]


def all_members(seats: int) -> int:
    """The base of every committee decision: the seats the assembly elected, vacant or not."""
    if seats < 1:
        raise ValueError("a committee has at least one seat")
    return seats


def needed(seats: int) -> int:
    """The agreeing members a motion needs: more than half of all members."""
    return all_members(seats) // 2 + 1


def vote_problem(member: str, choice: str, standings: Mapping[str, MemberStanding], voted: Iterable[str]) -> VoteProblem | None:
    """Why ``member`` may not vote ``choice`` on a motion now (None: they may)."""
    standing = standings.get(member)
    if standing is None:
        return "not_a_member"
    if standing is MemberStanding.SUSPENDED:
        return "suspended"
    if member in set(voted):
        return "twice"
    if choice not in MOTION_CHOICES:
        return "choice"
    return None


@dataclass(frozen=True)
class MotionOutcome:
    seats: int
    agree: int
    disagree: int
    abstain: int

    @property
    def needed(self) -> int:
        return needed(self.seats)

    @property
    def voted(self) -> int:
        return self.agree + self.disagree + self.abstain

    @property
    def passed(self) -> bool:
        return self.agree >= self.needed

    @property
    def share_text(self) -> str:
        """``3/5``: the agreeing members of all members, as the minutes and the notice state it."""
        return f"{self.agree}/{self.seats}"


def motion_outcome(seats: int, votes: Mapping[str, str], standings: Mapping[str, MemberStanding]) -> MotionOutcome:
    """Count the votes of members entitled to vote; a vote of anyone else is refused before it gets here.

    Raises ValueError for a vote the rules refuse (so a count never silently drops one).
    """
    for member, choice in votes.items():
        problem = vote_problem(member, choice, standings, ())
        if problem is not None:
            raise ValueError(f"vote of {member}: {problem}")
    if len(standings) > all_members(seats):
        raise ValueError("more members than seats")
    counts = Counter(votes.values())
    return MotionOutcome(seats, counts["agree"], counts["disagree"], counts["abstain"])


def may_convene(*, chair: bool, requesters: int, seats: int, share: Fraction) -> bool:
    """The chair convenes a meeting; so do members holding at least ``share`` of all seats (e.g. a third)."""
    return chair or requesters >= max(1, ceil(share * all_members(seats)))


def decision_due(decided_on: date, days: int) -> date:
    """The last day the decision notice may be published (RULES §5: within 3 days under ``cn-national``)."""
    return decided_on + timedelta(days=days)
