"""The preparatory group (业主大会筹备组, RULES §10): its composition and its two deadlines.

Pure functions over plain values; the services translate the problem codes
into messages for people, naming the profile's numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Literal

from .rules import Settings

MemberKind = Literal["owner", "developer", "office", "residents_committee"]
MEMBER_KINDS: tuple[MemberKind, ...] = ("owner", "developer", "office", "residents_committee")

GroupProblem = Literal[
    "members_none",
    "members_even",
    "owners_share",
    "developer_without_units",
    "leader_count",
    "leader_not_office",
]


@dataclass(frozen=True)
class Seat:
    """A member of the group as the composition rule sees them."""

    kind: MemberKind
    leader: bool = False


def at_least_share(part: int, whole: int, share: Fraction) -> bool:
    """``part / whole >= share``, exactly, in integers; an empty whole holds no share."""
    return whole > 0 and part * share.denominator >= whole * share.numerator


def group_problems(settings: Settings, members: Sequence[Seat], *, developer_holds_units: bool) -> list[GroupProblem]:
    """Everything wrong with a group's composition, in the order the rule states it.

    Odd number of members (when the profile says so); owners' representatives at
    least the profile's share; a developer's representative only where the
    developer still holds undelivered or unsold units; exactly one leader, the
    street office's representative.
    """
    problems: list[GroupProblem] = []
    if not members:
        return ["members_none"]
    if settings.group_odd and len(members) % 2 == 0:
        problems.append("members_even")
    owners = sum(1 for m in members if m.kind == "owner")
    if not at_least_share(owners, len(members), settings.group_owner_share):
        problems.append("owners_share")
    if not developer_holds_units and any(m.kind == "developer" for m in members):
        problems.append("developer_without_units")
    leaders = [m for m in members if m.leader]
    if len(leaders) != 1:
        problems.append("leader_count")
    elif leaders[0].kind != "office":
        problems.append("leader_not_office")
    return problems


TemporaryProblem = Literal["members_min", "members_even", "representatives_share"]


def temporary_problems(settings: Settings, members: int, owner_representatives: int) -> list[TemporaryProblem]:
    """A temporary management committee (物业管理委员会): the profile's minimum, odd, owners' representatives' share."""
    problems: list[TemporaryProblem] = []
    if members < settings.temporary_min:
        problems.append("members_min")
    elif settings.temporary_odd and members % 2 == 0:
        problems.append("members_even")
    if not at_least_share(owner_representatives, members, settings.temporary_owner_share):
        problems.append("representatives_share")
    return problems


GroupFlag = Literal["members_unpublished_overdue", "first_assembly_overdue"]


@dataclass(frozen=True)
class GroupDeadlines:
    publish_by: date  # the member list is on the board by this day (inclusive)
    assemble_by: date  # the first assembly has opened for voting by this day (inclusive)
    published_on: date | None
    first_assembly_on: date | None
    today: date

    @property
    def publish_overdue(self) -> bool:
        """Not published and the day has passed (a late publication ends the flag: the list is out)."""
        return self.published_on is None and self.today > self.publish_by

    @property
    def publish_late(self) -> bool:
        return self.published_on is not None and self.published_on > self.publish_by

    @property
    def assembly_overdue(self) -> bool:
        return self.first_assembly_on is None and self.today > self.assemble_by

    @property
    def assembly_late(self) -> bool:
        return self.first_assembly_on is not None and self.first_assembly_on > self.assemble_by

    @property
    def flags(self) -> list[GroupFlag]:
        out: list[GroupFlag] = []
        if self.publish_overdue:
            out.append("members_unpublished_overdue")
        if self.assembly_overdue:
            out.append("first_assembly_overdue")
        return out


def group_deadlines(
    settings: Settings, formed_on: date, published_on: date | None, first_assembly_on: date | None, today: date
) -> GroupDeadlines:
    """The group's deadlines counted in days from the day it was formed (RULES §10: 7 and 90 in cn-national).

    ``first_assembly_on`` is the day the first session after forming opened for
    voting: an assembly is held when owners can vote in it, not when it is
    drafted or announced.
    """
    return GroupDeadlines(
        publish_by=formed_on + timedelta(days=settings.group_publish_days),
        assemble_by=formed_on + timedelta(days=settings.first_assembly_days),
        published_on=published_on,
        first_assembly_on=first_assembly_on,
        today=today,
    )
