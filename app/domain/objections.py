"""Objections to a preliminary result (初步统计结果公示 → 询异): their kinds, outcomes and the period that bounds them.

At the close the result is published as preliminary; for the profile's
``objection_days`` an owner can object from their letter. The committee
answers, the street office upholds or dismisses; an upheld objection ends in
one outcome. The result is certified only when the period is over and every
objection is settled (``blockers``).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


class ObjectionKind(enum.Enum):
    NOT_MINE = "not_mine"  # the ballot on record for my units is not mine
    UNIT_MISSING = "unit_missing"  # a unit of mine is missing from my entry on the roll
    UNIT_WRONG = "unit_wrong"  # a unit on my entry is not mine, or someone on the roll should not be
    WEIGHT_WRONG = "weight_wrong"  # my area or headcount on the roll is wrong
    COUNT_WRONG = "count_wrong"  # the count does not follow from the ballots


class ObjectionStatus(enum.Enum):
    FILED = "filed"  # waiting for the committee's answer
    ANSWERED = "answered"  # the committee answered; the street office decides
    UPHELD = "upheld"  # the office upheld it; its outcome is being carried out
    DISMISSED = "dismissed"
    SETTLED = "settled"  # upheld, and its outcome is done


class Outcome(enum.Enum):
    PAPER = "paper"  # the voter's ballot entered from their paper ballot by two committee members
    REISSUE = "reissue"  # a new letter, with a short extra window for that voter
    REJECTED = "rejected"  # the result rejected, with an order


# What an upheld objection can lead to: only a ballot that was not the voter's can be corrected voter by voter; an
# error in the roll or the count cannot be, and rejects the result.
OUTCOMES: dict[ObjectionKind, tuple[Outcome, ...]] = {
    ObjectionKind.NOT_MINE: (Outcome.REISSUE, Outcome.PAPER, Outcome.REJECTED),
    ObjectionKind.UNIT_MISSING: (Outcome.REJECTED,),
    ObjectionKind.UNIT_WRONG: (Outcome.REJECTED,),
    ObjectionKind.WEIGHT_WRONG: (Outcome.REJECTED,),
    ObjectionKind.COUNT_WRONG: (Outcome.REJECTED,),
}

UNDECIDED = frozenset({ObjectionStatus.FILED, ObjectionStatus.ANSWERED})
OPEN = UNDECIDED | {ObjectionStatus.UPHELD}


def period_end(published_at: datetime, days: int) -> datetime:
    """When owners can no longer object: ``days`` after the preliminary result was published (0: at once)."""
    return published_at + timedelta(days=days)


@dataclass(frozen=True)
class Pending:
    """An objection that stands in the way of certifying: its public id and why."""

    public_id: str
    status: ObjectionStatus


@dataclass(frozen=True)
class Blockers:
    period_until: datetime | None  # the period still runs until then
    undecided: tuple[str, ...]  # objections the office has not decided
    unsettled: tuple[str, ...]  # upheld, their outcome not carried out yet

    def __bool__(self) -> bool:
        return self.period_until is not None or bool(self.undecided or self.unsettled)


def blockers(now: datetime, until: datetime | None, objections: Sequence[Pending]) -> Blockers:
    """What keeps a preliminary result from being certified at ``now``: the period, and objections not yet settled."""
    return Blockers(
        period_until=until if until is not None and now < until else None,
        undecided=tuple(o.public_id for o in objections if o.status in UNDECIDED),
        unsettled=tuple(o.public_id for o in objections if o.status is ObjectionStatus.UPHELD),
    )


def can_file(now: datetime, until: datetime | None) -> bool:
    """Owners object while the period runs; before the close there is no result to object to."""
    return until is not None and now < until
