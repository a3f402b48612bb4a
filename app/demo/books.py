"""The demo's ledgers and statements, and the street office's orders."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..clock import today_in_china
from ..communities.models import Community
from ..db import db, utcnow
from ..domain.ledger import LedgerKind, format_fen
from ..ledgers import services as ledgers
from ..ledgers.models import LedgerEntry
from ..notices import services as notices
from ..orders import services as orders
from ..security.actor import actor_for
from .actors import as_committee
from .fund import seed_opening_deposits


def seed_books(lanting: Community, meiyuan: Community) -> Iterator[str]:
    """A year of 兰亭苑's books with last year's two statements published; 梅园 never published last year's (overdue)."""
    already = db.session.execute(select(LedgerEntry.id).where(LedgerEntry.community_id == lanting.id)).first()
    if already is None:
        now = utcnow()
        year = now.year - 1
        rng = random.Random(2027)
        chair = db.session.execute(select(User).where(User.username == "lanting-chair")).scalar_one()
        member = db.session.execute(select(User).where(User.username == "lanting-member")).scalar_one()
        as_chair, as_member = actor_for(chair), actor_for(member)
        income, fund = LedgerKind.PUBLIC_INCOME, LedgerKind.MAINTENANCE_FUND

        def add(community: Community, ledger: LedgerKind, day: date, direction: str, fen: int, category: str, **more: str) -> None:
            ledgers.add_entry(
                as_chair if community.id == lanting.id else as_committee(community),
                community_id=community.id,
                ledger=ledger,
                now=now,
                day=day,
                direction=direction,
                amount=format_fen(fen),
                category=category,
                **more,
            )

        add(lanting, income, date(year, 10, 31), "income", 18_650_000, "opening", note="2023–2025 年公共收益结余")
        # The fund opens with the bank's per-unit balances: every yuan of it is in some unit's account (分户账).
        seed_opening_deposits(lanting, as_chair, date(year, 10, 31), now=now)
        for offset in range(12):
            month = (10 + offset) % 12 + 1
            y = year + (10 + offset) // 12
            add(
                lanting,
                income,
                date(y, month, 5),
                "income",
                rng.randrange(320_000, 380_000),
                "parking",
                counterparty="兰亭物业（代收）",
                voucher=f"P{y}{month:02d}",
            )
            if month % 3 == 0:
                add(
                    lanting,
                    income,
                    date(y, month, 10),
                    "income",
                    600_000,
                    "elevator_ads",
                    counterparty="梯媒广告公司",
                    voucher=f"A{y}{month:02d}",
                )
        # Public income is spent from this November on, under the rules of procedure's yearly caps (demo.fund).
        for ledger in (income, fund):
            statement = ledgers.close_period(as_chair, community_id=lanting.id, ledger=ledger, now=now)
            notices.confirm_notice(as_member, statement.notice_id, now=now)
        add(meiyuan, income, date(year, 9, 1), "income", 120_000, "venue_rental", counterparty="业主活动室租用")
    for community in (lanting, meiyuan):
        due = [o for o in ledgers.statement_obligations(community, now=utcnow()) if not o.met]
        overdue = [o for o in due if o.overdue(today_in_china(utcnow()))]
        published = len(notices.published_statements(community.id))
        yield _(
            "%(name)s: %(published)d statements published, %(overdue)d overdue, %(path)s",
            name=community.name,
            published=published,
            overdue=len(overdue),
            path=f"/c/{community.slug}",
        )


def seed_orders(meiyuan: Community) -> Iterator[str]:
    """The street office orders 梅园 to publish its overdue accounts."""
    from ..orders.models import OrderKind
    from ..oversight import services as oversight

    if not orders.open_orders(meiyuan.id):
        official = db.session.execute(select(User).where(User.username == "xinhua-official")).scalar_one()
        now = utcnow()
        oversight.issue_order(
            actor_for(official),
            community_id=meiyuan.id,
            kind=OrderKind.RECTIFY,
            subject="公共收益账目逾期未公示",
            body="梅园小区业主委员会未按期公示上一年度公共收益账目，请于期限内公示并报街道办事处。",
            due_on=today_in_china(now) + timedelta(days=10),
            now=now,
        )
    yield _("%(name)s: %(n)d open order(s) of the street office", name=meiyuan.name, n=len(orders.open_orders(meiyuan.id)))
