"""The requests at work: the serving company's staff (``/property/...``) take each step on the clock; the committee
(``/committee/c/<id>/property/requests``) and the street office (``/office/c/<id>/property/requests``) note the
escalations, the office judging the complaints and reviewing the ledger. Photos are served to the owner with their
letter, the company, the committee and the office, never on the board.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ...accounts.forms import ConfirmForm
from ...db import db, utcnow
from ...domain.errors import RuleViolation
from ...security.permissions import (
    PermissionDenied,
    can_judge_service,
    can_watch_service,
    is_administrator,
    is_committee_member,
    is_preparatory_member,
    require,
)
from ...security.web import current_actor
from ..forms.requests import (
    FollowUpForm,
    JudgeForm,
    ResolveForm,
)
from ..models import RequestState
from ..services import request_ledger as reading
from ..services import requests as steps
from ..services.common import require_serving
from . import bp
from .request_common import XLSX, field_error, photo_response, private, today

# ---------------------------------------------------------------- the company's staff


@bp.get("/property/c/<int:community_id>/requests")
@login_required
def staff_requests(community_id: int) -> str:
    """The company's queue in one community: open requests first, with the time left or how long overdue."""
    now = utcnow()
    community, queue = reading.staff_queue(current_actor(), community_id, now)
    return render_template("property/requests/queue.html", community=community, queue=queue, now=now)


def _request_page(public_id: str, *, resolve_form: ResolveForm | None = None, follow_form: FollowUpForm | None = None) -> Response:
    now = utcnow()
    actor = current_actor()
    view, community = reading.request_for(actor, public_id, now)
    try:
        may_act = require_serving(db.session(), actor, community.id, today()).company_id == view.request.company_id
    except PermissionDenied:  # a reader who is not the serving company's staff sees no step buttons
        may_act = False
    page = render_template(
        "property/requests/show.html",
        community=community,
        view=view,
        r=view.request,
        may_act=may_act,
        may_watch=can_watch_service(actor, community),
        may_judge=can_judge_service(actor, community),
        action=ConfirmForm(),
        resolve_form=resolve_form or ResolveForm(),
        follow_form=follow_form or FollowUpForm(),
        judge_form=JudgeForm(),
        now=now,
        done=RequestState.CLOSED,
    )
    return private(page)


@bp.get("/property/requests/<public_id>")
@login_required
def show_request(public_id: str) -> Response:
    """One request with its unit, photos, steps and events; the step buttons for the serving company's staff."""
    return _request_page(public_id)


def _step(public_id: str, run: str) -> Response:
    if not ConfirmForm().validate_on_submit():
        reading.request_for(current_actor(), public_id, utcnow())  # the reader's check before any answer
        flash(_("The form has expired. Please try again."), "error")
        return redirect(url_for(".show_request", public_id=public_id))
    try:
        if run == "acknowledge":
            steps.acknowledge(current_actor(), public_id, now=utcnow())
            flash(_("Acknowledged; the owner is told."), "success")
        else:
            steps.arrive_on_site(current_actor(), public_id, now=utcnow())
            flash(_("Recorded on site; the owner is told."), "success")
    except RuleViolation as exc:
        flash(exc.reason, "error")
    return redirect(url_for(".show_request", public_id=public_id))


@bp.post("/property/requests/<public_id>/acknowledge")
@login_required
def acknowledge_request(public_id: str) -> Response:
    return _step(public_id, "acknowledge")


@bp.post("/property/requests/<public_id>/on-site")
@login_required
def arrive_on_site(public_id: str) -> Response:
    return _step(public_id, "on_site")


@bp.post("/property/requests/<public_id>/resolve")
@login_required
def resolve_request(public_id: str) -> Response:
    form = ResolveForm()
    if form.validate_on_submit():
        try:
            steps.resolve(current_actor(), public_id, resolution=form.resolution.data or "", now=utcnow())
        except RuleViolation as exc:
            field_error(form, exc)
        else:
            flash(_("Resolved; the owner is asked to rate it."), "success")
            return redirect(url_for(".show_request", public_id=public_id))
    else:
        reading.request_for(current_actor(), public_id, utcnow())  # the reader's check before any answer
    return _with_status(_request_page(public_id, resolve_form=form), 400)


@bp.post("/property/requests/<public_id>/follow-up")
@login_required
def follow_up_request(public_id: str) -> Response:
    form = FollowUpForm()
    if form.validate_on_submit():
        try:
            steps.record_follow_up(current_actor(), public_id, note=form.note.data or "", now=utcnow())
        except RuleViolation as exc:
            field_error(form, exc)
        else:
            flash(_("The follow-up visit is recorded."), "success")
            return redirect(url_for(".show_request", public_id=public_id))
    else:
        reading.request_for(current_actor(), public_id, utcnow())
    return _with_status(_request_page(public_id, follow_form=form), 400)


