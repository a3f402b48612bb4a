"""The monthly red and black lists of a city's property-service companies (红黑名单).

On the first of each month (Beijing day) the clock computes every company's standing for the month before from that
month's data: complaints per 100 units it serves, the clock's steps done on time, the year's satisfaction surveys
and the street offices' findings (``domain.service_standing`` decides, on the city's profile's thresholds). A street
office of the city confirms the month's list, keeping the computed standing or setting another with its reason;
once confirmed, the list is published city-wide with its history. A company whose latest confirmed standing is black
cannot be the contractor of a maintenance-fund project.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...audit.services import record
from ...clock import start_of_day, today_in_china
from ...communities.models import City, Community, District, StreetOffice, Unit
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...domain.service_standing import Month, Standing, standing
from ...security.actor import CLOCK, Actor
from ...security.permissions import can_confirm_lists, is_street_official, require
from ..labels import REASON_LABELS, STANDING_LABELS
from ..models import ListState, MonthlyStanding, PropertyCompany, RequestCategory, ServiceContract, ServiceRequest
from .common import in_force_on, office_ids_of_city, thresholds_of
from .findings import findings_in
from .satisfaction import closed_results

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAX_REASON = 1000
STANDINGS = tuple(s.value for s in Standing)


# Months ------------------------------------------------------------------------------------------------------


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def previous_month(day: date) -> date:
    """The first day of the month before ``day``'s."""
    first = day.replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


