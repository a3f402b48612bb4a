"""The street office's pages: the dashboard of its communities, the certification queue and the review."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ...clock import local_to_utc, today_in_china
from ...committees import services as committees
from ...communities.models import Community, StreetOffice
from ...communities.queries import area_of_office
from ...db import db, utcnow
from ...domain.errors import NotFound, RuleViolation
from ...domain.objections import OUTCOMES, blockers
from ...elections import services as elections
from ...notices.obligations import Obligation
from ...notices.services import stored_file_response
from ...orders import services as order_book
from ...orders.models import Order, OrderKind, OrderStatus
from ...security.permissions import can_certify, can_issue_orders, can_oversee, require
from ...security.web import current_actor
from ...sessions.forms import NewSessionForm
from ...sessions.models import AssemblySession, RollEntry, SessionForm, Verdict
from ...sessions.services import bulletin, corrections
from ...voting import services as voting
from ...voting.labels import OBJECTION_KINDS, OBJECTION_STATUSES, OUTCOME_LABELS
from ...voting.models import Objection, ObjectionDocument
from .. import services
from ..forms import ORDER_KIND_LABELS, CloseOrderForm, ObjectionDecisionForm, OrderForm, VerdictForm
from ..labels import FLAG_LABELS
from ..services.obligations import obligations
from .common import bp


# Panels of pages lower packages own (the community's page), which cannot ask oversight themselves.
@bp.app_template_global()
def community_obligations(community: Community) -> list[Obligation]:
    return obligations(community, now=utcnow())


@bp.app_template_global()
def open_orders_of(community: Community) -> list[Order]:
    return order_book.open_orders(community.id)


@bp.app_context_processor
def _helpers() -> dict[str, object]:
    return {"can_oversee_office": can_oversee, "order_kind_labels": ORDER_KIND_LABELS}


def _office(office_id: int) -> StreetOffice:
    office = db.session.get(StreetOffice, office_id)
    if office is None:
        raise NotFound(_("No such street office."))
    area = area_of_office(office)  # the district's and the city's officials read it too
    require(can_oversee(current_actor(), office.id, district_id=area.district_id, city_id=area.city_id))
    return office


_SORTS: dict[str, Any] = {
    "name": lambda r: r.community.name,
    "flags": lambda r: -len(r.flags),
    "overdue": lambda r: -r.overdue,
    "orders": lambda r: -r.orders,
    "term_end": lambda r: r.committee.term.ends_on if r.committee else date.min,
    "party": lambda r: (r.committee.party_members / len(r.committee.members)) if r.committee and r.committee.members else -1,
}


def _rows(office: StreetOffice) -> tuple[list[services.CommunityRow], list[services.CommunityRow], str, str]:
    """Every community of the office (for the office-wide figures), and those shown: filtered by flag, sorted."""
    every = services.dashboard(office.id, now=utcnow())
    flag = request.args.get("flag", "")
    flag = flag if flag in FLAG_LABELS else ""
    sort = request.args.get("sort", "flags")
    sort = sort if sort in _SORTS else "flags"
    shown = [r for r in every if flag in r.flags] if flag else every
    return every, sorted(shown, key=_SORTS[sort]), flag, sort


@bp.get("/<int:office_id>")
@login_required
def dashboard(office_id: int) -> str:
    office = _office(office_id)
    every, rows, flag, sort = _rows(office)
    return render_template(
        "oversight/dashboard.html",
        office=office,
        rows=rows,
        flag=flag,
        sort=sort,
        flag_labels=FLAG_LABELS,
        figures=services.figures(every),
        queue=services.queue(office.id),
        objections=services.objections_to_decide(office.id),
        objection_labels=OBJECTION_KINDS,
        # A district's or city's official reads the dashboard; its links then lead to the public pages, not to the office's.
        reads_only=not can_oversee(current_actor(), office.id),
    )


@bp.get("/<int:office_id>.csv")
@login_required
def dashboard_csv(office_id: int) -> Response:
    office = _office(office_id)
    _every, rows, _flag, _sort = _rows(office)
    out = io.StringIO()
    csv.writer(out).writerows(services.dashboard_table(rows))
    response = current_app.response_class("\ufeff" + out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{office.code}-dashboard.csv"'
    return response


def _session(public_id: str) -> tuple[AssemblySession, Community]:
    assembly = db.session.execute(select(AssemblySession).where(AssemblySession.public_id == public_id)).scalar_one_or_none()
    if assembly is None:
        raise NotFound(_("No such session."))
    community = db.session.get(Community, assembly.community_id)
    assert community is not None
    require(can_oversee(current_actor(), community.street_office_id))
    return assembly, community


@bp.route("/s/<public_id>", methods=["GET", "POST"])
@login_required
def review(public_id: str) -> Response | str:
    assembly, community = _session(public_id)
    form = VerdictForm()
    if form.is_submitted():
        require(can_certify(current_actor(), community))
        if form.validate():
            try:
                services.decide(
                    current_actor(),
                    assembly.id,
                    verdict=Verdict(form.verdict.data),
                    reasons=form.reasons.data or "",
                    code=form.code.data or "",
                    now=utcnow(),
                    acknowledge_party=bool(form.acknowledge_party.data),
                )
            except RuleViolation as exc:
                if hasattr(form, exc.field):
                    getattr(form, exc.field).errors.append(exc.reason)
                else:  # the objection period or the objections themselves: not a field of this form
                    flash(exc.reason, "error")
            else:
                flash(_("Your verdict is recorded and signed."), "success")
                return redirect(url_for(".review", public_id=public_id))
    return render_template(
        "oversight/review.html",
        assembly=assembly,
        community=community,
        result=assembly.result,
        seal=bulletin.seal_of(db.session(), assembly.id),
        anomalies=services.anomalies(assembly),
        anomaly_labels=services.ANOMALY_LABELS,
        certification=services.certification_of(assembly.id),
        objections=[_objection_view(o) for o in voting.objections_of_session(assembly.id)],
        objection_form=ObjectionDecisionForm(),
        objection_labels=OBJECTION_KINDS,
        objection_statuses=OBJECTION_STATUSES,
        outcome_labels=OUTCOME_LABELS,
        outcomes_of={k.value: [o.value for o in v] for k, v in OUTCOMES.items()},
        windows=corrections.windows_of_session(assembly.id),
        blockers=blockers(utcnow(), assembly.objections_until, voting.pending(assembly.id)) if assembly.state.value == "tallied" else None,
        form=form,
        may_decide=can_certify(current_actor(), community),
        today=today_in_china(utcnow()),
        party_misses=services.party_misses(assembly),
    )


@bp.route("/<int:office_id>/orders", methods=["GET", "POST"])
@login_required
def orders(office_id: int) -> Response | str:
    office = _office(office_id)
    form = OrderForm()
    communities = (
        db.session.execute(select(Community).where(Community.street_office_id == office.id).order_by(Community.name)).scalars().all()
    )
    form.community.choices = [SelectChoice(c.id, c.name) for c in communities]
    form.motion_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(motion.id), f"{c.name} · {notice.title}")
        for c in communities
        for motion, notice in committees.published_decisions(c.id)
    ]
    form.member.choices = [SelectChoice("", "—")] + [
        SelectChoice(person.name, f"{c.name} · {person.name}")
        for c in communities
        if (view := elections.committee_view(c, now=utcnow())) is not None
        for membership, person in view.members
        if membership.suspended_at is None
    ]
    if form.is_submitted():
        require(can_issue_orders(current_actor(), office.id))
        if form.validate():
            try:
                services.issue_order(
                    current_actor(),
                    community_id=form.community.data,
                    kind=OrderKind(form.kind.data),
                    subject=form.subject.data or "",
                    body=form.body.data or "",
                    due_on=form.due_on.data,
                    item_id=form.item_id.data,
                    motion_id=int(form.motion_id.data) if (form.motion_id.data or "").isdigit() else None,
                    member=form.member.data or "",
                    now=utcnow(),
                )
            except RuleViolation as exc:
                getattr(form, exc.field, form.subject).errors.append(exc.reason)
            else:
                flash(_("The order is issued and published on the community's board."), "success")
                return redirect(url_for(".orders", office_id=office.id))
    return render_template(
        "oversight/orders.html",
        office=office,
        orders=order_book.orders_of_office(office.id),
        form=form,
        close_form=CloseOrderForm(),
        may_issue=can_issue_orders(current_actor(), office.id),
        today=today_in_china(utcnow()),
        may_convene=services.may_convene,
        convened_session=services.convened_session,
    )


def _order(public_id: str) -> tuple[Order, Community]:
    """An order by its public id and its community, for an action of the community's street officials."""
    order = db.session.execute(select(Order).where(Order.public_id == public_id)).scalar_one_or_none()
    if order is None:
        raise NotFound(_("No such order."))
    community = db.session.get(Community, order.community_id)
    assert community is not None
    require(can_certify(current_actor(), community))
    return order, community


