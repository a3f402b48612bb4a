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
        add(lanting, fund, date(year, 10, 31), "income", 236_400_000, "opening", note="维修资金专户余额")
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
            add(lanting, fund, date(y, month, 20), "income", rng.randrange(1_100_000, 1_300_000), "deposits", note="新交付房屋首期缴存")
            if month in (6, 12):
                add(lanting, fund, date(y, month, 21), "income", 350_000, "interest")
            if month in (1, 7):
                add(
                    lanting,
                    income,
                    date(y, month, 15),
                    "expense",
                    rng.randrange(150_000, 260_000),
                    "repairs",
                    counterparty="五金维修部",
                    voucher=f"R{y}{month:02d}",
                )
        add(
            lanting,
            income,
            date(year + 1, 3, 28),
            "expense",
            800_000,
            "audit_fees",
            counterparty="正信会计师事务所",
            voucher=f"AU{year + 1}",
        )
        add(
            lanting,
            fund,
            date(year + 1, 8, 3),
            "expense",
            1_860_000,
            "repairs",
            counterparty="迅达电梯维保",
            emergency_reason="2 号楼 1 单元电梯曳引钢丝绳断股，困人风险，停梯抢修",
        )
        for ledger in (income, fund):
            statement = ledgers.close_period(as_chair, community_id=lanting.id, ledger=ledger, now=now)
            notices.confirm_notice(as_member, statement.notice_id, now=now)
        add(meiyuan, income, date(year, 9, 1), "income", 120_000, "venue_rental", counterparty="业主活动室租用")
        add(meiyuan, income, date(year, 12, 1), "expense", 30_000, "office")
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
