"""The figures of a street office, a district and a city on a day (RULES §10), with their drill-down.

A district's report holds its offices' reports, a city's its districts'; an office's
holds its communities' facts. Every level is computed from the same facts the
office dashboard reads, so the numbers add up from the community to the city.
The target of an area is its city's profile's (an office outside any district has none).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...clock import today_in_china
from ...communities.models import City, Community, District, StreetOffice
from ...communities.queries import area_of_office
from ...csvsafe import safe_cell
from ...db import db
from ...domain.figures import FIGURE_NAMES, AreaFigures, CommunityFacts, Rate, Targets, area_figures
from ...domain.rules import get_profile
from ...security.actor import Actor
from ...security.permissions import can_view_area, require
from .dashboard import dashboard

AREA_KINDS = ("office", "district", "city")


@dataclass(frozen=True)
class CommunityFigures:
    """One community's line of the drill-down."""

    community: Community
    facts: CommunityFacts
    on: date

    @property
    def formed(self) -> bool:
        return self.facts.formed(self.on)

    @property
    def committee(self) -> str:
        """owners, expired (an owners' committee past its term), temporary or none."""
        if self.facts.temporary_committee:
            return "temporary"
        if self.facts.owners_committee:
            return "owners" if self.facts.owners_within_term(self.on) else "expired"
        return "none"

    @property
    def preparatory_days(self) -> int | None:
        return self.facts.preparatory_days(self.on)

    def as_json(self) -> dict[str, Any]:
        f = self.facts
        return {
            "slug": self.community.slug,
            "name": self.community.name,
            "committee": self.committee,
            "formed": self.formed,
            "term_ends_on": f.term_ends_on.isoformat() if f.term_ends_on else None,
            "term_ending": f.term_ending(self.on),
            "preparatory_since": f.preparatory_since.isoformat() if f.preparatory_since else None,
            "reelection_ordered": f.reelection_ordered,
            "reelection_overdue": f.reelection_overdue,
            "publications_on_time": f.publications_met,
            "publications_late": f.publications_late,
            "party_target_met": f.party_target_met,
        }


@dataclass(frozen=True)
class AreaReport:
    kind: str  # office, district or city
    id: int
    code: str
    name: str
    on: date
    figures: AreaFigures
    children: list[AreaReport] = field(default_factory=list)  # a city's districts, a district's offices
    communities: list[CommunityFigures] = field(default_factory=list)  # every community below, in the area's order

    def as_json(self, *, depth: int = 2) -> dict[str, Any]:
        """The report as the exports and the API give it; ``depth`` levels of children, communities at an office."""
        out: dict[str, Any] = {"kind": self.kind, "code": self.code, "name": self.name, "on": self.on.isoformat()}
        out["figures"] = figures_json(self.figures)
        out["longest_preparatory_days"] = self.figures.longest_preparatory_days
        if self.kind == "office":
            out["communities"] = [c.as_json() for c in self.communities]
        elif depth > 0:
            out["children"] = [child.as_json(depth=depth - 1) for child in self.children]
        return out


def rate_json(rate: Rate) -> dict[str, Any]:
    return {"numerator": rate.part, "denominator": rate.whole, "percent": rate.percent}


def figures_json(figures: AreaFigures) -> dict[str, Any]:
    """Each figure with its numerator, denominator and percent; the formation rate with its target, year and verdict."""
    out = {name: rate_json(rate) for name, rate in figures.rates().items()}
    target = figures.formation.target
    out["formation"] |= {
        "target": None if target is None else str(target.share),
        "target_percent": None if target is None else target.percent,
        "year": None if target is None else target.year,
        "met": figures.formation.met,
    }
    return out


def _targets_of_city(city_id: int | None) -> Targets:
    city = db.session.get(City, city_id) if city_id is not None else None
    return get_profile(city.rule_profile).settings.formation_targets if city else ()


def _office_report(office: StreetOffice, *, now: datetime, targets: Targets) -> AreaReport:
    today = today_in_china(now)
    rows = [CommunityFigures(r.community, r.facts(), today) for r in dashboard(office.id, now=now)]
    return AreaReport(
        kind="office",
        id=office.id,
        code=office.code,
        name=office.name,
        on=today,
        figures=area_figures([r.facts for r in rows], on=today, targets=targets),
        communities=rows,
    )


