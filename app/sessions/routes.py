"""Owners open their voting letter; the committee drafts, announces and keeps letters and proxies."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..accounts.forms import ConfirmForm
from ..clock import local_to_utc
from ..communities.models import Community, Person
from ..db import db, utcnow
from ..domain.canonical import canonical_json
from ..domain.errors import NotFound, RuleViolation
from ..domain.lifecycle import SessionState
from ..domain.receipts import tracker
from ..extensions import limiter
from ..oversight import petitions
from ..oversight.services import dispute_of_letter
from ..qr import qr_svg_data_uri
from ..security.permissions import can_run_sessions, can_view_sessions, require
from ..security.web import current_actor
from . import bulletin, services
from .forms import BallotForm, DigitsForm, ItemForm, NewSessionForm, PaperBallotForm, PetitionForm, ProxyForm
from .labels import MATTER_LABELS
from .models import AssemblySession, Item, Letter, PaperBallot, ProxyAuthorisation, RollEntry, SessionForm
from .services import Slate

bp = Blueprint("sessions", __name__)

CONFIRMED = "confirmed_letters"


def _letter_limit() -> str:
    return current_app.config["LETTER_RATE_LIMIT"]


@bp.app_context_processor
def _labels() -> dict[str, object]:
    return {"matter_labels": MATTER_LABELS}


CHOICE_LABELS = {"agree": _l("Agree"), "disagree": _l("Disagree"), "abstain": _l("Abstain"), "invalid": _l("Invalid")}


@bp.app_template_global()
def slate_of(item: Item) -> Slate | None:
    """The approved candidates of an election item (None for a question), cached for the request."""
    cache: dict[int, Slate | None] = g.setdefault("slates", {})
    if item.id not in cache:
        cache[item.id] = services.slate_of_item(item)
    return cache[item.id]


@bp.app_template_global()
def choice_text(item: Item, choice: Any) -> str:
    """A choice as people read it: agree/disagree/abstain, or the approved candidates' names."""
    if isinstance(choice, list):
        if not choice:
            return str(CHOICE_LABELS["abstain"])
        slate = slate_of(item)
        names = {c.id: c.name for c in slate.candidates} if slate else {}
        return "、".join(names.get(c, c) for c in choice)
    return str(CHOICE_LABELS.get(choice, choice))


@bp.app_template_global()
def slate_by_item_id(item_id: str) -> dict[str, Any]:
    item = db.session.get(Item, int(item_id))
    slate = slate_of(item) if item is not None else None
    return {c.id: c for c in slate.candidates} if slate else {}


@bp.app_template_filter()
def candidate_name(candidate_id: str, names: dict[str, Any]) -> str:
    return names[candidate_id].name if candidate_id in names else candidate_id


@bp.app_template_global()
def choice_class(choice: Any) -> str:
    return "approve" if isinstance(choice, list) else str(choice)


# Owners ------------------------------------------------------------------------------------------


@bp.route("/v/<token>", methods=["GET", "POST"])
@limiter.limit(_letter_limit, methods=["POST"])
def open_letter(token: str) -> Response | str | tuple[str, int]:
    letter = services.find_letter(token)
    if letter is None:
        if request.method == "POST":
            services.confirm_letter(token, "", ip=request.remote_addr or "-", now=utcnow())  # audits the attempt
        return render_template("sessions/letter_invalid.html"), 404
    if letter.locked_at is not None:
        return render_template("sessions/letter_locked.html"), 403
    letter_id = letter.id  # the confirmation's commit expires the letter; its id needs no second read
    if letter_id in session.get(CONFIRMED, []):
        return _voter_page(letter)
    form = DigitsForm()
    if form.validate_on_submit():
        status, _letter = services.confirm_letter(token, form.digits.data or "", ip=request.remote_addr or "-", now=utcnow())
        if status is services.LetterStatus.OK:
            session[CONFIRMED] = [*session.get(CONFIRMED, [])[-9:], letter_id]
            return redirect(url_for(".open_letter", token=token))
        if status is services.LetterStatus.LOCKED:
            return render_template("sessions/letter_locked.html"), 403
        if status is services.LetterStatus.NO_DIGITS:
            form.digits.errors.append(_("No ID digits are on record for this letter. Please ask your committee."))
        else:
            left = services.MAX_LETTER_ATTEMPTS - (_letter.failed_attempts if _letter else 0)
            form.digits.errors.append(
                _("The characters do not match our records. %(left)d tries left before the letter is locked.", left=left)
            )
    return render_template("sessions/letter_confirm.html", form=form, session_title=letter.session.title)


