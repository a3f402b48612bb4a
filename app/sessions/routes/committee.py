"""The committee's pages of a session: draft the items, announce, keep letters, proxies and paper ballots."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ...accounts.forms import ConfirmForm
from ...clock import local_to_utc
from ...communities.models import Person
from ...db import db, utcnow
from ...domain.errors import NotFound, RuleViolation
from ...domain.lifecycle import SessionState
from ...domain.units import unit_sort_key
from ...notices import services as notices
from ...notices.models import NoticeKind
from ...qr import qr_svg_data_uri
from ...security.permissions import (
    CONVENED_BY_OFFICE,
    can_publish_notices,
    can_run_sessions,
    is_committee_member,
    is_preparatory_member,
    require,
)
from ...security.web import current_actor
from .. import services
from ..forms import ItemForm, NewSessionForm, PaperBallotForm, ProxyForm, RejectPaperForm, submitted_choices
from ..models import AssemblySession, Item, Letter, PaperBallot, SessionForm
from ..services import corrections, scopes
from .common import bp, load_assembly, load_community, may_run


def _incomplete_form(assembly: AssemblySession, message: str) -> Response:
    """An incomplete committee form: someone not allowed to act is refused first, never told how to fill it in."""
    require(may_run(assembly, load_community(assembly.community_id)))
    flash(message, "error")
    return redirect(url_for(".show_session", public_id=assembly.public_id))


@bp.route("/committee/c/<int:community_id>/sessions", methods=["GET", "POST"])
@login_required
def list_sessions(community_id: int) -> Response | str:
    community = load_community(community_id)
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
    return render_template(
        "sessions/list.html",
        community=community,
        sessions=services.sessions_of(community.id),
        form=form,
        can_run=can_run_sessions(current_actor(), community),
    )


def runners(assembly: AssemblySession, community_id: int) -> str:
    """Who runs the session, as its paper-ballot texts name them: the street office's officials for a session the office
    convened, else the preparatory group for a member of it who is not on a committee, else the committee."""
    if assembly.convened_by == CONVENED_BY_OFFICE:
        return "office"
    actor = current_actor()
    if is_preparatory_member(actor, community_id) and not is_committee_member(actor, community_id):
        return "group"
    return "committee"


@bp.get("/committee/s/<public_id>")
@login_required
def show_session(public_id: str) -> str:
    assembly, community = load_assembly(public_id)
    state = services.sync_state(assembly.id, now=utcnow())
    letters = services.letters_with_holders(assembly.id) if assembly.roll_sha256 else []
    pending = services.pending_paper(assembly.id)
    buildings = sorted({unit.split("-", 1)[0] for line in letters for unit in line.entry.units}, key=unit_sort_key)
    return render_template(
        "sessions/show.html",
        buildings=buildings,
        pending=pending,
        # After the count, the voters an upheld objection reopened it for on paper: their ballot is entered here.
        paper_windows=[w for w in corrections.windows_of_session(assembly.id) if w.channel == "paper" and w.closed_at is None],
        rejected=services.rejected_paper(assembly.id),
        paper_form=PaperBallotForm(),
        reject_form=RejectPaperForm(),
        assembly=assembly,
        community=community,
        state=state,
        letters=letters,
        can_run=may_run(assembly, community),
        runners=runners(assembly, community.id),
        item_form=ItemForm(),
        confirm_form=ConfirmForm(),
        proxy_form=ProxyForm(),
    )


@bp.post("/committee/s/<public_id>/items")
@login_required
def add_item(public_id: str) -> Response:
    assembly = load_assembly(public_id)[0]
    form = ItemForm()
    if form.validate_on_submit():
        units, label = scopes.scope_from_form(form.scope_units.data or "", request.form.getlist("scope_building"), assembly.community_id)
        try:
            services.add_item(
                current_actor(),
                assembly.id,
                matter=form.matter.data or "",
                title=form.title.data or "",
                body=form.body.data or "",
                scope=units,
                scope_label=(form.scope_label.data or "").strip() or label,
            )
        except RuleViolation as exc:
            flash(exc.reason, "error")
    else:
        return _incomplete_form(assembly, _("Give the item a title of at most 300 characters."))
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
    assembly = load_assembly(public_id)[0]
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
    assembly = load_assembly(old.session.public_id)[0]
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
    assembly = load_assembly(public_id)[0]
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
    assembly = load_assembly(public_id)[0]
    form = PaperBallotForm()
    if not form.validate_on_submit():
        return _incomplete_form(assembly, _("Give the unit and the number printed on the paper ballot."))
    # A question left unmarked here is a slip, not the owner's abstention: the paper's blank is entered as 弃权 on purpose.
    unmarked = [n for n, item in enumerate(assembly.items, start=1) if item.kind == "question" and f"item-{item.id}" not in request.form]
    if unmarked:
        flash(_("Mark item %(n)d as the paper shows it (abstain where the paper is blank).", n=unmarked[0]), "error")
        return redirect(url_for(".show_session", public_id=public_id))
    try:
        services.enter_paper_ballot(
            current_actor(),
            assembly.id,
            unit=form.unit.data or "",
            choices=submitted_choices(request.form),
            paper_reference=form.paper_reference.data or "",
            now=utcnow(),
        )
    except RuleViolation as exc:
        flash(exc.reason, "error")
    else:
        flash(_("Entered. It counts once a second person running this session confirms it."), "success")
    return redirect(url_for(".show_session", public_id=public_id))


def _paper_session(paper_id: int) -> AssemblySession:
    """The session of a paper ballot, for a page of someone who may view it."""
    paper = db.session.get(PaperBallot, paper_id)
    if paper is None:
        raise NotFound(_("No such paper ballot."))
    assembly = db.session.get(AssemblySession, paper.session_id)
    assert assembly is not None
    return load_assembly(assembly.public_id)[0]


def _act_on_paper(paper_id: int, act: Callable[[], object], done: str) -> Response:
    """A confirmed button on a paper ballot: the service's refusal or ``done`` as the flash, back to its session."""
    assembly = _paper_session(paper_id)
    if ConfirmForm().validate_on_submit():
        try:
            act()
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(done, "success")
    return redirect(url_for(".show_session", public_id=assembly.public_id))


