"""The street office's (scope "office"): its dashboard and its orders."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from ..communities.models import StreetOffice
from ..communities.queries import community_by_slug, office_by_code
from ..db import utcnow
from ..notices import services as notices
from ..orders.models import OrderKind
from ..oversight import services as oversight
from ..security.permissions import can_certify, can_oversee, require
from . import schemas as S
from .operations import COMMITTEE_ERRORS, api_actor, not_found, operation


def _orders_community(slug: str) -> None:
    # Before the body is read: an office orders only the communities it supervises.
    require(can_certify(api_actor(), community_by_slug(slug)))


def _office(office_code: str) -> StreetOffice:
    office = office_by_code(office_code)
    if office is None:
        raise not_found(_("No such street office."))
    return office


@operation(
    "GET",
    "/offices/{office_code}/communities",
    summary="The street office's dashboard: every community it supervises and what needs attention",
    tag="office",
    response=S.array(S.ref("DashboardRow")),
    auth="office",
    errors=(401, 403, 404),
)
def office_dashboard(office_code: str) -> list[dict[str, Any]]:
    office = _office(office_code)
    require(can_oversee(api_actor(), office.id))
    return [
        {
            "community": row.community.slug,
            "name": row.community.name,
            "flags": row.flags,
            "awaiting_certification": row.awaiting,
            "publications_overdue": row.overdue,
            "orders_overdue": row.orders_overdue,
            "elections_under_way": row.elections,
            "committee": None if row.committee is None else row.committee.committee.kind.value,
        }
        for row in oversight.dashboard(office.id, now=utcnow())
    ]


@operation(
    "POST",
    "/communities/{slug}/orders",
    summary="Order a committee to rectify or to convene a session",
    tag="office",
    body=S.NEW_ORDER,
    response=S.ref("Order"),
    status=201,
    auth="office",
    errors=COMMITTEE_ERRORS,
    description="Published on the community's board at once, with its deadline. Revocations, suspensions and "
    "re-election orders name items or members and stay on the office's pages.",
    authorize=_orders_community,
)
def create_order(slug: str, body: dict[str, Any]) -> dict[str, Any]:
    actor = api_actor()
    community = community_by_slug(slug)
    order = oversight.issue_order(
        actor,
        community_id=community.id,
        kind=OrderKind(body["kind"]),
        subject=body["subject"],
        body=body["body"],
        due_on=date.fromisoformat(body["due_on"]),
        now=utcnow(),
    )
    return {
        "id": order.public_id,
        "community": community.slug,
        "kind": order.kind.value,
        "status": order.status.value,
        "subject": order.subject,
        "due_on": order.due_on.isoformat(),
        "notice": notices.public_id_of(order.notice_id),
    }
