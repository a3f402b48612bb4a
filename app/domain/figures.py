"""The street office's figures over its communities, as exact shares (DESIGN flow 7)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from .numbers import percent


@dataclass(frozen=True)
class CommunityFacts:
    """What the figures need to know of one community."""

    owners_committee: bool  # an elected owners' committee holds office
    party_target_met: bool | None  # None: no committee, or no target applies
    publications_met: int  # obligations published on time
    publications_late: int  # obligations overdue or published after their deadline


@dataclass(frozen=True)
class Rate:
    part: int
    whole: int

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.part, self.whole) if self.whole else None

    @property
    def percent(self) -> str | None:
        share = self.share
        return None if share is None else percent(share)


@dataclass(frozen=True)
class OfficeFigures:
    formation: Rate  # communities with an owners' committee, of all communities
    party_target: Rate  # committees meeting the party target, of committees a target applies to
    publication: Rate  # obligations met on time, of obligations that fell due


def office_figures(communities: Sequence[CommunityFacts]) -> OfficeFigures:
    judged = [c for c in communities if c.party_target_met is not None]
    return OfficeFigures(
        formation=Rate(sum(1 for c in communities if c.owners_committee), len(communities)),
        party_target=Rate(sum(1 for c in judged if c.party_target_met), len(judged)),
        publication=Rate(sum(c.publications_met for c in communities), sum(c.publications_met + c.publications_late for c in communities)),
    )
