"""The owner with a letter: open it with their ID digits, review and cast the ballot, keep the receipt, report, petition."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, overload

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session as browser
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ..communities.models import Community, Person
from ..communities.queries import community_by_slug
from ..db import db, utcnow
from ..domain.canonical import canonical_json
from ..domain.errors import NotFound, RuleViolation
from ..domain.id_digits import MAX_ATTEMPTS, may_end_in_x
from ..domain.lifecycle import SessionState
from ..domain.objections import can_file
from ..domain.receipts import tracker
from ..extensions import limiter
from ..notices.services import stored_file_response
from ..orders.services import order_of_petition
from ..qr import qr_svg
from ..security.keys import cached_keyring
from ..security.permissions import can_run_session, require
from ..security.web import current_actor
from ..sessions.forms import submitted_choices
from ..sessions.models import AssemblySession, CorrectionWindow, Letter, ProxyAuthorisation, RollEntry
from ..sessions.services import bulletin, corrections, current_ballot, revote_allowed, scopes, sync_state
from . import services as voting
from .forms import BallotForm, BoardPetitionForm, DigitsForm, IdentityForm, PetitionForm
from .labels import OBJECTION_KINDS, OBJECTION_STATUSES, OUTCOME_LABELS, TIMELINE_STEPS, objection_kinds
from .models import Objection, ObjectionDocument, Petition

bp = Blueprint("voting", __name__)

# The letters this browser has opened with their digits (the last ten).
CONFIRMED = "confirmed_letters"


def _letter_limit() -> str:
    return current_app.config["LETTER_RATE_LIMIT"]


@bp.context_processor
def _letter_page() -> dict[str, str]:
    """A letter's page answered to a form comes back, after the language switch, as the letter itself."""
    token = (request.view_args or {}).get("token")
    return {"here": url_for(".open_letter", token=token)} if token and request.method != "GET" else {}


@bp.after_request
def _private(response: Response) -> Response:
    """A letter's pages hold a ballot: no cache keeps them, and Back fetches them again."""
    if request.path.startswith("/v/") and not request.path.endswith(".svg"):
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_template_global()
def open_petitions(community: Community) -> list[voting.Progress]:
    """The community board's panel of petitions collecting signatures."""
    return voting.open_petitions(community.id, utcnow())


# How much of an item's text the ballot shows open: its first lines, up to a phone screen's worth.
LEAD_LINES, LEAD_CHARS = 3, 160


@bp.app_template_global()
def text_lead(text: str) -> tuple[str, bool]:
    """The first lines of ``text`` to show open, and whether there is more behind "Show the full text"."""
    whole = text.strip()
    lead = "\n".join(whole.splitlines()[:LEAD_LINES])[:LEAD_CHARS].rstrip()
    return lead, lead != whole


@bp.route("/v/<token>", methods=["GET", "POST"])
@limiter.limit(_letter_limit, methods=["POST"])
def open_letter(token: str) -> Response | str | tuple[str, int]:
    letter = voting.find_letter(token)
    if letter is None:
        if request.method == "POST":
            voting.confirm_letter(token, "", ip=request.remote_addr or "-", now=utcnow())  # audits the attempt
        return render_template("voting/letter_invalid.html"), 404
    if letter.locked_at is not None:
        return _locked_page(letter)
    letter_id = letter.id  # the confirmation's commit expires the letter; its id needs no second read
    if letter_id in browser.get(CONFIRMED, []):
        return _voter_page(letter)
    form = DigitsForm()
    if not may_end_in_x(voting.expected_digits(letter)):
        form.digits.render_kw = {**(form.digits.render_kw or {}), "inputmode": "numeric"}
    session_title = letter.session.title
    if form.validate_on_submit():
        status, refused = voting.confirm_letter(token, form.digits.data or "", ip=request.remote_addr or "-", now=utcnow())
        if status is voting.LetterStatus.OK:
            browser[CONFIRMED] = [*browser.get(CONFIRMED, [])[-9:], letter_id]
            return redirect(url_for(".open_letter", token=token))
        if status is voting.LetterStatus.LOCKED and refused is not None:
            return _locked_page(refused)
        form.digits.errors.append(voting.refusal_text(status, refused))
    return render_template("voting/letter_confirm.html", form=form, session_title=session_title)


def _locked_page(letter: Letter) -> tuple[str, int]:
    """Where a locked letter leads: who re-issues it, what to bring, and the community's page."""
    assembly = db.session.get(AssemblySession, letter.session_id)
    community = db.session.get(Community, assembly.community_id) if assembly else None
    return render_template("voting/letter_locked.html", community=community, proxy=letter.proxy_id is not None), 403


