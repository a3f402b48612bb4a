"""Owners' complaints and repair requests: filing, the company's steps, escalations, the ledger.

The audiences: the owner with their letter (``/v/<token>/requests``) or on the board with the register's identity
check (``/c/<slug>/property/requests``, where the public sees counts and times, never a name or a unit); the serving
company's staff (``/property/...``); the committee (``/committee/c/<id>/property/requests``) and the street office
(``/office/c/<id>/property/requests``), who note the escalations, the office judging the complaints. Photos are
served to the owner with their letter, the company, the committee and the office, never on the board.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app, flash, redirect, render_template, request, url_for
from flask import session as browser
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ...accounts.forms import ConfirmForm
from ...clock import today_in_china
from ...communities.models import Community
from ...communities.queries import community_by_slug
from ...db import db, utcnow
from ...domain.errors import NotFound, RuleViolation
from ...domain.id_digits import MAX_ATTEMPTS
from ...extensions import limiter
from ...notices.services import stored_file_response
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
from ...voting import services as voting
from ...voting.routes import CONFIRMED
from .. import labels
from ..forms.requests import (
    BoardLookupForm,
    BoardRatingForm,
    BoardRequestForm,
    FollowUpForm,
    JudgeForm,
    RatingForm,
    RequestForm,
    ResolveForm,
)
from ..models import RequestState
from ..services import request_filing as filing
from ..services import request_ledger as reading
from ..services import requests as steps
from ..services.common import complaint_kinds, contract_in_force, deadlines, require_serving
from . import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _letter_limit() -> str:
    """Filing is limited as letters and board petitions are: per address, the deployment's letter rate."""
    return current_app.config["LETTER_RATE_LIMIT"]


@bp.context_processor
def _request_labels() -> dict[str, object]:
    return {
        "request_kind_label": labels.request_kind_label,
        "request_category_label": labels.request_category_label,
        "request_state_label": labels.request_state_label,
        "request_step_label": labels.request_step_label,
        "step_status_label": labels.step_status_label,
        "request_event_label": labels.request_event_label,
        "duration_text": reading.duration_text,
        "time_left_text": reading.time_left_text,
        "open_states": steps.OPEN_STATES,
        "max_attempts": MAX_ATTEMPTS,
    }


@bp.app_template_global()
def request_watch(community: Community) -> tuple[str, int] | None:
    """The community's administration page: where the reader follows its requests (the office's ledger review or the
    committee's page) and how many escalations they have not noted; None for a reader who may not."""
    actor = current_actor()
    if can_judge_service(actor, community):
        return url_for("property.office_requests", community_id=community.id), reading.open_escalations(community.id, side="office")
    if can_watch_service(actor, community):
        return url_for("property.committee_requests", community_id=community.id), reading.open_escalations(community.id, side="committee")
    return None


@bp.app_template_global()
def office_request_escalations(street_office_id: int) -> list[tuple[Community, int]]:
    """The office's dashboard: its communities with escalations it has not noted, and how many."""
    return reading.open_escalations_of_office(street_office_id)


def _private(page: str | Response) -> Response:
    """A page that names an owner's unit or holds their letter: no cache keeps it."""
    response = page if isinstance(page, Response) else current_app.response_class(page)
    response.headers["Cache-Control"] = "no-store"
    return response