def _voter_page(letter: Letter, *, chosen: dict[str, str] | None = None, error: str | None = None) -> str:
    # Held until the page is rendered: the ORM's identity map keeps only what something references, so
    # the helpers and the template below would each read the session, community and roll entry again.
    assembly = db.session.get(AssemblySession, letter.session_id)
    assert assembly is not None
    state = services.sync_state(letter.session_id, now=utcnow())
    community = db.session.get(Community, assembly.community_id)
    assert community is not None
    entry = db.session.get(RollEntry, letter.roll_entry_id)
    holder = db.session.get(Person, letter.person_id)
    proxy = db.session.get(ProxyAuthorisation, letter.proxy_id) if letter.proxy_id else None
    ballot = services.current_ballot(letter.session_id, letter.roll_entry_id)
    return render_template(
        "sessions/voter.html",
        letter=letter,
        assembly=assembly,
        state=state,
        holder=holder,
        proxy=proxy,
        ballot=ballot,
        history=services.ballot_history(letter),
        dispute=dispute_of_letter(letter.id),
        revote=services.revote_allowed(assembly),
        petitions=petitions.petitions_for_letter(letter, utcnow()),
        community_slug=community.slug,
        entry=entry,
        petition_form=PetitionForm(),
        chosen=chosen or {},
        error=error,
        token=request.view_args["token"] if request.view_args else "",
        form=BallotForm(),
    )


L = TypeVar("L", bound=services.LetterRef)


def _confirmed_letter(token: str, find: Callable[[str], L | None] = services.find_letter) -> L:  # type: ignore[assignment]
    """The letter behind a ballot step: it must exist and have been opened in this browser.

    ``find`` reads it: the whole letter by default, or only what a cast needs (``services.find_letter_ref``).
    """
    letter = find(token)
    if letter is None or letter.locked_at is not None or letter.id not in session.get(CONFIRMED, []):
        raise NotFound(_("Open your voting letter again."))
    return letter


def _submitted_choices() -> dict[str, Any]:
    """Questions as ``item-<id>`` radio buttons; elections as ``elect-<id>`` checkboxes, one per approved candidate."""
    chosen: dict[str, Any] = {key.removeprefix("item-"): value for key, value in request.form.items() if key.startswith("item-")}
    for key in request.form:
        if key.startswith("elect-"):
            chosen[key.removeprefix("elect-")] = [c for c in request.form.getlist(key) if c]
    return chosen


@bp.post("/v/<token>/review")
def review_ballot(token: str) -> str:
    letter = _confirmed_letter(token)
    if not BallotForm().validate_on_submit():
        return _voter_page(letter, error=_("The form has expired. Please choose again."))
    chosen = _submitted_choices()
    assembly = db.session.get(AssemblySession, letter.session_id)
    return render_template("sessions/review.html", assembly=assembly, chosen=chosen, token=token, form=BallotForm())


@bp.post("/v/<token>/cast")
@limiter.limit(_letter_limit)
def cast_ballot(token: str) -> Response | str:
    # The busiest request of a voting evening reads the letter as one plain row; the page, on a way back, loads it whole.
    letter = _confirmed_letter(token, services.find_letter_ref)
    chosen = _submitted_choices()
    if not BallotForm().validate_on_submit() or request.form.get("change"):
        return _voter_page(_confirmed_letter(token), chosen=chosen)
    try:
        services.cast_ballot(token, chosen, ip=request.remote_addr or "-", now=utcnow(), letter=letter)
    except RuleViolation as exc:
        return _voter_page(_confirmed_letter(token), chosen=chosen, error=exc.reason)
    flash(_("Your ballot is cast. Thank you for voting."), "success")
    return redirect(url_for(".show_receipt", token=token))