@bp.post("/orders/<public_id>/close")
@login_required
def close_order(public_id: str) -> Response:
    order, community = _order(public_id)
    form = CloseOrderForm()
    if form.validate_on_submit():
        try:
            services.close_order(
                current_actor(),
                order.id,
                status=OrderStatus(form.status.data),
                note=form.note.data or "",
                now=utcnow(),
            )
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(_("The order is closed."), "success")
    return redirect(url_for(".orders", office_id=community.street_office_id))


@bp.route("/orders/<public_id>/convene", methods=["GET", "POST"])
@login_required
def convene(public_id: str) -> Response | str:
    """The committee ignored the order past its deadline: the office convenes the session and runs it itself (RULES §10)."""
    order, community = _order(public_id)
    form = NewSessionForm()
    if form.validate_on_submit():
        try:
            assembly = services.convene(
                current_actor(),
                order.id,
                title=form.title.data or "",
                form=SessionForm(form.form.data),
                opens_at=local_to_utc(form.opens_at.data),
                closes_at=local_to_utc(form.closes_at.data),
                now=utcnow(),
            )
        except RuleViolation as exc:
            getattr(form, exc.field, form.title).errors.append(exc.reason)
        else:
            flash(_("The session is drafted and the office runs it: add its items, then announce it."), "success")
            return redirect(url_for("sessions.show_session", public_id=assembly.public_id))
    elif not form.is_submitted():
        form.title.data = order.subject
    return render_template(
        "oversight/convene.html",
        order=order,
        community=community,
        form=form,
        convened=services.convened_session(order),
        may=services.may_convene(order, today_in_china(utcnow())),
    )


