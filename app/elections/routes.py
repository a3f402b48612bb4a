"""Elections for the committee and the street office; nomination and the committee page for owners."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..accounts.forms import ConfirmForm
from ..clock import local_to_utc
from ..communities.models import Community, Person
from ..db import db, utcnow
from ..domain.errors import NotFound, RuleViolation
from ..extensions import limiter
from ..security.permissions import can_certify, can_run_sessions, can_view_sessions, require
from ..security.web import current_actor
from ..sessions.routes import load_assembly
from . import services, slates
from .forms import (
    KIND_LABELS,
    NOMINATION_LABELS,
    ROLE_LABELS,
    STATE_LABELS,
    STATUS_LABELS,
    DepartureForm,
    ElectionForm,
    NominationForm,
    SelfNominationForm,
    SittingForm,
    StatusForm,
    TemporaryForm,
    VetForm,
)
from .models import Candidate, CandidateStatus, Committee, Election, ElectionKind, ElectionState, Membership, Nomination

bp = Blueprint("elections", __name__)

_UNIT = re.compile(r"^[^\s,，-]+-[^\s,，-]+$")


@bp.app_context_processor
def _labels() -> dict[str, object]:
    return {
        "election_state_labels": STATE_LABELS,
        "election_kind_labels": KIND_LABELS,
        "candidate_status_labels": STATUS_LABELS,
        "nomination_labels": NOMINATION_LABELS,
        "member_role_labels": ROLE_LABELS,
    }


def _nomination_limit() -> str:
    return current_app.config["LETTER_RATE_LIMIT"]


def _community(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound(_("No such community."))
    return community


def _election(public_id: str) -> tuple[Election, Community]:
    election = db.session.execute(select(Election).where(Election.public_id == public_id)).scalar_one_or_none()
    if election is None:
        raise NotFound(_("No such election."))
    return election, _community(election.community_id)


def _people(election: Election) -> dict[int, Person]:
    ids = [c.person_id for c in election.candidates]
    return {p.id: p for p in db.session.execute(select(Person).where(Person.id.in_(ids))).scalars()}


def _may_manage(community: Community) -> bool:
    return can_run_sessions(current_actor(), community) or can_certify(current_actor(), community)


# Committee and street office ---------------------------------------------------------------------------


@bp.route("/committee/c/<int:community_id>/elections", methods=["GET", "POST"])
@login_required
def list_elections(community_id: int) -> Response | str:
    community = _community(community_id)
    require(can_view_sessions(current_actor(), community))
    form = ElectionForm()
    if form.is_submitted():
        require(_may_manage(community))
        if form.validate():
            try:
                election = services.create_election(
                    current_actor(),
                    community_id=community.id,
                    title=form.title.data or "",
                    seats=form.seats.data or 0,
                    alternates=form.alternates.data or 0,
                    nominations_open_at=local_to_utc(form.nominations_open_at.data),  # type: ignore[arg-type]
                    nominations_close_at=local_to_utc(form.nominations_close_at.data),  # type: ignore[arg-type]
                    now=utcnow(),
                )
            except RuleViolation as exc:
                getattr(form, exc.field, form.title).errors.append(exc.reason)  # type: ignore[attr-defined]
            else:
                flash(_("The election is created. Owners can now nominate themselves on its public page."), "success")
                return redirect(url_for(".manage", public_id=election.public_id))
    return render_template(
        "elections/list.html",
        community=community,
        elections=services.elections_of(community.id),
        form=form,
        may_manage=_may_manage(community),
        view=services.committee_view(community, now=utcnow()),
    )


@bp.get("/elections/<public_id>")
@login_required
def manage(public_id: str) -> str:
    election, community = _election(public_id)
    require(can_view_sessions(current_actor(), community))
    people = {
        p.id: p for p in db.session.execute(select(Person).where(Person.id.in_([c.person_id for c in election.candidates]))).scalars()
    }
    return render_template(
        "elections/manage.html",
        election=election,
        community=community,
        people=people,
        check=services.slate_check(election, community),
        result=services.result_of(election),
        session_state=services.session_state_of(election),
        nomination_form=NominationForm(),
        vet_form=VetForm(),
        confirm_form=ConfirmForm(),
        may_run=can_run_sessions(current_actor(), community),
        may_vet=can_certify(current_actor(), community),
        now=utcnow(),
        outgoing=services.current_committee(community.id),
    )


@bp.post("/elections/<public_id>/nominate")
@login_required
def nominate(public_id: str) -> Response:
    election, community = _election(public_id)
    form = NominationForm()
    kind = Nomination.ORGANISATION if request.form.get("kind") == "organisation" else Nomination.JOINT
    require(can_certify(current_actor(), community) if kind is Nomination.ORGANISATION else _may_manage(community))
    if not form.validate_on_submit():
        flash(_("Give the candidate's unit and name, and who nominates them."), "error")
        return redirect(url_for(".manage", public_id=public_id))
    sponsors = [part.strip() for part in re.split(r"[\s,，、]+", form.nominated_by.data or "") if part.strip()]
    try:
        services.nominate(
            current_actor(),
            election.id,
            unit=form.unit.data or "",
            name=form.name.data or "",
            nomination=kind,
            nominated_by=sponsors if kind is Nomination.JOINT else [form.nominated_by.data or ""],
            statement=form.statement.data or "",
            party_declared=bool(form.party_declared.data),
            now=utcnow(),
        )
    except RuleViolation as exc:
        flash(exc.reason, "error")
    else:
        flash(_("The candidate is recorded and waits for the street office's vetting."), "success")
    return redirect(url_for(".manage", public_id=public_id))


@bp.post("/elections/candidates/<int:candidate_id>/vet")
@login_required
def vet(candidate_id: int) -> Response:
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound(_("No such candidate."))
    election, community = _election(db.session.get(Election, candidate.election_id).public_id)  # type: ignore[union-attr]
    require(can_certify(current_actor(), community))
    form = VetForm()
    if not form.validate_on_submit():
        flash(_("Choose to approve or reject the candidate."), "error")
        return redirect(url_for(".manage", public_id=election.public_id))
    party = {"yes": True, "no": False}.get(form.party.data or "")
    try:
        services.vet_candidate(
            current_actor(),
            candidate.id,
            approve=form.decision.data == "approve",
            reason=form.reason.data or "",
            party_verified=party,
            now=utcnow(),
        )
    except RuleViolation as exc:
        flash(exc.reason, "error")
    else:
        flash(_("The vetting is recorded."), "success")
    return redirect(url_for(".manage", public_id=election.public_id))


def _action(public_id: str, action: Any, success: str) -> Response:
    election, community = _election(public_id)
    require(_may_manage(community))
    if ConfirmForm().validate_on_submit():
        try:
            action(election)
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(success, "success")
    return redirect(url_for(".manage", public_id=public_id))


@bp.post("/elections/<public_id>/publish")
@login_required
def publish(public_id: str) -> Response:
    return _action(
        public_id,
        lambda e: services.publish_slate(current_actor(), e.id, now=utcnow()),
        _("The slate is published on the community's board. Put the election on a session's ballot."),
    )


@bp.post("/elections/<public_id>/seat")
@login_required
def seat(public_id: str) -> Response:
    _election_row, community = _election(public_id)
    require(can_certify(current_actor(), community))
    return _action(
        public_id,
        lambda e: services.seat_committee(current_actor(), e.id, now=utcnow()),
        _("The committee is seated. Its members elect the chair and vice chair within 7 days."),
    )


@bp.post("/elections/<public_id>/followup")
@login_required
def followup(public_id: str) -> Response:
    kind = ElectionKind.RUNOFF if request.form.get("kind") == "runoff" else ElectionKind.SUPPLEMENTARY
    election, community = _election(public_id)
    require(_may_manage(community))
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".manage", public_id=public_id))
    try:
        created = services.create_followup(current_actor(), election.id, kind=kind, now=utcnow())
    except RuleViolation as exc:
        flash(exc.reason, "error")
        return redirect(url_for(".manage", public_id=public_id))
    flash(_("Created. Put it on a session's ballot when ready."), "success")
    return redirect(url_for(".manage", public_id=created.public_id))


# The committee -----------------------------------------------------------------------------------------


@bp.get("/c/<slug>/committee")
def committee_page(slug: str) -> str:
    """The public committee page: members and roles, party membership only in aggregate, term, alternates."""
    community = db.session.execute(select(Community).where(Community.slug == slug)).scalar_one_or_none()
    if community is None:
        raise NotFound(_("No such community."))
    now = utcnow()
    view = services.committee_view(community, now=now)
    me = None
    if view is not None and current_user.is_authenticated and current_user.person_id is not None:
        me = next((m for m, _p in view.members if m.person_id == current_user.person_id and m.active), None)
    return render_template(
        "elections/committee.html",
        community=community,
        view=view,
        me=me,
        chair=view and services.chair_tally(view.committee, "chair"),
        vice=view and services.chair_tally(view.committee, "vice_chair"),
        elections=[e for e in services.elections_of(community.id) if e.state is not ElectionState.SEATED][:3],
        may_run=current_user.is_authenticated and _may_manage(community),
        may_audit=current_user.is_authenticated and can_certify(current_actor(), community),
        departure_form=DepartureForm(),
        confirm_form=ConfirmForm(),
    )


def _committee(committee_id: int) -> tuple[Committee, Community]:
    committee = db.session.get(Committee, committee_id)
    if committee is None:
        raise NotFound(_("No such committee."))
    return committee, _community(committee.community_id)


@bp.post("/committees/<int:committee_id>/members/<int:membership_id>/leave")
@login_required
def departure(committee_id: int, membership_id: int) -> Response:
    committee, community = _committee(committee_id)
    require(_may_manage(community))
    form = DepartureForm()
    if not form.validate_on_submit():
        flash(_("Say why the member leaves, in at most 300 characters."), "error")
    else:
        membership = db.session.get(Membership, membership_id)
        if membership is None or membership.committee_id != committee.id:
            raise NotFound(_("No such member."))
        try:
            successor = services.record_departure(current_actor(), membership.id, reason=form.reason.data or "", now=utcnow())
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(
                _("Recorded. The first alternate takes the seat.") if successor else _("Recorded. No alternate is left to take the seat."),
                "success",
            )
    return redirect(url_for(".committee_page", slug=community.slug))


@bp.post("/committees/<int:committee_id>/audit")
@login_required
def handover_audit(committee_id: int) -> Response:
    committee, community = _committee(committee_id)
    require(can_certify(current_actor(), community))
    if ConfirmForm().validate_on_submit():
        try:
            services.tick_handover_audit(current_actor(), committee.id, now=utcnow())
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(_("The term-end audit is recorded."), "success")
    return redirect(url_for(".committee_page", slug=community.slug))


@bp.post("/committees/<int:committee_id>/chair")
@login_required
def chair_ballot(committee_id: int) -> Response:
    committee, community = _committee(committee_id)
    if ConfirmForm().validate_on_submit():
        try:
            elected = services.cast_chair_ballot(
                current_actor(),
                committee.id,
                office=request.form.get("office", ""),
                choice_id=request.form.get("choice", type=int) or 0,
                now=utcnow(),
            )
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(
                _("%(name)s is elected with more than half of all members.", name=elected) if elected else _("Your vote is recorded."),
                "success",
            )
    return redirect(url_for(".committee_page", slug=community.slug))


@bp.route("/office/c/<int:community_id>/temporary", methods=["GET", "POST"])
@login_required
def appoint_temporary(community_id: int) -> Response | str:
    """物业管理委员会: one line per member, "name, unit" for an owners' representative or "name, organisation" otherwise."""
    community = _community(community_id)
    require(can_certify(current_actor(), community))
    form = TemporaryForm()
    if form.validate_on_submit():
        members = []
        for line in (form.members.data or "").splitlines():
            parts = [p.strip() for p in re.split(r"[,，]", line) if p.strip()]
            if not parts:
                continue
            second = parts[1] if len(parts) > 1 else ""
            if _UNIT.match(second):
                members.append({"name": parts[0], "unit": second, "owner_representative": True})
            else:
                members.append({"name": parts[0], "affiliation": second, "owner_representative": False})
        try:
            services.appoint_temporary(
                current_actor(),
                community_id=community.id,
                members=members,
                term_end=form.term_end.data,
                now=utcnow(),  # type: ignore[arg-type]
            )
        except RuleViolation as exc:
            form.members.errors.append(exc.reason)  # type: ignore[attr-defined]
        else:
            flash(_("The temporary management committee is appointed and can run sessions like a committee."), "success")
            return redirect(url_for(".committee_page", slug=community.slug))
    return render_template("elections/temporary.html", community=community, form=form)


