"""What is read of the requests: the company's queue, the committee's and the office's escalations, the ledger (台账)
per community and company with its CSV and XLSX exports, and the board's figures (counts and times, never a name or
a unit). Each reader authorizes its actor as the operations do."""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from sqlalchemy import func, select

from ...clock import local_time, today_in_china
from ...communities.models import Building, Community, Unit
from ...csvsafe import safe_cell
from ...db import db, utcnow
from ...domain.errors import NotFound
from ...domain.service_clock import STEPS
from ...security.actor import Actor
from ...security.permissions import can_watch_service, is_property_staff, require
from ..models import Escalation, PropertyCompany, RequestCategory, RequestState, ServiceRequest
from .common import contract_in_force, require_serving
from .requests import OPEN_STATES, done_of, due_of, load_request, step_status

# The board's figures count the requests filed in the last year.
PUBLIC_PERIOD = timedelta(days=365)
RECENT_DONE = 50  # closed requests under the open ones in the company's queue and the committee's page


def community_of(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound(str(_l("No such community.")))
    return community


@dataclass(frozen=True)
class StepTime:
    step: str
    due: datetime
    done: datetime | None
    status: str  # on_time, late, overdue, pending (``requests.step_status``)


@dataclass(frozen=True)
class RequestView:
    """A request as the staff, the committee and the office read it: its unit, its company, each step's time, the
    next deadline and its escalated steps."""

    request: ServiceRequest
    unit: str
    company: str
    steps: tuple[StepTime, ...]
    escalated: tuple[str, ...]
    next_due: datetime | None  # the first step not yet done

    @property
    def overdue(self) -> bool:
        return any(t.status == "overdue" for t in self.steps)

    @property
    def on_time(self) -> bool:
        return not any(t.status in ("late", "overdue") for t in self.steps)


def _unit_labels(unit_ids: set[int]) -> dict[int, str]:
    if not unit_ids:
        return {}
    rows = db.session.execute(select(Unit.id, Building.name, Unit.number).join(Building).where(Unit.id.in_(unit_ids)))
    return {pk: f"{building}-{number}" for pk, building, number in rows}


def views(requests: list[ServiceRequest], now: datetime) -> list[RequestView]:
    s = db.session()
    labels = _unit_labels({r.unit_id for r in requests})
    names = select(PropertyCompany.id, PropertyCompany.name).where(PropertyCompany.id.in_({r.company_id for r in requests}))
    companies = {pk: name for pk, name in s.execute(names)}
    escalated: dict[int, list[str]] = {}
    if requests:
        for request_id, step in s.execute(
            select(Escalation.request_id, Escalation.step).where(Escalation.request_id.in_([r.id for r in requests]))
        ):
            escalated.setdefault(request_id, []).append(step)
    out = []
    for r in requests:
        steps = tuple(
            StepTime(step.value, due_of(r, step), done_of(r, step), step_status(due_of(r, step), done_of(r, step), now)) for step in STEPS
        )
        next_due = next((t.due for t in steps if t.done is None), None)
        order = [s.value for s in STEPS]
        out.append(
            RequestView(
                r,
                labels.get(r.unit_id, ""),
                companies.get(r.company_id, ""),
                steps,
                tuple(sorted(escalated.get(r.id, []), key=order.index)),
                next_due,
            )
        )
    return out


def _open_first(found: list[RequestView]) -> list[RequestView]:
    """Open requests by their next deadline (the most overdue first), then the others, newest first."""
    open_ = sorted((v for v in found if v.request.state in OPEN_STATES), key=lambda v: v.next_due or v.request.filed_at)
    done = sorted((v for v in found if v.request.state not in OPEN_STATES), key=lambda v: v.request.filed_at, reverse=True)
    return open_ + done[:RECENT_DONE]


# ---------------------------------------------------------------- the company's staff


def staff_queue(actor: Actor, community_id: int, now: datetime) -> tuple[Community, list[RequestView]]:
    """The requests of the community to the actor's company, the open ones first by their next deadline."""
    community = community_of(community_id)
    contract = require_serving(db.session(), actor, community.id, today_in_china(now))
    found = db.session.scalars(
        select(ServiceRequest).where(ServiceRequest.community_id == community.id, ServiceRequest.company_id == contract.company_id)
    )
    return community, _open_first(views(list(found), now))


def may_read_request(actor: Actor, request: ServiceRequest, community: Community, now: datetime) -> bool:
    """The community's committee and group, its street office, the administrators; and the request's company's staff
    while their company still serves the community (once the contract ends, the owner's unit, phone and photos are
    no longer theirs to read, as the queue and the ledger are not)."""
    if can_watch_service(actor, community):
        return True
    if not is_property_staff(actor, request.company_id):
        return False
    contract = contract_in_force(db.session(), community.id, today_in_china(now))
    return contract is not None and contract.company_id == request.company_id


def request_for(actor: Actor, public_id: str, now: datetime) -> tuple[RequestView, Community]:
    """One request with its unit, photos and events, for those who may read it."""
    request = load_request(db.session(), public_id)
    community = community_of(request.community_id)
    require(may_read_request(actor, request, community, now))
    return views([request], now)[0], community


def photo_for(actor: Actor, public_id: str, photo_id: int, *, now: datetime | None = None) -> tuple[str, str, str]:
    """A request's photo (SHA-256, content type, name) for those who may read the request; never the public."""
    request = load_request(db.session(), public_id)
    require(may_read_request(actor, request, community_of(request.community_id), now or utcnow()))
    return photo_of(request, photo_id)


def photo_of(request: ServiceRequest, photo_id: int) -> tuple[str, str, str]:
    photo = next((p for p in request.photos if p.id == photo_id), None)
    if photo is None:
        raise NotFound(str(_l("No such photo.")))
    return photo.sha256, photo.content_type, photo.filename


# ---------------------------------------------------------------- the committee and the office


@dataclass(frozen=True)
class EscalationView:
    escalation: Escalation
    request: ServiceRequest
    noted: bool  # by the reader's side (committee or office)


def _watched(actor: Actor, community_id: int) -> Community:
    community = community_of(community_id)
    require(can_watch_service(actor, community))
    return community


def escalations_of(actor: Actor, community_id: int, *, side: str) -> tuple[Community, list[EscalationView]]:
    """The community's escalations, those the side (``committee`` or ``office``) has not noted first, newest first."""
    community = _watched(actor, community_id)
    found = db.session.scalars(select(Escalation).where(Escalation.community_id == community.id).order_by(Escalation.escalated_at.desc()))
    rows = []
    for e in found:
        noted = (e.noted_by_committee_at if side == "committee" else e.noted_by_office_at) is not None
        rows.append(EscalationView(e, e.request, noted))
    rows.sort(key=lambda v: v.noted)  # stable: newest first within each part
    return community, rows


def watched_requests(actor: Actor, community_id: int, now: datetime) -> list[RequestView]:
    """The community's requests (every company), open first, for the committee's page."""
    community = _watched(actor, community_id)
    found = db.session.scalars(select(ServiceRequest).where(ServiceRequest.community_id == community.id))
    return _open_first(views(list(found), now))


def open_escalations(community_id: int, *, side: str) -> int:
    """How many of the community's escalations the side has not noted yet (a count, for the links to them)."""
    noted = Escalation.noted_by_committee_at if side == "committee" else Escalation.noted_by_office_at
    query = select(func.count(Escalation.id)).where(Escalation.community_id == community_id, noted.is_(None))
    return db.session.scalar(query) or 0


def open_escalations_of_office(street_office_id: int) -> list[tuple[Community, int]]:
    """The office's communities with escalations it has not noted, and how many."""
    query = (
        select(Community, func.count(Escalation.id))
        .join(Escalation, Escalation.community_id == Community.id)
        .where(Community.street_office_id == street_office_id, Escalation.noted_by_office_at.is_(None))
        .group_by(Community.id)
        .order_by(Community.name)
    )
    return [(c, n) for c, n in db.session.execute(query)]


# ---------------------------------------------------------------- the ledger (台账)


def ledger(actor: Actor, community_id: int, now: datetime, *, company_id: int | None = None) -> tuple[Community, list[RequestView]]:
    """One row per request of the community, oldest first; for one company when ``company_id`` is given. The
    committee and the office read the whole ledger; a company's staff their company's part of it."""
    community = community_of(community_id)
    query = select(ServiceRequest).where(ServiceRequest.community_id == community.id)
    if not can_watch_service(actor, community):
        contract = require_serving(db.session(), actor, community.id, today_in_china(now))
        query = query.where(ServiceRequest.company_id == contract.company_id)
    if company_id is not None:
        query = query.where(ServiceRequest.company_id == company_id)
    return community, views(list(db.session.scalars(query.order_by(ServiceRequest.filed_at, ServiceRequest.id))), now)


LEDGER_COLUMNS = (
    "number",
    "filed_at",
    "company",
    "category",
    "kind",
    "unit",
    *(f"{step.value}_{part}" for step in STEPS for part in ("due", "done", "status")),
    "escalated",
    "rating",
    "follow_up_at",
    "upheld",
)


def _when(moment: datetime | None) -> str:
    return local_time(moment, named=False) if moment else ""


def _ledger_cells(v: RequestView) -> list[str | int]:
    r = v.request
    steps: list[str | int] = []
    for t in v.steps:
        steps += [_when(t.due), _when(t.done), t.status]
    upheld = "" if r.upheld is None else ("yes" if r.upheld else "no")
    return [
        r.public_id,
        _when(r.filed_at),
        v.company,
        r.category.value,
        r.kind,
        v.unit,
        *steps,
        " ".join(v.escalated),
        "" if r.rating is None else r.rating,
        _when(r.follow_up_at),
        upheld,
    ]


def ledger_csv(rows: list[RequestView]) -> str:
    """The ledger as CSV (times in the community's zone; no cell is a formula)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LEDGER_COLUMNS)
    for v in rows:
        writer.writerow([safe_cell(cell) for cell in _ledger_cells(v)])
    return out.getvalue()


def ledger_xlsx(rows: list[RequestView]) -> bytes:
    """The same as a workbook: the rating as a number."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("ledger")
    sheet.append(list(LEDGER_COLUMNS))
    for v in rows:
        sheet.append([cell if isinstance(cell, int) else safe_cell(cell) for cell in _ledger_cells(v)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- the board's figures


@dataclass(frozen=True)
class StepFigure:
    step: str
    on_time: int
    counted: int  # steps done, or past their deadline
    median: timedelta | None  # from filing to the step, of those done

    @property
    def percent(self) -> str | None:
        return None if not self.counted else f"{100 * self.on_time / self.counted:.0f}"


@dataclass(frozen=True)
class PublicFigures:
    """The board's figures of the requests filed since ``since``: counts by kind and state, by category, and each
    step's share on time and median time. No name, no unit."""

    since: date
    total: int
    states: tuple[str, ...]
    by_kind: list[tuple[str, dict[str, int], int]]  # kind, count per state, total
    by_category: dict[str, int]
    steps: tuple[StepFigure, ...]


def public_figures(community: Community, now: datetime) -> PublicFigures:
    since = now - PUBLIC_PERIOD
    found = list(
        db.session.scalars(select(ServiceRequest).where(ServiceRequest.community_id == community.id, ServiceRequest.filed_at >= since))
    )
    states = tuple(s.value for s in RequestState)
    per_kind: dict[str, Counter[str]] = {}
    for r in found:
        per_kind.setdefault(r.kind, Counter())[r.state.value] += 1
    by_kind = [(kind, dict(counts), sum(counts.values())) for kind, counts in sorted(per_kind.items(), key=lambda kv: -sum(kv[1].values()))]
    by_category = {c.value: sum(1 for r in found if r.category is c) for c in RequestCategory}
    figures = []
    for step in STEPS:
        statuses = [step_status(due_of(r, step), done_of(r, step), now) for r in found]
        times = [done - r.filed_at for r in found if (done := done_of(r, step)) is not None]
        figures.append(
            StepFigure(
                step.value,
                statuses.count("on_time"),
                sum(1 for status in statuses if status != "pending"),
                statistics.median_low(times) if times else None,
            )
        )
    return PublicFigures(today_in_china(since), len(found), states, by_kind, by_category, tuple(figures))


def duration_text(span: timedelta | None) -> str:
    """A median time as people read it: minutes under two hours, hours under two days, else days."""
    if span is None:
        return "—"
    minutes = int(span.total_seconds() // 60)
    if minutes < 120:
        return str(_l("%(num)d min", num=minutes))
    if minutes < 48 * 60:
        return str(_l("%(num).1f h", num=minutes / 60))
    return str(_l("%(num).1f days", num=minutes / (24 * 60)))


def time_left_text(due: datetime | None, now: datetime) -> str:
    """The time to the next deadline, or how long it is overdue."""
    if due is None:
        return ""
    if due >= now:
        return str(_l("%(time)s left", time=duration_text(due - now)))
    return str(_l("overdue by %(time)s", time=duration_text(now - due)))