@bp.post("/v/<token>/dispute")
@limiter.limit(_letter_limit)
def file_dispute(token: str) -> Response | str:
    """The holder reports that the ballot on record for their units is not theirs; the street office answers."""
    from ..oversight.services import file_dispute as file

    letter = _confirmed_letter(token)
    if not BallotForm().validate_on_submit():
        return _voter_page(letter, error=_("The form has expired. Please try again."))
    try:
        file(letter.id, request.form.get("statement", ""), ip=request.remote_addr or "-", now=utcnow())
    except RuleViolation as exc:
        return _voter_page(letter, error=exc.reason)
    flash(_("Your report has reached the street office. It will look into it and answer."), "success")
    return redirect(url_for(".open_letter", token=token))


@bp.post("/v/<token>/petitions")
@limiter.limit(_letter_limit)
def start_petition(token: str) -> Response | str:
    """An owner proposes an extraordinary session; co-owners and neighbours sign with their own letters."""
    letter = _confirmed_letter(token)
    form = PetitionForm()
    if not form.validate_on_submit():
        return _voter_page(letter, error=_("Give the petition a title and the items you propose."))
    try:
        started = petitions.start_petition(
            token, title=form.title.data or "", items=form.items.data or "", ip=request.remote_addr or "-", now=utcnow()
        )
    except RuleViolation as exc:
        return _voter_page(letter, error=exc.reason)
    flash(_("Your petition is started and signed. Neighbours sign it from their own voting letters."), "success")
    slug = db.session.get(Community, started.community_id).slug  # type: ignore[union-attr]
    return redirect(url_for("notices.show_petition", slug=slug, public_id=started.public_id))


@bp.post("/v/<token>/petitions/<public_id>/sign")
@limiter.limit(_letter_limit)
def sign_petition(token: str, public_id: str) -> Response | str:
    letter = _confirmed_letter(token)
    if not BallotForm().validate_on_submit():
        return _voter_page(letter, error=_("The form has expired. Please try again."))
    try:
        done = petitions.sign_petition(token, public_id, ip=request.remote_addr or "-", now=utcnow())
    except RuleViolation as exc:
        return _voter_page(letter, error=exc.reason)
    if done.reached:
        flash(_("Signed. The petition has reached the threshold: the committee is ordered to convene the session."), "success")
    else:
        flash(_("Signed. Thank you."), "success")
    return redirect(url_for(".open_letter", token=token))


def _receipt(token: str) -> tuple[Letter, dict[str, Any]]:
    letter = _confirmed_letter(token)
    receipt = services.receipt_of_letter(letter)
    if receipt is None:
        raise NotFound(_("No ballot has been cast with this letter yet."))
    return letter, receipt