def month_label(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def parse_month(text: str) -> date | None:
    """``2026-11`` as the month's first day; None for anything else."""
    match = MONTH.match(text or "")
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


def is_over(month: date, now: datetime) -> bool:
    return next_month(month) <= today_in_china(now)


# The month's figures ---------------------------------------------------------------------------------------------


def _done(moments: Sequence[datetime | None]) -> datetime | None:
    """When a step was done: its own record, or a later step's if earlier (a resolved request was also answered)."""
    known = [m for m in moments if m is not None]
    return min(known) if known else None


def month_of(s: Session, company: PropertyCompany, month: date) -> Month:
    """The company's figures for the month: the complaints filed against it, the register's units of the communities
    it serves under a contract in force on the month's last day, the clock's steps that fell due in the month and
    those done by their deadline, the lowest satisfaction of the year's surveys closed by the month's end, and the
    street offices' findings in the month."""
    end_day = next_month(month)
    start, end = start_of_day(month), start_of_day(end_day)
    complaints = s.scalar(
        select(func.count(ServiceRequest.id)).where(
            ServiceRequest.company_id == company.id,
            ServiceRequest.category == RequestCategory.COMPLAINT,
            ServiceRequest.filed_at >= start,
            ServiceRequest.filed_at < end,
        )
    )
    served = select(ServiceContract.community_id).where(ServiceContract.company_id == company.id, in_force_on(end_day - timedelta(days=1)))
    units = s.scalar(select(func.count(Unit.id)).where(Unit.community_id.in_(served)))
    steps_due = steps_on_time = 0
    requests = s.scalars(
        select(ServiceRequest).where(
            ServiceRequest.company_id == company.id, ServiceRequest.due_resolve >= start, ServiceRequest.due_acknowledge < end
        )
    )
    for r in requests:
        for due, done in (
            (r.due_acknowledge, _done((r.acknowledged_at, r.on_site_at, r.resolved_at))),
            (r.due_on_site, _done((r.on_site_at, r.resolved_at))),
            (r.due_resolve, r.resolved_at),
        ):
            if start <= due < end:
                steps_due += 1
                steps_on_time += done is not None and done <= due
    shares = [r.satisfaction for r in closed_results(s, company_id=company.id, year=month.year, before=end)]
    known = [share for share in shares if share is not None]
    return Month(
        complaints=int(complaints or 0),
        units=int(units or 0),
        steps_due=steps_due,
        steps_on_time=steps_on_time,
        satisfaction=min(known) if known else None,
        findings=findings_in(s, company.id, month, end_day),
    )


def _compute_in(s: Session, actor: Actor, city: City, month: date, now: datetime, company_ids: set[int] | None = None) -> int:
    """Inside the caller's write: (re)compute the month's proposed standings of the city's companies (all of them, or
    ``company_ids``); a confirmed standing stays as confirmed. How many were computed."""
    thresholds = thresholds_of(city.rule_profile)
    rows = {
        r.company_id: r
        for r in s.scalars(select(MonthlyStanding).where(MonthlyStanding.city_id == city.id, MonthlyStanding.month == month))
    }
    computed = {}
    for company in s.scalars(select(PropertyCompany).where(PropertyCompany.city_id == city.id).order_by(PropertyCompany.id)):
        if company_ids is not None and company.id not in company_ids:
            continue
        row = rows.get(company.id)
        if row is not None and row.state is ListState.CONFIRMED:
            continue
        figures = month_of(s, company, month)
        verdict, reasons = standing(figures, thresholds)
        if row is None:
            row = MonthlyStanding(company_id=company.id, city_id=city.id, month=month, state=ListState.PROPOSED)
            s.add(row)
        row.complaints, row.units, row.findings = figures.complaints, figures.units, figures.findings
        row.steps_due, row.steps_on_time = figures.steps_due, figures.steps_on_time
        share = figures.satisfaction
        row.satisfaction_num, row.satisfaction_den = (share.numerator, share.denominator) if share is not None else (None, None)
        row.computed, row.reasons, row.computed_at = verdict.value, reasons, now
        computed[company.public_id] = {"standing": verdict.value, "reasons": reasons}
    if computed:
        s.flush()
        data = {"month": month_label(month), "standings": computed}
        record(s, actor, "lists.compute", "property_lists", f"{city.code}:{month_label(month)}", data=data, now=now)
    return len(computed)


def compute_due(now: datetime) -> str:
    """On the first of a month (Beijing day), compute every company's standing for the month before
    (``flask close-due``): only those not computed yet, so it is safe every minute. A one-line report, or ""."""
    today = today_in_china(now)
    if today.day != 1:
        return ""
    month = previous_month(today)
    s = db.session()
    done = select(MonthlyStanding.company_id).where(MonthlyStanding.month == month)
    waiting: dict[int, set[int]] = {}
    for company_id, city_id in s.execute(select(PropertyCompany.id, PropertyCompany.city_id).where(PropertyCompany.id.not_in(done))):
        waiting.setdefault(city_id, set()).add(company_id)
    if not waiting:
        return ""
    count = 0
    for city_id, company_ids in sorted(waiting.items()):
        with db.write() as w:
            city = w.get(City, city_id)
            assert city is not None
            fresh = company_ids - set(w.scalars(done.where(MonthlyStanding.city_id == city_id)))
            count += _compute_in(w, CLOCK, city, month, now, fresh) if fresh else 0
    return f"{count} company standings computed for {month_label(month)}" if count else ""


def _city(s: Session, city_id: int) -> City:
    city = s.get(City, city_id)
    if city is None:
        raise NotFound(str(_l("No such city.")))
    return city


def compute_month(actor: Actor, city_id: int, month: date, *, now: datetime) -> int:
    """A street office of the city computes (or recomputes) a past month's proposed list on demand."""
    with db.write() as s:
        city = _city(s, city_id)
        require(can_confirm_lists(actor, office_ids_of_city(s, city.id)))
        if not is_over(month, now):
            raise RuleViolation("month", str(_l("Only a month that is over can be computed.")))
        return _compute_in(s, actor, city, month, now)


# The office's confirmation ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """The office's word on one company's standing: the standing it confirms, and its reason (required when it is
    not the computed one)."""

    company_id: str  # the company's public id
    standing: str
    reason: str = ""


def confirm_month(actor: Actor, city_id: int, month: date, decisions: Sequence[Decision], *, now: datetime) -> list[MonthlyStanding]:
    """Confirm the month's proposed standings, one decision per company in the order of ``month_rows`` (a refusal
    names its row: ``rows-2-reason``); once confirmed, the month's list is published."""
    with db.write() as s:
        city = _city(s, city_id)
        offices = office_ids_of_city(s, city.id)
        require(can_confirm_lists(actor, offices))
        proposed = {
            company.public_id: (row, company)
            for row, company in s.execute(
                select(MonthlyStanding, PropertyCompany)
                .join(PropertyCompany, PropertyCompany.id == MonthlyStanding.company_id)
                .where(MonthlyStanding.city_id == city.id, MonthlyStanding.month == month, MonthlyStanding.state == ListState.PROPOSED)
                .with_for_update()
            )
        }
        if not proposed:
            raise RuleViolation("month", str(_l("Nothing in this month's list is waiting for confirmation.")))
        office_id = next(o for o in offices if is_street_official(actor, o))
        confirmed, data = [], {}
        for n, decision in enumerate(decisions):
            if decision.company_id not in proposed:
                raise RuleViolation(f"rows-{n}", str(_l("Row %(n)d is not waiting for confirmation: reload the page.", n=n + 1)))
            row, company = proposed.pop(decision.company_id)
            if decision.standing not in STANDINGS:
                raise RuleViolation(
                    f"rows-{n}-standing", str(_l("Row %(n)d (%(company)s): choose a standing.", n=n + 1, company=company.name))
                )
            reason = (decision.reason or "").strip()
            if len(reason) > MAX_REASON:
                raise RuleViolation(f"rows-{n}-reason", str(_l("Row %(n)d: at most %(max)d characters.", n=n + 1, max=MAX_REASON)))
            if decision.standing != row.computed and not reason:
                raise RuleViolation(
                    f"rows-{n}-reason",
                    str(
                        _l(
                            "Row %(n)d (%(company)s): give the office's reason for a standing other than the computed one.",
                            n=n + 1,
                            company=company.name,
                        )
                    ),
                )
            row.state, row.standing, row.office_reason = ListState.CONFIRMED, decision.standing, reason
            row.confirmed_by_user_id, row.confirmed_by_office_id, row.confirmed_at = actor.user_id, office_id, now
            confirmed.append(row)
            data[company.public_id] = {"computed": row.computed, "standing": decision.standing, "reason": reason}
        if proposed:
            names = "、".join(company.name for _row, company in proposed.values())
            raise RuleViolation("rows", str(_l("Decide every company's standing: %(names)s has none.", names=names)))
        record(
            s,
            actor,
            "lists.confirm",
            "property_lists",
            f"{city.code}:{month_label(month)}",
            street_office_id=office_id,
            data={"month": month_label(month), "standings": data},
            now=now,
        )
    return confirmed


