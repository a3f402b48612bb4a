from __future__ import annotations

import io

import pytest
from flask import Flask
from openpyxl import Workbook
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.communities import services
from app.communities.models import Holding, HoldingState, Person, Unit
from app.communities.queries import community_roll
from app.communities.register import RegisterFileError
from app.db import db
from app.security.actor import actor_for
from app.security.permissions import PermissionDenied
from tests.factories import CLI, make_world, register_csv


def count(model: type) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def import_csv(community_id: int, data: bytes) -> services.ImportReport:
    return services.import_register_file(CLI, community_id, "register.csv", data)


GOOD = register_csv(
    "1,101,89.50,不动产登记,住宅,是,张伟,1234,13800000001,已交付",
    "1,102,120.00,测绘,住宅,是,李娜、王强,2345;3456,,已交付",
    "1,103,100.00,合同,住宅,是,兰亭置业有限公司,,,未售",
    "2,101,95.25,,,,张伟,1234,,",
    "2,P1,12.50,,车位,否,赵敏,0456,,",
    "2,102,80.00,,,,孙丽,9876,,未交付",
)


def test_import_creates_units_holders_and_the_roll(app: Flask) -> None:
    world = make_world()
    report = import_csv(world.community.id, GOOD)
    assert (report.created, report.updated, report.unchanged) == (6, 0, 0)
    roll = community_roll(world.community.id)
    # 张伟 (2 units), 李娜+王强, the developer (unsold + undelivered); the parking space does not vote.
    assert roll.total_heads == 3
    assert roll.total_area_centi == 8950 + 9525 + 12000 + 10000 + 8000
    developer = db.session.execute(select(Person).where(Person.is_developer)).scalar_one()
    assert developer.name == "兰亭置业有限公司"
    unit = db.session.execute(select(Unit).where(Unit.number == "P1")).scalar_one()
    assert unit.votes is False and unit.area_text == "12.50"


def test_import_records_one_audit_event_with_the_file_hash(app: Flask) -> None:
    world = make_world()
    import_csv(world.community.id, GOOD)
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "register.import")).scalar_one()
    assert event.community_id == world.community.id
    assert event.data["created"] == 6 and len(event.data["sha256"]) == 64


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("1,101,89.505,,,,张伟,,,", "row 2, area: 89.505 has more than two decimals"),
        ("1,101,0,,,,张伟,,,", "row 2, area: must be greater than zero"),
        ("1,101,-5,,,,张伟,,,", "row 2, area: must be greater than zero"),
        ("1,101,abc,,,,张伟,,,", 'row 2, area: is not a number: "abc"'),
        ("9,101,80,,,,张伟,,,", 'row 2, building: unknown building "9"'),
        ("1,101,80,,别墅,,张伟,,,", 'row 2, kind: unknown value "别墅"'),
        ("1,101,80,,,也许,张伟,,,", 'row 2, votes: unknown value "也许"'),
        ("1,101,80,,,,,,,", "row 2, holder names: is empty"),
        ("1,101,80,,,,张伟,12,,", 'row 2, ID last 4: "12" is not the last four characters'),
        ("1,101,80,,,,张伟、李娜,1234,,", "row 2, ID last 4: gives 1 values for 2 holder(s)"),
        ("1,,80,,,,张伟,,,", "row 2, unit: is empty"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(app: Flask, row: str, expected: str) -> None:
    world = make_world()
    data = register_csv("2,201,90.00,,,,钱多,,,", row)
    data = data.replace(b"2,201", b"2,201", 1)
    # the bad row is the second data row (row 3); renumber the expectation
    expected = expected.replace("row 2", "row 3")
    with pytest.raises(services.RegisterRejected) as rejected:
        import_csv(world.community.id, data)
    messages = [str(e) for e in rejected.value.errors]
    assert any(m.startswith(expected) for m in messages), messages
    assert count(Unit) == 0 and count(Person) == 0 and count(Holding) == 0


def test_duplicate_unit_numbers_name_both_rows(app: Flask) -> None:
    world = make_world()
    with pytest.raises(services.RegisterRejected) as rejected:
        import_csv(world.community.id, register_csv("1,101,80,,,,张伟,,,", "1,102,80,,,,李娜,,,", "1,101,90,,,,王强,,,"))
    assert [str(e) for e in rejected.value.errors] == ["row 4, unit: duplicate unit 1-101, first on row 2"]
    assert count(Unit) == 0


def test_every_bad_row_is_reported_not_only_the_first(app: Flask) -> None:
    world = make_world()
    with pytest.raises(services.RegisterRejected) as rejected:
        import_csv(world.community.id, register_csv("1,101,80.001,,,,张伟,,,", "1,102,80,,,,李娜,,,", "7,103,80,,,,王强,,,"))
    assert [(e.row, e.column) for e in rejected.value.errors] == [(2, "area"), (4, "building")]


def test_missing_required_column_is_one_clear_message(app: Flask) -> None:
    world = make_world()
    with pytest.raises(RegisterFileError, match="lacks the column"):
        import_csv(world.community.id, "楼栋,房号,业主姓名\n1,101,张伟\n".encode())


def test_reimport_updates_units_by_number_and_replaces_holders(app: Flask) -> None:
    world = make_world()
    import_csv(world.community.id, GOOD)
    changed = GOOD.replace("1,101,89.50,不动产登记,住宅,是,张伟".encode(), "1,101,90.00,不动产登记,住宅,是,周杰".encode())
    report = import_csv(world.community.id, changed + "1,104,70,,,,吴刚,,,\n".encode())
    assert (report.created, report.updated, report.unchanged) == (1, 1, 5)
    unit = db.session.execute(select(Unit).where(Unit.number == "101", Unit.area_centi == 9000)).scalar_one()
    assert [h.person.name for h in unit.holdings] == ["周杰"]
    assert count(Unit) == 7


def test_importing_the_same_file_twice_changes_nothing(app: Flask) -> None:
    world = make_world()
    import_csv(world.community.id, GOOD)
    report = import_csv(world.community.id, GOOD)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)


