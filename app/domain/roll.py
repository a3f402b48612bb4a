"""Who votes, with what weight (RULES §2).

A voter (表决权人) is a distinct set of holders. Every counting unit with exactly
that holder set belongs to it: its area is the sum of those units' areas and
its headcount is 1 (SPC interpretation art. 9). Units the developer has not
sold, or sold but not delivered, are held by the developer, so all of them
form a single voter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .canonical import canonical_json, sha256_hex
from .errors import RuleViolation
from .numbers import format_area


@dataclass(frozen=True)
class UnitRecord:
    """One unit as the register holds it."""

    unit_id: str
    area_centi: int
    holders: frozenset[str]
    votes: bool = True
    delivered: bool = True


@dataclass(frozen=True)
class Voter:
    holders: frozenset[str]
    units: tuple[str, ...]
    area_centi: int
    headcount: int = 1

    @property
    def key(self) -> str:
        """Stable identity of the holder set, independent of order."""
        return "|".join(sorted(self.holders))


@dataclass(frozen=True)
class Roll:
    voters: tuple[Voter, ...]
    total_area_centi: int
    total_heads: int
    _by_unit: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def voter_for_unit(self, unit_id: str) -> Voter | None:
        index = self._by_unit.get(unit_id)
        return None if index is None else self.voters[index]

    def as_json(self) -> dict[str, object]:
        return {
            "totals": {"area": format_area(self.total_area_centi), "heads": self.total_heads},
            "voters": [
                {
                    "holders": sorted(v.holders),
                    "units": list(v.units),
                    "area": format_area(v.area_centi),
                    "headcount": v.headcount,
                }
                for v in self.voters
            ],
        }

    def digest(self) -> str:
        """SHA-256 of the canonical roll, published when a session is announced."""
        return sha256_hex(canonical_json(self.as_json()))


def effective_holders(unit: UnitRecord, developer: str | None) -> frozenset[str]:
    """The holders whose voter a unit counts for."""
    if unit.delivered:
        return unit.holders
    if developer is None:
        raise RuleViolation(
            f"units[{unit.unit_id}].holders",
            "an undelivered or unsold unit needs the community's developer on record",
        )
    return frozenset({developer})


def derive_roll(units: Iterable[UnitRecord], developer: str | None = None) -> Roll:
    """Derive the voters from the register. Non-voting units are left out."""
    grouped: dict[frozenset[str], tuple[list[str], int]] = {}
    seen: set[str] = set()
    for unit in units:
        if unit.unit_id in seen:
            raise RuleViolation(f"units[{unit.unit_id}]", "duplicate unit")
        seen.add(unit.unit_id)
        if unit.area_centi <= 0:
            raise RuleViolation(f"units[{unit.unit_id}].area", "must be greater than zero")
        if not unit.votes:
            continue
        holders = effective_holders(unit, developer)
        if not holders:
            raise RuleViolation(f"units[{unit.unit_id}].holders", "a counting unit needs a holder")
        ids, area = grouped.get(holders, ([], 0))
        ids.append(unit.unit_id)
        grouped[holders] = (ids, area + unit.area_centi)

    voters = sorted(
        (Voter(holders=h, units=tuple(sorted(ids)), area_centi=area) for h, (ids, area) in grouped.items()),
        key=lambda v: (v.units[0], v.key),
    )
    by_unit = {unit_id: i for i, v in enumerate(voters) for unit_id in v.units}
    return Roll(
        voters=tuple(voters),
        total_area_centi=sum(v.area_centi for v in voters),
        total_heads=len(voters),
        _by_unit=by_unit,
    )


def derive_scoped_roll(units: Iterable[UnitRecord], scope: Iterable[str], developer: str | None = None) -> Roll:
    """The roll of an item decided by part of the community (RULES §9).

    Derived as in §2 from the scope's counting units only: a voter's area is
    the sum of their counting units inside the scope, a voter with none inside
    it is not on the roll, and the totals are the scope's. Voters keep the
    identity (``Voter.key``) they have on the whole community's roll.
    """
    inside = frozenset(scope)
    return derive_roll((unit for unit in units if unit.unit_id in inside), developer)
