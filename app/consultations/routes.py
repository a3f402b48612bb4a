"""Consultations' pages: the committee drafts, opens and closes; owners answer on the board or from their letter."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session as browser
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response

from ..accounts.forms import ConfirmForm
from ..communities.models import Community
from ..communities.queries import community_by_slug
from ..db import db, utcnow
from ..domain.errors import NotFound, RuleViolation
from ..domain.id_digits import MAX_ATTEMPTS
from ..domain.numbers import percent
from ..extensions import limiter
from ..notices.services import public_id_of
from ..security.permissions import can_certify, can_consult_owners, require
from ..security.web import current_actor
from ..sessions.models import AssemblySession, Letter
from ..voting import services as voting
from ..voting.routes import CONFIRMED
from . import services as service
from .forms import AnswerForm, BoardAnswerForm, ConsultationForm
from .models import Consultation, ConsultationState

bp = Blueprint("consultations", __name__)


def _letter_limit() -> str:
    """Answers are limited as letters and board petitions are: per address, the deployment's letter rate."""
    return current_app.config["LETTER_RATE_LIMIT"]


STATE_LABELS = {"draft": _l("Draft"), "open": _l("Taking answers"), "closed": _l("Closed")}
# What a consultation is for, when another feature asks its own question this way ("general" says nothing more).
PURPOSE_LABELS = {"satisfaction": _l("Satisfaction survey of the property-service company")}


@bp.app_context_processor
def _links() -> dict[str, object]:
    """The community's administration page links the consultations for those who run them."""
    return {"can_consult_owners": can_consult_owners}


@bp.context_processor
def _labels() -> dict[str, object]:
    return {
        "consultation_states": STATE_LABELS,
        "consultation_purposes": PURPOSE_LABELS,
        "closing_day": service.closing_day,
        "notice_public_id": public_id_of,
        "share": percent,
    }


@bp.after_request
def _private(response: Response) -> Response:
    """The letter's answer page holds a letter's token: no cache keeps it."""
    if request.path.startswith("/v/"):
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_template_global()
def open_consultations(community: Community) -> list[Consultation]:
    """The community board's panel of consultations taking answers."""
    return service.open_for(community.id, utcnow())


@bp.app_template_global()
def letter_consultations(letter: Letter) -> list[tuple[Consultation, bool]]:
    """The voter's letter page: the community's open consultations its voter may answer, and whether they did."""
    assembly = db.session.get(AssemblySession, letter.session_id)
    if assembly is None:
        return []
    open_now = service.open_for(assembly.community_id, utcnow())
    return [(c, service.letter_has_answered(c, letter)) for c in open_now if service.letter_may_answer(c, letter)]


# The committee -----------------------------------------------------------------------------------------------


def _community(community_id: int, *, manage: bool = True) -> Community:
    """The community, for its committee; its street office's officials may read (``manage=False``)."""
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound(_("No such community."))
    actor = current_actor()
    require(can_consult_owners(actor, community) or (not manage and can_certify(actor, community)))
    return community


def _consultation(public_id: str, *, manage: bool = True) -> tuple[Consultation, Community]:
    consultation = service.by_public_id(public_id)
    if consultation is None:
        raise NotFound(_("No such consultation."))
    community = _community(consultation.community_id, manage=manage)
    service.sync(consultation.id, now=utcnow())
    return consultation, community


def _form_error(form: ConsultationForm, exc: RuleViolation) -> None:
    """A refusal goes under the field it names (``options-3``: the fourth option row); others above the form."""
    if exc.field.startswith("options-"):
        form.options.entries[int(exc.field.removeprefix("options-"))].errors = [exc.reason]
        return
    if exc.field == "options":
        form.option_errors = [exc.reason]  # said above the option rows
        return
    field = getattr(form, exc.field, None)
    if field is None:
        flash(exc.reason, "error")
    else:
        field.errors = [*field.errors, exc.reason]


