"""A cost of the maintenance fund shared among the units of its scope by area, in fen (RULES §11).

Each unit gets ``floor(cost × area / total)`` fen, where ``total`` is the sum of
the scope's areas. The fen left over (fewer than there are units) go one each
to the units with the largest remainders of that division; ties go to the
larger area, then to the smaller unit id (in the order people read units:
1-101 before 1-201 before 1-1001). So the shares add up exactly to the
cost, each is within one fen of its exact quota ``cost × area / total``, a
larger area never bears a smaller share, and the result does not depend on
the order the units are given in.

RULES conformance: §11 says "costs are apportioned to the units of the scope
by area, in fen, largest remainders to the units with the largest areas, so
the shares add up exactly". The quota is computed in integer arithmetic
(§1: no floats decide); "largest remainders" is the Hamilton method on the
exact remainders, and where remainders are equal the larger area is served
first, as §11 names; the unit id settles what is left, so the answer is total
and reproducible.
"""

from __future__ import annotations

from collections.abc import Mapping

from .errors import RuleViolation
from .units import unit_sort_key


def apportion(cost_fen: int, areas: Mapping[str, int]) -> dict[str, int]:
    """Each unit's share of ``cost_fen``, by its area (integer hundredths of m²), adding up exactly.

    Each unit gets floor(cost × area / total); the fen left over go one each to
    the units with the largest remainders, ties to the larger area, then the
    smaller unit id. A non-positive cost, an empty scope or a non-positive area
    is refused, naming the field.
    """
    if isinstance(cost_fen, bool) or not isinstance(cost_fen, int) or cost_fen <= 0:
        raise RuleViolation("cost", "the cost must be a whole number of fen greater than zero")
    if not areas:
        raise RuleViolation("scope", "the scope has no units to share the cost")
    for unit, area in areas.items():
        if isinstance(area, bool) or not isinstance(area, int) or area <= 0:
            raise RuleViolation(f"areas[{unit}]", "the area must be a whole number of hundredths of m² greater than zero")
    total = sum(areas.values())
    shares: dict[str, int] = {}
    remainders: dict[str, int] = {}
    for unit, area in areas.items():
        shares[unit], remainders[unit] = divmod(cost_fen * area, total)
    left = cost_fen - sum(shares.values())
    for unit in sorted(areas, key=lambda u: (-remainders[u], -areas[u], unit_sort_key(u)))[:left]:
        shares[unit] += 1
    return {unit: shares[unit] for unit in sorted(shares, key=unit_sort_key)}
