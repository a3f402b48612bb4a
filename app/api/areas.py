"""The figures of an office, a district and a city (RULES §10): the office's with an "office" token, a district's
or a city's with an "area" token of its officials."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ..communities.queries import city_by_code, district_by_code, office_by_code
from ..db import utcnow
from ..domain.figures import AreaFigures
from ..oversight import services as oversight
from . import schemas as S
from .operations import api_actor, not_found, operation


def _figures(figures: AreaFigures) -> dict[str, Any]:
    target = figures.formation.target
    out = {}
    for name, rate in figures.rates().items():
        targeted = name == "formation" and target is not None
        out[name] = {
            "numerator": rate.part,
            "denominator": rate.whole,
            "percent": rate.percent,
            "target": str(target.share) if targeted and target else None,
            "target_percent": target.percent if targeted and target else None,
            "year": target.year if targeted and target else None,
            "met": figures.formation.met if name == "formation" else None,
        }
    return out


def _report(report: oversight.AreaReport) -> dict[str, Any]:
    return {
        "kind": report.kind,
        "code": report.code,
        "name": report.name,
        "on": report.on.isoformat(),
        "communities_count": report.figures.communities,
        "longest_preparatory_days": report.figures.longest_preparatory_days,
        "figures": _figures(report.figures),
        "children": [
            {"kind": child.kind, "code": child.code, "name": child.name, "figures": _figures(child.figures)} for child in report.children
        ],
        "communities": [c.as_json() for c in report.communities] if report.kind == "office" else [],
    }


@operation(
    "GET",
    "/offices/{office_code}/figures",
    summary="The street office's figures: formation rate against the year's target, preparatory groups, terms, re-elections",
    tag="office",
    response=S.ref("AreaFigures"),
    auth="office area",
    errors=(401, 403, 404),
    description="Each figure with its numerator, denominator and percent; the formation rate with the target of the "
    "year (the city's profile) and whether it is met. The office's communities one by one. For the office's "
    "officials (an `office` token) and its district's and city's (an `area` token).",
)
def office_figures(office_code: str) -> dict[str, Any]:
    office = office_by_code(office_code)
    if office is None:
        raise not_found(_("No such street office."))
    return _report(oversight.office_report(api_actor(), office, now=utcnow()))


@operation(
    "GET",
    "/districts/{district_code}/figures",
    summary="A district's figures, and each of its street offices'",
    tag="area",
    response=S.ref("AreaFigures"),
    auth="area",
    errors=(401, 403, 404),
    description="For the district's officials and its city's.",
)
def district_figures(district_code: str) -> dict[str, Any]:
    district = district_by_code(district_code)
    if district is None:
        raise not_found(_("No such district."))
    return _report(oversight.district_report(api_actor(), district, now=utcnow()))


@operation(
    "GET",
    "/cities/{city_code}/figures",
    summary="A city's figures, and each of its districts'",
    tag="area",
    response=S.ref("AreaFigures"),
    auth="area",
    errors=(401, 403, 404),
    description="For the city's officials.",
)
def city_figures(city_code: str) -> dict[str, Any]:
    city = city_by_code(city_code)
    if city is None:
        raise not_found(_("No such city."))
    return _report(oversight.city_report(api_actor(), city, now=utcnow()))
