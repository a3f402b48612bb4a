"""Fund projects (RULES §11): opened by the committee, decided by the scope's owners, spent up to the budget.

applied → approved → works → accepted → settled. Each step is a notice on the board. The project's item
(``cn.use_fund``, scoped to the project's units) goes on a draft session; the project is approved, and
invoices can be booked, only while that item is passed, certified and not revoked
(``sessions.services.authority.deciding_item``), and never beyond the budget's remainder.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...clock import today_in_china
from ...communities.models import Community
from ...communities.queries import register_units
from ...communities.scope import resolve_scope
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...domain.ledger import LedgerKind, format_fen, parse_fen
from ...domain.lifecycle import SessionState
from ...ledgers import services as ledgers
from ...ledgers.models import EntryDirection, LedgerEntry
from ...notices import services as notices
from ...notices.markup import escape_markdown
from ...notices.models import Attachment, Notice, NoticeKind
from ...security.actor import Actor
from ...security.permissions import can_manage_fund, require
from ...sessions.models import AssemblySession, Item
from ...sessions.services import drafting, scopes
from ...sessions.services.authority import deciding_item
from ..models.projects import FundProject, ProjectDocument, ProjectState
from .accounts import apportion_cost
from .contractors import check_contractor

FUND_MATTER = "cn.use_fund"
DOCUMENT_KINDS = ("quote", "contract", "invoice", "acceptance", "other")
# The states in which an invoice may still be booked: the works are decided and not yet settled.
SPENDING_STATES = frozenset({ProjectState.APPROVED, ProjectState.WORKS, ProjectState.ACCEPTED})


def _community(s: Session, actor: Actor, community_id: int) -> Community:
    community = s.get(Community, community_id)
    if community is None:
        raise NotFound(str(_l("No such community.")))
    require(can_manage_fund(actor, community))
    return community


def _project(s: Session, actor: Actor, project_id: int, *, lock: bool = True) -> tuple[FundProject, Community]:
    project = s.get(FundProject, project_id, with_for_update=lock)
    if project is None:
        raise NotFound(str(_l("No such project.")))
    return project, _community(s, actor, project.community_id)


def _text(value: str, field: str, limit: int, *, least: int = 1) -> str:
    value = (value or "").strip()
    if len(value) < least:
        if least > 1:
            raise RuleViolation(field, str(_l("Describe it in at least %(min)d characters.", min=least)))
        raise RuleViolation(field, str(_l("This field is required.")))
    if len(value) > limit:
        raise RuleViolation(field, str(_l("At most %(max)d characters.", max=limit)))
    return value


def _day(value: str | date | None, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise RuleViolation(field, str(_l("Write the date as YYYY-MM-DD."))) from None


def _fen(amount: str, field: str) -> int:
    try:
        return parse_fen(amount)
    except RuleViolation:
        raise RuleViolation(
            field, str(_l("%(amount)s is not an amount in yuan greater than zero, with at most two decimals.", amount=amount))
        ) from None


def open_project(
    actor: Actor,
    *,
    community_id: int,
    title: str,
    works: str,
    contractor: str,
    budget: str,
    buildings: Iterable[int] = (),
    units: str = "",
    scope_label: str = "",
    works_start: str | date | None = None,
    works_end: str | date | None = None,
    now: datetime,
) -> FundProject:
    with db.write() as s:
        community = _community(s, actor, community_id)
        title = _text(title, "title", 200)
        works = _text(works, "works", 5000, least=10)
        contractor = _text(contractor, "contractor", 200)
        check_contractor(s, community, contractor, now)
        budget_fen = _fen(budget, "budget")
        start, end = _day(works_start, "works_start"), _day(works_end, "works_end")
        if start and end and end < start:
            raise RuleViolation("works_end", str(_l("The works cannot end before they start.")))
        found = resolve_scope(s, community.id, buildings=buildings, units=units, label=scope_label)
        project = FundProject(
            public_id=secrets.token_urlsafe(9),
            community_id=community.id,
            title=title,
            works=works,
            scope=list(found.units),
            scope_label=found.label,
            contractor=contractor,
            budget_fen=budget_fen,
            works_start=start,
            works_end=end,
            state=ProjectState.APPLIED,
            created_by_user_id=actor.user_id,
            created_at=now,
            changed_at=now,
        )
        s.add(project)
        s.flush()
        _step_notice(s, actor, community, project, now, _l("Fund project opened: %(title)s"))
        record(
            s,
            actor,
            "fund.project_open",
            "fund_project",
            project.public_id,
            **scope(community),
            now=now,
            data={"budget_fen": budget_fen, "units": len(found.units), "scope": found.label},
        )
    return project


def item_text(project: FundProject) -> tuple[str, str]:
    """The assembly item's title and body, in the board's language: what the scope's owners decide."""
    with force_locale("zh_CN"):
        title = str(_l("Use the maintenance fund: %(title)s", title=project.title))[:300]
        body = "\n\n".join(
            [
                str(_l("Works: %(works)s", works=escape_markdown(project.works))),
                str(_l("Decided by the owners of: %(scope)s (%(count)d units).", scope=project.scope_label, count=len(project.scope))),
                str(
                    _l(
                        "Contractor: %(name)s. Budget: %(amount)s yuan.",
                        name=escape_markdown(project.contractor),
                        amount=format_fen(project.budget_fen),
                    )
                ),
                str(_l("Costs are shared among these units by area.")),
            ]
        )
    return title, body


