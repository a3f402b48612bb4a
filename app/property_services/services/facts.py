"""The service's facts on the board (物业服务信息公示): the company serving a community submits a version, the community's
committee confirms it or returns it with a reason; the board shows the latest confirmed version of the company serving
the community today."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...clock import today_in_china
from ...communities.models import Community
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...domain.ledger import parse_fen
from ...security.actor import Actor
from ...security.permissions import can_confirm_service_facts, require
from ..labels import CONTRACTOR_KIND_LABELS
from ..models import ContractFee, FactsState, PropertyCompany, ServiceContract, ServiceFacts
from .common import contract_in_force, require_serving

# A telephone as people write it: digits, with spaces, dashes, brackets or a leading +; 5 to 30 characters.
PHONE = re.compile(r"^\+?[0-9(][0-9 ()\-]{3,28}[0-9]$")
PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
MAX_CONTRACTORS = 30
MAX_COSTS = 100

Row = Mapping[str, str | None]


def _text(value: str | None, field: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(field, str(_l("Required.")))
    if len(value) > limit:
        raise RuleViolation(field, str(_l("At most %(max)d characters.", max=limit)))
    return value


def _phone(value: str | None, field: str) -> str:
    phone = _text(value, field, 30, required=True)
    if not PHONE.match(phone):
        raise RuleViolation(field, str(_l("Give a telephone number of digits, such as 0355-1234567 or 13800000000.")))
    return phone


def _blank(row: Row) -> bool:
    return not any((v or "").strip() for v in row.values())


def _contractors(rows: Sequence[Row]) -> list[dict[str, str]]:
    """The contractors' rows as submitted, numbered from 1 in the messages; rows left blank are skipped."""
    out = []
    for number, row in enumerate(rows, start=1):
        if _blank(row):
            continue
        field = f"contractors[{number}]"
        kind = (row.get("kind") or "").strip()
        if kind not in CONTRACTOR_KIND_LABELS:
            raise RuleViolation(f"{field}.kind", str(_l("Choose what the contractor does.")))
        out.append(
            {
                "kind": kind,
                "name": _text(row.get("name"), f"{field}.name", 200, required=True),
                "phone": _phone(row.get("phone"), f"{field}.phone"),
            }
        )
    if len(out) > MAX_CONTRACTORS:
        raise RuleViolation("contractors", str(_l("At most %(max)d rows.", max=MAX_CONTRACTORS)))
    return out


def _period(value: str | None, field: str) -> str:
    text = (value or "").strip()
    match = PERIOD.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        raise RuleViolation(field, str(_l("Give the month as YYYY-MM, such as 2026-11.")))
    return text


def _costs(rows: Sequence[Row]) -> list[dict[str, object]]:
    """The shared utility costs' rows (公摊水电费): a month, the item, the amount in yuan (kept in fen), how it is shared."""
    out: list[dict[str, object]] = []
    for number, row in enumerate(rows, start=1):
        if _blank(row):
            continue
        field = f"utility_costs[{number}]"
        period = _period(row.get("period"), f"{field}.period")
        item = _text(row.get("item"), f"{field}.item", 100, required=True)
        amount = _text(row.get("amount"), f"{field}.amount", 30, required=True)
        try:
            fen = parse_fen(amount)
        except RuleViolation:
            raise RuleViolation(f"{field}.amount", str(_l("Give an amount in yuan greater than zero, such as 1280.50."))) from None
        basis = _text(row.get("basis"), f"{field}.basis", 200, required=True)
        out.append({"period": period, "item": item, "fen": fen, "basis": basis})
    if len(out) > MAX_COSTS:
        raise RuleViolation("utility_costs", str(_l("At most %(max)d rows.", max=MAX_COSTS)))
    return out


def _community(s: Session, community_id: int) -> Community:
    community = s.get(Community, community_id)
    if community is None:
        raise NotFound(str(_l("No such community.")))
    return community


def submit_facts(
    actor: Actor,
    community_id: int,
    *,
    manager_name: str,
    manager_phone: str,
    contractors: Sequence[Row],
    utility_costs: Sequence[Row],
    now: datetime,
) -> ServiceFacts:
    """A new version of the facts from the company serving the community today, for its committee to confirm."""
    manager = _text(manager_name, "manager_name", 100, required=True)
    phone = _phone(manager_phone, "manager_phone")
    contractor_rows = _contractors(contractors)
    cost_rows = _costs(utility_costs)
    with db.write() as s:
        community = _community(s, community_id)
        contract = require_serving(s, actor, community.id, today_in_china(now))
        pending = _pending(s, community.id)
        if pending is not None:
            raise RuleViolation(
                "facts",
                str(
                    _l(
                        "Version %(version)d awaits the committee's confirmation; a new version can be submitted once the "
                        "committee confirms or returns it.",
                        version=pending.version,
                    )
                ),
            )
        last = s.execute(select(func.max(ServiceFacts.version)).where(ServiceFacts.community_id == community.id)).scalar_one()
        facts = ServiceFacts(
            community_id=community.id,
            company_id=contract.company_id,
            version=(last or 0) + 1,
            manager_name=manager,
            manager_phone=phone,
            contractors=contractor_rows,
            utility_costs=cost_rows,
            state=FactsState.SUBMITTED,
            submitted_by_user_id=actor.user_id,
            submitted_at=now,
        )
        s.add(facts)
        s.flush()
        record(
            s,
            actor,
            "service_facts.submit",
            "property_service_facts",
            facts.id,
            **scope(community),
            data={
                "version": facts.version,
                "company_id": contract.company_id,
                "contractors": len(contractor_rows),
                "costs": len(cost_rows),
            },
            now=now,
        )
    return facts


