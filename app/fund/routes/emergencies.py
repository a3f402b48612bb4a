"""Emergency use of the fund: the committee's list, application, works done and publication; the office's answer."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from ...clock import today_in_china
from ...communities.models import Building, Community
from ...db import db, utcnow
from ...domain.errors import NotFound, RuleViolation
from ...domain.ledger import format_fen
from ...extensions import limiter, upload_limit
from ...notices.models import Notice
from ...security.permissions import can_confirm_emergency, can_manage_fund, require
from ...security.web import current_actor
from ..forms.emergencies import CompleteForm, CostForm, DecisionForm, EmergencyForm, PublishForm
from ..labels import EMERGENCY_STATES, emergency_kind_label
from ..models.emergencies import EmergencyApplication, EmergencyState
from ..services import costs, deadlines
from ..services import emergencies as services
from .common import bp


# Panels of pages other packages own (the community's page, the office's dashboard), which cannot ask the fund.
@bp.app_template_global()
def fund_deadlines_of(community: Community) -> list[deadlines.FundDeadline]:
    """The community's fund deadlines, for its committee and its street office; nobody else sees them there."""
    actor = current_actor()
    if not (can_manage_fund(actor, community) or can_confirm_emergency(actor, community)):
        return []
    return deadlines.community_deadlines(community.id, utcnow())


@bp.app_template_global()
def office_fund_deadlines(street_office_id: int) -> list[deadlines.FundDeadline]:
    return deadlines.office_deadlines(street_office_id, utcnow())


@bp.app_context_processor
def _labels() -> dict[str, object]:
    return {
        "emergency_kind_label": emergency_kind_label,
        "emergency_state_labels": EMERGENCY_STATES,
        "yuan": format_fen,
        "can_manage_fund": can_manage_fund,
        "can_confirm_emergency": can_confirm_emergency,
    }


