"""Reading the owner register (业主名册) from the committee's spreadsheet.

Parsing and row validation only: no database. Each problem is reported with
its row number (as the spreadsheet shows it) and the column, so the person
importing can fix the file and try again.
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

from ..domain.numbers import AreaError, parse_area
from .models import AreaSource, HoldingState, UnitKind

# Accepted headers for each column, English and Chinese, compared case-folded.
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
_SPLIT = re.compile(r"\s*[;；、|/]\s*")
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
        yield number, [c.strip() for c in cells]


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
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RegisterFileError(str(_l("The file is not a readable .xlsx workbook."))) from exc
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(v) for v in values]
    finally:
        workbook.close()


def _header_map(header: list[str]) -> dict[str, int]:
    lookup = {alias.casefold(): key for key, aliases in COLUMNS.items() for alias in aliases}
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        key = lookup.get(title.strip().casefold())
        if key is not None and key not in found:
            found[key] = index
    missing = [k for k in REQUIRED if k not in found]
    if missing:
        names = ", ".join(f"{COLUMN_LABELS[k]} ({COLUMNS[k][1]})" for k in missing)
        raise RegisterFileError(str(_l("The header row lacks the column(s): %(names)s", names=names)))
    return found


def parse_register(table: Iterable[tuple[int, list[str]]], *, max_rows: int = 50_000) -> ParsedRegister:
    """Validate every row; collect all errors rather than stop at the first."""
    result = ParsedRegister()
    rows = iter(table)
    try:
        _, header = next(rows)
    except StopIteration:
        raise RegisterFileError(str(_l("The file is empty."))) from None
    columns = _header_map(header)
    seen: dict[tuple[str, str], int] = {}
    count = 0
    for number, cells in rows:
        if not any(cells):
            continue
        count += 1
        if count > max_rows:
            raise RegisterFileError(str(_l("The file has more than %(n)d rows.", n=max_rows)))
        # Duplicates are found even among rows with other errors, so one upload shows every problem.
        key = (_cell(cells, columns, "building"), _cell(cells, columns, "unit"))
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


def _cell(cells: list[str], columns: dict[str, int], key: str) -> str:
    index = columns.get(key)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _parse_row(number: int, cells: list[str], columns: dict[str, int], errors: list[RowError]) -> RegisterRow | None:
    def cell(key: str) -> str:
        return _cell(cells, columns, key)

    before = len(errors)

    def error(column: str, message: Any) -> None:
        errors.append(RowError(number, column, str(message)))

    building, unit = cell("building"), cell("unit")
    if not building:
        error("building", _l("is empty"))
    if not unit:
        error("unit", _l("is empty"))
    elif len(unit) > 40:
        error("unit", _l("is longer than 40 characters"))

    area_centi = 0
    try:
        area_centi = parse_area(cell("area"))
    except AreaError as exc:
        error("area", _area_message(cell("area"), exc))

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

    holders = _parse_holders(cell("holders"), cell("id_last4"), cell("phone"), error)
    if not holders and state is not HoldingState.UNSOLD:
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
    name_list = [n for n in _SPLIT.split(names) if n] if names else []
    id_list = [i.upper() for i in _SPLIT.split(ids) if i] if ids else []
    phone_list = [p for p in _SPLIT.split(phones) if p] if phones else []
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
