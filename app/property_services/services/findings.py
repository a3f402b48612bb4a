"""The street office's findings against the company serving one of its communities (e.g. on a review of its ledger).
A finding in a month puts the company on that month's black list."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...clock import today_in_china
from ...communities.models import Community
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...security.actor import Actor
from ...security.permissions import can_judge_service, require
from ..models import CompanyFinding, PropertyCompany
from .common import serving_company

MAX_TEXT = 5000


def record_finding(actor: Actor, community_id: int, *, text: str, found_on: date | None, now: datetime) -> CompanyFinding:
    """The office's finding against the company that served the community on ``found_on`` (today at the latest)."""
    text = (text or "").strip()
    if not text:
        raise RuleViolation("text", str(_l("Say what the office found.")))
    if len(text) > MAX_TEXT:
        raise RuleViolation("text", str(_l("At most %(max)d characters.", max=MAX_TEXT)))
    if found_on is None:
        raise RuleViolation("found_on", str(_l("Give the day of the finding.")))
    if found_on > today_in_china(now):
        raise RuleViolation("found_on", str(_l("The day of the finding cannot be in the future.")))
    with db.write() as s:
        community = s.get(Community, community_id)
        if community is None:
            raise NotFound(str(_l("No such community.")))
        require(can_judge_service(actor, community))
        company = serving_company(s, community.id, found_on)
        if company is None:
            raise RuleViolation("found_on", str(_l("No company served this community under a contract on that day.")))
        finding = CompanyFinding(
            public_id=secrets.token_urlsafe(9),
            company_id=company.id,
            community_id=community.id,
            street_office_id=community.street_office_id,
            found_on=found_on,
            text=text,
            recorded_by_user_id=actor.user_id,
            recorded_at=now,
        )
        s.add(finding)
        s.flush()
        data = {"company": company.public_id, "found_on": found_on.isoformat(), "text": text}
        record(s, actor, "finding.record", "property_company_finding", finding.public_id, **scope(community), data=data, now=now)
    return finding


def findings_of_community(community_id: int) -> list[tuple[CompanyFinding, PropertyCompany]]:
    """The community's findings, the latest first, with the company each concerns."""
    rows = db.session().execute(
        select(CompanyFinding, PropertyCompany)
        .join(PropertyCompany, PropertyCompany.id == CompanyFinding.company_id)
        .where(CompanyFinding.community_id == community_id)
        .order_by(CompanyFinding.found_on.desc(), CompanyFinding.id.desc())
    )
    return [(f, c) for f, c in rows]


def findings_of_office(street_office_id: int, *, limit: int = 20) -> list[tuple[CompanyFinding, PropertyCompany, Community]]:
    """The office's latest findings, across its communities."""
    rows = db.session().execute(
        select(CompanyFinding, PropertyCompany, Community)
        .join(PropertyCompany, PropertyCompany.id == CompanyFinding.company_id)
        .join(Community, Community.id == CompanyFinding.community_id)
        .where(CompanyFinding.street_office_id == street_office_id)
        .order_by(CompanyFinding.found_on.desc(), CompanyFinding.id.desc())
        .limit(limit)
    )
    return [(f, c, m) for f, c, m in rows]


def findings_in(s: Session, company_id: int, start: date, end: date) -> int:
    """How many findings against the company fell from ``start`` to ``end`` (days, ``end`` excluded)."""
    return len(
        list(
            s.scalars(
                select(CompanyFinding.id).where(
                    CompanyFinding.company_id == company_id, CompanyFinding.found_on >= start, CompanyFinding.found_on < end
                )
            )
        )
    )