@bp.post("/committee/paper/<int:paper_id>/confirm")
@login_required
def confirm_paper_ballot(paper_id: int) -> Response:
    return _act_on_paper(
        paper_id,
        lambda: services.confirm_paper_ballot(current_actor(), paper_id, now=utcnow()),
        _("Confirmed: the paper ballot now counts."),
    )


@bp.post("/committee/paper/<int:paper_id>/reject")
@login_required
def reject_paper_ballot(paper_id: int) -> Response:
    assembly = _paper_session(paper_id)
    form = RejectPaperForm()
    if not form.validate_on_submit():
        return _incomplete_form(assembly, _("Say why the paper ballot is rejected (at most 500 characters)."))
    try:
        services.reject_paper_ballot(current_actor(), paper_id, reason=form.reason.data or "", now=utcnow())
    except RuleViolation as exc:
        flash(exc.reason, "error")
    else:
        flash(_("The paper ballot was rejected and does not count. The units can be entered again."), "success")
    return redirect(url_for(".show_session", public_id=assembly.public_id))


@bp.post("/committee/paper/<int:paper_id>/withdraw")
@login_required
def withdraw_paper_ballot(paper_id: int) -> Response:
    return _act_on_paper(
        paper_id,
        lambda: services.withdraw_paper_ballot(current_actor(), paper_id, now=utcnow()),
        _("You withdrew the paper ballot you entered; it does not count. The units can be entered again."),
    )


@bp.post("/committee/s/<public_id>/letters/print")
@login_required
def print_letters(public_id: str) -> Response | str:
    assembly, community = load_assembly(public_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".show_session", public_id=public_id))
    building = (request.form.get("building") or "").strip()
    try:
        printed = services.print_letters(current_actor(), assembly.id, building=building, now=utcnow())
    except RuleViolation as exc:
        flash(exc.reason, "error")
        return redirect(url_for(".show_session", public_id=public_id))
    # A letter re-issued after the count is for the voter's window, which ends before anything else.
    windows = {w.roll_entry_id: w.until for w in corrections.windows_of_session(assembly.id) if w.closed_at is None}
    pages = []
    for p in printed:
        url = url_for("voting.open_letter", token=p.token, _external=True)
        pages.append(
            {
                "letter": p.letter,
                "holder": p.holder,
                "url": url,
                "token": p.token,
                "qr": qr_svg_data_uri(url),
                "until": windows.get(p.letter.roll_entry_id),
            }
        )
    return render_template("sessions/print.html", assembly=assembly, community=community, pages=pages, building=building)


def _issued_page(issued: services.IssuedLetter, assembly: AssemblySession) -> str:
    url = url_for("voting.open_letter", token=issued.token, _external=True)
    holder = db.session.get(Person, issued.letter.person_id)
    return render_template(
        "sessions/issued.html", assembly=assembly, url=url, token=issued.token, qr=qr_svg_data_uri(url), holder=holder, letter=issued.letter
    )


@bp.post("/committee/s/<public_id>/decision-notice")
@login_required
def draft_decision(public_id: str) -> Response:
    """The decisions of a certified session, drafted for the committee to check and publish."""
    assembly, community = load_assembly(public_id, can_publish_notices)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".show_session", public_id=public_id))
    if assembly.state is not SessionState.CERTIFIED:
        flash(_("Decisions are published once the street office has certified the result."), "error")
        return redirect(url_for(".show_session", public_id=public_id))
    title, body = services.decision_text(assembly)
    notice = notices.draft_notice(
        current_actor(),
        community_id=community.id,
        kind=NoticeKind.DECISION,
        title=title,
        body=body,
        now=utcnow(),
        session_id=assembly.id,
    )
    flash(_("The decision notice is drafted. Check it, then ask a second member to confirm."), "success")
    return redirect(url_for("notices.edit_notice", public_id=notice.public_id))
