"""The service's facts: the company submits, the committee confirms, the board shows."""

from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response
from wtforms import Field

from ...accounts.forms import ConfirmForm
from ...clock import today_in_china
from ...communities.models import Community
from ...communities.queries import community_by_slug
from ...db import db, utcnow
from ...domain.errors import NotFound, RuleViolation
from ...security.permissions import can_confirm_service_facts, can_watch_service, require
from ...security.web import current_actor
from ..forms.facts import MAX_ROWS, FactsForm, ReturnFactsForm
from ..labels import CONTRACTOR_KIND_LABELS, FACTS_STATE_LABELS
from ..models import ServiceFacts
from ..services import facts as service
from ..services import registry
from ..services.common import require_serving
from . import bp

ROW_FIELD = re.compile(r"^(contractors|utility_costs)\[(\d+)\]\.(\w+)$")
BLANK_CONTRACTORS, BLANK_COSTS = 3, 4


@bp.app_context_processor
def _facts_labels() -> dict[str, object]:
    return {"contractor_kind_labels": CONTRACTOR_KIND_LABELS, "facts_state_labels": FACTS_STATE_LABELS}


def _community(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound(_("No such community."))
    return community


def _yuan(fen: int) -> str:
    """Fen as the form shows them again: 95520 → "955.20" (no thousands separator, which the form would read back too)."""
    return f"{fen // 100}.{fen % 100:02d}"


def _prefilled(last: ServiceFacts | None) -> FactsForm:
    """The company's form, filled with its latest version (confirmed or returned) and a few blank rows."""
    data: dict[str, object] = {"contractors": [], "utility_costs": []}
    if last is not None:
        data = {
            "manager_name": last.manager_name,
            "manager_phone": last.manager_phone,
            "contractors": list(last.contractors),
            "utility_costs": [{**row, "amount": _yuan(int(str(row["fen"])))} for row in last.utility_costs],
        }
    form = FactsForm(data=data)
    for _row in range(BLANK_CONTRACTORS):
        if len(form.contractors.entries) < MAX_ROWS:
            form.contractors.append_entry()
    for _row in range(BLANK_COSTS):
        if len(form.utility_costs.entries) < MAX_ROWS:
            form.utility_costs.append_entry()
    return form


def _place(form: FactsForm, exc: RuleViolation) -> str:
    """Put the refusal on the field or the row's cell it names; the summary line names the row for the page's top."""
    match = ROW_FIELD.match(exc.field)
    if match:
        table, number, column = match.group(1), int(match.group(2)), match.group(3)
        entries = getattr(form, table).entries
        if 0 < number <= len(entries):
            cell = getattr(entries[number - 1].form, column, None)
            if isinstance(cell, Field):
                cell.errors = [*cell.errors, exc.reason]
        heading = _("Contractors") if table == "contractors" else _("Shared utility costs")
        return _("%(table)s, row %(row)d: %(reason)s", table=heading, row=number, reason=exc.reason)
    target = getattr(form, exc.field, None)
    if isinstance(target, Field):
        target.errors = [*target.errors, exc.reason]
        return _("%(field)s: %(reason)s", field=target.label.text, reason=exc.reason)
    return exc.reason


def _rows(entries: list[Field]) -> list[dict[str, str]]:
    return [{key: (value or "") for key, value in entry.data.items() if key != "csrf_token"} for entry in entries]


@bp.route("/property/c/<int:community_id>/facts", methods=["GET", "POST"])
@login_required
def staff_facts(community_id: int) -> Response | str | tuple[str, int]:
    """The company's update of the service's facts for a community it serves, and where its versions stand."""
    community = _community(community_id)
    actor = current_actor()
    contract = require_serving(db.session(), actor, community.id, today_in_china(utcnow()))
    versions = [v for v in service.versions_of(community.id) if v.company_id == contract.company_id]
    problem = None
    if request.method == "POST":
        form = FactsForm()
        if form.validate_on_submit():
            try:
                submitted = service.submit_facts(
                    actor,
                    community.id,
                    manager_name=form.manager_name.data or "",
                    manager_phone=form.manager_phone.data or "",
                    contractors=_rows(form.contractors.entries),
                    utility_costs=_rows(form.utility_costs.entries),
                    now=utcnow(),
                )
            except RuleViolation as exc:
                problem = _place(form, exc)
            else:
                flash(_("Version %(version)d is sent to the committee for confirmation.", version=submitted.version), "success")
                return redirect(url_for(".staff_facts", community_id=community.id))
        else:
            problem = _("Some values are too long; see the fields marked.")
    else:
        form = _prefilled(versions[0] if versions else None)
    page = render_template(
        "property/facts/staff.html",
        community=community,
        company=contract.company,
        form=form,
        problem=problem,
        pending=service.pending_facts(community.id),
        versions=versions,
    )
    return (page, 422) if problem else page


@bp.get("/committee/c/<int:community_id>/property/facts")
@login_required
def committee_facts(community_id: int) -> str:
    """The company's pending version to confirm or return, the one on the board, and every version before."""
    community = _community(community_id)
    actor = current_actor()
    require(can_watch_service(actor, community))
    return _committee_page(community, ReturnFactsForm())


def _committee_page(community: Community, return_form: ReturnFactsForm) -> str:
    pending = service.pending_facts(community.id)
    board = service.board_facts(community.id, today_in_china(utcnow()))
    return render_template(
        "property/facts/committee.html",
        community=community,
        pending=pending,
        pending_costs=service.costs_by_period(pending) if pending else [],
        board=board,
        versions=service.versions_of(community.id),
        may_decide=can_confirm_service_facts(current_actor(), community),
        confirm_form=ConfirmForm(),
        return_form=return_form,
    )


@bp.post("/committee/c/<int:community_id>/property/facts/<int:version>/confirm")
@login_required
def confirm_facts(community_id: int, version: int) -> Response:
    community = _community(community_id)
    require(can_confirm_service_facts(current_actor(), community))
    if ConfirmForm().validate_on_submit():
        try:
            service.confirm_facts(current_actor(), community.id, version, now=utcnow())
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(_("Version %(version)d is confirmed and on the board.", version=version), "success")
    return redirect(url_for(".committee_facts", community_id=community.id))


@bp.post("/committee/c/<int:community_id>/property/facts/<int:version>/return")
@login_required
def return_facts(community_id: int, version: int) -> Response | tuple[str, int]:
    community = _community(community_id)
    require(can_confirm_service_facts(current_actor(), community))
    form = ReturnFactsForm()
    if form.validate_on_submit():
        try:
            service.return_facts(current_actor(), community.id, version, reason=form.reason.data or "", now=utcnow())
        except RuleViolation as exc:
            if exc.field == "reason":
                form.reason.errors = [*form.reason.errors, exc.reason]
            else:
                flash(exc.reason, "error")
                return redirect(url_for(".committee_facts", community_id=community.id))
        else:
            flash(_("Version %(version)d goes back to the company with your reason.", version=version), "success")
            return redirect(url_for(".committee_facts", community_id=community.id))
    return _committee_page(community, form), 422


# The public board ---------------------------------------------------------------------------------------------------


@bp.get("/c/<slug>/property")
def board(slug: str) -> str:
    """物业服务信息公示: the company serving the community today, its contract's term, fees and scope, and the latest
    facts the committee confirmed. Nobody's name but the manager on duty's."""
    community = community_by_slug(slug)
    today = today_in_china(utcnow())
    try:
        city = registry.city_of_community(db.session(), community)
    except RuleViolation:  # a street office in no city's district yet: no city lists to point to
        city = None
    view = service.board_facts(community.id, today)
    return render_template("property/board.html", community=community, view=view, today=today, city=city)