def put_on_session(actor: Actor, project_id: int, *, assembly_id: int, now: datetime) -> Item:
    """Add the project's item to a draft session of the same community, scoped to the project's units."""
    with db.write() as s:
        project, community = _project(s, actor, project_id)
        if project.state is not ProjectState.APPLIED:
            raise RuleViolation("project", str(_l("Only a project waiting for its decision can be put on a session.")))
        if project.item_id is not None:
            raise RuleViolation("project", str(_l("The project is already an item of a session.")))
        assembly, assembly_community = drafting.assembly_for_committee(s, actor, assembly_id)
        if assembly_community.id != community.id:
            raise RuleViolation("session", str(_l("Choose a draft session of this community.")))
        title, body = item_text(project)
        units, _developer = register_units(s, community.id)
        checked = scopes.checked_scope(units, project.scope)  # the register may have changed since the project opened
        item = drafting.new_item(
            s, assembly, kind="question", matter=FUND_MATTER, title=title, body=body, scope=checked, scope_label=project.scope_label
        )
        project.item_id = item.id
        project.changed_at = now
        data = {"item": item.id, "session": assembly.public_id}
        record(s, actor, "fund.project_item", "fund_project", project.public_id, **scope(community), now=now, data=data)
    return item


def approve(actor: Actor, project_id: int, *, now: datetime) -> FundProject:
    """The scope's owners passed the item and the street office certified it: the project is approved."""
    with db.write() as s:
        project, community = _project(s, actor, project_id)
        if project.state is not ProjectState.APPLIED:
            raise RuleViolation("project", str(_l("The project is not waiting for its decision.")))
        if project.item_id is None:
            raise RuleViolation("project", str(_l("Put the project on a session first: the owners concerned decide it.")))
        deciding_item(s, community.id, project.item_id, matters={FUND_MATTER}, field="project")
        _advance(s, actor, community, project, ProjectState.APPROVED, now, _l("Fund project approved: %(title)s"))
    return project


def start_works(actor: Actor, project_id: int, *, day: str | date, now: datetime) -> FundProject:
    with db.write() as s:
        project, community = _project(s, actor, project_id)
        if project.state is not ProjectState.APPROVED:
            raise RuleViolation("project", str(_l("Works start once the project is approved.")))
        assert project.item_id is not None
        deciding_item(s, community.id, project.item_id, matters={FUND_MATTER}, field="project")
        started = _day(day, "works_start")
        project.works_start = started
        _advance(s, actor, community, project, ProjectState.WORKS, now, _l("Fund project works started: %(title)s"))
    return project


