"""Each unit's fund account: deposit files all-or-nothing and once, costs shared by area, and the books reconciled."""

from __future__ import annotations

import csv
import io
import secrets
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.communities import services as register
from app.db import db
from app.domain.errors import RuleViolation
from app.domain.ledger import LedgerKind
from app.fund.models.accounts import DepositImport, UnitDeposit
from app.fund.models.emergencies import EmergencyApplication
from app.fund.models.projects import FundProject
from app.fund.services import accounts, deposits
from app.ledgers import services as ledgers
from app.ledgers.models import EntryDirection, LedgerEntry
from app.security.actor import actor_for
from app.security.permissions import PermissionDenied
from tests.factories import CLI, World, make_world, register_csv

NOW = datetime(2027, 1, 20, 4, 0, tzinfo=UTC)
FUND = LedgerKind.MAINTENANCE_FUND
HEADER = "unit,date,amount,reference,payer\n"


def world_with_units() -> World:
    world = make_world()
    register.import_register_file(
        CLI,
        world.community.id,
        "r.csv",
        register_csv("1,101,89.50,,,,张伟,1234,,", "1,102,75.00,,,,李娜,2345,,", "2,101,120.25,,,,王芳,3456,,"),
    )
    return world


def deposits_file(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


def import_file(world: World, data: bytes, filename: str = "bank-2026-12.csv") -> DepositImport:
    return deposits.import_deposits(actor_for(world.committee), community_id=world.community.id, filename=filename, data=data, now=NOW)


def project(world: World, title: str = "1号楼屋面防水", scope: tuple[str, ...] = ("1-101", "1-102")) -> int:
    with db.write() as s:
        p = FundProject(
            public_id=secrets.token_urlsafe(9),
            community_id=world.community.id,
            title=title,
            works="屋面防水层翻新",
            scope=list(scope),
            scope_label="1号楼",
            contractor="某某防水公司",
            budget_fen=10_000_00,
        )
        s.add(p)
        s.flush()
        return p.id


def cost(world: World, fen: int, scope: tuple[str, ...], *, project_id: int | None = None, emergency_id: int | None = None) -> LedgerEntry:
    """A cost booked as the projects' and the emergencies' code books it, and shared in the same transaction."""
    with db.write() as s:
        community = s.get(type(world.community), world.community.id)
        assert community is not None
        entry = ledgers.book(
            s,
            actor_for(world.committee),
            community,
            FUND,
            day=date(2027, 1, 10),
            direction=EntryDirection.EXPENSE,
            fen=fen,
            category="repairs",
            voucher="INV-1",
            project_id=project_id,
            emergency_id=emergency_id,
            now=NOW,
        )
        shares = accounts.apportion_cost(s, community, entry, scope)
        assert sum(sh.amount_fen for sh in shares) == fen
        return entry


def count(model: type) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_deposit_file_is_written_whole_and_booked_as_one_income_entry(app: Flask) -> None:
    world = world_with_units()
    rows = ("1-101,2026-12-01,8950.00,B-1,张伟", "1-102,2026-12-03,7500,B-2,", "2-101,2026-12-02,12025.00,,")
    done = import_file(world, deposits_file(*rows))
    assert (done.rows, done.total_fen) == (3, 28_475_00)
    entry = db.session.get(LedgerEntry, done.ledger_entry_id)
    assert entry is not None
    assert (entry.ledger, entry.direction, entry.category, entry.amount_fen) == (FUND, EntryDirection.INCOME, "deposits", 28_475_00)
    assert entry.entry_date == date(2026, 12, 3) and entry.voucher == "bank-2026-12.csv"
    assert count(UnitDeposit) == 3
    assert [(a.unit, a.deposits_fen, a.balance_fen) for a in accounts.unit_accounts(world.community.id)] == [
        ("1-101", 8950_00, 8950_00),
        ("1-102", 7500_00, 7500_00),
        ("2-101", 12025_00, 12025_00),
    ]
    events = db.session.execute(select(AuditEvent.action).where(AuditEvent.action.in_(["fund.deposits_import", "ledger.add"]))).scalars()
    assert sorted(events) == ["fund.deposits_import", "ledger.add"]


def test_every_bad_row_is_named_and_nothing_is_written(app: Flask) -> None:
    world = world_with_units()
    data = deposits_file(
        "1-101,2026-12-01,100.00,,",
        "9-9-999,2026-12-01,100.00,,",
        "1-102,2026/12/01,100.00,,",
        "2-101,2026-12-01,12.345,,",
        ",2026-12-01,5,,",
    )
    with pytest.raises(deposits.DepositImportError) as caught:
        import_file(world, data)
    assert caught.value.problems == [
        "row 3, unit: no unit 9-9-999 in this community",
        "row 4, date: Write the date as YYYY-MM-DD.",
        "row 5, amount: 12.345 has fractions of a fen: at most two decimals.",
        "row 6, unit: Name the unit, as 3-101.",
    ]
    assert count(UnitDeposit) == count(DepositImport) == count(LedgerEntry) == 0


def test_a_file_already_imported_is_refused(app: Flask) -> None:
    world = world_with_units()
    data = deposits_file("1-101,2026-12-01,100.00,,")
    import_file(world, data)
    with pytest.raises(deposits.DepositImportError, match=r"imported already, as bank-2026-12\.csv"):
        import_file(world, data, filename="again.csv")
    assert count(UnitDeposit) == count(DepositImport) == count(LedgerEntry) == 1


def test_units_written_as_owners_write_them_and_chinese_headings_and_xlsx_are_read(app: Flask) -> None:
    world = world_with_units()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["房号", "日期", "金额（元）", "凭证号"])
    sheet.append(["１－１０１", "2026-12-01", "10.50", "V1"])
    sheet.append(["2—101", "2026-12-01", "1", ""])
    out = io.BytesIO()
    book.save(out)
    done = import_file(world, out.getvalue(), filename="deposits.xlsx")
    assert done.total_fen == 11_50
    assert {a.unit: a.deposits_fen for a in accounts.unit_accounts(world.community.id)} == {"1-101": 10_50, "1-102": 0, "2-101": 1_00}


