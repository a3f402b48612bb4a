"""Publishing an order and reading them back; the effects of each kind are the issuer's (oversight, a petition)."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit.services import record
from ..communities.models import Community
from ..db import db
from ..notices.markup import escape_markdown
from ..notices.models import NoticeKind
from ..notices.services import publish_system_notice
from ..security.actor import Actor
from .models import Order, OrderKind, OrderStatus

ORDER_TITLES = {
    OrderKind.SUSPEND: _l("Committee member suspended: %(subject)s"),
    OrderKind.REELECT: _l("Re-election of the committee ordered: %(subject)s"),
    OrderKind.RECTIFY: _l("Order to rectify: %(subject)s"),
    OrderKind.REVOKE: _l("Decision revoked: %(subject)s"),
    OrderKind.CONVENE: _l("Order to convene an extraordinary session: %(subject)s"),
    OrderKind.CHAIR_VOTE: _l("Order to elect the chair and vice chair again: %(subject)s"),
}


def publish_order(
    s: Session,
    actor: Actor,
    community: Community,
    kind: OrderKind,
    subject: str,
    body: str,
    due_on: date,
    *,
    now: datetime,
    item_id: int | None = None,
    session_id: int | None = None,
    **effects: int | None,
) -> Order:
    """The order row, its public notice and its audit event, in the caller's transaction.

    ``item_id`` names the item a revocation revokes and ``session_id`` its session, whose notices the order joins;
    ``effects`` the member, committee, election or petition it concerns.
    """
    with force_locale("zh_CN"):
        title = str(ORDER_TITLES[kind] % {"subject": subject})
        text = "\n\n".join([escape_markdown(body), str(_l("Deadline: %(day)s.", day=due_on.isoformat()))])
    notice = publish_system_notice(s, actor, community, kind=NoticeKind.ORDER, title=title, body=text, session_id=session_id, now=now)
    order = Order(
        public_id=secrets.token_urlsafe(9),
        community_id=community.id,
        kind=kind,
        subject=subject,
        body=body,
        due_on=due_on,
        item_id=item_id,
        issued_by_user_id=actor.user_id,
        issued_at=now,
        notice_id=notice.id,
        **effects,
    )
    s.add(order)
    s.flush()
    record(
        s,
        actor,
        f"order.{kind.value}",
        "order",
        order.public_id,
        community_id=community.id,
        street_office_id=community.street_office_id,
        now=now,
        data={"due_on": due_on.isoformat(), "item": order.item_id, "notice": notice.public_id, **effects},
    )
    return order


def orders_of_office(street_office_id: int) -> list[tuple[Order, Community]]:
    rows = db.session.execute(
        select(Order, Community)
        .join(Community, Community.id == Order.community_id)
        .where(Community.street_office_id == street_office_id)
        .order_by((Order.status == OrderStatus.OPEN).desc(), Order.due_on)
    )
    return [(o, c) for o, c in rows]


def open_orders(community_id: int) -> list[Order]:
    query = select(Order).where(Order.community_id == community_id, Order.status == OrderStatus.OPEN).order_by(Order.due_on)
    return list(db.session.execute(query).scalars())


def order_of_petition(petition_id: int) -> Order | None:
    return db.session.execute(select(Order).where(Order.petition_id == petition_id)).scalar()