def _fill(form: ConsultationForm, consultation: Consultation) -> None:
    form.title.data, form.description.data = consultation.title, consultation.description
    for entry, option in zip(form.options.entries, consultation.options, strict=False):
        entry.data = option.label
    form.closes_on.data = service.closing_day(consultation)


@bp.route("/committee/c/<int:community_id>/consultations", methods=["GET", "POST"])
@login_required
def list_consultations(community_id: int) -> Response | str:
    """The community's consultations for its committee, and the form of a new one."""
    community = _community(community_id, manage=request.method == "POST")
    may_manage = can_consult_owners(current_actor(), community)
    form = ConsultationForm()
    if may_manage and form.validate_on_submit():
        try:
            drafted = service.draft_consultation(
                current_actor(),
                community_id=community.id,
                title=form.title.data or "",
                description=form.description.data or "",
                options=[e.data or "" for e in form.options.entries],
                closes_on=form.closes_on.data,
                now=utcnow(),
            )
        except RuleViolation as exc:
            _form_error(form, exc)
        else:
            flash(_("The draft is saved. Check it, then open it: owners see it only once it is open."), "success")
            return redirect(url_for(".edit_consultation", public_id=drafted.public_id))
    return render_template(
        "consultations/list.html",
        community=community,
        consultations=service.consultations_of(community.id, drafts=True),
        form=form,
        may_manage=may_manage,
    )


@bp.route("/committee/consultations/<public_id>", methods=["GET", "POST"])
@login_required
def edit_consultation(public_id: str) -> Response | str:
    """A consultation for its committee: a draft's form; an open one's participation; a closed one's summary."""
    consultation, community = _consultation(public_id, manage=request.method == "POST")
    may_manage = can_consult_owners(current_actor(), community)
    form = ConsultationForm()
    if request.method == "GET" and consultation.state is ConsultationState.DRAFT:
        _fill(form, consultation)
    elif may_manage and form.validate_on_submit():
        try:
            service.edit_draft(
                current_actor(),
                consultation.id,
                title=form.title.data or "",
                description=form.description.data or "",
                options=[e.data or "" for e in form.options.entries],
                closes_on=form.closes_on.data,
                now=utcnow(),
            )
        except RuleViolation as exc:
            _form_error(form, exc)
        else:
            flash(_("The draft is saved."), "success")
            return redirect(url_for(".edit_consultation", public_id=public_id))
    return render_template(
        "consultations/edit.html",
        community=community,
        consultation=consultation,
        summary=service.summary(consultation),
        form=form,
        confirm=ConfirmForm(),
        may_manage=may_manage,
    )