@bp.post("/objections/<public_id>/decide")
@login_required
def decide_objection(public_id: str) -> Response:
    objection = voting.objection_by_public_id(public_id)
    if objection is None:
        raise NotFound(_("No such objection."))
    assembly = db.session.get(AssemblySession, objection.session_id)
    assert assembly is not None
    community = db.session.get(Community, assembly.community_id)
    assert community is not None
    require(can_certify(current_actor(), community))
    form = ObjectionDecisionForm()
    if not form.validate_on_submit():
        field, errors = next(((f.label.text, f.errors) for f in form if f.errors), (_("Reasons"), [_("Fill in the form.")]))
        flash(f"{field}: {errors[0]}", "error")
        return redirect(url_for(".review", public_id=assembly.public_id, _anchor=f"objection-{public_id}"))
    try:
        decided = services.decide_objection(
            current_actor(),
            objection.id,
            upheld=form.decision.data == "upheld",
            reasons=form.reasons.data or "",
            outcome=form.outcome.data or None,
            code=form.code.data or "",
            order_due_on=form.order_due_on.data,
            now=utcnow(),
        )
    except RuleViolation as exc:
        label = getattr(form, exc.field).label.text if hasattr(form, exc.field) else ""
        flash(f"{label}: {exc.reason}" if label else exc.reason, "error")
    else:
        if decided.token:
            flash(
                _("Upheld. The letter that cast the ballot is replaced: those running the session print the new one for the owner."),
                "success",
            )
        else:
            flash(_("Your decision is recorded; the owner sees it on their letter."), "success")
    return redirect(url_for(".review", public_id=assembly.public_id, _anchor=f"objection-{public_id}"))


@bp.get("/objections/<public_id>/files/<int:document_id>")
@login_required
def objection_file(public_id: str, document_id: int) -> Response:
    objection = voting.objection_by_public_id(public_id)
    if objection is None:
        raise NotFound(_("No such file."))
    assembly = db.session.get(AssemblySession, objection.session_id)
    community = db.session.get(Community, assembly.community_id) if assembly else None
    assert community is not None
    require(can_oversee(current_actor(), community.street_office_id))
    document = next((d for d in voting.documents_of(objection.id) if d.id == document_id), None)
    if document is None:
        raise NotFound(_("No such file."))
    return stored_file_response(document.sha256, document.content_type, document.filename)


@dataclass(frozen=True)
class ObjectionView:
    objection: Objection
    units: list[str]
    files: list[ObjectionDocument]
    settled: bool


def _objection_view(objection: Objection) -> ObjectionView:
    entry = db.session.get(RollEntry, objection.roll_entry_id)
    return ObjectionView(objection, list(entry.units) if entry else [], voting.documents_of(objection.id), voting.settled(objection))