def accept(actor: Actor, project_id: int, *, day: str | date, filename: str, data: bytes, now: datetime) -> FundProject:
    """The works' acceptance (竣工验收), with its report attached to the notice that publishes it."""
    name, kind, digest = notices.checked_file(filename, data)
    with db.write() as s:
        project, community = _project(s, actor, project_id)
        if project.state is not ProjectState.WORKS:
            raise RuleViolation("project", str(_l("Only works under way can be accepted.")))
        accepted = _day(day, "accepted_on") or today_in_china(now)
        _keep(s, actor, project, "acceptance", (name, kind, digest), data, now)
        notice = _advance(
            s, actor, community, project, ProjectState.ACCEPTED, now, _l("Fund project accepted: %(title)s"), accepted_on=accepted
        )
        s.add(Attachment(notice_id=notice.id, filename=name, content_type=kind, size=len(data), sha256=digest, uploaded_at=now))
    return project


def settle(actor: Actor, project_id: int, *, now: datetime) -> FundProject:
    with db.write() as s:
        project, community = _project(s, actor, project_id)
        if project.state is not ProjectState.ACCEPTED:
            raise RuleViolation("project", str(_l("A project is settled after its works are accepted.")))
        if booked_fen(s, project.id) == 0:
            raise RuleViolation("project", str(_l("Book the contractor's invoices before settling the project.")))
        _advance(s, actor, community, project, ProjectState.SETTLED, now, _l("Fund project settled: %(title)s"))
    return project


def withdraw(actor: Actor, project_id: int, *, now: datetime) -> FundProject:
    """Before its decision; its item leaves a draft session with it, and an announced session's item holds it."""
    with db.write() as s:
        project, community = _project(s, actor, project_id)
        if project.state is not ProjectState.APPLIED:
            raise RuleViolation("project", str(_l("Only a project not yet approved can be withdrawn.")))
        item = s.get(Item, project.item_id) if project.item_id is not None else None
        if item is not None:
            assembly = s.get(AssemblySession, item.session_id)
            assert assembly is not None
            outcome = next((i.get("outcome") for i in (assembly.result or {}).get("items", []) if i["id"] == str(item.id)), None)
            if assembly.state is SessionState.DRAFT:
                project.item_id = None
                drafting.drop_item(s, assembly, item)
            elif outcome in (None, "passed"):
                raise RuleViolation(
                    "project",
                    str(
                        _l(
                            "The project's item is on the announced session “%(title)s”: the owners decide it there;"
                            " it can be withdrawn once they have not passed it.",
                            title=assembly.title,
                        )
                    ),
                )
        _advance(s, actor, community, project, ProjectState.WITHDRAWN, now, _l("Fund project withdrawn: %(title)s"))
    return project


def booked_fen(s: Session, project_id: int) -> int:
    return int(
        s.execute(
            select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0)).where(
                LedgerEntry.project_id == project_id, LedgerEntry.direction == EntryDirection.EXPENSE
            )
        ).scalar_one()
    )


def book_invoice(
    actor: Actor,
    project_id: int,
    *,
    day: str | date,
    amount: str,
    voucher: str = "",
    note: str = "",
    filename: str = "",
    data: bytes = b"",
    now: datetime,
) -> LedgerEntry:
    """An invoice of the project's contractor, paid from the fund, shared among the scope's units by area."""
    checked = notices.checked_file(filename, data) if data else None
    with db.write() as s:
        project, community = _project(s, actor, project_id)
        if project.state not in SPENDING_STATES:
            raise RuleViolation("project", _state_refusal(project))
        assert project.item_id is not None
        deciding_item(s, community.id, project.item_id, matters={FUND_MATTER}, field="project")
        fen = _fen(amount, "amount")
        booked = booked_fen(s, project.id)
        left = project.budget_fen - booked
        if fen > left:
            raise RuleViolation(
                "amount",
                str(
                    _l(
                        "%(amount)s yuan is more than the budget's remainder: %(left)s yuan of %(budget)s yuan are left.",
                        amount=format_fen(fen),
                        left=format_fen(left),
                        budget=format_fen(project.budget_fen),
                    )
                ),
            )
        entry = ledgers.book(
            s,
            actor,
            community,
            LedgerKind.MAINTENANCE_FUND,
            day=_day(day, "date") or today_in_china(now),
            direction=EntryDirection.EXPENSE,
            fen=fen,
            category="repairs",
            counterparty=project.contractor,
            voucher=_text(voucher, "voucher", 100, least=0) if voucher else "",
            note=(note.strip()[:500] or project.title[:500]),
            project_id=project.id,
            now=now,
        )
        share_cost(s, community, entry, project.scope)
        if checked is not None:
            _keep(s, actor, project, "invoice", checked, data, now)
        project.changed_at = now
        record(
            s,
            actor,
            "fund.project_invoice",
            "fund_project",
            project.public_id,
            **scope(community),
            now=now,
            data={"entry": entry.id, "fen": fen, "left_fen": left - fen},
        )
    return entry