def _hours_left(application: EmergencyApplication, now: datetime) -> int:
    return max(0, int((application.answer_due_at - now).total_seconds() // 3600))


def _late_hours(application: EmergencyApplication) -> int | None:
    if application.decided_at is None or application.decided_at <= application.answer_due_at:
        return None
    return max(1, int((application.decided_at - application.answer_due_at).total_seconds() // 3600))


def _page_facts(application: EmergencyApplication, community: Community) -> dict[str, object]:
    now = utcnow()
    notice = db.session.get(Notice, application.published_notice_id) if application.published_notice_id else None
    s = db.session()
    return {
        "application": application,
        "community": community,
        "now": now,
        "today": today_in_china(now),
        "hours_left": _hours_left(application, now),
        "answer_overdue": application.state is EmergencyState.APPLIED and now > application.answer_due_at,
        "late_hours": _late_hours(application),
        "publish_overdue": application.state is EmergencyState.COMPLETED
        and application.publish_due_on is not None
        and today_in_china(now) > application.publish_due_on,
        "applied_by": services.user_name(application.applied_by_user_id),
        "decided_by": services.user_name(application.decided_by_user_id),
        "notice": notice,
        "costs": services.costs_of(s, application.id),
        "booked": services.booked_fen(s, application.id),
    }


@bp.get("/committee/c/<int:community_id>/emergencies")
@login_required
def list_emergencies(community_id: int) -> str:
    community, applications = services.for_committee(current_actor(), community_id)
    return render_template(
        "fund/emergencies.html",
        community=community,
        applications=applications,
        deadlines=deadlines.community_deadlines(community.id, utcnow()),
        may_apply=can_manage_fund(current_actor(), community),
    )


@bp.route("/committee/c/<int:community_id>/emergencies/new", methods=["GET", "POST"])
@login_required
def new_emergency(community_id: int) -> Response | tuple[str, int] | str:
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound(_("No such community."))
    require(can_manage_fund(current_actor(), community))
    buildings = list(
        db.session.execute(select(Building.name).where(Building.community_id == community.id).order_by(Building.name)).scalars()
    )
    settings = services.settings_of(community)
    form = EmergencyForm().offer(settings.emergency_kinds, buildings)
    if form.validate_on_submit():
        scope = list(form.buildings.data or []) + services.parse_scope_text(form.units.data or "")
        try:
            application = services.apply(
                current_actor(),
                community_id=community.id,
                kind=form.kind.data or "",
                works=form.works.data or "",
                scope=scope,
                scope_label=form.scope_label.data or "",
                contractor=form.contractor.data or "",
                estimate=form.estimate.data or "",
                now=utcnow(),
            )
        except RuleViolation as exc:
            target = form.units if exc.field == "scope" else getattr(form, exc.field, form.works)
            target.errors.append(exc.reason)
        else:
            flash(
                _(
                    "The application is sent to the street office, which answers within %(hours)d hours.",
                    hours=settings.emergency_answer_hours,
                ),
                "success",
            )
            return redirect(url_for(".show_emergency", public_id=application.public_id))
    return render_template("fund/emergency_new.html", community=community, form=form, hours=settings.emergency_answer_hours), (
        400 if form.errors else 200
    )


@bp.get("/committee/emergencies/<public_id>")
@login_required
def show_emergency(public_id: str) -> str:
    application, community = services.by_public_id(current_actor(), public_id)
    return render_template(
        "fund/emergency.html",
        complete_form=CompleteForm(),
        cost_form=CostForm(),
        publish_form=PublishForm(),
        may_manage=can_manage_fund(current_actor(), community),
        may_decide=can_confirm_emergency(current_actor(), community),
        **_page_facts(application, community),
    )


@bp.post("/committee/emergencies/<public_id>/complete")
@login_required
def complete_emergency(public_id: str) -> Response:
    application, community = services.by_public_id(current_actor(), public_id)
    require(can_manage_fund(current_actor(), community))
    form = CompleteForm()
    if not form.validate_on_submit() or form.works_done_on.data is None:
        flash(_("Give the day the works were done."), "error")
    else:
        try:
            services.complete(current_actor(), application.id, works_done_on=form.works_done_on.data, now=utcnow())
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(_("The works are recorded as done; publish them and their costs by the day shown."), "success")
    return redirect(url_for(".show_emergency", public_id=public_id))


@bp.post("/committee/emergencies/<public_id>/costs")
@login_required
def book_emergency_cost(public_id: str) -> Response:
    application, community = services.by_public_id(current_actor(), public_id)
    require(can_manage_fund(current_actor(), community))
    form = CostForm()
    if not form.validate_on_submit():
        flash(_("Give the cost's date and amount."), "error")
        return redirect(url_for(".show_emergency", public_id=public_id))
    try:
        costs.book_emergency_cost(
            current_actor(),
            application.id,
            day=form.day.data or "",
            amount=form.amount.data or "",
            voucher=form.voucher.data or "",
            note=form.note.data or "",
            now=utcnow(),
        )
    except RuleViolation as exc:
        flash(exc.reason, "error")
    else:
        flash(_("Cost booked in the maintenance-fund ledger and shared among the units served."), "success")
    return redirect(url_for(".show_emergency", public_id=public_id))


@bp.post("/committee/emergencies/<public_id>/publish")
@login_required
@limiter.limit(upload_limit)
def publish_emergency(public_id: str) -> Response:
    application, community = services.by_public_id(current_actor(), public_id)
    require(can_manage_fund(current_actor(), community))
    form = PublishForm()
    if not form.validate_on_submit():
        flash(_("The form has expired; try again."), "error")
        return redirect(url_for(".show_emergency", public_id=public_id))
    upload = form.acceptance_file.data
    acceptance = None
    if upload is not None and upload.filename:
        acceptance = services.AcceptanceFile(upload.filename or "", upload.read())
    try:
        services.publish(current_actor(), application.id, acceptance_file=acceptance, now=utcnow())
    except RuleViolation as exc:
        flash(exc.reason, "error")
    else:
        flash(_("The works and their costs are published on the board."), "success")
    return redirect(url_for(".show_emergency", public_id=public_id))


@bp.route("/office/emergencies/<public_id>", methods=["GET", "POST"])
@login_required
def decide_emergency(public_id: str) -> Response | tuple[str, int] | str:
    application, community = services.by_public_id(current_actor(), public_id)
    require(can_confirm_emergency(current_actor(), community))
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            services.decide(
                current_actor(),
                application.id,
                confirm=form.decision.data == "confirm",
                reason=form.reason.data or "",
                totp_code=form.totp_code.data or "",
                now=utcnow(),
            )
        except RuleViolation as exc:
            target = getattr(form, exc.field, form.reason)
            target.errors.append(exc.reason)
        else:
            flash(_("Your answer is recorded."), "success")
            return redirect(url_for(".decide_emergency", public_id=public_id))
    db.session.refresh(application)
    return render_template("fund/emergency_decide.html", form=form, **_page_facts(application, community)), (400 if form.errors else 200)
