"""The JSON shapes of property services, shared by the public's, the owners', the company's, the committee's and the
street office's operations; and the API's names for the fields the services' refusals name."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from flask import url_for

from ..communities.models import Community
from ..db import db
from ..domain.errors import RuleViolation
from ..domain.numbers import percent
from ..property_services.labels import CONTRACTOR_KIND_LABELS, request_kind_label, request_state_label
from ..property_services.models import CompanyFinding, Escalation, PropertyCompany, ServiceContract, ServiceFacts
from ..property_services.services import facts as facts_service
from ..property_services.services import request_ledger as reading
from ..property_services.services import standing
from .operations import stamp
from .serializers import yuan


def company_json(company: PropertyCompany) -> dict[str, Any]:
    return {
        "id": company.public_id,
        "name": company.name,
        "licence_number": company.licence_number,
        "address": company.address,
        "contact_phone": company.contact_phone,
    }


def in_force(contract: ServiceContract, day: date) -> bool:
    return contract.starts_on <= day <= contract.ends_on and (contract.ended_on is None or contract.ended_on > day)


def contract_json(contract: ServiceContract, community: Community, day: date) -> dict[str, Any]:
    return {
        "id": contract.public_id,
        "community": community.slug,
        "company": company_json(contract.company),
        "starts_on": contract.starts_on.isoformat(),
        "ends_on": contract.ends_on.isoformat(),
        "ended_on": contract.ended_on.isoformat() if contract.ended_on else None,
        "in_force": in_force(contract, day),
        "scope": contract.scope,
        "fees": [
            {"unit_kind": f.unit_kind, "yuan_per_m2_month": yuan(f.fen_per_m2_month), "fen_per_m2_month": f.fen_per_m2_month}
            for f in contract.fees
        ],
    }


def facts_json(facts: ServiceFacts) -> dict[str, Any]:
    company = db.session.get(PropertyCompany, facts.company_id)
    return {
        "version": facts.version,
        "company": company.public_id if company else "",
        "state": facts.state.value,
        "manager_name": facts.manager_name,
        "manager_phone": facts.manager_phone,
        "contractors": [
            {"kind": c["kind"], "kind_label": str(CONTRACTOR_KIND_LABELS.get(c["kind"], c["kind"])), "name": c["name"], "phone": c["phone"]}
            for c in facts.contractors
        ],
        "utility_costs": [
            {
                "period": p.period,
                "total": yuan(p.total_fen),
                "total_fen": p.total_fen,
                "rows": [
                    {"item": str(r["item"]), "amount": yuan(int(str(r["fen"]))), "fen": int(str(r["fen"])), "basis": str(r["basis"])}
                    for r in p.rows
                ],
            }
            for p in facts_service.costs_by_period(facts)
        ],
        "submitted_at": stamp(facts.submitted_at),
        "decided_at": stamp(facts.decided_at),
        "return_reason": facts.return_reason,
    }


def request_json(view: reading.RequestView, community: Community) -> dict[str, Any]:
    r = view.request
    company = db.session.get(PropertyCompany, r.company_id)
    return {
        "id": r.public_id,
        "community": community.slug,
        "company": company.public_id if company else "",
        "company_name": view.company,
        "unit": view.unit,
        "category": r.category.value,
        "kind": r.kind,
        "kind_label": request_kind_label(r.kind),
        "text": r.text,
        "contact_phone": r.contact_phone,
        "state": r.state.value,
        "state_label": request_state_label(r.state.value),
        "filed_at": stamp(r.filed_at),
        "steps": [{"step": t.step, "due": stamp(t.due), "done": stamp(t.done), "status": t.status} for t in view.steps],
        "next_due": stamp(view.next_due),
        "escalated": list(view.escalated),
        "resolution": r.resolution,
        "rating": r.rating,
        "rating_comment": r.rating_comment,
        "rated_at": stamp(r.rated_at),
        "follow_up_at": stamp(r.follow_up_at),
        "follow_up_note": r.follow_up_note,
        "upheld": r.upheld,
        "photos": [{"id": p.id, "filename": p.filename, "size": p.size, "sha256": p.sha256} for p in r.photos],
        "events": [{"action": e.action, "at": stamp(e.at), "note": e.note} for e in r.events],
    }


def escalation_json(escalation: Escalation) -> dict[str, Any]:
    return {
        "id": escalation.id,
        "request": escalation.request.public_id,
        "step": escalation.step,
        "due_at": stamp(escalation.due_at),
        "escalated_at": stamp(escalation.escalated_at),
        "noted_by_committee_at": stamp(escalation.noted_by_committee_at),
        "noted_by_office_at": stamp(escalation.noted_by_office_at),
    }


def finding_json(finding: CompanyFinding, company: PropertyCompany, community: Community) -> dict[str, Any]:
    return {
        "id": finding.public_id,
        "community": community.slug,
        "company": company.public_id,
        "found_on": finding.found_on.isoformat(),
        "text": finding.text,
        "recorded_at": stamp(finding.recorded_at),
    }


def _share(value: Any) -> str | None:
    return None if value is None else percent(value, 1)


def standing_json(entry: standing.Entry) -> dict[str, Any]:
    row = entry.row
    return {
        "company": company_json(entry.company),
        "state": row.state.value,
        "computed": row.computed,
        "standing": row.standing,
        "shown": entry.shown,
        "reasons": entry.reasons,
        "complaints": row.complaints,
        "units": row.units,
        "per_100_units": None if entry.per_100_units is None else percent(entry.per_100_units / 100, 1),
        "steps_due": row.steps_due,
        "steps_on_time": row.steps_on_time,
        "on_time": _share(entry.on_time),
        "satisfaction": _share(entry.satisfaction),
        "findings": row.findings,
    }


def list_json(code: str, listed: standing.MonthList) -> dict[str, Any]:
    month = standing.month_label(listed.month)
    return {
        "city": code,
        "month": month,
        "red": [standing_json(e) for e in listed.red],
        "black": [standing_json(e) for e in listed.black],
        "url": url_for("property.city_lists_month", code=code, month=month, _external=True),
    }


# The services' names for the fields, in the body's terms ------------------------------------------------------------

ROW = re.compile(r"^(contractors|utility_costs)\[(\d+)\](.*)$")


@contextmanager
def facts_fields() -> Iterator[None]:
    """The facts' rows, which the service numbers from 1 as the page does (``contractors[1].name``), named as the body's
    members from 0 (``contractors.0.name``)."""
    try:
        yield
    except RuleViolation as exc:
        match = ROW.match(exc.field)
        if match:
            raise RuleViolation(f"{match.group(1)}.{int(match.group(2)) - 1}{match.group(3)}", exc.reason) from None
        raise