@bp.get("/v/<token>/receipt")
def show_receipt(token: str) -> str:
    """The owner's signed receipt: tracker, choices, QR code, download, and a check in the browser."""
    from ..security.keys import cached_keyring

    letter, receipt = _receipt(token)
    assembly = db.session.get(AssemblySession, letter.session_id)
    text = canonical_json(receipt).decode()
    keys = json.dumps({"keys": [k.as_json() for k in cached_keyring(current_app.instance_path).published]}, separators=(",", ":"))
    return render_template(
        "sessions/receipt.html",
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
    from ..qr import qr_svg

    _letter, receipt = _receipt(token)
    response = current_app.response_class(qr_svg(canonical_json(receipt).decode()), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@bp.get("/v/<token>/receipt.json")
def download_receipt(token: str) -> Response:
    _letter, receipt = _receipt(token)
    response = current_app.response_class(json.dumps(receipt, ensure_ascii=False, indent=2) + "\n", mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="gongzhi-receipt-{receipt["session"]}-{receipt["seq"]}.json"'
    return response


# The public ------------------------------------------------------------------------------------------


def _public_session(public_id: str) -> tuple[AssemblySession, SessionState]:
    return services.public_session(public_id, now=utcnow())


@bp.get("/s/<public_id>")
def show_result(public_id: str) -> str:
    """Anyone may read a session: its items, live turnout while open, the result once tallied."""
    assembly, state = _public_session(public_id)
    community = db.session.get(Community, assembly.community_id)
    live = services.turnout(assembly) if state is SessionState.OPEN else None
    seal = bulletin.seal_of(db.session(), assembly.id)
    return render_template(
        "sessions/result.html",
        assembly=assembly,
        community=community,
        state=state,
        live=live,
        result=assembly.result,
        seal=seal,
    )


# A building's list is shown whole; a larger roll is listed one building at a time.
PARTICIPATION_WHOLE = 2000


@bp.get("/s/<public_id>/participation")
def show_participation(public_id: str) -> str:
    """The units whose ballot counted, in room order, after the close: who voted, never how."""
    assembly, _state = _public_session(public_id)
    seal = bulletin.seal_of(db.session(), assembly.id)
    units = bulletin.participation(db.session(), assembly.id) if seal else []
    buildings: dict[str, int] = {}
    for unit in units:
        building = unit.split("-", 1)[0]
        buildings[building] = buildings.get(building, 0) + 1
    building = request.args.get("building", "")
    if building in buildings:
        units = [u for u in units if u.split("-", 1)[0] == building]
    elif len(units) > PARTICIPATION_WHOLE:
        building, units = "", []
    return render_template(
        "sessions/participation.html", assembly=assembly, sealed=seal is not None, units=units, buildings=buildings, building=building
    )


BULLETIN_PAGE = 200


@bp.get("/s/<public_id>/bulletin")
def show_bulletin(public_id: str) -> str:
    """The public bulletin: every entry in chain order, and a search for a receipt's tracker."""
    assembly, state = _public_session(public_id)
    s = db.session()
    head = bulletin.head_of(s, assembly.id)
    count = head.seq if head else 0
    sealed = bool(head and head.sealed_at)
    pages = max(1, -(-count // BULLETIN_PAGE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    query = (request.args.get("tracker") or "").strip()
    found, searched = None, bool(query)
    if searched:
        found = bulletin.find_tracker(s, assembly.id, query)
    return render_template(
        "sessions/bulletin.html",
        assembly=assembly,
        state=state,
        head=head,
        sealed=sealed,
        seal=bulletin.seal_of(s, assembly.id) if sealed else None,
        rows=bulletin.page(s, assembly.id, sealed=sealed, offset=(page - 1) * BULLETIN_PAGE, limit=BULLETIN_PAGE),
        page=page,
        pages=pages,
        query=query,
        searched=searched,
        found=found,
        found_sealed=sealed,
    )


@bp.get("/s/<public_id>/bulletin.json")
def bulletin_json(public_id: str) -> Response:
    """Every entry in order; while voting is open only each entry's number, hash and link (DESIGN §4)."""
    assembly, _state = _public_session(public_id)
    s = db.session()
    head = bulletin.head_of(s, assembly.id)
    sealed = bool(head and head.sealed_at)
    body = bulletin.published_json(s, assembly, sealed=sealed)
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/s/<public_id>/roll.json")
def roll_json(public_id: str) -> Response:
    """The frozen roll's totals and the items: with the bulletin, all a recount needs."""
    assembly, _state = _public_session(public_id)
    response = current_app.response_class(
        json.dumps(services.published_roll(assembly), ensure_ascii=False, indent=2) + "\n", mimetype="application/json"
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# Committee ---------------------------------------------------------------------------------------


def _community(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound(_("No such community."))
    require(can_view_sessions(current_actor(), community))
    return community


def _assembly(public_id: str) -> tuple[AssemblySession, Community]:
    assembly = db.session.execute(select(AssemblySession).where(AssemblySession.public_id == public_id)).scalar_one_or_none()
    if assembly is None:
        raise NotFound(_("No such session."))
    return assembly, _community(assembly.community_id)


def _incomplete_form(assembly: AssemblySession, message: str) -> Response:
    """An incomplete committee form: someone not allowed to act is refused first, never told how to fill it in."""
    require(can_run_sessions(current_actor(), _community(assembly.community_id)))
    flash(message, "error")
    return redirect(url_for(".show_session", public_id=assembly.public_id))


@bp.route("/committee/c/<int:community_id>/sessions", methods=["GET", "POST"])
@login_required
def list_sessions(community_id: int) -> Response | str:
    community = _community(community_id)
    form = NewSessionForm()
    if request.method == "POST":
        require(can_run_sessions(current_actor(), community))
        if form.validate_on_submit():
            try:
                assembly = services.create_session(
                    current_actor(),
                    community_id=community.id,
                    title=form.title.data or "",
                    form=SessionForm(form.form.data),
                    opens_at=local_to_utc(form.opens_at.data),
                    closes_at=local_to_utc(form.closes_at.data),
                )
            except RuleViolation as exc:
                getattr(form, exc.field, form.title).errors.append(exc.reason)
            else:
                return redirect(url_for(".show_session", public_id=assembly.public_id))
    sessions = db.session.execute(
        select(AssemblySession).where(AssemblySession.community_id == community.id).order_by(AssemblySession.created_at.desc())
    ).scalars()
    return render_template(
        "sessions/list.html",
        community=community,
        sessions=list(sessions),
        form=form,
        can_run=can_run_sessions(current_actor(), community),
    )


@bp.get("/committee/s/<public_id>")
@login_required
def show_session(public_id: str) -> str:
    assembly, community = _assembly(public_id)
    state = services.sync_state(assembly.id, now=utcnow())
    letters = []
    if assembly.roll_sha256:
        letters = db.session.execute(
            select(Letter, RollEntry, Person)
            .join(RollEntry, RollEntry.id == Letter.roll_entry_id)
            .join(Person, Person.id == Letter.person_id)
            .where(Letter.session_id == assembly.id, Letter.revoked_at.is_(None))
            .order_by(RollEntry.id, Person.name)
        ).all()
    pending = (
        db.session.execute(
            select(PaperBallot)
            .where(PaperBallot.session_id == assembly.id, PaperBallot.confirmed_at.is_(None), PaperBallot.conflict_at.is_(None))
            .order_by(PaperBallot.entered_at)
        )
        .scalars()
        .all()
    )
    buildings = sorted({unit.split("-", 1)[0] for letter, entry, person in letters for unit in entry.units})
    return render_template(
        "sessions/show.html",
        buildings=buildings,
        pending=pending,
        paper_form=PaperBallotForm(),
        assembly=assembly,
        community=community,
        state=state,
        letters=letters,
        can_run=can_run_sessions(current_actor(), community),
        item_form=ItemForm(),
        confirm_form=ConfirmForm(),
        proxy_form=ProxyForm(),
        ready_elections=services.elections_ready(community.id) if state is SessionState.DRAFT else [],
    )


@bp.post("/committee/s/<public_id>/items")
@login_required
def add_item(public_id: str) -> Response:
    assembly = _assembly(public_id)[0]
    form = ItemForm()
    if form.validate_on_submit():
        try:
            services.add_item(
                current_actor(),
                assembly.id,
                matter=form.matter.data or "",
                title=form.title.data or "",
                body=form.body.data or "",
            )
        except RuleViolation as exc:
            flash(exc.reason, "error")
    else:
        return _incomplete_form(assembly, _("Give the item a title of at most 300 characters."))
    return redirect(url_for(".show_session", public_id=public_id))


@bp.post("/committee/s/<public_id>/elections")
@login_required
def add_election_item(public_id: str) -> Response:
    assembly = _assembly(public_id)[0]
    if ConfirmForm().validate_on_submit():
        try:
            services.add_election_item(current_actor(), assembly.id, election_id=request.form.get("election", type=int) or 0)
        except RuleViolation as exc:
            flash(exc.reason, "error")
    return redirect(url_for(".show_session", public_id=public_id))


@bp.post("/committee/items/<int:item_id>/remove")
@login_required
def remove_item(item_id: int) -> Response:
    item = db.session.get(Item, item_id)
    if item is None:
        raise NotFound(_("No such item."))
    assembly = db.session.get(AssemblySession, item.session_id)
    assert assembly is not None
    if ConfirmForm().validate_on_submit():
        try:
            services.remove_item(current_actor(), item_id)
        except RuleViolation as exc:
            flash(exc.reason, "error")
    return redirect(url_for(".show_session", public_id=assembly.public_id))


@bp.post("/committee/s/<public_id>/announce")
@login_required
def announce(public_id: str) -> Response:
    assembly = _assembly(public_id)[0]
    if ConfirmForm().validate_on_submit():
        try:
            done = services.announce_session(current_actor(), assembly.id, now=utcnow())
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(
                _(
                    "Announced. The roll of %(voters)d voters is frozen; %(letters)d letters are ready.",
                    voters=done.voters,
                    letters=done.letters,
                ),
                "success",
            )
    return redirect(url_for(".show_session", public_id=public_id))


@bp.post("/committee/letters/<int:letter_id>/reissue")
@login_required
def reissue_letter(letter_id: int) -> Response | str:
    old = db.session.get(Letter, letter_id)
    if old is None:
        raise NotFound(_("No such letter."))
    assembly = _assembly(old.session.public_id)[0]
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".show_session", public_id=assembly.public_id))
    try:
        issued = services.reissue_letter(current_actor(), letter_id, now=utcnow())
    except RuleViolation as exc:
        flash(exc.reason, "error")
        return redirect(url_for(".show_session", public_id=assembly.public_id))
    return _issued_page(issued, assembly)


@bp.post("/committee/s/<public_id>/proxies")
@login_required
def record_proxy(public_id: str) -> Response | str:
    assembly = _assembly(public_id)[0]
    form = ProxyForm()
    if not form.validate_on_submit():
        return _incomplete_form(assembly, _("Fill in every field of the authorisation."))
    try:
        issued = services.record_proxy(
            current_actor(),
            assembly.id,
            unit=(form.unit.data or "").strip(),
            owner_name=form.owner.data or "",
            proxy_name=form.proxy_name.data or "",
            proxy_id_last4=form.proxy_id_last4.data or "",
            scan_reference=form.scan_reference.data or "",
            now=utcnow(),
        )
    except RuleViolation as exc:
        flash(exc.reason, "error")
        return redirect(url_for(".show_session", public_id=public_id))
    return _issued_page(issued, assembly)


@bp.post("/committee/s/<public_id>/paper")
@login_required
def enter_paper_ballot(public_id: str) -> Response:
    assembly = _assembly(public_id)[0]
    form = PaperBallotForm()
    if not form.validate_on_submit():
        return _incomplete_form(assembly, _("Give the unit and the number printed on the paper ballot."))
    try:
        services.enter_paper_ballot(
            current_actor(),
            assembly.id,
            unit=form.unit.data or "",
            choices=_submitted_choices(),
            paper_reference=form.paper_reference.data or "",
            now=utcnow(),
        )
    except RuleViolation as exc:
        flash(exc.reason, "error")
    else:
        flash(_("Entered. It counts once another committee member confirms it."), "success")
    return redirect(url_for(".show_session", public_id=public_id))


@bp.post("/committee/paper/<int:paper_id>/confirm")
@login_required
def confirm_paper_ballot(paper_id: int) -> Response:
    paper = db.session.get(PaperBallot, paper_id)
    if paper is None:
        raise NotFound(_("No such paper ballot."))
    assembly = _assembly(db.session.get(AssemblySession, paper.session_id).public_id)[0]  # type: ignore[union-attr]
    if ConfirmForm().validate_on_submit():
        try:
            services.confirm_paper_ballot(current_actor(), paper_id, now=utcnow())
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(_("Confirmed: the paper ballot now counts."), "success")
    return redirect(url_for(".show_session", public_id=assembly.public_id))


@bp.post("/committee/s/<public_id>/letters/print")
@login_required
def print_letters(public_id: str) -> Response | str:
    assembly, community = _assembly(public_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".show_session", public_id=public_id))
    building = (request.form.get("building") or "").strip()
    try:
        printed = services.print_letters(current_actor(), assembly.id, building=building, now=utcnow())
    except RuleViolation as exc:
        flash(exc.reason, "error")
        return redirect(url_for(".show_session", public_id=public_id))
    pages = []
    for p in printed:
        url = url_for(".open_letter", token=p.token, _external=True)
        pages.append({"letter": p.letter, "holder": p.holder, "url": url, "token": p.token, "qr": qr_svg_data_uri(url)})
    return render_template("sessions/print.html", assembly=assembly, community=community, pages=pages, building=building)


def _issued_page(issued: services.IssuedLetter, assembly: AssemblySession) -> str:
    url = url_for(".open_letter", token=issued.token, _external=True)
    holder = db.session.get(Person, issued.letter.person_id)
    return render_template(
        "sessions/issued.html", assembly=assembly, url=url, token=issued.token, qr=qr_svg_data_uri(url), holder=holder, letter=issued.letter
    )