# Reading the lists ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One company's standing in a month, as the pages show it."""

    row: MonthlyStanding
    company: PropertyCompany

    @property
    def shown(self) -> str:
        """The standing in force: the confirmed one, else the computed one (proposed)."""
        return self.row.standing or self.row.computed

    @property
    def changed(self) -> bool:
        return self.row.standing is not None and self.row.standing != self.row.computed

    @property
    def satisfaction(self) -> Fraction | None:
        if self.row.satisfaction_num is None or not self.row.satisfaction_den:
            return None
        return Fraction(self.row.satisfaction_num, self.row.satisfaction_den)

    @property
    def on_time(self) -> Fraction | None:
        return Fraction(self.row.steps_on_time, self.row.steps_due) if self.row.steps_due else None

    @property
    def per_100_units(self) -> Fraction | None:
        return Fraction(self.row.complaints * 100, self.row.units) if self.row.units else None

    @property
    def reasons(self) -> list[str]:
        """Why the company stands where it does: the rules' reasons when the office kept them, and the office's own."""
        out = [] if self.changed else [str(REASON_LABELS.get(code, code)) for code in self.row.reasons or []]
        if self.row.office_reason:
            out.append(self.row.office_reason)
        return out


def month_rows(city_id: int, month: date, *, confirmed_only: bool = False) -> list[Entry]:
    """The month's standings of the city's companies, by company name."""
    query = (
        select(MonthlyStanding, PropertyCompany)
        .join(PropertyCompany, PropertyCompany.id == MonthlyStanding.company_id)
        .where(MonthlyStanding.city_id == city_id, MonthlyStanding.month == month)
        .order_by(PropertyCompany.name, PropertyCompany.id)
    )
    if confirmed_only:
        query = query.where(MonthlyStanding.state == ListState.CONFIRMED)
    return [Entry(row, company) for row, company in db.session().execute(query)]


