"""Ledgers: entries in fen, imports all-or-nothing, locked periods, statements, and what is due."""

from __future__ import annotations

import csv
import io
import re
import zipfile
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
from tests.factories import CLI, PASSWORD, World, decided_item, make_world

NOW = datetime(2027, 1, 20, 4, 0, tzinfo=UTC)  # 2027-01-20 in Beijing
INCOME = LedgerKind.PUBLIC_INCOME
SINCE = datetime(2025, 1, 1, 4, 0, tzinfo=UTC)  # when the rules of procedure's caps were recorded


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


def authorise(world: World, category: str, cap: str, *, other: bool = False) -> None:
    """The rules of procedure (a passed, certified item) let the committee spend ``category`` up to ``cap`` a year."""
    community, member = (world.other_community, world.outsider) if other else (world.community, world.committee)
    rules = decided_item(world, "cn.rules_of_procedure", community=community)
    ledgers.authorise(actor_for(member), community_id=community.id, category=category, cap=cap, item=str(rules), now=SINCE)


def test_a_year_closes_into_a_statement_that_a_second_member_publishes(app: Flask) -> None:
    world = make_world()
    authorise(world, "repairs", "5000")
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


def test_the_fund_is_never_spent_from_the_ledger_page(app: Flask) -> None:
    world = make_world()
    fund = LedgerKind.MAINTENANCE_FUND
    with pytest.raises(RuleViolation, match="fund project") as refused:
        add(world, "2026-05-01", "expense", "3000", "repairs", ledger=fund, authorised_item=str(decided_item(world, "cn.use_fund")))
    assert refused.value.field == "direction"
    with pytest.raises(RuleViolation, match="street office") as refused:
        add(world, "2026-05-01", "income", "3000", "deposits", ledger=fund, emergency_reason=".")
    assert refused.value.field == "emergency_reason"
    add(world, "2026-05-01", "income", "3000", "deposits", ledger=fund)
    assert db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == 1
    assert notices.board(world.community.id) == []


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        ({"matter": "cn.hire_manager"}, "not .*Other major matters"),
        ({"matter": "cn.other", "outcome": "rejected"}, "not passed: the owners rejected it"),
        ({"matter": "cn.other", "outcome": "no_quorum"}, "no quorum"),
        ({"matter": "cn.other", "verdict": None}, "not yet certified"),
        ({"matter": "cn.other", "verdict": "rejected"}, "rejected the result"),
        ({"matter": "cn.other", "revoked": True}, "revoked the decision"),
    ],
    ids=["wrong-matter", "rejected", "no-quorum", "uncertified", "office-rejected", "revoked"],
)
def test_public_income_spent_on_an_item_needs_it_passed_certified_and_standing(app: Flask, decision: dict, message: str) -> None:
    world = make_world()
    item = decided_item(world, **decision)
    with pytest.raises(RuleViolation, match=message) as refused:
        add(world, "2026-05-01", "expense", "99999999", "other", authorised_item=str(item))
    assert refused.value.field == "authorised_item"
    assert db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == 0


def test_public_income_needs_an_item_or_a_category_within_its_yearly_cap(app: Flask) -> None:
    world = make_world()
    with pytest.raises(RuleViolation, match="“Staff” has no such authorisation") as refused:
        add(world, "2026-05-01", "expense", "300000", "staff")
    assert refused.value.field == "authorised_item"
    with pytest.raises(RuleViolation, match="No assembly item 999"):
        add(world, "2026-05-01", "expense", "300000", "staff", authorised_item="999")
    elsewhere = decided_item(world, "cn.other", community=world.other_community)
    with pytest.raises(RuleViolation, match=f"No assembly item {elsewhere} in this community"):
        add(world, "2026-05-01", "expense", "300000", "staff", authorised_item=str(elsewhere))
    spent = add(world, "2026-05-01", "expense", "300000", "staff", authorised_item=str(decided_item(world, "cn.other")))
    assert spent.authorised_item_id is not None and spent.authorisation_id is None
    authorise(world, "staff", "10,000")
    under = add(world, "2026-05-02", "expense", "6000", "staff")
    assert under.authorisation_id is not None
    with pytest.raises(RuleViolation, match=r"4,000\.00 yuan of 10,000\.00 yuan are left for 2026") as refused:
        add(world, "2026-06-01", "expense", "5000", "staff")
    assert refused.value.field == "amount"
    add(world, "2026-06-01", "expense", "4000", "staff")
    add(world, "2027-01-05", "expense", "5000", "staff")  # a new year, a new cap
    (standing,) = ledgers.standing(world.community.id, today=date(2026, 7, 1))
    assert standing[0].category == "staff" and standing[1] == 1_000_000
    # A file is checked against the cap row by row: the row that goes over is named, nothing is written.
    rows = "date,direction,amount,category\n2027-01-10,expense,3000,staff\n2027-01-11,expense,3000,staff\n"
    with pytest.raises(ledgers.LedgerImportError) as refused_file:
        ledgers.import_entries(
            actor_for(world.committee), community_id=world.community.id, ledger=INCOME, filename="s.csv", data=rows.encode(), now=NOW
        )
    assert [p.split(":")[0] for p in refused_file.value.problems] == ["row 3, amount"]
    assert db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == 4