def test_xlsx_register_with_numeric_cells(app: Flask) -> None:
    world = make_world()
    book = Workbook()
    sheet = book.active
    sheet.append(["building", "unit", "area", "holder names", "ID last 4"])
    sheet.append([1, 101, 89.5, "张伟", 123])  # Excel dropped the leading zero of 0123
    sheet.append([1, 102, 120, "李娜", "4567"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = services.import_register_file(CLI, world.community.id, "名册.xlsx", buffer.getvalue())
    assert report.created == 2
    person = db.session.execute(select(Person).where(Person.name == "张伟")).scalar_one()
    assert person.id_last4 == "0123"
    assert db.session.execute(select(Unit.area_centi).where(Unit.number == "101")).scalar_one() == 8950


def test_gb18030_csv_from_excel_is_read(app: Flask) -> None:
    world = make_world()
    report = import_csv(world.community.id, register_csv("1,101,89.50,,,,张伟,,,").decode().encode("gb18030"))
    assert report.created == 1


def test_unsold_units_without_a_developer_name_are_refused(app: Flask) -> None:
    world = make_world()
    with pytest.raises(services.RegisterRejected) as rejected:
        import_csv(world.community.id, register_csv("1,101,89.50,,,,,,,未售"))
    assert rejected.value.errors[0].column == "holders"


def test_only_an_administrator_may_import(app: Flask) -> None:
    world = make_world()
    for user in (world.committee, world.official, world.outsider):
        with pytest.raises(PermissionDenied):
            services.import_register_file(actor_for(user), world.community.id, "r.csv", GOOD)
    assert count(Unit) == 0
    report = services.import_register_file(actor_for(world.admin), world.community.id, "r.csv", GOOD)
    assert report.created == 6


def test_holding_states_are_kept(app: Flask) -> None:
    world = make_world()
    import_csv(world.community.id, GOOD)
    states = dict(db.session.execute(select(Unit.number, Holding.state).join(Holding).where(Unit.number.in_(["103", "102"]))).all())
    assert HoldingState.UNSOLD in states.values()
