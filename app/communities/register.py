"""Reading the owner register (业主名册) from the committee's spreadsheet.

Parsing and row validation only: no database. Each problem is reported with
its row number (as the spreadsheet shows it) and the column, so the person
importing can fix the file and try again. The header is looked for among
the first rows (a committee's sheet often has a title above it); cells are read
through ``domain.register_text`` (full-width forms, separators, units).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zipfile import BadZipFile

from flask_babel import lazy_gettext as _l

from ..domain.numbers import AreaError
from ..domain.register_text import (
    control_character,
    header_key,
    normalise,
    read_area,
    split_names,
    split_phones,
    split_values,
    unit_number,
)
from ..spreadsheets import check_xlsx_size
from .models import AreaSource, HoldingState, UnitKind

# Accepted headers for each column, English and Chinese, compared as ``header_key`` folds them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "building": ("building", "楼栋", "楼号", "楼宇"),
    "unit": ("unit", "房号", "房间号", "单元号", "户号"),
    "area": ("area", "面积", "建筑面积", "专有面积"),
    "area_source": ("area source", "area_source", "面积来源"),
    "kind": ("kind", "类型", "用途", "房屋类型"),
    "votes": ("votes", "计入表决", "参与表决", "表决权"),
    "holders": ("holder names", "holders", "holder", "业主姓名", "业主", "产权人"),
    "id_last4": ("id last 4", "id_last4", "身份证后四位", "证件后四位"),
    "phone": ("phone", "电话", "联系电话", "手机"),
    "state": ("state", "状态", "交付状态"),
}
REQUIRED = ("building", "unit", "area")
# The header is the first of this many rows that names every required column.
HEADER_SEARCH_ROWS = 10
# Ceilings whatever the configuration says: rows holding data, and rows read at all (empty ones too).
MAX_DATA_ROWS = 20_000
MAX_SHEET_ROWS = 50_000
# Columns read from each row; a register has ten.
MAX_COLUMNS = 100

COLUMN_LABELS = {
    "building": _l("building"),
    "unit": _l("unit"),
    "area": _l("area"),
    "area_source": _l("area source"),
    "kind": _l("kind"),
    "votes": _l("votes"),
    "holders": _l("holder names"),
    "id_last4": _l("ID last 4"),
    "phone": _l("phone"),
    "state": _l("state"),
}

_AREA_SOURCES = {
    "registry": AreaSource.REGISTRY,
    "不动产登记": AreaSource.REGISTRY,
    "登记": AreaSource.REGISTRY,
    "产权证": AreaSource.REGISTRY,
    "survey": AreaSource.SURVEY,
    "测绘": AreaSource.SURVEY,
    "实测": AreaSource.SURVEY,
    "contract": AreaSource.CONTRACT,
    "合同": AreaSource.CONTRACT,
    "预售合同": AreaSource.CONTRACT,
}
_KINDS = {
    "residential": UnitKind.RESIDENTIAL,
    "住宅": UnitKind.RESIDENTIAL,
    "commercial": UnitKind.COMMERCIAL,
    "商业": UnitKind.COMMERCIAL,
    "商铺": UnitKind.COMMERCIAL,
    "parking": UnitKind.PARKING,
    "车位": UnitKind.PARKING,
    "车库": UnitKind.PARKING,
    "storage": UnitKind.STORAGE,
    "储藏室": UnitKind.STORAGE,
    "杂物间": UnitKind.STORAGE,
    "other": UnitKind.OTHER,
    "其他": UnitKind.OTHER,
}
_YES = {"yes", "y", "true", "1", "是", "计入"}
_NO = {"no", "n", "false", "0", "否", "不计入"}
_STATES = {
    "delivered": HoldingState.DELIVERED,
    "已交付": HoldingState.DELIVERED,
    "交付": HoldingState.DELIVERED,
    "undelivered": HoldingState.UNDELIVERED,
    "未交付": HoldingState.UNDELIVERED,
    "已售未交付": HoldingState.UNDELIVERED,
    "unsold": HoldingState.UNSOLD,
    "未售": HoldingState.UNSOLD,
    "未出售": HoldingState.UNSOLD,
}
_ID_LAST4 = re.compile(r"^[0-9]{3}[0-9X]$")
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,28}$")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        label = COLUMN_LABELS.get(self.column, self.column)
        return str(_l("row %(row)d, %(column)s: %(message)s", row=self.row, column=label, message=self.message))


@dataclass(frozen=True)
class Holder:
    name: str
    id_last4: str | None
    phone: str | None


@dataclass(frozen=True)
class RegisterRow:
    row: int
    building: str
    unit: str
    area_centi: int
    area_source: AreaSource
    kind: UnitKind
    votes: bool
    holders: tuple[Holder, ...]
    state: HoldingState


@dataclass
class ParsedRegister:
    rows: list[RegisterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Rows below the header that hold anything (title, header and empty rows are not counted).
    data_rows: int = 0
    # Row number -> "building-unit" as written, for every data row (to name a row that has problems).
    labels: dict[int, str] = field(default_factory=dict)


class RegisterFileError(ValueError):
    """The file as a whole cannot be read (format, encoding, headers)."""


def read_table(filename: str, data: bytes) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, cells as text) from a CSV or XLSX file, header row first."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        yield from _read_xlsx(data)
    elif name.endswith(".csv") or name.endswith(".txt"):
        yield from _read_csv(data)
    else:
        raise RegisterFileError(str(_l("Upload a .csv or .xlsx file.")))


def _read_csv(data: bytes) -> Iterator[tuple[int, list[str]]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise RegisterFileError(str(_l("The file is neither UTF-8 nor GB18030 text.")))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        yield number, [c.strip() for c in cells[:MAX_COLUMNS]]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        # Spreadsheets store 89.5 as a float; its shortest repr is the typed text.
        return format(Decimal(repr(value)).normalize(), "f") if not value.is_integer() else str(int(value))
    return str(value).strip()


def _read_xlsx(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # A few kilobytes of zip can unpack to an endless sheet: bounded before openpyxl reads a byte of it.
        check_xlsx_size(data, MAX_SHEET_ROWS)
    except ValueError as exc:
        raise RegisterFileError(str(exc)) from exc
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RegisterFileError(str(_l("The file is not a readable .xlsx workbook."))) from exc
    try:
        sheet = workbook.worksheets[0]
        # read_only streams the sheet row by row; parse_register stops at MAX_SHEET_ROWS.
        for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            yield number, [_cell_text(v) for v in values]
    finally:
        workbook.close()


_HEADER_LOOKUP = {header_key(alias): key for key, aliases in COLUMNS.items() for alias in aliases}


def _header_columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        key = _HEADER_LOOKUP.get(header_key(title))
        if key is not None and key not in found:
            found[key] = index
    return found


def _missing_names(found: dict[str, int]) -> str:
    return ", ".join(f"{COLUMN_LABELS[k]} ({COLUMNS[k][1]})" for k in REQUIRED if k not in found)


def _find_header(rows: Iterator[tuple[int, list[str]]]) -> tuple[int, dict[str, int]]:
    """The first of the first rows that names every required column: (its number, column -> index)."""
    candidates: list[tuple[int, dict[str, int]]] = []
    for number, cells in rows:
        found = _header_columns(cells)
        if all(k in found for k in REQUIRED):
            return number, found
        if any(cells):
            candidates.append((number, found))
        if number >= HEADER_SEARCH_ROWS:
            break
    if not candidates:
        raise RegisterFileError(str(_l("The file is empty.")))
    # The row that comes closest (the earliest of equals) is named as the one taken.
    number, found = max(candidates, key=lambda c: (len(c[1]), -c[0]))
    raise RegisterFileError(
        str(
            _l(
                "None of the first %(n)d rows names the columns building, unit and area: "
                "row %(row)d was taken as the header, and the header row lacks the column(s): %(names)s",
                n=HEADER_SEARCH_ROWS,
                row=number,
                names=_missing_names(found),
            )
        )
    )


def parse_register(table: Iterable[tuple[int, list[str]]], *, max_rows: int = MAX_DATA_ROWS) -> ParsedRegister:
    """Validate every row; collect all errors rather than stop at the first."""
    result = ParsedRegister()
    rows = iter(table)
    _, columns = _find_header(rows)
    limit = min(max_rows, MAX_DATA_ROWS)
    seen: dict[tuple[str, str], int] = {}
    for number, cells in rows:
        if number > MAX_SHEET_ROWS:
            message = _l(
                "The sheet runs to more than %(n)d rows, counting empty ones: delete the empty rows below the register.", n=MAX_SHEET_ROWS
            )
            raise RegisterFileError(str(message))
        if not any(cells):
            continue
        result.data_rows += 1
        if result.data_rows > limit:
            raise RegisterFileError(str(_l("The file has more than %(n)d rows.", n=limit)))
        if _refuse_controls(number, cells, columns, result.errors):
            continue
        # Duplicates are found even among rows with other errors, so one upload shows every problem.
        key = (unit_number(_cell(cells, columns, "building")), unit_number(_cell(cells, columns, "unit")))
        result.labels[number] = "-".join(key)
        duplicate_of = seen.get(key) if all(key) else None
        if all(key) and duplicate_of is None:
            seen[key] = number
        row = _parse_row(number, cells, columns, result.errors)
        if duplicate_of is not None:
            message = _l("duplicate unit %(unit)s, first on row %(first)d", unit=f"{key[0]}-{key[1]}", first=duplicate_of)
            result.errors.append(RowError(number, "unit", str(message)))
        elif row is not None:
            result.rows.append(row)
    return result


def _refuse_controls(number: int, cells: list[str], columns: dict[str, int], errors: list[RowError]) -> bool:
    """A NUL or other control character in a cell that is read: the row is refused, naming each such cell."""
    found = False
    for key in columns:
        char = control_character(_cell(cells, columns, key))
        if char is None:
            continue
        found = True
        if char == "\x00":
            message = _l("contains a NUL character")
        else:
            message = _l("contains the control character U+%(code)s", code=f"{ord(char):04X}")
        errors.append(RowError(number, key, str(message)))
    return found


def _cell(cells: list[str], columns: dict[str, int], key: str) -> str:
    index = columns.get(key)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _parse_row(number: int, cells: list[str], columns: dict[str, int], errors: list[RowError]) -> RegisterRow | None:
    def raw(key: str) -> str:
        return _cell(cells, columns, key)

    def cell(key: str) -> str:
        return normalise(raw(key))

    before = len(errors)

    def error(column: str, message: Any) -> None:
        errors.append(RowError(number, column, str(message)))

    building, unit = unit_number(cell("building")), unit_number(cell("unit"))
    if not building:
        error("building", _l("is empty"))
    elif len(building) > 40:
        error("building", _l("is longer than 40 characters"))
    if not unit:
        error("unit", _l("is empty"))
    elif len(unit) > 40:
        error("unit", _l("is longer than 40 characters"))

    area_centi = 0
    try:
        area_centi = read_area(cell("area"))
    except AreaError as exc:
        error("area", _area_message(raw("area"), exc))

    source_text = cell("area_source").casefold()
    area_source = _AREA_SOURCES.get(source_text, AreaSource.REGISTRY if not source_text else None)
    if area_source is None:
        error("area_source", _l('unknown value "%(value)s" (use registry, survey or contract)', value=cell("area_source")))

    kind_text = cell("kind").casefold()
    kind = _KINDS.get(kind_text, UnitKind.RESIDENTIAL if not kind_text else None)
    if kind is None:
        error("kind", _l('unknown value "%(value)s" (use residential, commercial, parking, storage or other)', value=cell("kind")))

    votes_text = cell("votes").casefold()
    votes: bool | None = True if not votes_text else (True if votes_text in _YES else False if votes_text in _NO else None)
    if votes is None:
        error("votes", _l('unknown value "%(value)s" (use yes or no)', value=cell("votes")))

    state_text = cell("state").casefold()
    state = _STATES.get(state_text, HoldingState.DELIVERED if not state_text else None)
    if state is None:
        error("state", _l('unknown value "%(value)s" (use delivered, undelivered or unsold)', value=cell("state")))

    holders = _parse_holders(raw("holders"), raw("id_last4"), raw("phone"), error)
    if not raw("holders") and state is not HoldingState.UNSOLD:
        error("holders", _l("is empty: name the owner(s), or mark the unit unsold"))

    if len(errors) > before:
        return None
    assert area_source is not None and kind is not None and votes is not None and state is not None
    return RegisterRow(number, building, unit, area_centi, area_source, kind, votes, holders, state)


def _area_message(text: str, exc: AreaError) -> Any:
    message = str(exc)
    if "more than two decimals" in message:
        return _l("%(value)s has more than two decimals", value=text)
    if "negative" in message or "greater than zero" in message:
        return _l("must be greater than zero (got %(value)s)", value=text or "0")
    return _l('is not a number: "%(value)s"', value=text)


def _parse_holders(names: str, ids: str, phones: str, error: Any) -> tuple[Holder, ...]:
    """The holders of one row, from the cells as written; a filled cell that yields nothing is named as such, never as empty."""
    name_list = split_names(names)
    id_list = [i.upper() for i in split_values(ids)]
    phone_list = split_phones(phones)
    if names and not name_list:
        error("holders", _l('"%(value)s" names nobody: write the owners\' names, separated by 、', value=names))
        return ()
    for column, text, values in (("id_last4", ids, id_list), ("phone", phones, phone_list)):
        if text and not values:
            error(column, _l('"%(value)s" holds no value', value=text))
            return ()
    if id_list and len(id_list) != len(name_list):
        error("id_last4", _l("gives %(n)d values for %(m)d holder(s)", n=len(id_list), m=len(name_list)))
        return ()
    if phone_list and len(phone_list) != len(name_list):
        error("phone", _l("gives %(n)d values for %(m)d holder(s)", n=len(phone_list), m=len(name_list)))
        return ()
    if len(set(name_list)) != len(name_list) and not id_list:
        error("holders", _l("names the same holder twice"))
        return ()
    holders = []
    for i, name in enumerate(name_list):
        last4 = id_list[i] if id_list else None
        if last4 is not None and len(last4) == 3 and last4.isdigit():
            last4 = "0" + last4  # a spreadsheet that read 0123 as a number
        phone = phone_list[i] if phone_list else None
        if len(name) > 200:
            error("holders", _l("a name is longer than 200 characters"))
            return ()
        if last4 is not None and not _ID_LAST4.match(last4):
            error("id_last4", _l('"%(value)s" is not the last four characters of an ID number', value=last4))
            return ()
        if phone is not None and not _PHONE.match(phone):
            error("phone", _l('"%(value)s" is not a phone number', value=phone))
            return ()
        holders.append(Holder(name, last4, phone))
    return tuple(holders)
