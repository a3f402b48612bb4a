"""The satisfaction survey, the office's findings and the monthly red and black lists.

The public reads a city's confirmed lists and their history; the street offices of the city compute and confirm a
month's list; a community's street office records findings against its company; the committee (or, without one, the
street office) opens the yearly survey, whose answers are taken on the consultation's own pages. The community's page
and the office's dashboard ask for the flags through template globals (they sit below this package)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import Field

from ...clock import today_in_china
from ...communities.models import City, Community, District, StreetOffice
from ...db import db, utcnow
from ...domain.errors import NotFound, RuleViolation
from ...domain.numbers import percent
from ...security.permissions import (
    can_certify,
    can_confirm_lists,
    can_consult_owners,
    can_judge_service,
    can_watch_service,
    require,
)
from ...security.web import current_actor
from ..forms.lists import CompanyFindingForm, ComputeListForm, ConfirmListForm, SurveyForm
from ..labels import LIST_STATE_LABELS, REASON_LABELS, STANDING_LABELS
from ..services import findings as finding_book
from ..services import satisfaction, standing
from ..services.common import office_ids_of_city, serving_company, thresholds_of
from . import bp


@bp.context_processor
def _labels() -> dict[str, object]:
    return {
        "standing_labels": STANDING_LABELS,
        "reason_labels": REASON_LABELS,
        "list_state_labels": LIST_STATE_LABELS,
        "month_label": standing.month_label,
    }


@bp.app_template_global()
def service_share(value: Fraction | None) -> str:
    """A share as a percentage with one decimal (``79.0%``), or a dash when there is none."""
    return "—" if value is None else f"{percent(value, 1)}%"


@bp.app_template_global()
def service_decimal(value: Fraction | None) -> str:
    """A figure such as the complaints per 100 units with one decimal, or a dash."""
    return "—" if value is None else percent(value / 100, 1)


def _month(text: str) -> date:
    month = standing.parse_month(text)
    if month is None:
        raise NotFound(_("No such month."))
    return month


def _field_error(form: Any, exc: RuleViolation) -> None:
    """A refusal under the field it names (``rows-2-reason``: the third row's reason); others above the form."""
    target: Field | None = None
    if exc.field.startswith("rows-"):
        index, _sep, name = exc.field.removeprefix("rows-").partition("-")
        entries = form.rows.entries if hasattr(form, "rows") else []
        if index.isdigit() and int(index) < len(entries) and name:
            target = getattr(entries[int(index)].form, name, None)
    else:
        target = getattr(form, exc.field, None)
    if isinstance(target, Field):
        target.errors = [*target.errors, exc.reason]
    else:
        flash(exc.reason, "error")


# The public lists -------------------------------------------------------------------------------------------------


@bp.get("/cities/<code>/property-lists")
def city_lists(code: str) -> str:
    """The city's latest confirmed red and black lists, with the months before."""
    city = standing.city_by_code(code)
    months = standing.published_months(city.id)
    latest = standing.published_list(city.id, months[0]) if months else None
    return render_template("property/lists/city.html", city=city, months=months, listed=latest, history=months[1:])


@bp.get("/cities/<code>/property-lists/<month>")
def city_lists_month(code: str, month: str) -> str:
    city = standing.city_by_code(code)
    first = _month(month)
    months = standing.published_months(city.id)
    if first not in months:
        raise NotFound(_("No list has been published for this month."))
    return render_template(
        "property/lists/city.html", city=city, months=months, listed=standing.published_list(city.id, first), history=months, one_month=True
    )


# The offices of the city: compute and confirm ----------------------------------------------------------------


def _city_for_office(code: str) -> City:
    city = standing.city_by_code(code)
    require(can_confirm_lists(current_actor(), office_ids_of_city(db.session(), city.id)))
    return city


@bp.get("/office/property/cities/<code>/lists")
@login_required
def office_lists(code: str) -> str:
    """The city's computed months for its offices: those waiting for confirmation, and the form to compute one."""
    city = _city_for_office(code)
    return render_template("property/lists/office.html", city=city, months=standing.computed_months(city.id), form=ComputeListForm())


@bp.post("/office/property/cities/<code>/lists/compute")
@login_required
def compute_lists(code: str) -> Response | str:
    city = _city_for_office(code)
    form = ComputeListForm()
    if form.validate_on_submit():
        month = standing.parse_month((form.month.data or "").strip())
        try:
            if month is None:
                raise RuleViolation("month", _("Give the month as YYYY-MM, such as 2026-11."))
            count = standing.compute_month(current_actor(), city.id, month, now=utcnow())
        except RuleViolation as exc:
            _field_error(form, exc)
        else:
            flash(_("%(count)d standings computed for %(month)s.", count=count, month=standing.month_label(month)), "success")
            return redirect(url_for(".review_lists", code=city.code, month=standing.month_label(month)))
    return render_template("property/lists/office.html", city=city, months=standing.computed_months(city.id), form=form)


@bp.route("/office/property/cities/<code>/lists/<month>", methods=["GET", "POST"])
@login_required
def review_lists(code: str, month: str) -> Response | str:
    """A month's list for the offices: the computed standings and their figures, and the form confirming them."""
    city = _city_for_office(code)
    first = _month(month)
    proposed = standing.proposed_rows(city.id, first)
    form = ConfirmListForm()
    if request.method == "GET":
        for entry in proposed:
            form.rows.append_entry({"company_id": entry.company.public_id, "standing": entry.row.computed, "reason": ""})
    elif form.validate_on_submit():
        decisions = [
            standing.Decision(row.form.company_id.data or "", row.form.standing.data or "", row.form.reason.data or "")
            for row in form.rows.entries
        ]
        try:
            standing.confirm_month(current_actor(), city.id, first, decisions, now=utcnow())
        except RuleViolation as exc:
            _field_error(form, exc)
        else:
            flash(_("The list of %(month)s is confirmed and published.", month=standing.month_label(first)), "success")
            return redirect(url_for(".review_lists", code=city.code, month=month))
    by_company = {e.company.public_id: e for e in proposed}
    pairs = [(row, by_company.get(row.form.company_id.data or "")) for row in form.rows.entries]
    confirmed = [e for e in standing.month_rows(city.id, first) if e.row.state.value == "confirmed"]
    return render_template(
        "property/lists/review.html", city=city, month=first, pairs=pairs, confirmed=confirmed, form=form, proposed=proposed
    )


# The office's findings ------------------------------------------------------------------------------------------


def _community(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound(_("No such community."))
    return community


@bp.route("/office/c/<int:community_id>/property/findings", methods=["GET", "POST"])
@login_required
def company_findings(community_id: int) -> Response | str:
    """The community's findings against its company, and the form to record one."""
    community = _community(community_id)
    require(can_judge_service(current_actor(), community))
    form = CompanyFindingForm()
    if not form.is_submitted():
        form.found_on.data = today_in_china(utcnow())
    if form.validate_on_submit():
        try:
            finding_book.record_finding(current_actor(), community.id, text=form.text.data or "", found_on=form.found_on.data, now=utcnow())
        except RuleViolation as exc:
            _field_error(form, exc)
        else:
            flash(_("The finding is recorded: it puts the company on this month's black list."), "success")
            return redirect(url_for(".company_findings", community_id=community.id))
    return render_template(
        "property/lists/findings.html",
        community=community,
        company=serving_company(db.session(), community.id, today_in_china(utcnow())),
        findings=finding_book.findings_of_community(community.id),
        form=form,
    )


# The satisfaction survey ---------------------------------------------------------------------------------------


@bp.route("/committee/c/<int:community_id>/property/satisfaction", methods=["GET", "POST"])
@login_required
def survey(community_id: int) -> Response | str:
    """The community's surveys, their results and flags, and the form opening this year's."""
    community = _community(community_id)
    actor = current_actor()
    require(can_watch_service(actor, community))
    now = utcnow()
    today = today_in_china(now)
    satisfaction.sync_surveys(community.id, now)
    company = serving_company(db.session(), community.id, today)
    may_open = satisfaction.may_open_survey(db.session(), actor, community, today)
    form = SurveyForm()
    if form.is_submitted():
        require(may_open)
        if form.validate():
            try:
                satisfaction.open_survey(actor, community.id, closes_on=form.closes_on.data, now=now)
            except RuleViolation as exc:
                _field_error(form, exc)
            else:
                flash(_("This year's survey is open and announced on the board. Owners answer it as a consultation."), "success")
                return redirect(url_for(".survey", community_id=community.id))
    results = satisfaction.surveys_of(community.id)
    held = company is not None and any(r.survey.year == today.year and r.company.id == company.id for r in results)
    return render_template(
        "property/lists/satisfaction.html",
        community=community,
        company=company,
        results=results,
        upheld={r.survey.id: satisfaction.upheld_in_year(db.session(), community.id, r.company.id, r.survey.year) for r in results},
        flags=satisfaction.flags_of(community, now),
        thresholds=thresholds_of(community.rule_profile),
        form=form,
        may_open=may_open and company is not None and not held,
        year=today.year,
        committee_pages=can_consult_owners(actor, community) or can_certify(actor, community),
    )


# Panels for the pages below -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommunityPanel:
    flags: satisfaction.Flags | None
    survey_url: str | None
    findings_url: str | None


@bp.app_template_global()
def service_flags_of(community: Community) -> CommunityPanel | None:
    """For the community's page: the satisfaction flags of its company and the links to the survey and the findings;
    None for those who do not watch its service."""
    actor = current_actor()
    if not can_watch_service(actor, community):
        return None
    return CommunityPanel(
        satisfaction.flags_of(community, utcnow()),
        url_for("property.survey", community_id=community.id),
        url_for("property.company_findings", community_id=community.id) if can_judge_service(actor, community) else None,
    )


@dataclass(frozen=True)
class OfficePanel:
    flagged: list[tuple[Community, satisfaction.Flags]]
    findings: list[Any]
    city: City | None
    may_confirm: bool
    waiting: int  # standings of the city awaiting confirmation


@bp.app_template_global()
def office_service_flags(office: StreetOffice) -> OfficePanel:
    """For the office's dashboard: its communities whose company has a warning or the exit procedure, its latest
    findings, and the city's lists waiting for confirmation."""
    s = db.session()
    now = utcnow()
    communities = s.scalars(select(Community).where(Community.street_office_id == office.id).order_by(Community.name))
    flagged = []
    for community in communities:
        flags = satisfaction.flags_of(community, now, s)
        if flags is not None and (flags.warning or flags.exit_procedure):
            flagged.append((community, flags))
    city = s.scalars(select(City).join(District, District.city_id == City.id).where(District.id == office.district_id)).first()
    may_confirm = city is not None and can_confirm_lists(current_actor(), office_ids_of_city(s, city.id))
    waiting = sum(n for _month, n in standing.computed_months(city.id)) if city is not None and may_confirm else 0
    return OfficePanel(flagged, finding_book.findings_of_office(office.id, limit=5), city, may_confirm, waiting)