def _voter_page(letter: Letter, *, chosen: dict[str, str] | None = None, error: str | None = None) -> str:
    # Held until the page is rendered: the ORM's identity map keeps only what something references, so
    # the helpers and the template below would each read the session, community and roll entry again.
    assembly = db.session.get(AssemblySession, letter.session_id)
    assert assembly is not None
    state = sync_state(letter.session_id, now=utcnow())
    community = db.session.get(Community, assembly.community_id)
    assert community is not None
    objections = voting.objections_of_voter(letter.session_id, letter.roll_entry_id)
    # After the count, a voter an upheld objection reopened it for votes again here, until the window ends.
    window = (
        corrections.open_for(db.session(), letter.session_id, letter.roll_entry_id, "online", utcnow())
        if state is SessionState.TALLIED
        else None
    )
    entry = db.session.get(RollEntry, letter.roll_entry_id)
    holder = db.session.get(Person, letter.person_id)
    proxy = db.session.get(ProxyAuthorisation, letter.proxy_id) if letter.proxy_id else None
    ballot = current_ballot(letter.session_id, letter.roll_entry_id)
    # What the owner sees as their ballot is what the bulletin signed, not the table row beside it.
    receipt = bulletin.receipt_of(db.session(), ballot.id) if ballot else None
    return render_template(
        "voting/voter.html",
        ballot_choices=receipt["choices"] if receipt else {},
        letter=letter,
        assembly=assembly,
        state=state,
        holder=holder,
        proxy=proxy,
        ballot=ballot,
        cast_by=voting.who_cast(ballot, letter) if ballot else None,
        closed=state in ENDED,
        history=voting.ballot_history(letter),
        objections=objections,
        # Each ground once: what the holders already objected on is not offered again.
        objection_kinds=[
            k
            for k in objection_kinds(state, ballot is not None, assembly.objections_until, utcnow())
            if k not in {o.kind.value for o in objections}
        ],
        objection_labels=OBJECTION_KINDS,
        objection_statuses=OBJECTION_STATUSES,
        outcome_labels=OUTCOME_LABELS,
        objection_files={o.id: voting.documents_of(o.id) for o in objections},
        window=window,
        revote=revote_allowed(assembly),
        petitions=voting.petitions_for_letter(letter, utcnow()),
        community_slug=community.slug,
        entry=entry,
        petition_form=PetitionForm(),
        chosen=chosen or {},
        error=error,
        token=request.view_args["token"] if request.view_args else "",
        form=BallotForm(),
    )


# The states in which voting has ended, counted or not.
ENDED = frozenset({SessionState.CLOSED, SessionState.TALLIED, SessionState.CERTIFIED, SessionState.REJECTED, SessionState.REVOKED})

L = TypeVar("L", bound=voting.LetterRef)


@overload
def _confirmed_letter(token: str) -> Letter: ...
@overload
def _confirmed_letter(token: str, find: Callable[[str], L | None]) -> L: ...
def _confirmed_letter(token: str, find: Callable[[str], voting.LetterRef | None] | None = None) -> voting.LetterRef:
    """The letter behind a ballot step: it must exist and have been opened in this browser.

    ``find`` reads it: the whole letter by default, or only what a cast needs (``voting.find_letter_ref``).
    """
    letter = (find or voting.find_letter)(token)
    if letter is None or letter.locked_at is not None or letter.id not in browser.get(CONFIRMED, []):
        raise NotFound(_("Open your voting letter again."))
    return letter


# The choices being checked, by letter id: the check is a page of its own (post, redirect, get), so that
# the browser's Back button after the cast reloads it instead of offering to post the form again.
CHECKING = "checking_choices"


@bp.post("/v/<token>/review")
def review_ballot(token: str) -> Response | str:
    letter = _confirmed_letter(token)
    if not BallotForm().validate_on_submit():
        return _voter_page(letter, error=_("The form has expired. Please choose again."))
    offered = {str(item.id) for item in scopes.items_for_voter(letter.session, letter.roll_entry_id)}
    chosen = {key: value for key, value in submitted_choices(request.form).items() if key in offered}
    browser[CHECKING] = {"letter": letter.id, "chosen": chosen}
    return redirect(url_for(".show_review", token=token), code=303)


