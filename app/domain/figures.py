"""The figures of a street office, a district and a city over their communities, as exact shares (RULES §10).

Each figure is a numerator over a denominator; the formation rate is also measured
against the profile's target for the year. An area's figures are its communities'
facts counted together, so a city's numerators and denominators are the sums of
its districts', and a district's the sums of its offices'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from .committee import REELECTION_NOTICE_MONTHS, add_months
from .numbers import percent


@dataclass(frozen=True)
class CommunityFacts:
    """What the figures need to know of one community."""

    owners_committee: bool  # an elected owners' committee is seated
    party_target_met: bool | None  # None: no committee, or no target applies
    publications_met: int  # obligations published on time
    publications_late: int  # obligations overdue or published after their deadline
    temporary_committee: bool = False  # a temporary management committee (物业管理委员会) is seated
    term_ends_on: date | None = None  # the last day of the seated committee's term (owners' or temporary)
    preparatory_since: date | None = None  # the day its preparatory group (筹备组) was formed, while it exists
    reelection_ordered: bool = False  # an order to re-elect the committee is open
    reelection_overdue: bool = False  # ... and its deadline has passed

    def owners_within_term(self, on: date | None) -> bool:
        """An owners' committee counts while its term runs; past its last day it no longer does."""
        return self.owners_committee and (on is None or self.term_ends_on is None or on <= self.term_ends_on)

    def formed(self, on: date | None) -> bool:
        """业主委员会（包括物业管理委员会）: an owners' committee within its term, or a temporary committee."""
        return self.owners_within_term(on) or self.temporary_committee

    def term_ending(self, on: date) -> bool:
        """The owners' committee's term ends within the notice months (three) from ``on``, and has not ended."""
        return (
            self.owners_within_term(on) and self.term_ends_on is not None and self.term_ends_on <= add_months(on, REELECTION_NOTICE_MONTHS)
        )

    def preparatory_days(self, on: date) -> int | None:
        """How many days the preparatory group has run on ``on``; None without one."""
        return None if self.preparatory_since is None else max(0, (on - self.preparatory_since).days)


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

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.part + other.part, self.whole + other.whole)


@dataclass(frozen=True)
class OfficeFigures:
    formation: Rate  # communities with an owners' committee (within its term) or a temporary one, of all communities
    party_target: Rate  # committees meeting the party target, of committees a target applies to
    publication: Rate  # obligations met on time, of obligations that fell due


def office_figures(communities: Sequence[CommunityFacts], *, on: date | None = None) -> OfficeFigures:
    """The street office dashboard's three figures; given ``on``, an owners' committee past its term does not count."""
    judged = [c for c in communities if c.party_target_met is not None]
    return OfficeFigures(
        formation=Rate(sum(1 for c in communities if c.formed(on)), len(communities)),
        party_target=Rate(sum(1 for c in judged if c.party_target_met), len(judged)),
        publication=Rate(sum(c.publications_met for c in communities), sum(c.publications_met + c.publications_late for c in communities)),
    )


# Targets -----------------------------------------------------------------------------------------

Targets = Sequence[tuple[int, Fraction]]  # (year, share), as a profile's ``formation_targets``


@dataclass(frozen=True)
class Target:
    year: int
    share: Fraction

    @property
    def percent(self) -> str:
        return percent(self.share)


def target_for(targets: Targets, on: date) -> Target | None:
    """The target of ``on``'s year, or else of the latest year before it; None when every target lies ahead."""
    past = [(year, share) for year, share in targets if year <= on.year]
    if not past:
        return None
    year, share = max(past)
    return Target(year, share)


@dataclass(frozen=True)
class Figure:
    """A rate, and where one applies the year's target and whether the rate meets it."""

    rate: Rate
    target: Target | None = None

    @property
    def met(self) -> bool | None:
        """None without a target or without a community to measure; else whether the share reaches the target."""
        share = self.rate.share
        if self.target is None or share is None:
            return None
        return share >= self.target.share


@dataclass(frozen=True)
class AreaFigures:
    communities: int
    formation: Figure  # formed committees, of all communities; against the year's target
    preparatory: Rate  # communities with a preparatory group, of those without a committee
    terms_ending: Rate  # owners' committees whose term ends within three months, of those within their term
    reelection_ordered: Rate  # communities ordered to re-elect their committee, of all communities
    reelection_overdue: Rate  # ... past the order's deadline, of those ordered
    publication: Rate  # obligations met on time, of obligations that fell due
    party_target: Rate  # committees meeting the party target, of committees the profile sets one for
    longest_preparatory_days: int | None  # the oldest preparatory group's age in days; None without one

    def rates(self) -> dict[str, Rate]:
        """Every figure by its name, in the order pages and exports show them."""
        return {
            "formation": self.formation.rate,
            "preparatory": self.preparatory,
            "terms_ending": self.terms_ending,
            "reelection_ordered": self.reelection_ordered,
            "reelection_overdue": self.reelection_overdue,
            "publication": self.publication,
            "party_target": self.party_target,
        }


FIGURE_NAMES: tuple[str, ...] = (
    "formation",
    "preparatory",
    "terms_ending",
    "reelection_ordered",
    "reelection_overdue",
    "publication",
    "party_target",
)


def area_figures(communities: Sequence[CommunityFacts], *, on: date, targets: Targets = ()) -> AreaFigures:
    """The figures of an area (an office, a district, a city) on a day, from the facts of all its communities."""
    unformed = [c for c in communities if not c.formed(on)]
    within_term = [c for c in communities if c.owners_within_term(on)]
    ordered = [c for c in communities if c.reelection_ordered]
    office = office_figures(communities, on=on)
    ages = [d for c in communities if (d := c.preparatory_days(on)) is not None]
    return AreaFigures(
        communities=len(communities),
        formation=Figure(office.formation, target_for(targets, on)),
        preparatory=Rate(sum(1 for c in unformed if c.preparatory_since is not None), len(unformed)),
        terms_ending=Rate(sum(1 for c in within_term if c.term_ending(on)), len(within_term)),
        reelection_ordered=Rate(len(ordered), len(communities)),
        reelection_overdue=Rate(sum(1 for c in ordered if c.reelection_overdue), len(ordered)),
        publication=office.publication,
        party_target=office.party_target,
        longest_preparatory_days=max(ages) if ages else None,
    )