def share_cost(s: Session, community: Community, entry: LedgerEntry, units: list[str]) -> None:
    """Apportion a booked cost to the scope's unit accounts (by area, largest remainders)."""
    apportion_cost(s, community, entry, units)


def add_document(actor: Actor, project_id: int, *, kind: str, filename: str, data: bytes, now: datetime) -> ProjectDocument:
    if kind not in DOCUMENT_KINDS:
        raise RuleViolation("kind", str(_l("Choose what the document is.")))
    name, content_type, digest = notices.checked_file(filename, data)
    with db.write() as s:
        project, community = _project(s, actor, project_id)
        if project.state in (ProjectState.SETTLED, ProjectState.WITHDRAWN):
            raise RuleViolation("file", str(_l("A settled or withdrawn project's documents are fixed.")))
        document = _keep(s, actor, project, kind, (name, content_type, digest), data, now)
        record(
            s,
            actor,
            "fund.project_document",
            "fund_project",
            project.public_id,
            **scope(community),
            now=now,
            data={"file": name, "kind": kind, "sha256": digest},
        )
    return document


def _keep(
    s: Session, actor: Actor, project: FundProject, kind: str, checked: tuple[str, str, str], data: bytes, now: datetime
) -> ProjectDocument:
    """A checked file (``notices.checked_file``) kept under its SHA-256 and listed with the project."""
    name, content_type, digest = checked
    notices.store_file(digest, data)
    document = ProjectDocument(
        project_id=project.id,
        kind=kind,
        filename=name,
        content_type=content_type,
        size=len(data),
        sha256=digest,
        uploaded_by_user_id=actor.user_id,
        uploaded_at=now,
    )
    s.add(document)
    s.flush()
    return document


def _state_refusal(project: FundProject) -> str:
    if project.state is ProjectState.APPLIED:
        return str(
            _l(
                "The project is not approved yet: invoices are booked only after the owners concerned"
                " passed it and the street office certified it."
            )
        )
    if project.state is ProjectState.SETTLED:
        return str(_l("The project is settled: no more invoices can be booked against it."))
    return str(_l("The project was withdrawn."))


def _advance(
    s: Session,
    actor: Actor,
    community: Community,
    project: FundProject,
    state: ProjectState,
    now: datetime,
    title: object,
    *,
    accepted_on: date | None = None,
) -> Notice:
    before = project.state
    project.state = state
    project.changed_at = now
    notice = _step_notice(s, actor, community, project, now, title, accepted_on=accepted_on)
    record(
        s,
        actor,
        f"fund.project_{state.value}",
        "fund_project",
        project.public_id,
        **scope(community),
        now=now,
        data={"from": before.value, "to": state.value, "notice": notice.public_id},
    )
    return notice