def _act(public_id: str, step: str) -> Response:
    consultation, _community_of = _consultation(public_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form has expired. Please try again."), "error")
        return redirect(url_for(".edit_consultation", public_id=public_id))
    try:
        if step == "open":
            service.open_consultation(current_actor(), consultation.id, now=utcnow())
            flash(_("The consultation is open and announced on the board. Owners answer it until its last day."), "success")
        else:
            service.close_consultation(current_actor(), consultation.id, now=utcnow())
            flash(_("The consultation is closed; its summary is published on the board."), "success")
    except RuleViolation as exc:
        flash(exc.reason, "error")
    return redirect(url_for(".edit_consultation", public_id=public_id))


@bp.post("/committee/consultations/<public_id>/open")
@login_required
def open_consultation(public_id: str) -> Response:
    return _act(public_id, "open")


@bp.post("/committee/consultations/<public_id>/close")
@login_required
def close_consultation(public_id: str) -> Response:
    return _act(public_id, "close")


# The public board --------------------------------------------------------------------------------------------


@bp.get("/c/<slug>/consultations")
def board_consultations(slug: str) -> str:
    community = community_by_slug(slug)
    for c in service.open_for(community.id):
        service.sync(c.id, now=utcnow())
    return render_template("consultations/board.html", community=community, consultations=service.consultations_of(community.id))


def _public(slug: str, public_id: str) -> tuple[Community, Consultation]:
    community = community_by_slug(slug)
    consultation = service.by_public_id(public_id)
    if consultation is None or consultation.community_id != community.id or consultation.state is ConsultationState.DRAFT:
        raise NotFound(_("No such consultation."))
    service.sync(consultation.id, now=utcnow())
    return community, consultation


def _choices(form: AnswerForm | BoardAnswerForm, consultation: Consultation) -> None:
    form.option.choices = [(o.id, o.label) for o in consultation.options]


def _public_page(community: Community, consultation: Consultation, form: BoardAnswerForm | None = None) -> str:
    if form is None:
        form = BoardAnswerForm()
        _choices(form, consultation)
    return render_template(
        "consultations/public.html",
        community=community,
        consultation=consultation,
        summary=service.summary(consultation),
        form=form,
        max_attempts=MAX_ATTEMPTS,
    )


@bp.get("/c/<slug>/consultations/<public_id>")
def show_consultation(slug: str, public_id: str) -> str:
    """The question, its options and last day, and how many have answered; the counts by option once it is closed."""
    community, consultation = _public(slug, public_id)
    return _public_page(community, consultation)


def _field_error(form: AnswerForm | BoardAnswerForm, exc: RuleViolation) -> None:
    field = getattr(form, exc.field, None)
    if field is None:
        flash(exc.reason, "error")
    else:
        field.errors = [*field.errors, exc.reason]


def _answered(option_label: str) -> None:
    flash(_('Your answer "%(option)s" is recorded. It cannot be changed. Thank you.', option=option_label), "success")


@bp.post("/c/<slug>/consultations/<public_id>/answer")
@limiter.limit(_letter_limit)
def answer_on_board(slug: str, public_id: str) -> Response | str:
    """An owner the register names answers from the board; wrong details count against the unit as for petitions."""
    community, consultation = _public(slug, public_id)
    form = BoardAnswerForm()
    _choices(form, consultation)
    if not form.validate_on_submit():
        return _public_page(community, consultation, form)
    try:
        option = service.answer_by_identity(
            consultation.public_id,
            form.option.data,
            unit=form.unit.data or "",
            name=form.name.data or "",
            id_last4=form.id_last4.data or "",
            ip=request.remote_addr or "-",
            now=utcnow(),
        )
    except RuleViolation as exc:
        _field_error(form, exc)
        return _public_page(community, consultation, form)
    _answered(option.label)
    return redirect(url_for(".show_consultation", slug=community.slug, public_id=public_id))


# From the voting letter --------------------------------------------------------------------------------------


@bp.route("/v/<token>/consultations/<public_id>", methods=["GET", "POST"])
@limiter.limit(_letter_limit, methods=["POST"])
def answer_with_letter(token: str, public_id: str) -> Response | str:
    """The holder of a letter opened in this browser answers for their voter, once."""
    letter = voting.find_letter(token)
    if letter is None or letter.locked_at is not None or letter.id not in browser.get(CONFIRMED, []):
        raise NotFound(_("Open your voting letter again."))
    consultation = service.by_public_id(public_id)
    assembly = db.session.get(AssemblySession, letter.session_id)
    if consultation is None or assembly is None or consultation.community_id != assembly.community_id:
        raise NotFound(_("No such consultation."))
    if consultation.state is ConsultationState.DRAFT:
        raise NotFound(_("No such consultation."))
    service.sync(consultation.id, now=utcnow())
    community = db.session.get(Community, consultation.community_id)
    form = AnswerForm()
    _choices(form, consultation)
    if request.method == "POST" and form.validate_on_submit():
        try:
            option = service.answer_by_letter(token, consultation.public_id, form.option.data, ip=request.remote_addr or "-", now=utcnow())
        except RuleViolation as exc:
            _field_error(form, exc)
        else:
            _answered(option.label)
            return redirect(url_for("voting.open_letter", token=token))
    return render_template(
        "consultations/letter.html",
        community=community,
        consultation=consultation,
        answered=service.letter_has_answered(consultation, letter),
        may_answer=service.letter_may_answer(consultation, letter),
        form=form,
        token=token,
        summary=service.summary(consultation),
    )