def proposed_rows(city_id: int, month: date) -> list[Entry]:
    """What the office confirms: the month's proposed standings, in the order ``confirm_month`` takes its decisions."""
    return [e for e in month_rows(city_id, month) if e.row.state is ListState.PROPOSED]


def published_months(city_id: int) -> list[date]:
    """The months with a confirmed list, the latest first."""
    query = (
        select(MonthlyStanding.month)
        .where(MonthlyStanding.city_id == city_id, MonthlyStanding.state == ListState.CONFIRMED)
        .group_by(MonthlyStanding.month)
        .order_by(MonthlyStanding.month.desc())
    )
    return list(db.session().scalars(query))


def computed_months(city_id: int) -> list[tuple[date, int]]:
    """The months computed for the city, the latest first, with how many standings await confirmation."""
    rows = db.session().execute(
        select(MonthlyStanding.month, MonthlyStanding.state, func.count(MonthlyStanding.id))
        .where(MonthlyStanding.city_id == city_id)
        .group_by(MonthlyStanding.month, MonthlyStanding.state)
    )
    out: dict[date, int] = {}
    for month, state, count in rows:
        out[month] = out.get(month, 0) + (int(count) if state is ListState.PROPOSED else 0)
    return sorted(out.items(), reverse=True)


@dataclass(frozen=True)
class MonthList:
    month: date
    red: list[Entry]
    black: list[Entry]


def published_list(city_id: int, month: date) -> MonthList:
    """The month's confirmed red and black lists."""
    rows = month_rows(city_id, month, confirmed_only=True)
    return MonthList(month, [e for e in rows if e.shown == "red"], [e for e in rows if e.shown == "black"])


def city_by_code(code: str) -> City:
    city = db.session().scalars(select(City).where(City.code == code)).first()
    if city is None:
        raise NotFound(str(_l("No such city.")))
    return city


# The fund's contractor guard ----------------------------------------------------------------------------------------


def _squeezed(text: str) -> str:
    """A name or a code as the guard compares it: full-width characters as their ASCII (NFKC), without spaces or
    invisible characters (zero-width, soft hyphens), case folded."""
    folded = unicodedata.normalize("NFKC", text or "")
    return "".join(c for c in folded if not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf")).casefold()


def _city_id_of(s: Session, community: Community) -> int | None:
    return s.scalar(
        select(District.city_id)
        .join(StreetOffice, StreetOffice.district_id == District.id)
        .where(StreetOffice.id == community.street_office_id)
    )


def black_list_guard(s: Session, community: Community, contractor: str, now: datetime) -> str | None:
    """The refusal of a contractor that names a company of the community's city (its name or its licence number, in
    the contractor's text, ignoring spaces and case) whose latest confirmed standing is black, naming the list entry;
    None otherwise. A later month's confirmed standing that is not black lifts it."""
    city_id = _city_id_of(s, community)
    text = _squeezed(contractor)
    if city_id is None or not text:
        return None
    for company in s.scalars(select(PropertyCompany).where(PropertyCompany.city_id == city_id).order_by(PropertyCompany.id)):
        name, licence = _squeezed(company.name), _squeezed(company.licence_number)
        if not ((name and name in text) or (licence and licence in text)):
            continue
        latest = s.scalars(
            select(MonthlyStanding)
            .where(MonthlyStanding.company_id == company.id, MonthlyStanding.state == ListState.CONFIRMED)
            .order_by(MonthlyStanding.month.desc())
        ).first()
        if latest is None or latest.standing != Standing.BLACK.value:
            continue
        reasons = "、".join(Entry(latest, company).reasons) or str(STANDING_LABELS["black"])
        return str(
            _l(
                "%(company)s is on the black list of %(month)s (%(reasons)s): it cannot be the contractor of a "
                "maintenance-fund project until a later month's list lifts it.",
                company=company.name,
                month=month_label(latest.month),
                reasons=reasons,
            )
        )
    return None