def _step_notice(
    s: Session, actor: Actor, community: Community, project: FundProject, now: datetime, title: object, *, accepted_on: date | None = None
) -> Notice:
    """Each step of a project is published on the board, with its figures."""
    with force_locale("zh_CN"):
        heading = str(title) % {"title": project.title} if "%(title)s" in str(title) else str(title)
        booked = booked_fen(s, project.id)
        lines = [
            str(_l("Works: %(works)s", works=escape_markdown(project.works))),
            str(_l("Owners concerned: %(scope)s (%(count)d units).", scope=project.scope_label, count=len(project.scope))),
            str(
                _l(
                    "Contractor: %(name)s. Budget: %(amount)s yuan.",
                    name=escape_markdown(project.contractor),
                    amount=format_fen(project.budget_fen),
                )
            ),
        ]
        if project.works_start or project.works_end:
            lines.append(
                str(
                    _l(
                        "Works from %(start)s to %(end)s.",
                        start=project.works_start.isoformat() if project.works_start else "—",
                        end=project.works_end.isoformat() if project.works_end else "—",
                    )
                )
            )
        if project.item_id is not None:
            lines.append(str(_l("Decided as assembly item %(id)s.", id=project.item_id)))
        if accepted_on is not None:
            lines.append(str(_l("Accepted on %(day)s; the acceptance report is attached.", day=accepted_on.isoformat())))
        if booked:
            lines.append(
                str(
                    _l(
                        "Spent so far: %(booked)s yuan of %(budget)s yuan.",
                        booked=format_fen(booked),
                        budget=format_fen(project.budget_fen),
                    )
                )
            )
        lines.append(
            str(_l("The project and its documents: [%(path)s](%(path)s)", path=f"/c/{community.slug}/fund/projects/{project.public_id}"))
        )
    return notices.publish_system_notice(
        s, actor, community, kind=NoticeKind.GENERAL, title=heading, body="\n\n".join(lines), session_id=None, now=now
    )


# Reading -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectView:
    project: FundProject
    booked_fen: int
    invoices: list[LedgerEntry]
    documents: list[ProjectDocument]
    item: Item | None
    session: AssemblySession | None  # the item's session
    authority: str | None  # why invoices cannot be booked now, or None

    @property
    def left_fen(self) -> int:
        return self.project.budget_fen - self.booked_fen


def projects_of(community_id: int) -> list[FundProject]:
    query = (
        select(FundProject).where(FundProject.community_id == community_id).order_by(FundProject.created_at.desc(), FundProject.id.desc())
    )
    return list(db.session.execute(query).scalars())


def project_by_public_id(public_id: str) -> FundProject | None:
    return db.session.execute(select(FundProject).where(FundProject.public_id == public_id)).scalar_one_or_none()


def view(project: FundProject) -> ProjectView:
    s = db.session()
    invoices = list(
        s.execute(
            select(LedgerEntry).where(LedgerEntry.project_id == project.id).order_by(LedgerEntry.entry_date, LedgerEntry.id)
        ).scalars()
    )
    documents = list(
        s.execute(select(ProjectDocument).where(ProjectDocument.project_id == project.id).order_by(ProjectDocument.id)).scalars()
    )
    item = s.get(Item, project.item_id) if project.item_id else None
    authority = None
    if project.item_id is None:
        authority = str(_l("Put the project on a session first: the owners concerned decide it."))
    else:
        try:
            deciding_item(s, project.community_id, project.item_id, matters={FUND_MATTER}, field="project")
        except RuleViolation as exc:
            authority = exc.reason
    session = s.get(AssemblySession, item.session_id) if item else None
    spent = sum(e.amount_fen for e in invoices if e.direction is EntryDirection.EXPENSE)
    return ProjectView(project, spent, invoices, documents, item, session, authority)


def overdue_projects(community_ids: Iterable[int], *, now: datetime) -> list[FundProject]:
    """Projects whose planned completion has passed while the works are not accepted: the street office watches them."""
    ids = list(community_ids)
    if not ids:
        return []
    today = today_in_china(now)
    query = select(FundProject).where(
        FundProject.community_id.in_(ids),
        FundProject.state.in_([ProjectState.APPROVED, ProjectState.WORKS]),
        FundProject.works_end.is_not(None),
        FundProject.works_end < today,
    )
    return list(db.session.execute(query.order_by(FundProject.works_end)).scalars())
