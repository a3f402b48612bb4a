"""The committee's and the office's election pages: set up, nominate, vet, publish, seat, follow up; temporary and sitting committees."""

from __future__ import annotations

import re
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from ...accounts.forms import ConfirmForm
from ...clock import local_to_utc
from ...communities.models import Person
from ...db import db, utcnow
from ...domain.errors import NotFound, RuleViolation
from ...domain.rules import get_profile
from ...security.permissions import can_certify, can_run_sessions, can_view_sessions, require
from ...security.web import current_actor
from .. import services
from ..forms import (
    ElectionForm,
    NominationForm,
    SittingForm,
    TemporaryForm,
    VetForm,
)
from ..labels import entry_label
from ..models import Candidate, Election, ElectionKind, Nomination
from .common import UNIT, bp, load_community, load_election, may_manage


@bp.route("/committee/c/<int:community_id>/elections", methods=["GET", "POST"])
@login_required
def list_elections(community_id: int) -> Response | str:
    community = load_community(community_id)
    require(can_view_sessions(current_actor(), community))
    form = ElectionForm()
    if form.is_submitted():
        require(may_manage(community))
        if form.validate():
            try:
                election = services.create_election(
                    current_actor(),
                    community_id=community.id,
                    title=form.title.data or "",
                    seats=form.seats.data or 0,
                    alternates=form.alternates.data or 0,
                    nominations_open_at=local_to_utc(form.nominations_open_at.data),
                    nominations_close_at=local_to_utc(form.nominations_close_at.data),
                    now=utcnow(),
                )
            except RuleViolation as exc:
                getattr(form, exc.field, form.title).errors.append(exc.reason)
            else:
                flash(_("The election is created. Owners can now nominate themselves on its public page."), "success")
                return redirect(url_for(".manage", public_id=election.public_id))
    return render_template(
        "elections/list.html",
        community=community,
        elections=services.elections_of(community.id),
        form=form,
        may_manage=may_manage(community),
        view=services.committee_view(community, now=utcnow()),
    )


@bp.get("/elections/<public_id>")
@login_required
def manage(public_id: str) -> str:
    election, community = load_election(public_id)
    require(can_view_sessions(current_actor(), community))
    people = {
        p.id: p for p in db.session.execute(select(Person).where(Person.id.in_([c.person_id for c in election.candidates]))).scalars()
    }
    now = utcnow()
    outgoing = services.current_committee(community.id)
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
        now=now,
        not_yet_publishable=services.not_yet_publishable(election, now=now),
        outgoing=outgoing,
        negative_list=[(e.code, entry_label(e)) for e in get_profile(community.rule_profile).settings.negative_list],
        outgoing_audited=outgoing is not None and services.audit_published(db.session(), outgoing.id),
    )


@bp.post("/elections/<public_id>/nominate")
@login_required
def nominate(public_id: str) -> Response:
    election, community = load_election(public_id)
    form = NominationForm()
    # Joint nominations by the committee or, where it runs the election, the street office; recommendations by the office.
    kind = Nomination.ORGANISATION if form.kind.data == "organisation" else Nomination.JOINT
    require(can_certify(current_actor(), community) if kind is Nomination.ORGANISATION else may_manage(community))
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
    election, community = load_election(db.session.get(Election, candidate.election_id).public_id)  # type: ignore[union-attr]
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
            cleared=list(form.cleared.data or []),
            rejected_entry=form.rejected_entry.data or "",
        )
    except RuleViolation as exc:
        flash(exc.reason, "error")
    else:
        flash(_("The vetting is recorded."), "success")
    return redirect(url_for(".manage", public_id=election.public_id))


def _action(public_id: str, action: Any, success: str) -> Response:
    election, community = load_election(public_id)
    require(may_manage(community))
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
    _election_row, community = load_election(public_id)
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
    election, community = load_election(public_id)
    require(may_manage(community))
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".manage", public_id=public_id))
    try:
        created = services.create_followup(current_actor(), election.id, kind=kind, now=utcnow())
    except RuleViolation as exc:
        flash(exc.reason, "error")
        return redirect(url_for(".manage", public_id=public_id))
    flash(_("Created. Put it on a session's ballot when ready."), "success")
    return redirect(url_for(".manage", public_id=created.public_id))


@bp.route("/office/c/<int:community_id>/temporary", methods=["GET", "POST"])
@login_required
def appoint_temporary(community_id: int) -> Response | str:
    """物业管理委员会: one line per member, "name, unit" for an owners' representative or "name, organisation" otherwise."""
    community = load_community(community_id)
    require(can_certify(current_actor(), community))
    form = TemporaryForm()
    if form.validate_on_submit():
        members = []
        for line in (form.members.data or "").splitlines():
            parts = [p.strip() for p in re.split(r"[,，]", line) if p.strip()]
            if not parts:
                continue
            second = parts[1] if len(parts) > 1 else ""
            if UNIT.match(second):
                members.append({"name": parts[0], "unit": second, "owner_representative": True})
            else:
                members.append({"name": parts[0], "affiliation": second, "owner_representative": False})
        try:
            services.appoint_temporary(
                current_actor(),
                community_id=community.id,
                members=members,
                term_end=form.term_end.data,
                now=utcnow(),
            )
        except RuleViolation as exc:
            form.members.errors.append(exc.reason)
        else:
            flash(_("The temporary management committee is appointed and can run sessions like a committee."), "success")
            return redirect(url_for(".committee_page", slug=community.slug))
    settings = get_profile(community.rule_profile).settings
    return render_template("elections/temporary.html", community=community, form=form, settings=settings)


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
    community = load_community(community_id)
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
            form.members.errors.append(problem)
        else:
            try:
                services.register_sitting_committee(
                    current_actor(),
                    community_id=community.id,
                    members=members,
                    term_start=form.term_start.data,
                    term_end=form.term_end.data,
                    now=utcnow(),
                )
            except RuleViolation as exc:
                getattr(form, exc.field, form.members).errors.append(exc.reason)
            else:
                flash(_("The sitting committee is recorded."), "success")
                return redirect(url_for(".committee_page", slug=community.slug))
    return render_template("elections/sitting.html", community=community, form=form)
