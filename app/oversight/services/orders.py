"""The street office's orders and their effects: a revoked decision, a suspended member, a re-election."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...clock import today_in_china
from ...committees import services as committees
from ...communities.models import Community
from ...db import db
from ...domain.committee import chair_vote_reopened_until
from ...domain.errors import NotFound, RuleViolation
from ...domain.lifecycle import SessionState
from ...elections import services as elections
from ...orders.models import Order, OrderKind, OrderStatus
from ...orders.services import publish_order
from ...security.actor import Actor
from ...security.permissions import can_certify, require
from ...sessions.models import AssemblySession, Item
from .access import office_community


def issue_order(
    actor: Actor,
    *,
    community_id: int,
    kind: OrderKind,
    subject: str,
    body: str,
    due_on: date | None,
    now: datetime,
    item_id: int | None = None,
    motion_id: int | None = None,
    member: str = "",
) -> Order:
    """An order with its deadline, published on the community's board at once.

    A revocation marks the item revoked, or the committee decision ``motion_id`` names; a suspension takes the member's rights
    at once; a re-election order marks the committee and opens an election the
    street office runs, with nominations until the deadline; a chair-vote order opens the
    members' vote for the chair and vice chair again, for 7 days from the order.
    """
    with db.write() as s:
        community = s.get(Community, community_id)
        if community is None:
            raise NotFound(str(_l("No such community.")))
        require(can_certify(actor, community))
        return order_in(s, actor, community, kind, subject, body, due_on, now=now, item_id=item_id, motion_id=motion_id, member=member)


def order_in(
    s: Session,
    actor: Actor,
    community: Community,
    kind: OrderKind,
    subject: str,
    body: str,
    due_on: date | None,
    *,
    now: datetime,
    item_id: int | None = None,
    motion_id: int | None = None,
    member: str = "",
) -> Order:
    """``issue_order``'s checks and effects inside the caller's transaction (an audit's finding becoming an order)."""
    subject, body = subject.strip(), body.strip()
    if not subject or len(subject) > 150:
        raise RuleViolation("subject", str(_l("Give the order a subject of at most 150 characters.")))
    if not body:
        raise RuleViolation("body", str(_l("Write what the committee must do, and why.")))
    if kind is OrderKind.CHAIR_VOTE:  # the rule sets the deadline: 7 days from the order
        due_on = chair_vote_reopened_until(today_in_china(now))
    if due_on is None or due_on <= today_in_china(now):
        raise RuleViolation("due_on", str(_l("Set a deadline after today.")))
    item = None
    effects: dict[str, int | None] = {}
    if kind is OrderKind.REVOKE and motion_id is not None:
        if item_id is not None:
            raise RuleViolation("motion_id", str(_l("Name either an assembly item or a committee decision, not both.")))
        effects["motion_id"] = committees.revoke_decision(s, community, motion_id, now=now)
    elif kind is OrderKind.REVOKE:
        item = _revocable_item(s, community, item_id)
        item.revoked_at = now
    elif kind is OrderKind.SUSPEND:
        effects["membership_id"] = elections.suspend_member(s, community, member, now=now)
    elif kind is OrderKind.REELECT:
        effects["committee_id"], effects["election_id"] = elections.order_reelection(s, actor, community, subject, due_on, now=now)
    elif kind is OrderKind.CHAIR_VOTE:
        effects["committee_id"] = elections.reopen_chair_vote(s, community, now=now)
    where = {"item_id": item.id, "session_id": item.session_id} if item is not None else {}
    return publish_order(s, actor, community, kind, subject, body, due_on, now=now, **where, **effects)


def _revocable_item(s: Session, community: Community, item_id: int | None) -> Item:
    item = s.get(Item, item_id) if item_id is not None else None
    session = s.get(AssemblySession, item.session_id) if item else None
    if item is None or session is None or session.community_id != community.id:
        raise RuleViolation("item_id", str(_l("Choose the item of this community whose decision is revoked.")))
    if session.state is not SessionState.CERTIFIED:
        raise RuleViolation("item_id", str(_l("Only a certified decision can be revoked.")))
    if item.revoked_at is not None:
        raise RuleViolation("item_id", str(_l("This decision is already revoked.")))
    return item


def close_order(actor: Actor, order_id: int, *, status: OrderStatus, note: str, now: datetime) -> Order:
    """The office records that the committee complied, or withdraws the order."""
    if status is OrderStatus.OPEN:
        raise RuleViolation("status", str(_l("Choose complied or withdrawn.")))
    with db.write() as s:
        order = s.get(Order, order_id, with_for_update=True)
        if order is None:
            raise NotFound(str(_l("No such order.")))
        community = office_community(s, actor, order.community_id)
        if order.status is not OrderStatus.OPEN:
            raise RuleViolation("status", str(_l("This order is already closed.")))
        order.status, order.closed_at, order.closed_by_user_id, order.closing_note = status, now, actor.user_id, note.strip()
        if order.kind is OrderKind.SUSPEND and status is OrderStatus.WITHDRAWN and order.membership_id is not None:
            elections.lift_suspension(s, order.membership_id)
        record(
            s,
            actor,
            f"order.{status.value}",
            "order",
            order.public_id,
            **scope(community),
            now=now,
            data={"note": order.closing_note or None},
        )
    return order
