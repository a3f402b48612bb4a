"""Ledgers: entries in fen, imports all-or-nothing, locked periods, statements, and what is due."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from app.accounts.services import create_user
from app.db import db
from app.domain.errors import RuleViolation
from app.domain.ledger import LedgerKind
from app.ledgers import services as ledgers
from app.ledgers.models import LedgerEntry
from app.notices import services as notices
from app.notices.models import NoticeKind, NoticeState
from app.security.actor import actor_for
from app.security.permissions import PermissionDenied
from app.security.roles import Role
from tests.factories import CLI, PASSWORD, World, make_world

NOW = datetime(2027, 1, 20, 4, 0, tzinfo=UTC)  # 2027-01-20 in Beijing
INCOME = LedgerKind.PUBLIC_INCOME


def add(world: World, day: str, direction: str, amount: str, category: str, ledger: LedgerKind = INCOME, **more: str) -> LedgerEntry:
    chair = world.committee
    return ledgers.add_entry(
        actor_for(chair),
        community_id=world.community.id,
        ledger=ledger,
        now=NOW,
        day=day,
        direction=direction,
        amount=amount,
        category=category,
        **more,
    )


def test_a_year_closes_into_a_statement_that_a_second_member_publishes(app: Flask) -> None:
    world = make_world()
    second = create_user(
        CLI, username="m2", display_name="委员", password=PASSWORD, role=Role.COMMITTEE_MEMBER, community_id=world.community.id
    )
    add(world, "2025-12-31", "income", "12,000.00", "opening")
    for month in (1, 2, 3):
        add(world, f"2026-{month:02d}-05", "income", "1500", "parking")
    add(world, "2026-06-01", "income", "800.00", "advertising")
    add(world, "2026-08-09", "expense", "2,345.67", "repairs")
    chair = world.committee
    first = ledgers.close_period(actor_for(chair), community_id=world.community.id, ledger=INCOME, now=NOW)
    assert first.period_start == date(2025, 1, 1) and first.closing_fen == 1_200_000
    st = ledgers.close_period(actor_for(chair), community_id=world.community.id, ledger=INCOME, now=NOW)
    assert (st.period_start, st.period_end) == (date(2026, 1, 1), date(2027, 1, 1))
    assert st.figures["opening_fen"] == 1_200_000 and st.figures["income_fen"] == {"advertising": 80_000, "parking": 450_000}
    assert st.closing_fen == 1_495_433
    db.session.rollback()
    notice = db.session.get(notices.Notice, st.notice_id)
    assert notice is not None and notice.kind is NoticeKind.STATEMENT and notice.state is NoticeState.PENDING
    assert "14,954.33" in notice.body
    notices.confirm_notice(actor_for(second), notice.id, now=NOW)
    # 2025's statement still waits for its second member; 2026's is published and meets its obligation.
    assert [(o.period.label, o.met) for o in ledgers.statement_obligations(world.community, now=NOW)] == [("2025", False), ("2026", True)]
    with pytest.raises(RuleViolation, match="has not ended"):
        ledgers.close_period(actor_for(chair), community_id=world.community.id, ledger=INCOME, now=NOW)


def test_a_locked_period_takes_no_entry_and_the_database_keeps_its_entries(app: Flask) -> None:
    world = make_world()
    entry = add(world, "2026-03-01", "income", "100", "parking")
    chair = world.committee
    ledgers.close_period(actor_for(chair), community_id=world.community.id, ledger=INCOME, now=NOW)
    with pytest.raises(RuleViolation, match="locked up to 2027-01-01") as refused:
        add(world, "2026-12-31", "income", "5", "parking")
    assert refused.value.field == "date"
    with pytest.raises(RuleViolation, match="locked period"):
        ledgers.delete_entry(actor_for(chair), entry.id, now=NOW)
    with pytest.raises(DatabaseError, match="immutable"), db.write() as s:
        s.execute(text("UPDATE ledger_entry SET amount_fen = 1"))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"amount": "12.345"}, "amount", "fractions of a fen"),
        ({"amount": "-5"}, "amount", "greater than zero"),
        ({"day": "2026/01/01"}, "date", "YYYY-MM-DD"),
        ({"category": "bribes"}, "category", "categories"),
        ({"direction": "gift"}, "direction", "income or expense"),
    ],
)
def test_bad_entries_name_the_field_and_write_nothing(app: Flask, fields: dict[str, str], field: str, message: str) -> None:
    world = make_world()
    values = {"day": "2026-01-01", "direction": "income", "amount": "10", "category": "parking", **fields}
    with pytest.raises(RuleViolation, match=message) as refused:
        add(world, values.pop("day"), values.pop("direction"), values.pop("amount"), values.pop("category"))
    assert refused.value.field == field
    assert db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == 0


def test_spending_the_fund_needs_a_decision_or_a_published_emergency(app: Flask) -> None:
    world = make_world()
    fund = LedgerKind.MAINTENANCE_FUND
    with pytest.raises(RuleViolation, match="assembly item") as refused:
        add(world, "2026-05-01", "expense", "3000", "repairs", ledger=fund)
    assert refused.value.field == "authorised_item"
    with pytest.raises(RuleViolation, match="No assembly item 999"):
        add(world, "2026-05-01", "expense", "3000", "repairs", ledger=fund, authorised_item="999")
    add(world, "2026-05-01", "expense", "3000", "repairs", ledger=fund, counterparty="电梯公司", emergency_reason="电梯困人，钢丝绳断股")
    (notice,) = notices.board(world.community.id)
    assert "紧急使用维修资金" in notice.title and "电梯困人" in (notice.body_html or "") and "3,000.00" in notice.body


def test_an_import_is_all_or_nothing_and_an_export_imports_again(app: Flask) -> None:
    world = make_world()
    chair = world.committee
    good = "date,direction,amount,category,counterparty\n2026-01-05,income,1500,parking,停车场\n2026-02-05,expense,200.5,repairs,五金店\n"
    bad = good + "2026-03-05,income,1.001,parking,\n2026-13-01,income,5,parking,\n"
    with pytest.raises(ledgers.LedgerImportError) as refused:
        ledgers.import_entries(
            actor_for(chair), community_id=world.community.id, ledger=INCOME, filename="a.csv", data=bad.encode(), now=NOW
        )
    assert len(refused.value.problems) == 2 and refused.value.problems[0].startswith("row 4, amount")
    assert db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == 0
    assert (
        ledgers.import_entries(
            actor_for(chair), community_id=world.community.id, ledger=INCOME, filename="a.csv", data=good.encode("gb18030"), now=NOW
        )
        == 2
    )
    exported = ledgers.export_csv(world.community.id, INCOME)
    other = world.other_community
    outsider = world.outsider
    with pytest.raises(PermissionDenied):
        ledgers.import_entries(
            actor_for(outsider), community_id=world.community.id, ledger=INCOME, filename="b.csv", data=exported.encode(), now=NOW
        )
    ledgers.import_entries(actor_for(outsider), community_id=other.id, ledger=INCOME, filename="b.csv", data=exported.encode(), now=NOW)
    assert ledgers.export_csv(other.id, INCOME) == exported


def test_an_ended_period_without_a_statement_is_overdue_a_month_after(app: Flask) -> None:
    world = make_world()
    add(world, "2025-06-01", "income", "100", "parking")
    due = ledgers.statement_obligations(world.community, now=datetime(2026, 1, 30, 4, tzinfo=UTC))
    assert [(o.period.label, o.due, o.overdue(date(2026, 1, 30))) for o in due] == [("2025", date(2026, 1, 30), False)]
    late = ledgers.statement_obligations(world.community, now=datetime(2026, 2, 1, 4, tzinfo=UTC))
    assert late[0].overdue(date(2026, 1, 31))
