"""The committee page (public) and the seated committee's actions: departures, the chair ballot."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from ...accounts.forms import ConfirmForm
from ...communities.models import Community
from ...db import db, utcnow
from ...domain.errors import NotFound, RuleViolation
from ...notices.services import public_id_of
from ...security.permissions import can_certify, require
from ...security.web import current_actor
from ...web_params import id_arg
from .. import services
from ..forms import (
    DepartureForm,
)
from ..models import Committee, ElectionState, Membership
from .common import bp, load_community, may_manage


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
    chair = services.chair_tally(view.committee, "chair") if view else None
    vice = services.chair_tally(view.committee, "vice_chair") if view else None
    # An office is to be elected while no seated member holds it (a committee entered from the records has its chair).
    filled = {m.role.value for m, _p in view.members} if view else set()
    tallies = (("chair", chair), ("vice_chair", vice))
    vacant = {office: tally is not None and not tally.elected and office not in filled for office, tally in tallies}
    return render_template(
        "elections/committee.html",
        community=community,
        view=view,
        me=me,
        chair=chair,
        vice=vice,
        vacant=vacant,
        elections=[e for e in services.elections_of(community.id) if e.state is not ElectionState.SEATED][:3],
        may_run=current_user.is_authenticated and may_manage(community),
        may_audit=current_user.is_authenticated and can_certify(current_actor(), community),
        departure_form=DepartureForm(),
        confirm_form=ConfirmForm(),
        audit_notice=public_id_of(view.audit.notice_id) if view and view.audit else None,
    )


def _committee(committee_id: int) -> tuple[Committee, Community]:
    committee = db.session.get(Committee, committee_id)
    if committee is None:
        raise NotFound(_("No such committee."))
    return committee, load_community(committee.community_id)


@bp.post("/committees/<int:committee_id>/members/<int:membership_id>/leave")
@login_required
def departure(committee_id: int, membership_id: int) -> Response:
    committee, community = _committee(committee_id)
    require(may_manage(community))
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
                choice_id=id_arg("choice", form=True) or 0,
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
