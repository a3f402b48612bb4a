"""Rows of the satisfaction survey's, the office's findings' and the monthly lists' routes."""

from __future__ import annotations

from typing import Any

from app.clock import today_in_china
from app.db import utcnow
from app.property_services.services import standing
from app.security.actor import actor_for

OFFICE_ONLY = (302, 403, 403, 403, 200, 403, 403, 403)

ROWS: dict[str, tuple[str, str, tuple[int, ...]]] = {
    "property.city_lists": ("GET", "/cities/{city}/property-lists", (200,) * 8),
    "property.city_lists_month": ("GET", "/cities/{city}/property-lists/{lists_month}", (200,) * 8),
    "property.office_lists": ("GET", "/office/property/cities/{city}/lists", OFFICE_ONLY),
    "property.compute_lists": ("POST", "/office/property/cities/{city}/lists/compute", (302, 403, 403, 403, 302, 403, 403, 403)),
    "property.review_lists": ("GET", "/office/property/cities/{city}/lists/{lists_month}", OFFICE_ONLY),
    "property.company_findings": ("GET", "/office/c/{a}/property/findings", OFFICE_ONLY),
    "property.survey": ("GET", "/committee/c/{a}/property/satisfaction", (302, 200, 200, 403, 200, 403, 403, 403)),
}

FORM_DATA = {"property.compute_lists": {"month": "2026-01"}}


def setup(pw: Any) -> dict[str, str]:
    """Last month's list, computed and confirmed by the office, so that its public page exists."""
    now = utcnow()
    month = standing.previous_month(today_in_china(now))
    official = actor_for(pw.world.official)
    standing.compute_month(official, pw.city.id, month, now=now)
    decisions = [standing.Decision(e.company.public_id, e.row.computed) for e in standing.proposed_rows(pw.city.id, month)]
    standing.confirm_month(official, pw.city.id, month, decisions, now=now)
    return {"a": str(pw.community.id), "city": pw.city.code, "lists_month": standing.month_label(month)}