def test_a_standing_authorisation_cites_the_adopted_rules_of_procedure(app: Flask) -> None:
    world = make_world()
    chair = actor_for(world.committee)
    with pytest.raises(RuleViolation, match=r"not .*Rules of procedure") as refused:
        ledgers.authorise(
            chair, community_id=world.community.id, category="staff", cap="100", item=str(decided_item(world, "cn.other")), now=NOW
        )
    assert refused.value.field == "item"
    with pytest.raises(RuleViolation) as refused:
        ledgers.authorise(chair, community_id=world.community.id, category="parking", cap="100", item="1", now=NOW)
    assert refused.value.field == "category"
    with pytest.raises(PermissionDenied):
        ledgers.authorise(
            actor_for(world.outsider),
            community_id=world.community.id,
            category="staff",
            cap="100",
            item=str(decided_item(world, "cn.rules_of_procedure")),
            now=NOW,
        )
    authorise(world, "staff", "100")
    authorise(world, "staff", "200")  # replaces the first
    (standing,) = ledgers.standing(world.community.id, today=date(2026, 7, 1))
    assert standing[0].yearly_cap_fen == 20_000


def test_an_import_is_all_or_nothing_and_an_export_imports_again(app: Flask) -> None:
    world = make_world()
    authorise(world, "repairs", "1000")
    authorise(world, "repairs", "1000", other=True)
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


def test_an_export_never_hands_a_spreadsheet_a_formula_and_imports_back_as_typed(app: Flask) -> None:
    world = make_world()
    hostile = ['=HYPERLINK("http://evil.example","点此")', "@SUM(A1:A9)", "+cmd|' /C calc'!A0", "-2+3", "'=1"]
    for words in hostile:
        add(world, "2026-01-05", "income", "12.50", "parking", counterparty=words, note=words, voucher=words[:20])
    exported = ledgers.export_csv(world.community.id, INCOME)
    cells = [cell for row in csv.reader(io.StringIO(exported)) for cell in row]
    assert not [
        c for c in cells if c.startswith(("=", "+", "@", "\t", "\r")) or (c.startswith("-") and not c[1:].replace(".", "").isdigit())
    ]
    assert "12.50" in cells  # amounts stay numbers
    other = world.other_community
    ledgers.import_entries(
        actor_for(world.outsider), community_id=other.id, ledger=INCOME, filename="b.csv", data=exported.encode(), now=NOW
    )
    assert [e.counterparty for e in ledgers.entries(other.id, INCOME)] == hostile
    assert ledgers.export_csv(other.id, INCOME) == exported


CHINESE = "日期,收支,金额,类别,对方,凭证号,备注\n2026-01-05,收入,1500,停车费,停车场,P-001,一月\n2026-02-05,支出,200.50,维修,五金店,,\n"
ENGLISH = (
    "Date,Direction,Amount,Category,Counterparty,Voucher,Note\n"
    "2026-01-05,income,1500,parking,停车场,P-001,一月\n2026-02-05,expense,200.50,repairs,五金店,,\n"
)


@pytest.mark.parametrize("text", [CHINESE, ENGLISH], ids=["chinese", "english"])
def test_an_import_reads_chinese_or_english_headers(app: Flask, text: str) -> None:
    world = make_world()
    authorise(world, "repairs", "1000")
    count = ledgers.import_entries(
        actor_for(world.committee), community_id=world.community.id, ledger=INCOME, filename="账目.csv", data=text.encode(), now=NOW
    )
    assert count == 2
    got = [(e.direction.value, e.amount_fen, e.category, e.voucher) for e in ledgers.entries(world.community.id, INCOME)]
    assert got == [("income", 150_000, "parking", "P-001"), ("expense", 20_050, "repairs", "")]


def test_a_missing_column_is_named_in_both_languages(app: Flask) -> None:
    world = make_world()
    with pytest.raises(ledgers.LedgerImportError, match="日期"):
        ledgers.import_entries(
            actor_for(world.committee),
            community_id=world.community.id,
            ledger=INCOME,
            filename="a.csv",
            data="收支,金额,类别\n".encode(),
            now=NOW,
        )