def test_only_the_committee_imports(app: Flask) -> None:
    world = world_with_units()
    for user in (world.outsider, world.official, world.admin):
        with pytest.raises(PermissionDenied):
            deposits.import_deposits(actor_for(user), community_id=world.community.id, filename="f.csv", data=b"", now=NOW)


def test_a_cost_is_shared_by_area_and_a_scope_outside_the_register_is_refused(app: Flask) -> None:
    world = world_with_units()
    pid = project(world)
    cost(world, 1000, ("1-101", "1-102", "2-101"), project_id=pid)
    # 89.50 : 75.00 : 120.25, largest remainders: 314, 264, 422 (tests/domain/test_apportion.py).
    assert {a.unit: a.shares_fen for a in accounts.unit_accounts(world.community.id)} == {"1-101": 314, "1-102": 264, "2-101": 422}
    with pytest.raises(RuleViolation, match="No unit 9-101"), db.write() as s:
        community = s.get(type(world.community), world.community.id)
        assert community is not None
        entry = ledgers.book(
            s, actor_for(world.committee), community, FUND, day=date(2027, 1, 11), direction=EntryDirection.EXPENSE,
            fen=500, category="repairs", project_id=pid, now=NOW,
        )  # fmt: skip
        accounts.apportion_cost(s, community, entry, ["1-101", "9-101"])
    assert count(LedgerEntry) == 1  # the booking went back with the refusal


def test_the_unit_accounts_reconcile_with_the_ledger(app: Flask) -> None:
    world = world_with_units()
    import_file(world, deposits_file("1-101,2026-12-01,8950.00,,", "1-102,2026-12-01,7500.00,,", "2-101,2026-12-02,12025.00,,"))
    roof = project(world)
    with db.write() as s:
        emergency = EmergencyApplication(
            public_id=secrets.token_urlsafe(9),
            community_id=world.community.id,
            kind="elevator",
            works="电梯更换主板",
            scope=["2-101"],
            scope_label="2号楼",
            estimate_fen=3000_00,
            answer_due_at=NOW,
        )
        s.add(emergency)
        s.flush()
        emergency_id = emergency.id
    cost(world, 3_333_33, ("1-101", "1-102"), project_id=roof)
    cost(world, 2_000_00, ("2-101",), emergency_id=emergency_id)
    units = accounts.unit_accounts(world.community.id)
    r = accounts.reconciliation(world.community.id)
    assert r.agrees and r.differences == []
    assert r.deposits_fen == r.ledger_deposits_fen == sum(a.deposits_fen for a in units) == 28_475_00
    assert r.shares_fen == r.ledger_costs_fen == sum(a.shares_fen for a in units) == 5_333_33
    assert r.balance_fen == r.ledger_balance_fen == sum(a.balance_fen for a in units) == 23_141_67
    # One owner's units, with the project's title and the emergency's kind beside their shares.
    (one,) = accounts.account_of_units(world.community.id, ["2-101"])
    assert (one.deposits_fen, one.shares_fen, one.balance_fen) == (12025_00, 2000_00, 10025_00)
    assert [(sh.title, sh.emergency) for sh in one.shares] == [("elevator", True)]
    (first,) = accounts.account_of_units(world.community.id, ["1-101"])
    assert [sh.title for sh in first.shares] == ["1号楼屋面防水"] and first.shares[0].cost_fen == 3_333_33