@bp.get("/v/<token>/review")
def show_review(token: str) -> Response | str:
    """The choices to check before casting; once the ballot is cast (and cannot change), the letter with the ballot."""
    letter = _confirmed_letter(token)
    assembly = db.session.get(AssemblySession, letter.session_id)
    checking = browser.get(CHECKING) or {}
    cast = current_ballot(letter.session_id, letter.roll_entry_id) is not None
    state = sync_state(letter.session_id, now=utcnow())
    may_vote = state is SessionState.OPEN or (
        state is SessionState.TALLIED and corrections.open_for(db.session(), letter.session_id, letter.roll_entry_id, "online", utcnow())
    )
    if checking.get("letter") != letter.id or not may_vote or (cast and not revote_allowed(assembly)):
        return redirect(url_for(".open_letter", token=token))
    assert assembly is not None
    items = scopes.items_for_voter(assembly, letter.roll_entry_id)
    return render_template("voting/review.html", assembly=assembly, items=items, chosen=checking["chosen"], token=token, form=BallotForm())


@bp.post("/v/<token>/cast")
@limiter.limit(_letter_limit)
def cast_ballot(token: str) -> Response | str:
    # The busiest request of a voting evening reads the letter as one plain row; the page, on a way back, loads it whole.
    letter = _confirmed_letter(token, voting.find_letter_ref)
    chosen = submitted_choices(request.form)
    if not BallotForm().validate_on_submit() or request.form.get("change"):
        return _voter_page(_confirmed_letter(token), chosen=chosen)
    try:
        voting.cast_ballot(token, chosen, ip=request.remote_addr or "-", now=utcnow(), letter=letter)
    except RuleViolation as exc:
        return _voter_page(_confirmed_letter(token), chosen=chosen, error=exc.reason)
    browser.pop(CHECKING, None)
    flash(_("Your ballot is cast. Thank you for voting."), "success")
    return redirect(url_for(".show_receipt", token=token))


@bp.post("/v/<token>/objections")
@limiter.limit(_letter_limit)
def file_objection(token: str) -> Response | str:
    """The holder objects to the count (a ballot not theirs, the roll, their weight, the count), with photos or scans."""
    letter = _confirmed_letter(token)
    if not BallotForm().validate_on_submit():
        return _voter_page(letter, error=_("The form has expired. Please try again."))
    files = [voting.Upload(f.filename or "", f.read()) for f in request.files.getlist("files") if f and f.filename]
    try:
        voting.file_objection(
            letter.id,
            request.form.get("kind", ""),
            request.form.get("statement", ""),
            files=files,
            ip=request.remote_addr or "-",
            now=utcnow(),
        )
    except RuleViolation as exc:
        return _voter_page(letter, error=exc.reason)
    flash(
        _("Your objection is filed. Those running the session answer it, then the street office decides; each step shows here."), "success"
    )
    return redirect(url_for(".open_letter", token=token))


@bp.get("/v/<token>/objections/<public_id>/files/<int:document_id>")
def objection_file(token: str, public_id: str, document_id: int) -> Response:
    """A file the holder attached, for the holders of the same units only."""
    letter = _confirmed_letter(token)
    objection = voting.objection_by_public_id(public_id)
    if objection is None or objection.session_id != letter.session_id or objection.roll_entry_id != letter.roll_entry_id:
        raise NotFound(_("No such file."))
    document = next((d for d in voting.documents_of(objection.id) if d.id == document_id), None)
    if document is None:
        raise NotFound(_("No such file."))
    return stored_file_response(document.sha256, document.content_type, document.filename)


@bp.post("/v/<token>/petitions")
@limiter.limit(_letter_limit)
def start_petition(token: str) -> Response | str:
    """An owner proposes an extraordinary session; co-owners and neighbours sign with their own letters."""
    letter = _confirmed_letter(token)
    form = PetitionForm()
    if not form.validate_on_submit():
        return _voter_page(letter, error=_("Give the petition a title and the items you propose."))
    try:
        started = voting.start_petition(
            token, title=form.title.data or "", items=form.items.data or "", ip=request.remote_addr or "-", now=utcnow()
        )
    except RuleViolation as exc:
        return _voter_page(letter, error=exc.reason)
    flash(_("Your petition is started and signed. Neighbours sign it from their own voting letters."), "success")
    slug = db.session.get(Community, started.community_id).slug  # type: ignore[union-attr]
    return redirect(url_for(".show_petition", slug=slug, public_id=started.public_id))


