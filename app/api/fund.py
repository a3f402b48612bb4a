"""The maintenance fund (RULES §11): its projects for anyone; the committee's projects, emergency applications,
costs and unit accounts (scope "committee"); the street office's deadlines and answers (scope "office").

File uploads (a project's acceptance report and documents, deposit files, an emergency's acceptance record)
stay on the committee's pages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import request, url_for
from flask_babel import gettext as _

from ..communities.models import Community
from ..communities.queries import community_by_slug, office_by_code
from ..db import db, utcnow
from ..domain.errors import RuleViolation
from ..fund.labels import emergency_kind_label
from ..fund.models.emergencies import EmergencyApplication
from ..fund.models.projects import FundProject, ProjectState
from ..fund.services import accounts, costs, deadlines, emergencies, projects
from ..security.permissions import can_confirm_emergency, can_manage_fund, can_oversee, require
from ..sessions import services as sessions
from . import schemas as S
from .operations import COMMITTEE_ERRORS, Created, api_actor, fields, not_found, operation, stamp
from .serializers import yuan

FUND_ERRORS = (401, 403, 404)


# Shapes ----------------------------------------------------------------------------------------------------------


def project_summary(view: projects.ProjectView, community: Community) -> dict[str, Any]:
    p = view.project
    return {
        "id": p.public_id,
        "title": p.title,
        "scope_label": p.scope_label,
        "units": len(p.scope),
        "state": p.state.value,
        "budget": yuan(p.budget_fen),
        "budget_fen": p.budget_fen,
        "spent": yuan(view.booked_fen),
        "spent_fen": view.booked_fen,
        "works_start": p.works_start.isoformat() if p.works_start else None,
        "works_end": p.works_end.isoformat() if p.works_end else None,
        "url": url_for("fund.public_project", slug=community.slug, public_id=p.public_id, _external=True),
    }


def project_json(project: FundProject, community: Community) -> dict[str, Any]:
    view = projects.view(project)
    allowed = view.authority is None and project.state in projects.SPENDING_STATES
    refusal = view.authority or (None if allowed else _state_refusal(project))
    return {
        "project": project_summary(view, community),
        "community": community.slug,
        "works": project.works,
        "contractor": project.contractor,
        "left": yuan(view.left_fen),
        "left_fen": view.left_fen,
        "invoices": [
            {
                "date": e.entry_date.isoformat(),
                "amount": yuan(e.amount_fen),
                "amount_fen": e.amount_fen,
                "voucher": e.voucher or "",
                "paid_to": e.counterparty or "",
                "note": e.note or "",
            }
            for e in view.invoices
        ],
        "documents": [
            {
                "kind": d.kind,
                "filename": d.filename,
                "size": d.size,
                "sha256": d.sha256,
                "url": url_for("fund.project_document", slug=community.slug, public_id=project.public_id, document_id=d.id, _external=True),
            }
            for d in view.documents
        ],
        "item": str(project.item_id) if project.item_id is not None else None,
        "spending_allowed": allowed,
        "spending_refusal": None if allowed else refusal,
    }


def _state_refusal(project: FundProject) -> str:
    if project.state is ProjectState.SETTLED:
        return _("The project is settled: no more invoices can be booked against it.")
    if project.state is ProjectState.WITHDRAWN:
        return _("The project was withdrawn.")
    return _(
        "The project is not approved yet: invoices are booked only after the owners concerned passed it and the street office certified it."
    )


def emergency_json(application: EmergencyApplication, community: Community) -> dict[str, Any]:
    spent = emergencies.booked_fen(db.session(), application.id)
    return {
        "id": application.public_id,
        "community": community.slug,
        "kind": application.kind,
        "kind_label": emergency_kind_label(application.kind),
        "works": application.works,
        "units": list(application.scope),
        "scope_label": application.scope_label,
        "contractor": application.contractor or "",
        "estimate": yuan(application.estimate_fen),
        "estimate_fen": application.estimate_fen,
        "spent": yuan(spent),
        "spent_fen": spent,
        "state": application.state.value,
        "applied_at": stamp(application.applied_at),
        "answer_due_at": stamp(application.answer_due_at),
        "decided_at": stamp(application.decided_at),
        "reason": application.decision_reason,
    }


# Lookups, before any body is read --------------------------------------------------------------------------------


def _project_of(slug: str, project_id: str) -> tuple[FundProject, Community]:
    community = community_by_slug(slug)
    project = projects.project_by_public_id(project_id)
    if project is None or project.community_id != community.id:
        raise not_found(_("No such project."))
    return project, community


def _emergency_of(slug: str, emergency_id: str) -> tuple[EmergencyApplication, Community]:
    community = community_by_slug(slug)
    application, found = emergencies.by_public_id(api_actor(), emergency_id)
    if found.id != community.id:
        raise not_found(_("No such emergency application."))
    return application, community


def _manages_fund_of(slug: str, **_ignored: str) -> None:
    require(can_manage_fund(api_actor(), community_by_slug(slug)))


def _manages_project(slug: str, project_id: str) -> None:
    _manages_fund_of(slug)
    _project_of(slug, project_id)


def _manages_emergency(slug: str, emergency_id: str) -> None:
    _manages_fund_of(slug)
    _emergency_of(slug, emergency_id)


def _answers_emergency(slug: str, emergency_id: str) -> None:
    require(can_confirm_emergency(api_actor(), community_by_slug(slug)))
    _emergency_of(slug, emergency_id)


# Public ----------------------------------------------------------------------------------------------------------


@operation(
    "GET",
    "/communities/{slug}/fund/projects",
    summary="The community's maintenance-fund projects, newest first",
    tag="public",
    response=S.array(S.ref("FundProjectSummary")),
    errors=(404,),
)
def list_fund_projects(slug: str) -> list[dict[str, Any]]:
    community = community_by_slug(slug)
    return [project_summary(projects.view(p), community) for p in projects.projects_of(community.id)]


@operation(
    "GET",
    "/communities/{slug}/fund/projects/{project_id}",
    summary="A maintenance-fund project: its invoices, its documents and the item that decides it",
    tag="public",
    response=S.ref("FundProject"),
    errors=(404,),
    description="Each document with its SHA-256 and where to download it. Acceptance reports and other documents are "
    "uploaded on the committee's pages only.",
)
def get_fund_project(slug: str, project_id: str) -> dict[str, Any]:
    project, community = _project_of(slug, project_id)
    return project_json(project, community)


# The committee's projects ----------------------------------------------------------------------------------------


@operation(
    "POST",
    "/communities/{slug}/fund/projects",
    summary="Open a maintenance-fund project",
    tag="committee",
    body=S.NEW_PROJECT,
    response=S.ref("FundProject"),
    status=201,
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="Published on the board at once. The owners of its units decide it: put it on a draft session next. "
    "Documents (quotes, contracts) and the acceptance report are uploaded on the committee's pages only.",
    authorize=_manages_fund_of,
    location="The project, as anyone reads it.",
)
def open_fund_project(slug: str, body: dict[str, Any]) -> Created:
    community = community_by_slug(slug)
    with fields(scope="units"):
        project = projects.open_project(
            api_actor(),
            community_id=community.id,
            title=body["title"],
            works=body["works"],
            contractor=body["contractor"],
            budget=body["budget"],
            units=",".join(body["units"]),
            scope_label=body.get("scope_label", ""),
            works_start=body.get("works_start"),
            works_end=body.get("works_end"),
            now=utcnow(),
        )
    location = url_for("api.get_fund_project", slug=community.slug, project_id=project.public_id, _external=True)
    return Created(project_json(project, community), location)


@operation(
    "POST",
    "/communities/{slug}/fund/projects/{project_id}/session",
    summary="Put the project's item on a draft session, decided by the owners of its units only",
    tag="committee",
    body=S.PROJECT_SESSION,
    response=S.ref("FundProject"),
    auth="committee",
    errors=COMMITTEE_ERRORS,
    authorize=_manages_project,
)
def put_fund_project_on_session(slug: str, project_id: str, body: dict[str, Any]) -> dict[str, Any]:
    project, community = _project_of(slug, project_id)
    assembly = sessions.session_by_public_id(body["session_id"])
    if assembly is None or assembly.community_id != community.id:
        raise RuleViolation("session_id", _("Choose a draft session of this community."))
    with fields(session="session_id"):
        projects.put_on_session(api_actor(), project.id, assembly_id=assembly.id, now=utcnow())
    return project_json(project, community)


def _step(slug: str, project_id: str, run: Any, **renamed: str) -> dict[str, Any]:
    project, community = _project_of(slug, project_id)
    with fields(**renamed):
        run(project.id)
    db.session.refresh(project)
    return project_json(project, community)


@operation(
    "POST",
    "/communities/{slug}/fund/projects/{project_id}/approve",
    summary="Approve the project once its item is passed and certified",
    tag="committee",
    body=S.NOTHING,
    response=S.ref("FundProject"),
    auth="committee",
    errors=COMMITTEE_ERRORS,
    authorize=_manages_project,
)
def approve_fund_project(slug: str, project_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return _step(slug, project_id, lambda pk: projects.approve(api_actor(), pk, now=utcnow()))


@operation(
    "POST",
    "/communities/{slug}/fund/projects/{project_id}/start",
    summary="Record the day an approved project's works started",
    tag="committee",
    body=S.WORKS_START,
    response=S.ref("FundProject"),
    auth="committee",
    errors=COMMITTEE_ERRORS,
    authorize=_manages_project,
)
def start_fund_project(slug: str, project_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return _step(slug, project_id, lambda pk: projects.start_works(api_actor(), pk, day=body["date"], now=utcnow()), works_start="date")


@operation(
    "POST",
    "/communities/{slug}/fund/projects/{project_id}/invoices",
    summary="Book a contractor's invoice against the project, shared among its units by area",
    tag="committee",
    body=S.COST,
    response=S.ref("FundProject"),
    status=201,
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="Only while the deciding item is passed, certified and not revoked, and never beyond the budget's remainder "
    "(refused naming `amount`). The invoice's scan is attached on the committee's pages only.",
    authorize=_manages_project,
)
def book_fund_invoice(slug: str, project_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return _step(
        slug,
        project_id,
        lambda pk: projects.book_invoice(
            api_actor(),
            pk,
            day=body["date"],
            amount=body["amount"],
            voucher=body.get("voucher", ""),
            note=body.get("note", ""),
            now=utcnow(),
        ),
    )


@operation(
    "POST",
    "/communities/{slug}/fund/projects/{project_id}/settle",
    summary="Settle a project whose works are accepted",
    tag="committee",
    body=S.NOTHING,
    response=S.ref("FundProject"),
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="The works are accepted, with the acceptance report, on the committee's pages.",
    authorize=_manages_project,
)
def settle_fund_project(slug: str, project_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return _step(slug, project_id, lambda pk: projects.settle(api_actor(), pk, now=utcnow()))


@operation(
    "POST",
    "/communities/{slug}/fund/projects/{project_id}/withdraw",
    summary="Withdraw a project not yet approved",
    tag="committee",
    body=S.NOTHING,
    response=S.ref("FundProject"),
    auth="committee",
    errors=COMMITTEE_ERRORS,
    authorize=_manages_project,
)
def withdraw_fund_project(slug: str, project_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return _step(slug, project_id, lambda pk: projects.withdraw(api_actor(), pk, now=utcnow()))


# The committee's emergencies -------------------------------------------------------------------------------------


@operation(
    "POST",
    "/communities/{slug}/fund/emergencies",
    summary="Apply to the street office for an emergency use of the fund",
    tag="committee",
    body=S.NEW_EMERGENCY,
    response=S.ref("FundEmergency"),
    status=201,
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="The street office answers within the rules' hours. Recording the works done and publishing them "
    "(with the acceptance record) stay on the committee's pages.",
    authorize=_manages_fund_of,
)
def apply_fund_emergency(slug: str, body: dict[str, Any]) -> dict[str, Any]:
    community = community_by_slug(slug)
    with fields(scope="units"):
        application = emergencies.apply(
            api_actor(),
            community_id=community.id,
            kind=body["kind"],
            works=body["works"],
            scope=body["units"],
            scope_label=body.get("scope_label", ""),
            contractor=body.get("contractor", ""),
            estimate=body["estimate"],
            now=utcnow(),
        )
    return emergency_json(application, community)


@operation(
    "POST",
    "/communities/{slug}/fund/emergencies/{emergency_id}/costs",
    summary="Book a cost against an emergency the street office confirmed, within its estimate",
    tag="committee",
    body=S.COST,
    response=S.ref("FundEmergency"),
    status=201,
    auth="committee",
    errors=COMMITTEE_ERRORS,
    authorize=_manages_emergency,
)
def book_fund_emergency_cost(slug: str, emergency_id: str, body: dict[str, Any]) -> dict[str, Any]:
    application, community = _emergency_of(slug, emergency_id)
    costs.book_emergency_cost(
        api_actor(),
        application.id,
        day=body["date"],
        amount=body["amount"],
        voucher=body.get("voucher", ""),
        note=body.get("note", ""),
        now=utcnow(),
    )
    db.session.refresh(application)
    return emergency_json(application, community)


# The committee's accounts ----------------------------------------------------------------------------------------


@operation(
    "GET",
    "/communities/{slug}/fund/accounts",
    summary="Every unit's fund account: deposits, shares of the costs, balance",
    tag="committee",
    response=S.array(S.ref("UnitAccount")),
    auth="committee",
    errors=FUND_ERRORS,
    description="Deposit files are imported on the committee's pages only.",
    authorize=_manages_fund_of,
)
def list_fund_accounts(slug: str) -> list[dict[str, Any]]:
    return [
        {
            "unit": a.unit,
            "area": a.area_text,
            "deposits": yuan(a.deposits_fen),
            "deposits_fen": a.deposits_fen,
            "shares": yuan(a.shares_fen),
            "shares_fen": a.shares_fen,
            "balance": yuan(a.balance_fen),
            "balance_fen": a.balance_fen,
        }
        for a in accounts.unit_accounts(community_by_slug(slug).id)
    ]


@operation(
    "GET",
    "/communities/{slug}/fund/reconciliation",
    summary="The unit accounts against the maintenance-fund ledger, each difference with its cause",
    tag="committee",
    response=S.ref("FundReconciliation"),
    auth="committee",
    errors=FUND_ERRORS,
    authorize=_manages_fund_of,
)
def get_fund_reconciliation(slug: str) -> dict[str, Any]:
    check = accounts.reconciliation(community_by_slug(slug).id)
    return {
        "agrees": check.agrees,
        "deposits_fen": check.deposits_fen,
        "ledger_deposits_fen": check.ledger_deposits_fen,
        "shares_fen": check.shares_fen,
        "ledger_costs_fen": check.ledger_costs_fen,
        "balance_fen": check.balance_fen,
        "ledger_balance_fen": check.ledger_balance_fen,
        "differences": [{"cause": d.cause, "amount_fen": d.fen, "entry": d.entry_id} for d in check.differences],
    }


# The street office -----------------------------------------------------------------------------------------------


@operation(
    "GET",
    "/offices/{office_code}/fund/deadlines",
    summary="What the street office's communities' fund waits for: emergency answers, works to accept",
    tag="office",
    response=S.array(S.ref("FundDeadline")),
    auth="office",
    errors=FUND_ERRORS,
    description="Missed ones first, then by when. `due` is a moment (an answer's hours) or a day (planned completion).",
)
def list_fund_deadlines(office_code: str) -> list[dict[str, Any]]:
    office = office_by_code(office_code)
    if office is None:
        raise not_found(_("No such street office."))
    require(can_oversee(api_actor(), office.id))
    root = request.host_url.rstrip("/")
    return [
        {
            "community": d.community.slug,
            "label": d.label,
            "due": (stamp(d.due) or "") if isinstance(d.due, datetime) else d.due.isoformat(),
            "overdue": d.overdue,
            "url": root + d.url,
        }
        for d in deadlines.office_deadlines(office.id, utcnow())
    ]


@operation(
    "POST",
    "/communities/{slug}/fund/emergencies/{emergency_id}/decision",
    summary="Confirm or refuse an emergency use of the fund, with a fresh authenticator code",
    tag="office",
    body=S.EMERGENCY_DECISION,
    response=S.ref("FundEmergency"),
    auth="office",
    errors=COMMITTEE_ERRORS,
    description="As on the office's page: a refusal gives its reasons; `code` is the current code of the official's "
    "authenticator app, used once (a wrong one is audited and refused naming `code`). A confirmation is published on the board.",
    authorize=_answers_emergency,
)
def decide_fund_emergency(slug: str, emergency_id: str, body: dict[str, Any]) -> dict[str, Any]:
    application, community = _emergency_of(slug, emergency_id)
    with fields(totp_code="code"):
        emergencies.decide(
            api_actor(),
            application.id,
            confirm=body["decision"] == "confirm",
            reason=body.get("reason", ""),
            totp_code=body["code"],
            now=utcnow(),
        )
    db.session.refresh(application)
    return emergency_json(application, community)
