"""Fund projects: the committee opens and runs them; anyone reads them, their documents and their spending on the board."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ...accounts.forms import ConfirmForm
from ...communities.models import Building, Community
from ...communities.queries import community_by_slug
from ...db import db, utcnow
from ...domain.errors import NotFound, RuleViolation
from ...domain.lifecycle import SessionState
from ...domain.units import unit_sort_key
from ...extensions import limiter, upload_limit
from ...notices.services import stored_file_response
from ...security.permissions import can_certify, can_manage_fund, require
from ...security.web import current_actor
from ...sessions.models import AssemblySession
from ..forms.projects import AcceptanceForm, DayForm, DocumentForm, InvoiceForm, ProjectForm, SessionChoiceForm
from ..models.projects import FundProject, ProjectDocument, ProjectState
from ..services import emergencies
from ..services import projects as service
from .common import bp

STATE_LABELS = {
    "applied": _l("Applied: waiting for the owners' decision"),
    "approved": _l("Approved"),
    "works": _l("Works under way"),
    "accepted": _l("Accepted"),
    "settled": _l("Settled"),
    "withdrawn": _l("Withdrawn"),
}
DOCUMENT_LABELS = {
    "quote": _l("Quote"),
    "contract": _l("Contract"),
    "invoice": _l("Invoice"),
    "acceptance": _l("Acceptance report"),
    "other": _l("Other document"),
}


@bp.context_processor
def _labels() -> dict[str, object]:
    return {"project_state_labels": STATE_LABELS, "project_document_labels": DOCUMENT_LABELS}


STATE_ORDER = (ProjectState.APPLIED, ProjectState.APPROVED, ProjectState.WORKS, ProjectState.ACCEPTED, ProjectState.SETTLED)


def _community(community_id: int, *, manage: bool = True) -> Community:
    """The community, for its committee; its street office's officials may read (``manage=False``)."""
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound(_("No such community."))
    actor = current_actor()
    require(can_manage_fund(actor, community) or (not manage and can_certify(actor, community)))
    return community


def _project(project_id: int, *, manage: bool = True) -> tuple[FundProject, Community]:
    project = db.session.get(FundProject, project_id)
    if project is None:
        raise NotFound(_("No such project."))
    community = db.session.get(Community, project.community_id)
    assert community is not None
    actor = current_actor()
    require(can_manage_fund(actor, community) or (not manage and can_certify(actor, community)))
    return project, community


def _session_form(community: Community) -> SessionChoiceForm:
    """The community's draft sessions, the only ones a project's item can join."""
    drafts = db.session.execute(
        select(AssemblySession)
        .where(AssemblySession.community_id == community.id, AssemblySession.state == SessionState.DRAFT)
        .order_by(AssemblySession.opens_at)
    ).scalars()
    form = SessionChoiceForm()
    form.session.choices = [SelectChoice(a.id, a.title) for a in drafts]
    return form


def _project_form(community: Community) -> ProjectForm:
    form = ProjectForm()
    buildings = db.session.execute(select(Building).where(Building.community_id == community.id)).scalars()
    form.buildings.choices = [SelectChoice(b.id, b.name) for b in sorted(buildings, key=lambda b: unit_sort_key(b.name))]
    return form


@bp.route("/committee/c/<int:community_id>/fund/projects", methods=["GET", "POST"])
@login_required
def list_projects(community_id: int) -> Response | str:
    community = _community(community_id, manage=request.method != "GET")
    form = _project_form(community)
    if form.validate_on_submit():
        try:
            project = service.open_project(
                current_actor(),
                community_id=community.id,
                title=form.title.data or "",
                works=form.works.data or "",
                contractor=form.contractor.data or "",
                budget=form.budget.data or "",
                buildings=form.buildings.data or [],
                units=form.units.data or "",
                scope_label=form.scope_label.data or "",
                works_start=form.works_start.data or None,
                works_end=form.works_end.data or None,
                now=utcnow(),
            )
        except RuleViolation as exc:
            getattr(form, {"scope": "units"}.get(exc.field, exc.field), form.title).errors.append(exc.reason)
        else:
            flash(_("Project opened and published on the board. Put it on a session: the owners concerned decide it."), "success")
            return redirect(url_for(".show_project", project_id=project.id))
    return render_template(
        "fund/projects.html",
        community=community,
        projects=[service.view(p) for p in service.projects_of(community.id)],
        form=form,
        may_manage=can_manage_fund(current_actor(), community),
    )


@bp.get("/committee/fund/projects/<int:project_id>")
@login_required
def show_project(project_id: int) -> str:
    project, community = _project(project_id, manage=False)
    choose = _session_form(community)
    return render_template(
        "fund/project.html",
        community=community,
        view=service.view(project),
        states=STATE_ORDER,
        may_manage=can_manage_fund(current_actor(), community),
        choose=choose,
        start=DayForm(),
        invoice=InvoiceForm(),
        acceptance=AcceptanceForm(),
        document=DocumentForm(),
        action=ConfirmForm(),
    )


def _step(project_id: int, run: Callable[[], object], done: str) -> Response:
    try:
        run()
    except RuleViolation as exc:
        flash(exc.reason, "error")
    else:
        flash(done, "success")
    return redirect(url_for(".show_project", project_id=project_id))