def _xlsx_with_rows(rows: int) -> bytes:
    """A real workbook whose sheet then claims ``rows`` empty rows: a few KB compressed."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(list(ledgers.CSV_COLUMNS[:4]))
    plain = io.BytesIO()
    book.save(plain)
    sheet = "<row/>" * rows
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                # Without its dimension, a reader takes the sheet's rows as they come.
                data = re.sub(rb"<dimension [^>]*/>", b"", data).replace(b"</sheetData>", sheet.encode() + b"</sheetData>")
            target.writestr(member, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def test_an_import_refuses_more_rows_than_the_cap_and_never_holds_the_write_lock_to_read(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world()
    writes = []
    real_write = db.write
    monkeypatch.setattr(db, "write", lambda: (writes.append(1), real_write())[1])
    bomb = _xlsx_with_rows(500_000)
    assert len(bomb) < 20_000
    with pytest.raises(ledgers.LedgerImportError, match="20,000") as refused:
        ledgers.import_entries(
            actor_for(world.committee), community_id=world.community.id, ledger=INCOME, filename="a.xlsx", data=bomb, now=NOW
        )
    assert "20,000" in refused.value.problems[0] and writes == []
    many = "date,direction,amount,category\n" + "2026-01-05,income,1,parking\n" * 20_001
    with pytest.raises(ledgers.LedgerImportError, match="20,000"):
        ledgers.import_entries(
            actor_for(world.committee), community_id=world.community.id, ledger=INCOME, filename="a.csv", data=many.encode(), now=NOW
        )
    bad = "date,direction,amount,category\n2026-01-05,income,x,parking\n"
    with pytest.raises(ledgers.LedgerImportError, match="row 2"):
        ledgers.import_entries(
            actor_for(world.committee), community_id=world.community.id, ledger=INCOME, filename="a.csv", data=bad.encode(), now=NOW
        )
    assert writes == []  # a file that cannot be imported is read and refused outside any write transaction


def test_a_workbook_that_unpacks_too_large_is_refused_before_it_is_read(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from app import spreadsheets

    monkeypatch.setattr(spreadsheets, "MAX_XLSX_UNPACKED", 1024 * 1024)
    world = make_world()
    with pytest.raises(ledgers.LedgerImportError, match="more than 1 MB"):
        ledgers.import_entries(
            actor_for(world.committee),
            community_id=world.community.id,
            ledger=INCOME,
            filename="a.xlsx",
            data=_xlsx_with_rows(200_000),
            now=NOW,
        )
    with pytest.raises(ValueError, match="not a readable"):
        spreadsheets.check_xlsx_size(b"PK\x03\x04 not a zip")


def test_a_balance_brought_forward_is_refused_in_a_period_that_has_entries(app: Flask) -> None:
    world = make_world()
    add(world, "2026-03-01", "income", "100", "parking")
    with pytest.raises(RuleViolation, match="already has entries") as refused:
        add(world, "2026-07-01", "income", "12,000", "opening")
    assert refused.value.field == "category"
    add(world, "2025-12-31", "income", "12,000", "opening")  # the period before: the books' start
    with pytest.raises(RuleViolation, match="Choose one of the categories"):
        add(world, "2026-07-01", "income", "5", "")


@pytest.mark.parametrize("chunk", [7, 1 << 20])
def test_the_rows_of_a_workbook_are_counted_before_it_is_read(app: Flask, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    from app import spreadsheets

    monkeypatch.setattr(spreadsheets, "CHUNK", chunk)
    spreadsheets.check_xlsx_size(_xlsx_with_rows(99), max_rows=100)  # the header and 99 rows
    with pytest.raises(ValueError, match="more than 100 rows"):
        spreadsheets.check_xlsx_size(_xlsx_with_rows(100), max_rows=100)


def test_a_cap_is_the_categorys_for_the_year_whatever_authorisation_and_day_the_expense_names(app: Flask) -> None:
    world = make_world()
    authorise(world, "staff", "10,000")
    add(world, "2027-01-02", "expense", "10000", "staff")
    authorise(world, "staff", "10,000")  # recorded again: the year's spending stays counted
    with pytest.raises(RuleViolation, match=r"0\.00 yuan of 10,000\.00 yuan are left for 2027"):
        add(world, "2027-01-03", "expense", "1", "staff")
    with pytest.raises(RuleViolation, match="still to come") as refused:
        add(world, "2031-01-01", "expense", "10000", "staff")  # a year of its own, but the money would go out now
    assert refused.value.field == "date"
    with pytest.raises(RuleViolation, match="authorise “Staff” from 2025-01-01") as refused:
        add(world, "2024-12-31", "expense", "10", "staff")
    assert refused.value.field == "authorised_item"
    (standing,) = ledgers.standing(world.community.id, today=date(2027, 1, 20))
    assert standing[1] == 1_000_000