def _with_status(response: Response, status: int) -> Response:
    response.status_code = status
    return response


@bp.get("/property/requests/<public_id>/photos/<int:photo_id>")
@login_required
def request_photo(public_id: str, photo_id: int) -> Response:
    return photo_response(*reading.photo_for(current_actor(), public_id, photo_id, now=utcnow()))


def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _company_arg() -> int | None:
    value = request.args.get("company", "")
    return int(value) if value.isdigit() else None


@bp.get("/property/c/<int:community_id>/requests/ledger.csv")
@login_required
def ledger_csv(community_id: int) -> Response:
    """The ledger (台账) as CSV: the committee's and the office's whole, a company's staff their company's part."""
    community, rows = reading.ledger(current_actor(), community_id, utcnow(), company_id=_company_arg())
    return _download("\ufeff" + reading.ledger_csv(rows), "text/csv", f"{community.slug}-requests-ledger.csv")


@bp.get("/property/c/<int:community_id>/requests/ledger.xlsx")
@login_required
def ledger_xlsx(community_id: int) -> Response:
    community, rows = reading.ledger(current_actor(), community_id, utcnow(), company_id=_company_arg())
    return _download(reading.ledger_xlsx(rows), XLSX, f"{community.slug}-requests-ledger.xlsx")


# ---------------------------------------------------------------- the committee and the office


@bp.get("/committee/c/<int:community_id>/property/requests")
@login_required
def committee_requests(community_id: int) -> str:
    """The committee's watch: the escalations it has not noted first, then the community's requests."""
    actor = current_actor()
    now = utcnow()
    community, escalations = reading.escalations_of(actor, community_id, side="committee")
    return render_template(
        "property/requests/committee.html",
        community=community,
        escalations=escalations,
        requests=reading.watched_requests(actor, community_id, now),
        may_note=is_committee_member(actor, community.id) or is_preparatory_member(actor, community.id),
        action=ConfirmForm(),
        now=now,
    )


@bp.post("/committee/c/<int:community_id>/property/escalations/<int:escalation_id>/noted")
@login_required
def committee_note(community_id: int, escalation_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        steps.note_by_committee(current_actor(), community_id, escalation_id, now=utcnow())
    else:
        flash(_("The form has expired. Please try again."), "error")
    return redirect(url_for(".committee_requests", community_id=community_id))


@bp.get("/office/c/<int:community_id>/property/requests")
@login_required
def office_requests(community_id: int) -> str:
    """The office's ledger review: the escalations it has not noted, then the ledger with the complaints' marks."""
    actor = current_actor()
    now = utcnow()
    require(can_judge_service(actor, reading.community_of(community_id)) or is_administrator(actor))
    community, escalations = reading.escalations_of(actor, community_id, side="office")
    _community, rows = reading.ledger(actor, community_id, now)
    return render_template(
        "property/requests/office.html",
        community=community,
        escalations=escalations,
        rows=list(reversed(rows)),
        may_judge=can_judge_service(actor, community),
        action=ConfirmForm(),
        judge_form=JudgeForm(),
        now=now,
    )


@bp.post("/office/c/<int:community_id>/property/escalations/<int:escalation_id>/noted")
@login_required
def office_note(community_id: int, escalation_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        steps.note_by_office(current_actor(), community_id, escalation_id, now=utcnow())
    else:
        flash(_("The form has expired. Please try again."), "error")
    return redirect(url_for(".office_requests", community_id=community_id))


@bp.post("/office/property/requests/<public_id>/judge")
@login_required
def judge_request(public_id: str) -> Response:
    """The office marks a complaint upheld (``upheld=yes``) or not (``no``)."""
    form = JudgeForm()
    found = steps.load_request(db.session(), public_id)
    back = url_for(".office_requests", community_id=found.community_id) + f"#request-{public_id}"
    if not form.validate_on_submit() or form.upheld.data not in ("yes", "no"):
        require(can_judge_service(current_actor(), reading.community_of(found.community_id)))
        flash(_("The form has expired. Please try again."), "error")
        return redirect(back)
    try:
        steps.judge_complaint(current_actor(), public_id, upheld=form.upheld.data == "yes", now=utcnow())
    except RuleViolation as exc:
        flash(exc.reason, "error")
    else:
        flash(_("The mark is recorded."), "success")
    return redirect(back)
