"""杏林苑: the owners petition from the board, the committee ignores the order to convene, the street office convenes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..clock import today_in_china
from ..communities.models import Community
from ..db import db, utcnow
from ..orders.models import Order
from ..security.actor import actor_for
from ..sessions import services as sessions
from ..sessions.labels import STATE_LABELS
from ..sessions.models import AssemblySession
from .committees import register_owners

PETITION_TITLE = "召开临时业主大会，审议物业服务合同续签"
PETITION_ITEMS = "审议是否续签杏林物业服务合同\n公开选聘新的物业服务企业"
CONVENED_TITLE = "杏林苑 2026 年临时业主大会（街道办事处召集）"


def seed_convened_session() -> Iterator[str]:
    """A board petition reaches the threshold a month ago; the order's 15 days pass; the office convenes and announces."""
    from ..oversight import services as oversight
    from ..voting.services import petitions

    xinglin = db.session.execute(select(Community).where(Community.slug == "xinglin")).scalar_one()
    official = db.session.execute(select(User).where(User.username == "xinhua-official")).scalar_one()
    now = utcnow()
    if not petitions.petitions_of_community(xinglin.id):
        started = now - timedelta(days=36)
        owners = register_owners(xinglin, 48)
        (unit, person), rest = owners[0], owners[1:]
        petition = petitions.start_board_petition(
            xinglin.id,
            unit=unit,
            name=person.name,
            id_last4=person.id_last4 or "",
            title=PETITION_TITLE,
            items=PETITION_ITEMS,
            ip="demo",
            now=started,
        )
        for hours, (unit, person) in enumerate(rest, 1):
            progress = petitions.sign_board_petition(
                petition.public_id,
                unit=unit,
                name=person.name,
                id_last4=person.id_last4 or "",
                ip="demo",
                now=started + timedelta(hours=hours * 5),
            )
            if progress.reached:
                break
        order = db.session.execute(select(Order).where(Order.petition_id == petition.id)).scalar_one()
        as_official = actor_for(official)
        opens = now + timedelta(days=16)
        assembly = oversight.convene(
            as_official, order.id, title=CONVENED_TITLE, opens_at=opens, closes_at=opens + timedelta(days=10), now=now
        )
        for matter, title in (
            ("cn.hire_manager", "审议是否续签杏林物业服务合同"),
            ("cn.hire_manager", "授权业主委员会公开选聘新的物业服务企业"),
        ):
            sessions.add_item(as_official, assembly.id, matter=matter, title=title)
        sessions.announce_session(as_official, assembly.id, now=now)
    petition = petitions.petitions_of_community(xinglin.id)[0]
    progress = petitions.progress_of(petition)
    order = db.session.execute(select(Order).where(Order.petition_id == petition.id)).scalar_one()
    assembly = db.session.execute(select(AssemblySession).where(AssemblySession.title == CONVENED_TITLE)).scalar_one()
    assert petition.reached_at is not None
    yield _(
        "%(name)s: board petition reached the threshold on %(day)s with %(n)d signatures; the committee did not convene by %(due)s",
        name=xinglin.name,
        day=today_in_china(petition.reached_at).isoformat(),
        n=progress.signatures,
        due=order.due_on.isoformat(),
    )
    yield _(
        "%(title)s: %(state)s, convened by the street office, %(path)s; orders: %(orders)s",
        title=CONVENED_TITLE,
        state=STATE_LABELS[assembly.state.value],
        path=f"/s/{assembly.public_id}",
        orders=f"/office/{xinglin.street_office_id}/orders",
    )
