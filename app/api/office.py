"""The street office's (scope "office"): its dashboard and its orders."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ..committees.models import Motion
from ..communities.models import Community, StreetOffice
from ..communities.queries import community_by_slug, office_by_code
from ..db import db, utcnow
from ..domain.errors import RuleViolation
from ..notices import services as notices
from ..orders.models import OrderKind
from ..oversight import services as oversight
from ..security.permissions import can_certify, can_oversee, require
from . import schemas as S
from .operations import COMMITTEE_ERRORS, api_actor, not_found, operation, parse_day


def _orders_community(slug: str) -> None:
    # Before the body is read: an office orders only the communities it supervises.
    require(can_certify(api_actor(), community_by_slug(slug)))


def _revoked_motion(community: Community, kind: OrderKind, motion_id: str | None) -> int | None:
    """The committee decision a revocation names, by its public id; the service checks it may be revoked."""
    if kind is not OrderKind.REVOKE:
        if motion_id is not None:
            raise RuleViolation("motion_id", _("Only a revocation names a committee decision."))
        return None
    if motion_id is None:
        raise RuleViolation("motion_id", _("Name the committee decision to revoke, as the community's decisions list it."))
    motion = db.session.execute(select(Motion).where(Motion.public_id == motion_id)).scalar_one_or_none()
    if motion is None:
        raise RuleViolation("motion_id", _("Choose a decision of this community's committee."))
    return motion.id


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
    description="Published on the community's board at once, with its deadline. A revocation names the committee decision "
    "it revokes (`motion_id`, as the community's decisions list them), which the board then shows revoked; refused naming "
    "`motion_id` for a decision not published, already revoked or not of this community. Revoking an assembly's item, "
    "suspensions and re-election orders name items or members and stay on the office's pages.",
    authorize=_orders_community,
)
def create_order(slug: str, body: dict[str, Any]) -> dict[str, Any]:
    actor = api_actor()
    community = community_by_slug(slug)
    kind = OrderKind(body["kind"])
    order = oversight.issue_order(
        actor,
        community_id=community.id,
        kind=kind,
        subject=body["subject"],
        body=body["body"],
        due_on=parse_day(body["due_on"], "due_on"),
        now=utcnow(),
        motion_id=_revoked_motion(community, kind, body.get("motion_id")),
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
