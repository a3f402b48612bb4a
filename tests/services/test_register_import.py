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


def names_of(number: str) -> list[str]:
    unit = db.session.execute(select(Unit).where(Unit.number == number)).scalar_one()
    return sorted(h.person.name for h in unit.holdings)


def test_a_title_row_above_the_header_is_skipped_and_rows_keep_their_numbers(app: Flask) -> None:
    world = make_world()
    data = "竹林苑业主名册（2026年11月更新）,,,\n".encode() + register_csv("1,101,89.50,,,,张伟,,,", "1,102,80,,,,李娜,,,")
    report = import_csv(world.community.id, data)
    assert report.created == 2
    with pytest.raises(services.RegisterRejected) as rejected:
        import_csv(world.community.id, "竹林苑业主名册\n\n".encode() + register_csv("1,103,abc,,,,王强,,,"))
    assert [str(e) for e in rejected.value.errors] == ['row 4, area: is not a number: "abc"']


def test_a_header_in_a_merged_title_xlsx_is_found(app: Flask) -> None:
    world = make_world()
    book = Workbook()
    sheet = book.active
    sheet.append(["竹林苑业主名册（2026年11月更新）"])
    sheet.merge_cells("A1:E1")
    sheet.append(["楼栋", "房号", "建筑面积（㎡）", "业主姓名"])
    sheet.append([1, 101, 89.5, "张伟"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert services.import_register_file(CLI, world.community.id, "名册.xlsx", buffer.getvalue()).created == 1


def test_without_a_header_in_the_first_rows_the_row_taken_and_its_lack_are_named(app: Flask) -> None:
    world = make_world()
    data = "竹林苑业主名册\n楼栋,房号,业主姓名\n1,101,张伟\n".encode()
    with pytest.raises(RegisterFileError) as refused:
        import_csv(world.community.id, data)
    message = str(refused.value)
    assert "first 10 rows" in message and "row 2" in message and "lacks the column(s): area (面积)" in message
    assert "building" not in message.split("lacks")[1]


@pytest.mark.parametrize(
    "names", ["李娜，王强", "李娜,王强", "李娜、王强", "李娜；王强", "李娜;王强", "李娜/王强", "李娜 王强", "李娜　王强", " 李娜 ， 王强 "]
)
def test_co_owners_separated_by_any_common_separator(app: Flask, names: str) -> None:
    world = make_world()
    import_csv(world.community.id, register_csv(f'1,101,89.50,,,,"{names}",,,'))
    assert names_of("101") == ["李娜", "王强"]


def test_a_padded_two_character_name_and_a_latin_name_stay_one_holder(app: Flask) -> None:
    world = make_world()
    import_csv(world.community.id, register_csv("1,101,89.50,,,,王　五,,,", "1,102,80,,,,John Smith,,,"))
    assert names_of("101") == ["王五"]
    assert names_of("102") == ["John Smith"]


@pytest.mark.parametrize(
    ("names", "ids", "expected"),
    [
        ("李娜，王强", "2345，3456", None),
        ("、，", "", 'row 2, holder names: "、，" names nobody'),
        ("李娜，王强", "2345", "row 2, ID last 4: gives 1 values for 2 holder(s)"),
        ("张伟", "12", 'row 2, ID last 4: "12" is not the last four characters'),
    ],
)
def test_a_filled_name_cell_is_never_called_empty(app: Flask, names: str, ids: str, expected: str | None) -> None:
    world = make_world()
    data = register_csv(f'1,101,89.50,,,,"{names}","{ids}",,')
    if expected is None:
        assert import_csv(world.community.id, data).created == 1
        return
    with pytest.raises(services.RegisterRejected) as rejected:
        import_csv(world.community.id, data)
    messages = [str(e) for e in rejected.value.errors]
    assert any(m.startswith(expected) for m in messages), messages
    assert not any("is empty" in m for m in messages), messages


@pytest.mark.parametrize("area", ["８９．５０", "89.50㎡", "89.50 m²", "89.50m2", "89.50平方米", "89.50 平米", " 89.5 ", "８９．５㎡"])
def test_areas_in_full_width_digits_or_with_their_unit_are_read_exactly(app: Flask, area: str) -> None:
    world = make_world()
    import_csv(world.community.id, register_csv(f"1,101,{area},,,,张伟,,,"))
    assert db.session.execute(select(Unit.area_centi).where(Unit.number == "101")).scalar_one() == 8950


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        ("89.505㎡", "89.505㎡ has more than two decimals"),
        ('"89,50"', 'is not a number: "89,50"'),
        ("89.50 亩", 'is not a number: "89.50 亩"'),
    ],
)
def test_an_area_that_only_looks_like_one_is_refused(app: Flask, area: str, expected: str) -> None:
    world = make_world()
    with pytest.raises(services.RegisterRejected) as rejected:
        import_csv(world.community.id, register_csv(f"1,101,{area},,,,张伟,,,"))
    assert [str(e) for e in rejected.value.errors] == [f"row 2, area: {expected}"]


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("1,101,89.50,,,,张\x00三,,,", "holder names"),
        ("1,10\x001,89.50,,,,张三,,,", "unit"),
        ("1,101,89.50,,,,张三,,138\x000000000,", "phone"),
        ("1,101,89.50,,住\x00宅,,张三,,,", "kind"),
    ],
)
def test_a_nul_character_in_a_cell_is_refused_naming_row_and_column(app: Flask, row: str, column: str) -> None:
    world = make_world()
    with pytest.raises(services.RegisterRejected) as rejected:
        import_csv(world.community.id, register_csv("1,102,80,,,,李娜,,,", row))
    assert [str(e) for e in rejected.value.errors] == [f"row 3, {column}: contains a NUL character"]
    assert count(Person) == 0