@bp.post("/committee/fund/projects/<int:project_id>/session")
@login_required
def put_on_session(project_id: int) -> Response:
    project, community = _project(project_id)
    form = _session_form(community)
    if not form.validate_on_submit():
        flash(_("Choose a draft session of this community."), "error")
        return redirect(url_for(".show_project", project_id=project.id))
    assembly_id = int(form.session.data)
    return _step(
        project.id,
        lambda: service.put_on_session(current_actor(), project.id, assembly_id=assembly_id, now=utcnow()),
        _("The project's item is on the session, decided by the owners of its scope only."),
    )


@bp.post("/committee/fund/projects/<int:project_id>/approve")
@login_required
def approve_project(project_id: int) -> Response:
    project = _project(project_id)[0]
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".show_project", project_id=project.id))
    return _step(project.id, lambda: service.approve(current_actor(), project.id, now=utcnow()), _("Project approved and published."))


@bp.post("/committee/fund/projects/<int:project_id>/start")
@login_required
def start_works(project_id: int) -> Response:
    project = _project(project_id)[0]
    form = DayForm()
    if not form.validate_on_submit():
        flash(_("Give the date the works started."), "error")
        return redirect(url_for(".show_project", project_id=project.id))
    day = form.day.data or ""
    return _step(
        project.id, lambda: service.start_works(current_actor(), project.id, day=day, now=utcnow()), _("Works started; published.")
    )


@bp.post("/committee/fund/projects/<int:project_id>/invoices")
@login_required
@limiter.limit(upload_limit)
def book_invoice(project_id: int) -> Response:
    project = _project(project_id)[0]
    form = InvoiceForm()
    if not form.validate_on_submit():
        flash(_("Give the invoice's date and amount."), "error")
        return redirect(url_for(".show_project", project_id=project.id))
    file = form.file.data
    data = file.read() if file else b""
    return _step(
        project.id,
        lambda: service.book_invoice(
            current_actor(),
            project.id,
            day=form.day.data or "",
            amount=form.amount.data or "",
            voucher=form.voucher.data or "",
            note=form.note.data or "",
            filename=(file.filename or "") if file else "",
            data=data,
            now=utcnow(),
        ),
        _("Invoice booked in the maintenance-fund ledger and shared among the units concerned."),
    )


@bp.post("/committee/fund/projects/<int:project_id>/accept")
@login_required
@limiter.limit(upload_limit)
def accept_project(project_id: int) -> Response:
    project = _project(project_id)[0]
    form = AcceptanceForm()
    if not form.validate_on_submit():
        flash(_("Give the acceptance date and attach the acceptance report."), "error")
        return redirect(url_for(".show_project", project_id=project.id))
    file = form.file.data
    data = file.read()
    return _step(
        project.id,
        lambda: service.accept(current_actor(), project.id, day=form.day.data or "", filename=file.filename or "", data=data, now=utcnow()),
        _("Works accepted; the acceptance report is published on the board."),
    )


@bp.post("/committee/fund/projects/<int:project_id>/documents")
@login_required
@limiter.limit(upload_limit)
def add_document(project_id: int) -> Response:
    project = _project(project_id)[0]
    form = DocumentForm()
    if not form.validate_on_submit():
        flash(_("Choose a PDF, PNG or JPEG file."), "error")
        return redirect(url_for(".show_project", project_id=project.id))
    file = form.file.data
    data = file.read()
    return _step(
        project.id,
        lambda: service.add_document(
            current_actor(), project.id, kind=form.kind.data or "", filename=file.filename or "", data=data, now=utcnow()
        ),
        _("File attached."),
    )


@bp.post("/committee/fund/projects/<int:project_id>/settle")
@login_required
def settle_project(project_id: int) -> Response:
    project = _project(project_id)[0]
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".show_project", project_id=project.id))
    return _step(project.id, lambda: service.settle(current_actor(), project.id, now=utcnow()), _("Project settled; published."))


@bp.post("/committee/fund/projects/<int:project_id>/withdraw")
@login_required
def withdraw_project(project_id: int) -> Response:
    project = _project(project_id)[0]
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".show_project", project_id=project.id))
    return _step(project.id, lambda: service.withdraw(current_actor(), project.id, now=utcnow()), _("Project withdrawn; published."))


# The public board -------------------------------------------------------------------------------


@bp.get("/c/<slug>/fund")
def public_projects(slug: str) -> str:
    community = community_by_slug(slug)
    return render_template(
        "fund/public_projects.html",
        community=community,
        projects=[service.view(p) for p in service.projects_of(community.id)],
        emergencies=emergencies.public_emergencies(community.id),
    )


def _public_project(slug: str, public_id: str) -> tuple[FundProject, Community]:
    community = community_by_slug(slug)
    project = service.project_by_public_id(public_id)
    if project is None or project.community_id != community.id:
        raise NotFound(_("No such project."))
    return project, community


@bp.get("/c/<slug>/fund/projects/<public_id>")
def public_project(slug: str, public_id: str) -> str:
    project, community = _public_project(slug, public_id)
    return render_template("fund/public_project.html", community=community, view=service.view(project), states=STATE_ORDER)


@bp.get("/c/<slug>/fund/projects/<public_id>/files/<int:document_id>")
def project_document(slug: str, public_id: str, document_id: int) -> Response:
    project = _public_project(slug, public_id)[0]
    found = db.session.get(ProjectDocument, document_id)
    if found is None or found.project_id != project.id:
        raise NotFound(_("No such file."))
    return stored_file_response(found.sha256, found.content_type, found.filename, max_age=86400)
