"""An emergency's costs (RULES §11): booked only on a confirmed application, within its estimate, shared by area;
with a project's invoices and a deposit file, the units' accounts reconcile with the fund ledger."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from app.db import db, utcnow
from app.domain.errors import RuleViolation
from app.domain.ledger import LedgerKind
from app.fund.models.projects import FundProject
from app.fund.services import accounts, costs, deposits, projects
from app.fund.services import emergencies as fund
from app.ledgers import services as ledgers
from app.security.actor import actor_for
from app.security.permissions import PermissionDenied
from tests.factories import decided_item, next_code
from tests.services.test_fund_emergencies import applied, world_with_units


def test_an_emergency_cost_needs_the_office_confirmation_and_stays_within_the_estimate(app: Flask) -> None:
    world = world_with_units()
    now = utcnow()
    chair = actor_for(world.committee)
    application = applied(world, now - timedelta(hours=1))
    with pytest.raises(RuleViolation, match="not yet confirmed") as refused:
        costs.book_emergency_cost(chair, application.id, day="", amount="1000", now=now)
    assert refused.value.field == "emergency"
    assert ledgers.entries(world.community.id, LedgerKind.MAINTENANCE_FUND) == []
    fund.decide(actor_for(world.official), application.id, confirm=True, reason="", totp_code=next_code("official"), now=now)
    with pytest.raises(PermissionDenied):
        costs.book_emergency_cost(actor_for(world.outsider), application.id, day="", amount="1000", now=now)
    entry = costs.book_emergency_cost(chair, application.id, day="", amount="17,525.25", voucher="FP-9", now=now)
    assert entry.emergency_id == application.id and entry.counterparty == "某某防水工程有限公司"
    with pytest.raises(RuleViolation, match=r"474\.75 yuan of 18,000\.00 yuan") as refused:
        costs.book_emergency_cost(chair, application.id, day="", amount="500", now=now)
    assert refused.value.field == "amount"
    # 2-101 (95.25 m²) and 2-102 (80.00 m²) share 1,752,525 fen by area: 952,514.26 and 800,011.41, floored; no fen is left.
    shares = {a.unit: a.shares_fen for a in accounts.unit_accounts(world.community.id) if a.shares_fen}
    assert shares == {"2-101": 952_514, "2-102": 800_011} and sum(shares.values()) == entry.amount_fen


def test_a_refused_emergency_books_nothing(app: Flask) -> None:
    world = world_with_units()
    now = utcnow()
    application = applied(world, now - timedelta(hours=1))
    fund.decide(
        actor_for(world.official),
        application.id,
        confirm=False,
        reason="不属于紧急情况，应走一般程序",
        totp_code=next_code("official"),
        now=now,
    )
    with pytest.raises(RuleViolation, match=r"refused this emergency application on .*一般程序"):
        costs.book_emergency_cost(actor_for(world.committee), application.id, day="", amount="1", now=now)


def test_deposits_invoices_and_emergency_costs_reconcile_with_the_fund_ledger(app: Flask) -> None:
    world = world_with_units()
    now = utcnow()
    chair = actor_for(world.committee)
    rows = "unit,date,amount\n1-101,2026-11-01,20000\n1-102,2026-11-01,30000\n2-101,2026-11-02,25000\n2-102,2026-11-02,20000\n"
    deposits.import_deposits(chair, community_id=world.community.id, filename="bank.csv", data=rows.encode(), now=now)
    project = projects.open_project(
        chair,
        community_id=world.community.id,
        title="1 号楼外墙",
        works="1 号楼外墙空鼓瓷砖铲除重贴",
        contractor="建工",
        budget="10000",
        units="1-101,1-102",
        now=now,
    )

    with db.write() as s:
        s.get(FundProject, project.id).item_id = decided_item(world, "cn.use_fund")  # type: ignore[union-attr]
    projects.approve(chair, project.id, now=now)
    projects.book_invoice(chair, project.id, day="", amount="9,999.99", now=now)
    application = applied(world, now - timedelta(hours=1))
    fund.decide(actor_for(world.official), application.id, confirm=True, reason="", totp_code=next_code("official"), now=now)
    costs.book_emergency_cost(chair, application.id, day="", amount="3,333.33", now=now)
    r = accounts.reconciliation(world.community.id)
    assert r.agrees and r.differences == []
    units = accounts.unit_accounts(world.community.id)
    fund_entries = ledgers.entries(world.community.id, LedgerKind.MAINTENANCE_FUND)
    ledger_balance = sum(e.amount_fen if e.direction.value == "income" else -e.amount_fen for e in fund_entries)
    assert sum(a.balance_fen for a in units) == ledger_balance == 95_000_00 - 9_999_99 - 3_333_33
    assert sum(a.shares_fen for a in units) == 9_999_99 + 3_333_33