def test_income_in_no_unit_account_and_a_cost_shared_by_none_are_reported(app: Flask) -> None:
    world = world_with_units()
    import_file(world, deposits_file("1-101,2026-12-01,100.00,,"))
    ledgers.add_entry(
        actor_for(world.committee),
        community_id=world.community.id,
        ledger=FUND,
        now=NOW,
        day="2026-12-31",
        direction="income",
        amount="3.21",
        category="interest",
        voucher="INT-2026",
    )
    pid = project(world)
    with db.write() as s:
        community = s.get(type(world.community), world.community.id)
        assert community is not None
        ledgers.book(
            s, actor_for(world.committee), community, FUND, day=date(2027, 1, 5), direction=EntryDirection.EXPENSE,
            fen=50_00, category="repairs", voucher="INV-9", project_id=pid, now=NOW,
        )  # fmt: skip
    r = accounts.reconciliation(world.community.id)
    assert not r.agrees
    assert [d.fen for d in r.differences] == [3_21, -50_00]
    assert "3.21" in r.differences[0].cause and "INT-2026" in r.differences[0].cause and "no deposit file" in r.differences[0].cause
    assert "INV-9" in r.differences[1].cause and "no units" in r.differences[1].cause
    assert r.ledger_costs_fen == 50_00 and r.shares_fen == 0
    # The differences add up to the gap between the ledger's balance and the units'.
    assert r.ledger_balance_fen - r.balance_fen == sum(d.fen for d in r.differences)


def test_the_exports_list_every_unit_in_order(app: Flask) -> None:
    world = world_with_units()
    import_file(world, deposits_file("2-101,2026-12-01,1200.00,,", "1-101,2026-12-01,0.05,,"))
    rows = list(csv.reader(io.StringIO(accounts.export_csv(world.community.id))))
    assert rows == [
        ["unit", "area", "deposits", "shares", "balance"],
        ["1-101", "89.50", "0.05", "0.00", "0.05"],
        ["1-102", "75.00", "0.00", "0.00", "0.00"],
        ["2-101", "120.25", "1200.00", "0.00", "1200.00"],
    ]
    sheet = load_workbook(io.BytesIO(accounts.export_xlsx(world.community.id))).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == ["unit", "area", "deposits", "shares", "balance"]
    assert values[3][0] == "2-101" and float(values[3][4]) == 1200.0


def test_the_same_deposits_saved_again_in_another_form_are_not_credited_twice(app: Flask) -> None:
    world = world_with_units()
    first = deposits_file("1-101,2026-12-01,8950.00,B-1,张伟", "1-102,2026-12-01,7500.00,,")
    import_file(world, first)
    resaved = b"\xef\xbb\xbf" + first.replace(b"\n", b"\r\n")  # a BOM and Windows line ends: other bytes, the same rows
    with pytest.raises(deposits.DepositImportError, match="booked already"):
        import_file(world, resaved, filename="bank-again.csv")
    with pytest.raises(deposits.DepositImportError) as refused:
        import_file(world, deposits_file("1-101,2026-12-01,8950.00,B-1,张伟", "1-102,2026-12-02,100.00,,"), filename="mixed.csv")
    assert refused.value.problems == ["row 2, reference: deposit B-1 of this unit on this day is booked already."]
    assert count(UnitDeposit) == 2
    import_file(world, deposits_file("1-102,2026-12-01,7500.00,,", "1-101,2026-12-02,100.00,B-9,"), filename="next.csv")
    assert count(UnitDeposit) == 4  # an unnumbered deposit like an earlier one may be a second payment