ROLES_BY_WORD = {
    "主任": "chair",
    "chair": "chair",
    "副主任": "vice_chair",
    "vice chair": "vice_chair",
    "委员": "member",
    "member": "member",
}
PARTY_WORDS = {"党员", "party"}


@bp.route("/office/c/<int:community_id>/sitting", methods=["GET", "POST"])
@login_required
def register_sitting(community_id: int) -> Response | str:
    """A committee elected before the community used Gongzhi, from the office's records.

    One line per member: "name, unit, role[, 党员]" (role 主任, 副主任 or 委员).
    """
    community = _community(community_id)
    require(can_certify(current_actor(), community))
    form = SittingForm()
    if form.validate_on_submit():
        members, problem = [], None
        for number, line in enumerate((form.members.data or "").splitlines(), 1):
            parts = [p.strip() for p in re.split(r"[,，]", line) if p.strip()]
            if not parts:
                continue
            role = ROLES_BY_WORD.get(parts[2].lower() if len(parts) > 2 else "委员")
            if len(parts) < 2 or role is None:
                problem = _('Line %(n)d: write "name, unit, role" with the role 主任, 副主任 or 委员.', n=number)
                break
            members.append({"name": parts[0], "unit": parts[1], "role": role, "party": any(p.lower() in PARTY_WORDS for p in parts[3:])})
        if problem:
            form.members.errors.append(problem)  # type: ignore[attr-defined]
        else:
            try:
                services.register_sitting_committee(
                    current_actor(),
                    community_id=community.id,
                    members=members,
                    term_start=form.term_start.data,
                    term_end=form.term_end.data,
                    now=utcnow(),  # type: ignore[arg-type]
                )
            except RuleViolation as exc:
                getattr(form, exc.field, form.members).errors.append(exc.reason)  # type: ignore[attr-defined]
            else:
                flash(_("The sitting committee is recorded."), "success")
                return redirect(url_for(".committee_page", slug=community.slug))
    return render_template("elections/sitting.html", community=community, form=form)


