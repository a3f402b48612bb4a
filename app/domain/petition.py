"""Petitions for an extraordinary session (RULES §3): 20 % of the total area and 20 % of the headcount."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .numbers import percent
from .rules import Settings
from .tally import Weight


@dataclass(frozen=True)
class PetitionProgress:
    signed: Weight
    total: Weight
    area_share: Fraction  # the threshold, e.g. 1/5
    heads_share: Fraction

    @property
    def area_met(self) -> bool:
        return self.total.area > 0 and Fraction(self.signed.area, self.total.area) >= self.area_share

    @property
    def heads_met(self) -> bool:
        return self.total.heads > 0 and Fraction(self.signed.heads, self.total.heads) >= self.heads_share

    @property
    def reached(self) -> bool:
        """Both measures at or above their share: the committee must convene."""
        return self.area_met and self.heads_met

    @property
    def area_percent(self) -> str:
        return percent(Fraction(self.signed.area, self.total.area)) if self.total.area else "0.00"

    @property
    def heads_percent(self) -> str:
        return percent(Fraction(self.signed.heads, self.total.heads)) if self.total.heads else "0.00"

    @property
    def nearness(self) -> Fraction:
        """How far along the slower measure is toward its threshold (1 = reached); for "near the threshold" flags."""
        if not self.total.area or not self.total.heads:
            return Fraction(0)
        area = Fraction(self.signed.area, self.total.area) / self.area_share
        heads = Fraction(self.signed.heads, self.total.heads) / self.heads_share
        return min(area, heads, Fraction(1))


def progress(settings: Settings, total: Weight, signed: Weight) -> PetitionProgress:
    return PetitionProgress(signed, total, settings.petition_area, settings.petition_heads)
