"""The district's and the city's pages (``/oversight/``): their figures, read only, with the drill-down to the offices."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ...communities.models import City, District
from ...communities.queries import city_by_code, district_by_code
from ...db import db, utcnow
from ...domain.errors import NotFound
from ...domain.figures import FIGURE_NAMES
from ...security.roles import Role
from ...security.web import current_actor
from ...web_params import year_arg
from .. import services
from ..labels import GRADE_LABELS
from ..services import yearly
from ..services.area_figures import AREA_KIND_LABELS, COMMITTEE_STATE_LABELS, FIGURE_HINTS, FIGURE_LABELS

areas_bp = Blueprint("areas", __name__, url_prefix="/oversight")


@areas_bp.app_template_global()
def area_dashboards(user: Any) -> list[tuple[str, str]]:
    """The district and city pages a signed-in official reads, for the menu: (name, address)."""
    out = []
    for assignment in user.roles:
        if assignment.role is Role.DISTRICT_OFFICIAL and (district := db.session.get(District, assignment.district_id)):
            out.append((district.name, url_for("areas.district_dashboard", code=district.code)))
        elif assignment.role is Role.CITY_OFFICIAL and (city := db.session.get(City, assignment.city_id)):
            out.append((city.name, url_for("areas.city_dashboard", code=city.code)))
    return out


def _district(code: str) -> District:
    district = district_by_code(code)
    if district is None:
        raise NotFound(_("No such district."))
    return district


def _city(code: str) -> City:
    city = city_by_code(code)
    if city is None:
        raise NotFound(_("No such city."))
    return city


def _office_ids(report: services.AreaReport) -> list[int]:
    return [report.id] if report.kind == "office" else [i for child in report.children for i in _office_ids(child)]


def _page(report: services.AreaReport) -> str:
    asked = year_arg()
    year = asked if asked is not None and asked <= report.on.year else report.on.year
    grades, reviewed = yearly.distribution(_office_ids(report), year)
    return render_template(
        "oversight/area.html",
        report=report,
        names=FIGURE_NAMES,
        labels=FIGURE_LABELS,
        hints=FIGURE_HINTS,
        kind_labels=AREA_KIND_LABELS,
        committee_labels=COMMITTEE_STATE_LABELS,
        review_year=year,
        review_years=range(report.on.year, report.on.year - 6, -1),
        review_grades=grades,
        reviewed=reviewed,
        grade_labels=GRADE_LABELS,
    )


def _csv(report: services.AreaReport) -> Response:
    out = io.StringIO()
    csv.writer(out).writerows(services.report_table(report))
    response = current_app.response_class("\ufeff" + out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{report.code}-figures.csv"'
    return response


def _json(report: services.AreaReport) -> Response:
    response = current_app.response_class(json.dumps(report.as_json(), ensure_ascii=False, indent=1), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{report.code}-figures.json"'
    return response


@areas_bp.get("/districts/<code>")
@login_required
def district_dashboard(code: str) -> str:
    return _page(services.district_report(current_actor(), _district(code), now=utcnow()))


@areas_bp.get("/districts/<code>.csv")
@login_required
def district_csv(code: str) -> Response:
    return _csv(services.district_report(current_actor(), _district(code), now=utcnow()))


@areas_bp.get("/districts/<code>.json")
@login_required
def district_json(code: str) -> Response:
    return _json(services.district_report(current_actor(), _district(code), now=utcnow()))


@areas_bp.get("/cities/<code>")
@login_required
def city_dashboard(code: str) -> str:
    return _page(services.city_report(current_actor(), _city(code), now=utcnow()))


@areas_bp.get("/cities/<code>.csv")
@login_required
def city_csv(code: str) -> Response:
    return _csv(services.city_report(current_actor(), _city(code), now=utcnow()))


@areas_bp.get("/cities/<code>.json")
@login_required
def city_json(code: str) -> Response:
    return _json(services.city_report(current_actor(), _city(code), now=utcnow()))