# Owners ------------------------------------------------------------------------------------------------


@bp.route("/e/<public_id>", methods=["GET", "POST"])
@limiter.limit(_nomination_limit, methods=["POST"])
def public_election(public_id: str) -> Response | str:
    """The election's public page: the vetted slate; during nominations, stand as a candidate or check your nomination."""
    election, community = _election(public_id)
    now = utcnow()
    form, status_form = SelfNominationForm(prefix="n"), StatusForm(prefix="s")
    mine: Candidate | None = None
    if request.method == "POST" and request.form.get("action") == "nominate" and form.validate_on_submit():
        try:
            mine = services.nominate_self(
                election.id,
                unit=form.unit.data or "",
                name=form.name.data or "",
                id_last4=form.id_last4.data or "",
                statement=form.statement.data or "",
                party_declared=bool(form.party_declared.data),
                ip=request.remote_addr or "-",
                now=now,
            )
        except RuleViolation as exc:
            getattr(form, exc.field, form.unit).errors.append(exc.reason)
        else:
            flash(_("Your nomination is received. The street office vets every candidate; check back here for the outcome."), "success")
    elif request.method == "POST" and request.form.get("action") == "status" and status_form.validate_on_submit():
        mine = services.find_own_candidacy(
            election.id,
            unit=status_form.unit.data or "",
            name=status_form.name.data or "",
            id_last4=status_form.id_last4.data or "",
            ip=request.remote_addr or "-",
            now=now,
        )
        if mine is None:
            status_form.unit.errors.append(_("No nomination in this election matches these details."))  # type: ignore[attr-defined]
    slate = []
    if election.state is not ElectionState.NOMINATING:
        names = {
            p.id: p for p in db.session.execute(select(Person).where(Person.id.in_([c.person_id for c in election.candidates]))).scalars()
        }
        slate = [(c, names[c.person_id]) for c in election.candidates if c.status is CandidateStatus.APPROVED]
    return render_template(
        "elections/public.html",
        election=election,
        community=community,
        slate=slate,
        form=form,
        status_form=status_form,
        mine=mine,
        open_now=election.state is ElectionState.NOMINATING and election.nominations_open_at <= now < election.nominations_close_at,
        check=services.slate_check(election, community) if slate else None,
    )


# On a session's ballot ------------------------------------------------------------------------------


@bp.app_template_global()
def elections_ready(community: Community) -> list[Election]:
    """The session page's panel: the community's elections whose slate is published and that wait for a session."""
    return slates.elections_ready(community.id)


@bp.post("/committee/s/<public_id>/elections")
@login_required
def add_election_item(public_id: str) -> Response:
    assembly = load_assembly(public_id)[0]
    if ConfirmForm().validate_on_submit():
        try:
            slates.add_election_item(current_actor(), assembly.id, election_id=request.form.get("election", type=int) or 0)
        except RuleViolation as exc:
            flash(exc.reason, "error")
    return redirect(url_for("sessions.show_session", public_id=public_id))