@bp.post("/v/<token>/petitions/<public_id>/sign")
@limiter.limit(_letter_limit)
def sign_petition(token: str, public_id: str) -> Response | str:
    letter = _confirmed_letter(token)
    if not BallotForm().validate_on_submit():
        return _voter_page(letter, error=_("The form has expired. Please try again."))
    try:
        done = voting.sign_petition(token, public_id, ip=request.remote_addr or "-", now=utcnow())
    except RuleViolation as exc:
        return _voter_page(letter, error=exc.reason)
    if done.reached:
        flash(_("Signed. The petition has reached the threshold: the committee is ordered to convene the session."), "success")
    else:
        flash(_("Signed. Thank you."), "success")
    return redirect(url_for(".open_letter", token=token))


def _receipt(token: str) -> tuple[Letter, dict[str, Any]]:
    letter = _confirmed_letter(token)
    receipt = voting.receipt_of_letter(letter)
    if receipt is None:
        raise NotFound(_("No ballot has been cast with this letter yet."))
    return letter, receipt


@bp.get("/v/<token>/receipt")
def show_receipt(token: str) -> str:
    """The owner's signed receipt: tracker, choices, QR code, download, and a check in the browser."""
    letter, receipt = _receipt(token)
    assembly = db.session.get(AssemblySession, letter.session_id)
    text = canonical_json(receipt).decode()
    keys = json.dumps({"keys": [k.as_json() for k in cached_keyring(current_app.instance_path).published]}, separators=(",", ":"))
    return render_template(
        "voting/receipt.html",
        assembly=assembly,
        receipt=receipt,
        receipt_text=text,
        keys_text=keys,
        tracker=tracker(receipt["hash"]),
        token=token,
    )


@bp.get("/v/<token>/receipt.svg")
def receipt_qr(token: str) -> Response:
    """The QR code holding the whole canonical receipt, apart so the receipt page itself stays light."""
    _letter, receipt = _receipt(token)
    return current_app.response_class(qr_svg(canonical_json(receipt).decode()), mimetype="image/svg+xml")


