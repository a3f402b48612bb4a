"""The street office convenes a session itself when the committee ignores its order (RULES §10).

Past the deadline of an order to convene (from an owners' petition, §3) or to
re-elect the committee, an official of the community's street office may draft
the session. It is marked ``convened_by="office"``: from then on the office's
officials run it as a committee runs its own (items, announcement, letters,
proxies, paper ballots under the two-person rule), and the committee may only
read it. The order names the session (``Order.convened_session_id``).
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...audit.services import record, scope
from ...clock import today_in_china
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...orders.models import Order, OrderKind, OrderStatus
from ...security.actor import Actor
from ...security.permissions import CONVENED_BY_OFFICE
from ...sessions.models import AssemblySession, SessionForm
from ...sessions.services import new_session
from .access import office_community

# The orders whose neglect lets the office convene: to convene a session, and to re-elect the committee.
CONVENABLE = frozenset({OrderKind.CONVENE, OrderKind.REELECT})
CONVENE_EVENT = "order.office_convened"


def may_convene(order: Order, today: date) -> bool:
    """Whether the orders page offers "Convene the session": an open, overdue order to convene or to re-elect."""
    return order.kind in CONVENABLE and order.overdue(today)


def convened_session(order: Order) -> str | None:
    """The public id of the session the office convened on ``order``, if it did."""
    if order.convened_session_id is None:
        return None
    return db.session.execute(select(AssemblySession.public_id).where(AssemblySession.id == order.convened_session_id)).scalar_one()


def convene(
    actor: Actor,
    order_id: int,
    *,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    now: datetime,
    form: SessionForm = SessionForm.WRITTEN,
) -> AssemblySession:
    """An official of the community's street office drafts the session the committee did not convene."""
    with db.write() as s:
        order = s.get(Order, order_id, with_for_update=True)
        if order is None:
            raise NotFound(str(_l("No such order.")))
        community = office_community(s, actor, order.community_id)
        if order.kind not in CONVENABLE:
            raise RuleViolation("order", str(_l("The office convenes a session itself only on an order to convene or to re-elect.")))
        if order.status is not OrderStatus.OPEN:
            raise RuleViolation("order", str(_l("This order is closed: there is nothing left to convene.")))
        if not order.overdue(today_in_china(now)):
            raise RuleViolation(
                "order",
                str(
                    _l(
                        "The committee has until %(day)s to comply; the office may convene the session after that.",
                        day=order.due_on.isoformat(),
                    )
                ),
            )
        if order.convened_session_id is not None:
            raise RuleViolation("order", str(_l("The office has already convened a session on this order.")))
        assembly = new_session(s, community, title=title, form=form, opens_at=opens_at, closes_at=closes_at, convened_by=CONVENED_BY_OFFICE)
        order.convened_session_id = assembly.id
        data = {"title": assembly.title, "form": form.value, "convened_by": CONVENED_BY_OFFICE, "order": order.public_id}
        record(s, actor, "session.create", "session", assembly.public_id, **scope(community), now=now, data=data)
        record(
            s,
            actor,
            CONVENE_EVENT,
            "order",
            order.public_id,
            **scope(community),
            now=now,
            data={"session": assembly.public_id, "kind": order.kind.value, "due_on": order.due_on.isoformat()},
        )
    return assembly