def _district_report(district: District, *, now: datetime, targets: Targets) -> AreaReport:
    offices = db.session.execute(select(StreetOffice).where(StreetOffice.district_id == district.id).order_by(StreetOffice.name)).scalars()
    children = [_office_report(o, now=now, targets=targets) for o in offices]
    return _combine("district", district.id, district.code, district.name, children, now, targets)


def _combine(kind: str, id: int, code: str, name: str, children: list[AreaReport], now: datetime, targets: Targets) -> AreaReport:
    today = today_in_china(now)
    communities = [c for child in children for c in child.communities]
    return AreaReport(
        kind=kind,
        id=id,
        code=code,
        name=name,
        on=today,
        figures=area_figures([c.facts for c in communities], on=today, targets=targets),
        children=children,
        communities=communities,
    )


def office_report(actor: Actor, office: StreetOffice, *, now: datetime) -> AreaReport:
    """An office's figures and its communities: its officials, its district's and its city's."""
    area = area_of_office(office)
    require(can_view_area(actor, street_office_id=office.id, district_id=area.district_id, city_id=area.city_id))
    return _office_report(office, now=now, targets=_targets_of_city(area.city_id))


def district_report(actor: Actor, district: District, *, now: datetime) -> AreaReport:
    """A district's figures and each of its offices': its officials and its city's."""
    require(can_view_area(actor, district_id=district.id, city_id=district.city_id))
    return _district_report(district, now=now, targets=_targets_of_city(district.city_id))


def city_report(actor: Actor, city: City, *, now: datetime) -> AreaReport:
    """A city's figures, each district's and each office's below: its officials."""
    require(can_view_area(actor, city_id=city.id))
    targets = get_profile(city.rule_profile).settings.formation_targets
    districts = db.session.execute(select(District).where(District.city_id == city.id).order_by(District.name)).scalars()
    children = [_district_report(d, now=now, targets=targets) for d in districts]
    return _combine("city", city.id, city.code, city.name, children, now, targets)


FIGURE_LABELS = {
    "formation": _l("Committee formation rate"),
    "preparatory": _l("Communities with a preparatory group"),
    "terms_ending": _l("Terms ending within three months"),
    "reelection_ordered": _l("Re-elections ordered"),
    "reelection_overdue": _l("Re-elections overdue"),
    "publication": _l("Publication compliance"),
    "party_target": _l("Committees meeting the party target"),
}
FIGURE_HINTS = {
    "formation": _l("communities with an owners' committee within its term or a temporary management committee, of all communities"),
    "preparatory": _l("of the communities without a committee"),
    "terms_ending": _l("of the owners' committees within their term"),
    "reelection_ordered": _l("communities with an open order to re-elect, of all communities"),
    "reelection_overdue": _l("past the order's deadline, of the communities ordered"),
    "publication": _l("publications made on time, of those that fell due"),
    "party_target": _l("of committees a local target applies to"),
}
assert set(FIGURE_LABELS) == set(FIGURE_NAMES) == set(FIGURE_HINTS)
COMMITTEE_STATE_LABELS = {
    "owners": _l("Owners' committee"),
    "expired": _l("Owners' committee past its term"),
    "temporary": _l("Temporary management committee"),
    "none": _l("None"),
}
AREA_KIND_LABELS = {"office": _l("Street office"), "district": _l("District"), "city": _l("City")}


def report_table(report: AreaReport) -> list[list[str]]:
    """The area and each area below it, one line each: every figure's numerator, denominator and percent, and the
    formation target; headers in the reader's language, no cell a formula."""
    headers: list[object] = [_l("Level"), _l("Code"), _l("Name of the area"), _l("Communities")]
    for name in FIGURE_NAMES:
        label = FIGURE_LABELS[name]
        headers += [f"{label} · {_l('numerator')}", f"{label} · {_l('denominator')}", f"{label} · %"]
        if name == "formation":
            headers += [_l("Target year"), _l("Target %"), _l("Target met")]
    yes_no = {True: _l("yes"), False: _l("no"), None: ""}
    table = [[safe_cell(h) for h in headers]]
    for area in [report, *report.children]:
        cells: list[object] = [AREA_KIND_LABELS[area.kind], area.code, area.name, area.figures.communities]
        for name, rate in area.figures.rates().items():
            cells += [rate.part, rate.whole, rate.percent or ""]
            if name == "formation":
                target = area.figures.formation.target
                cells += [target.year if target else "", target.percent if target else "", yes_no[area.figures.formation.met]]
        table.append([safe_cell(cell) for cell in cells])
    return table