def _pending(s: Session, community_id: int) -> ServiceFacts | None:
    return s.scalars(
        select(ServiceFacts).where(ServiceFacts.community_id == community_id, ServiceFacts.state == FactsState.SUBMITTED)
    ).first()


def _to_decide(s: Session, actor: Actor, community_id: int, version: int) -> tuple[ServiceFacts, Community]:
    community = _community(s, community_id)
    require(can_confirm_service_facts(actor, community))
    facts = s.scalars(
        select(ServiceFacts).where(ServiceFacts.community_id == community.id, ServiceFacts.version == version).with_for_update()
    ).first()
    if facts is None:
        raise NotFound(str(_l("No such version of the facts.")))
    if facts.state is not FactsState.SUBMITTED:
        raise RuleViolation("facts", str(_l("This version has already been decided.")))
    return facts, community


def confirm_facts(actor: Actor, community_id: int, version: int, *, now: datetime) -> ServiceFacts:
    """The committee confirms the company's version: from now on the board shows it."""
    with db.write() as s:
        facts, community = _to_decide(s, actor, community_id, version)
        contract = contract_in_force(s, community.id, today_in_china(now))
        if contract is None or contract.company_id != facts.company_id:
            raise RuleViolation("facts", str(_l("The company that submitted this version no longer serves the community; return it.")))
        facts.state = FactsState.CONFIRMED
        facts.decided_by_user_id = actor.user_id
        facts.decided_at = now
        record(
            s, actor, "service_facts.confirm", "property_service_facts", facts.id, **scope(community), data={"version": version}, now=now
        )
    return facts


def return_facts(actor: Actor, community_id: int, version: int, *, reason: str, now: datetime) -> ServiceFacts:
    """The committee sends the version back to the company, saying why."""
    why = _text(reason, "reason", 2000, required=True)
    with db.write() as s:
        facts, community = _to_decide(s, actor, community_id, version)
        facts.state = FactsState.RETURNED
        facts.decided_by_user_id = actor.user_id
        facts.decided_at = now
        facts.return_reason = why
        record(
            s,
            actor,
            "service_facts.return",
            "property_service_facts",
            facts.id,
            **scope(community),
            data={"version": version, "reason": why},
            now=now,
        )
    return facts


# Reading ----------------------------------------------------------------------------------------------------------


def versions_of(community_id: int) -> list[ServiceFacts]:
    """Every version of the community's facts, the newest first."""
    query = select(ServiceFacts).where(ServiceFacts.community_id == community_id).order_by(ServiceFacts.version.desc())
    return list(db.session().scalars(query))


def pending_facts(community_id: int) -> ServiceFacts | None:
    return _pending(db.session(), community_id)


def latest_confirmed(community_id: int, company_id: int) -> ServiceFacts | None:
    query = (
        select(ServiceFacts)
        .where(
            ServiceFacts.community_id == community_id,
            ServiceFacts.company_id == company_id,
            ServiceFacts.state == FactsState.CONFIRMED,
        )
        .order_by(ServiceFacts.version.desc())
    )
    return db.session().scalars(query).first()


@dataclass(frozen=True)
class PeriodCosts:
    period: str
    rows: list[dict[str, object]]
    total_fen: int


def costs_by_period(facts: ServiceFacts) -> list[PeriodCosts]:
    """The shared utility costs grouped by month, the newest month first, each with its total."""
    periods: dict[str, list[dict[str, object]]] = {}
    for row in facts.utility_costs:
        periods.setdefault(str(row["period"]), []).append(row)
    return [PeriodCosts(period, rows, sum(int(str(r["fen"])) for r in rows)) for period, rows in sorted(periods.items(), reverse=True)]


@dataclass(frozen=True)
class BoardFacts:
    """What the public page shows: the company serving the community today, its contract, and the latest confirmed facts."""

    company: PropertyCompany | None
    contract: ServiceContract | None
    fees: list[ContractFee]
    facts: ServiceFacts | None
    costs: list[PeriodCosts]


def board_facts(community_id: int, day: date) -> BoardFacts:
    contract = contract_in_force(db.session(), community_id, day)
    if contract is None:
        return BoardFacts(None, None, [], None, [])
    facts = latest_confirmed(community_id, contract.company_id)
    return BoardFacts(contract.company, contract, list(contract.fees), facts, costs_by_period(facts) if facts else [])