@bp.get("/v/<token>/receipt.json")
def download_receipt(token: str) -> Response:
    _letter, receipt = _receipt(token)
    response = current_app.response_class(json.dumps(receipt, ensure_ascii=False, indent=2) + "\n", mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="gongzhi-receipt-{receipt["session"]}-{receipt["seq"]}.json"'
    return response


def _petition_page(community: Community, petition: Petition, form: IdentityForm | None = None) -> str:
    return render_template(
        "voting/petition.html",
        community=community,
        progress=voting.progress_of(petition),
        status=voting.petition_status(petition, utcnow()),
        order=order_of_petition(petition.id),
        sign_form=form or IdentityForm(),
    )


def _board_petition(slug: str, public_id: str) -> tuple[Community, Petition]:
    community = community_by_slug(slug)
    petition = voting.petition_by_public_id(community.id, public_id)
    if petition is None:
        raise NotFound(_("No such petition."))
    return community, petition


@bp.get("/c/<slug>/petitions/<public_id>")
def show_petition(slug: str, public_id: str) -> str:
    """A petition's items and live progress toward the threshold; who signed stays private."""
    community, petition = _board_petition(slug, public_id)
    return _petition_page(community, petition)


def _field_error(form: IdentityForm, exc: RuleViolation) -> None:
    """A refusal about a field goes under it; one about the petition itself (signed, closed) is said above the page."""
    field = getattr(form, exc.field, None)
    if field is None:
        flash(exc.reason, "error")
    else:
        field.errors.append(exc.reason)


@bp.route("/c/<slug>/petitions/new", methods=["GET", "POST"])
@limiter.limit(_letter_limit, methods=["POST"])
def start_board_petition(slug: str) -> Response | str:
    """When no session is called, owners petition from the public board, identified by the register (RULES §3)."""
    community = community_by_slug(slug)
    form = BoardPetitionForm()
    if form.validate_on_submit():
        try:
            started = voting.start_board_petition(
                community.id,
                unit=form.unit.data or "",
                name=form.name.data or "",
                id_last4=form.id_last4.data or "",
                title=form.title.data or "",
                items=form.items.data or "",
                ip=request.remote_addr or "-",
                now=utcnow(),
            )
        except RuleViolation as exc:
            _field_error(form, exc)
        else:
            flash(_("Your petition is started and signed. Neighbours sign it from this page with their own details."), "success")
            return redirect(url_for(".show_petition", slug=community.slug, public_id=started.public_id))
    return render_template("voting/petition_new.html", community=community, form=form, max_attempts=MAX_ATTEMPTS)


@bp.post("/c/<slug>/petitions/<public_id>/sign")
@limiter.limit(_letter_limit)
def sign_board_petition(slug: str, public_id: str) -> Response | str:
    community, petition = _board_petition(slug, public_id)
    form = IdentityForm()
    if not form.validate_on_submit():
        return _petition_page(community, petition, form)
    try:
        done = voting.sign_board_petition(
            petition.public_id,
            unit=form.unit.data or "",
            name=form.name.data or "",
            id_last4=form.id_last4.data or "",
            ip=request.remote_addr or "-",
            now=utcnow(),
        )
    except RuleViolation as exc:
        _field_error(form, exc)
        return _petition_page(community, petition, form)
    if done.reached:
        flash(_("Signed. The petition has reached the threshold: the committee is ordered to convene the session."), "success")
    else:
        flash(_("Signed. Thank you."), "success")
    return redirect(url_for(".show_petition", slug=community.slug, public_id=public_id))


# Those running the session: each objection, with the owner's files, and their answer ---------------------------


@dataclass(frozen=True)
class ObjectionLine:
    objection: Objection
    units: list[str]
    files: list[ObjectionDocument]


@bp.app_template_global()
def session_objections(assembly: AssemblySession) -> list[ObjectionLine]:
    """The session's objections for those running it (the committee's page of the session)."""
    out = []
    for objection in voting.objections_of_session(assembly.id):
        entry = db.session.get(RollEntry, objection.roll_entry_id)
        out.append(ObjectionLine(objection, list(entry.units) if entry else [], voting.documents_of(objection.id)))
    return out


@bp.app_template_global()
def period_running(assembly: AssemblySession) -> bool:
    """Whether owners can still object to the session's preliminary result now."""
    return assembly.state is SessionState.TALLIED and can_file(utcnow(), assembly.objections_until)


@bp.app_template_global()
def objection_window(objection: Objection) -> CorrectionWindow | None:
    return voting.window_of_objection(objection)


@bp.app_template_global()
def window_units(window: CorrectionWindow) -> list[str]:
    entry = db.session.get(RollEntry, window.roll_entry_id)
    return list(entry.units) if entry else []


@bp.app_template_global()
def objection_text(kind: str, status: str = "", outcome: str = "") -> str:
    """The labels of an objection's kind, step and outcome, for pages rendered by other packages."""
    return str(OUTCOME_LABELS[outcome] if outcome else OBJECTION_STATUSES[status] if status else OBJECTION_KINDS[kind])


@bp.post("/committee/objections/<public_id>/answer")
@login_required
def answer_objection(public_id: str) -> Response:
    objection = voting.objection_by_public_id(public_id)
    if objection is None:
        raise NotFound(_("No such objection."))
    assembly = db.session.get(AssemblySession, objection.session_id)
    assert assembly is not None
    if not BallotForm().validate_on_submit():
        flash(_("The form has expired. Please try again."), "error")
    else:
        try:
            voting.answer_objection(current_actor(), objection.id, answer=request.form.get("answer", ""), now=utcnow())
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(_("Your answer is recorded; the owner and the street office see it."), "success")
    return redirect(url_for("sessions.show_session", public_id=assembly.public_id, _anchor=f"objection-{public_id}"))


@bp.get("/committee/objections/<public_id>/files/<int:document_id>")
@login_required
def committee_objection_file(public_id: str, document_id: int) -> Response:
    objection = voting.objection_by_public_id(public_id)
    assembly = db.session.get(AssemblySession, objection.session_id) if objection else None
    community = db.session.get(Community, assembly.community_id) if assembly else None
    if objection is None or assembly is None or community is None:
        raise NotFound(_("No such file."))
    require(can_run_session(current_actor(), community, assembly.convened_by))
    document = next((d for d in voting.documents_of(objection.id) if d.id == document_id), None)
    if document is None:
        raise NotFound(_("No such file."))
    return stored_file_response(document.sha256, document.content_type, document.filename)


# The public result page: how many objections of which kinds, and the way from the count to the final result -----


@bp.app_template_global()
def objection_summary(assembly: AssemblySession) -> voting.Summary:
    return voting.summary(assembly.id)


@dataclass(frozen=True)
class Step:
    label: str
    when: datetime | None
    done: bool


@bp.app_template_global()
def result_timeline(assembly: AssemblySession) -> list[Step]:
    """Closed, preliminary result published, objections until, objections decided, certified (or rejected)."""
    return [Step(str(TIMELINE_STEPS[t.step]), t.when, t.done) for t in voting.timeline(assembly, utcnow())]