def _photo(sha256: str, content_type: str, filename: str) -> Response:
    response = stored_file_response(sha256, content_type, filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _uploads(field: str = "photos") -> list[filing.Photo]:
    files: list[FileStorage] = [f for f in request.files.getlist(field) if f and f.filename]
    return [filing.Photo(f.filename or "photo", f.read()) for f in files]


def _field_error(form: object, exc: RuleViolation) -> None:
    """A refusal goes under the field it names (``photos[2]``: the third photo), others above the form."""
    name, _sep, index = exc.field.partition("[")
    field = getattr(form, name, None)
    if field is None or not hasattr(field, "errors"):
        flash(exc.reason, "error")
        return
    reason = exc.reason
    if index:
        reason = _("Photo %(num)d: %(reason)s", num=int(index.rstrip("]")) + 1, reason=exc.reason)
    field.errors = [*field.errors, reason]


def _kinds(form: RequestForm | BoardRequestForm, community: Community) -> None:
    form.kind.choices = [
        SelectChoice("", _("Choose…")),
        *(SelectChoice(k, labels.request_kind_label(k)) for k in complaint_kinds(community)),
    ]


# ---------------------------------------------------------------- the owner with their letter


def _letter(token: str) -> filing.LetterHolder:
    """The letter opened in this browser, and its holder's units on today's register."""
    letter = voting.find_letter(token)
    if letter is None or letter.locked_at is not None or letter.id not in browser.get(CONFIRMED, []):
        raise NotFound(_("Open your voting letter again."))
    try:
        return filing.letter_holder(db.session(), token)
    except RuleViolation as exc:
        raise NotFound(exc.reason) from None


@bp.route("/v/<token>/requests/new", methods=["GET", "POST"])
@limiter.limit(_letter_limit, methods=["POST"])
def new_letter_request(token: str) -> Response:
    """The owner files a complaint or a repair request for one of their letter's units."""
    holder = _letter(token)
    community = holder.community
    form = RequestForm()
    _kinds(form, community)
    form.unit.choices = [SelectChoice(label, label) for label in holder.units]
    served = contract_in_force(db.session(), community.id, _today()) is not None
    if served and form.validate_on_submit():
        try:
            filed = filing.file_by_letter(
                token,
                unit=form.unit.data or None,
                category=form.category.data or "",
                kind=form.kind.data or "",
                text=form.text.data or "",
                contact_phone=form.contact_phone.data or "",
                photos=_uploads(),
                ip=request.remote_addr or "-",
                now=utcnow(),
            )
        except RuleViolation as exc:
            _field_error(form, exc)
        else:
            _filed_message(filed)
            return redirect(url_for(".letter_requests", token=token))
    page = render_template(
        "property/requests/letter_new.html", community=community, form=form, token=token, units=list(holder.units), served=served
    )
    return _private(page)


def _today() -> date:
    return today_in_china(utcnow())


def _filed_message(filed: object) -> None:
    number = getattr(filed, "public_id", "")
    flash(
        _("Your request %(number)s is filed. Keep the number: the company's steps and deadlines are on its page.", number=number), "success"
    )


@bp.get("/v/<token>/requests")
def letter_requests(token: str) -> Response:
    """The requests of the letter's units, with their states, deadlines and photos, and the rating of a resolved one."""
    holder = _letter(token)
    _holder, found = filing.requests_of_letter(token)
    page = render_template(
        "property/requests/letter_list.html",
        community=holder.community,
        token=token,
        requests=reading.views(found, utcnow()),
        rating_form=RatingForm(),
        now=utcnow(),
    )
    return _private(page)


@bp.post("/v/<token>/requests/<public_id>/rate")
@limiter.limit(_letter_limit)
def rate_with_letter(token: str, public_id: str) -> Response:
    _letter(token)
    form = RatingForm()
    if not form.validate_on_submit():
        flash(_("Choose a rating from 1 to 5."), "error")
        return redirect(url_for(".letter_requests", token=token) + f"#request-{public_id}")
    try:
        filing.rate_by_letter(token, public_id, rating=form.rating.data, comment=form.comment.data or "", now=utcnow())
    except RuleViolation as exc:
        flash(exc.reason, "error")
    else:
        flash(_("Thank you: your rating is recorded."), "success")
    return redirect(url_for(".letter_requests", token=token) + f"#request-{public_id}")


@bp.get("/v/<token>/requests/<public_id>/photos/<int:photo_id>")
def letter_photo(token: str, public_id: str, photo_id: int) -> Response:
    _letter(token)
    found = filing.request_of_letter(token, public_id)
    return _photo(*reading.photo_of(found, photo_id))


# ---------------------------------------------------------------- the board


@bp.get("/c/<slug>/property/requests")
def board_requests(slug: str) -> str:
    """Counts by kind and state, each step's share on time and median time: never a name or a unit."""
    community = community_by_slug(slug)
    now = utcnow()
    served = contract_in_force(db.session(), community.id, _today()) is not None
    return render_template(
        "property/requests/board.html",
        community=community,
        figures=reading.public_figures(community, now),
        clock=steps_clock(community, now),
        served=served,
    )


def steps_clock(community: Community, now: datetime) -> list[tuple[str, datetime]]:
    """Each step's deadline for a request filed now: the clock as owners read it."""
    return [(step.value, due) for step, due in deadlines(community, now).items()]


@bp.route("/c/<slug>/property/requests/new", methods=["GET", "POST"])
@limiter.limit(_letter_limit, methods=["POST"])
def new_board_request(slug: str) -> Response | str:
    """An owner without their letter files on the board with the register's identity check."""
    community = community_by_slug(slug)
    form = BoardRequestForm()
    _kinds(form, community)
    served = contract_in_force(db.session(), community.id, _today()) is not None
    if served and form.validate_on_submit():
        try:
            filed = filing.file_by_identity(
                community.id,
                unit=form.unit.data or "",
                name=form.name.data or "",
                id_last4=form.id_last4.data or "",
                category=form.category.data or "",
                kind=form.kind.data or "",
                text=form.text.data or "",
                contact_phone=form.contact_phone.data or "",
                photos=_uploads(),
                ip=request.remote_addr or "-",
                now=utcnow(),
            )
        except RuleViolation as exc:
            _field_error(form, exc)
        else:
            _filed_message(filed)
            return redirect(url_for(".board_request", slug=community.slug, public_id=filed.public_id))
    return render_template("property/requests/board_new.html", community=community, form=form, served=served)


@bp.get("/c/<slug>/property/requests/find")
def find_board_request(slug: str) -> Response:
    """The board's "find my request" form: its number (as the receipt's text message gives it) to its page."""
    community = community_by_slug(slug)
    number = "".join((request.args.get("number") or "").split()).upper()
    if not number:
        flash(_("Give your request's number, such as 20270112-ABC234."), "error")
        return redirect(url_for(".board_requests", slug=community.slug))
    return redirect(url_for(".board_request", slug=community.slug, public_id=number))


@bp.route("/c/<slug>/property/requests/<public_id>", methods=["GET", "POST"])
@limiter.limit(_letter_limit, methods=["POST"])
def board_request(slug: str, public_id: str) -> Response:
    """The owner's view of one request after the register's identity check of its unit, and its rating."""
    community = community_by_slug(slug)
    form = BoardLookupForm()
    shown = None
    if form.validate_on_submit():
        try:
            found = filing.request_by_identity(
                community.id,
                public_id,
                unit=form.unit.data or "",
                name=form.name.data or "",
                id_last4=form.id_last4.data or "",
                ip=request.remote_addr or "-",
                now=utcnow(),
            )
        except RuleViolation as exc:
            _field_error(form, exc)
        else:
            shown = reading.views([found], utcnow())[0]
    rating = BoardRatingForm(formdata=None, unit=form.unit.data, name=form.name.data, id_last4=form.id_last4.data)
    page = render_template(
        "property/requests/board_show.html",
        community=community,
        public_id=public_id,
        form=form,
        shown=shown,
        rating_form=rating,
        now=utcnow(),
    )
    return _private(page)


@bp.post("/c/<slug>/property/requests/<public_id>/rate")
@limiter.limit(_letter_limit)
def rate_on_board(slug: str, public_id: str) -> Response:
    community = community_by_slug(slug)
    form = BoardRatingForm()
    if not form.validate_on_submit():
        flash(_("Choose a rating from 1 to 5."), "error")
        return redirect(url_for(".board_request", slug=community.slug, public_id=public_id))
    try:
        filing.rate_by_identity(
            community.id,
            public_id,
            unit=form.unit.data or "",
            name=form.name.data or "",
            id_last4=form.id_last4.data or "",
            rating=form.rating.data,
            comment=form.comment.data or "",
            ip=request.remote_addr or "-",
            now=utcnow(),
        )
    except RuleViolation as exc:
        flash(exc.reason, "error")
    else:
        flash(_("Thank you: your rating is recorded."), "success")
    return redirect(url_for(".board_request", slug=community.slug, public_id=public_id))


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
        may_act = require_serving(db.session(), actor, community.id, _today()).company_id == view.request.company_id
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
    return _private(page)


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
            _field_error(form, exc)
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
            _field_error(form, exc)
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
    return _photo(*reading.photo_for(current_actor(), public_id, photo_id, now=utcnow()))


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