def test_a_nul_in_a_gb18030_text_file_is_refused(app: Flask) -> None:
    world = make_world()
    data = register_csv("1,101,89.50,,,,张\x00三,,,").decode().encode("gb18030")
    with pytest.raises(services.RegisterRejected):
        services.import_register_file(CLI, world.community.id, "r.txt", data)
    assert count(Person) == 0


def test_full_width_unit_numbers_and_stray_spaces_match_what_is_on_record(app: Flask) -> None:
    world = make_world()
    import_csv(world.community.id, register_csv("１,１－１０１,89.50,,,,\u3000张伟 ,,,", "1,1—102,80,,,,ＡＢＣ物业,,,"))
    assert sorted(db.session.execute(select(Unit.number)).scalars()) == ["1-101", "1-102"]
    assert names_of("1-101") == ["张伟"] and names_of("1-102") == ["ABC物业"]
    report = import_csv(world.community.id, register_csv("1,1-101,89.5,,,,张伟,,,", "1,1-102,80.00,,,,ABC物业,,,"))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)


def test_more_data_rows_than_the_ceiling_are_refused_whatever_the_setting(app: Flask) -> None:
    world = make_world()
    rows = [f"1,{n},50,,,,业主{n},," for n in range(1, 20_002)]
    with pytest.raises(RegisterFileError, match="more than 20000 rows"):
        services.check_register_file(CLI, world.community.id, "r.csv", register_csv(*rows), max_rows=50_000)
    assert count(Unit) == 0


def test_a_sheet_with_endless_blank_rows_is_refused_not_read_to_its_end(app: Flask) -> None:
    world = make_world()
    data = register_csv("1,101,89.50,,,,张伟,,,") + b",,,,,,,,,\n" * 60_000 + register_csv("1,102,80,,,,李娜,,,").split(b"\n", 1)[1]
    with pytest.raises(RegisterFileError, match="more than 50000 rows, counting empty ones"):
        services.check_register_file(CLI, world.community.id, "r.csv", data)


def test_a_workbook_of_endless_empty_rows_is_refused_before_openpyxl_reads_it(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    import zipfile

    book = Workbook()
    book.active.append(["楼栋", "房号", "面积"])
    plain = io.BytesIO()
    book.save(plain)
    bomb = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename.startswith("xl/worksheets/"):
                data = data.replace(b"</sheetData>", b"<row/>" * 60_000 + b"</sheetData>")
            target.writestr(member, data)

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl was asked to read the bomb")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    world = make_world()
    assert len(bomb.getvalue()) < 20_000
    with pytest.raises(RegisterFileError, match="50,000"):
        services.check_register_file(CLI, world.community.id, "r.xlsx", bomb.getvalue())
