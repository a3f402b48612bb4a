"""The ledgers' file format: the columns of an import, in English or Chinese, and the CSV of an export.

Reading a file touches no database: the rows are read, capped and turned into
raw fields here, before the import's write transaction begins.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..communities.register import RegisterFileError, read_table
from ..csvsafe import safe_cell, unsafe_cell
from ..notices.labels import CATEGORIES, DIRECTION_LABELS
from ..spreadsheets import capped, check_xlsx_size

CSV_COLUMNS = ("date", "direction", "amount", "category", "counterparty", "voucher", "note", "authorised_item", "emergency_reason")
REQUIRED = CSV_COLUMNS[:4]
# The Chinese headings the import page names beside the English ones.
CHINESE_HEADINGS = {
    "date": ("日期",),
    "direction": ("收支", "方向"),
    "amount": ("金额", "金额（元）", "金额(元)"),
    "category": ("类别",),
    "counterparty": ("对方",),
    "voucher": ("凭证号",),
    "note": ("备注",),
    "authorised_item": ("批准议题",),
    "emergency_reason": ("紧急使用理由",),
}
_HEADINGS = {c: c for c in CSV_COLUMNS} | {alias: c for c, aliases in CHINESE_HEADINGS.items() for alias in aliases}


class LedgerImportError(ValueError):
    """Rows of an import that cannot be written; nothing was."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class RawRow:
    number: int  # the row's number in the file, the header being 1
    fields: dict[str, str]  # every column of CSV_COLUMNS, "" when absent


def _words(labels: dict[str, object]) -> dict[str, str]:
    """Each value's key, English label and Chinese label, casefolded, to the key."""
    found = {key.casefold(): key for key in labels}
    for locale in ("en", "zh_CN"):
        with force_locale(locale):
            found |= {str(label).strip().casefold(): key for key, label in labels.items()}
    return found


def read_rows(filename: str, data: bytes) -> list[RawRow]:
    """The file's rows as raw fields, Chinese directions and categories read as their keys; blank rows skipped."""
    try:
        if filename.lower().endswith(".xlsx"):
            check_xlsx_size(data)
        table = list(capped(read_table(filename, data)))
    except RegisterFileError as exc:
        raise LedgerImportError([str(exc)]) from None
    except ValueError as exc:
        raise LedgerImportError([str(exc)]) from None
    if not table:
        raise LedgerImportError([str(_l("The file is empty."))])
    header = [_HEADINGS.get(h.strip().lstrip("\ufeff").casefold(), "") for h in table[0][1]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        column = f"{missing[0]} ({CHINESE_HEADINGS[missing[0]][0]})"
        raise LedgerImportError([str(_l("Missing column: %(column)s", column=column))])
    index = {c: header.index(c) for c in CSV_COLUMNS if c in header}
    directions, categories = _words(DIRECTION_LABELS), _words(CATEGORIES)
    rows = []
    for number, cells in table[1:]:
        if not any(cells):
            continue
        fields = {c: unsafe_cell(cells[i]) if i < len(cells) else "" for c, i in index.items()}
        fields = {c: fields.get(c, "") for c in CSV_COLUMNS}
        fields["direction"] = directions.get(fields["direction"].strip().casefold(), fields["direction"])
        fields["category"] = categories.get(fields["category"].strip().casefold(), fields["category"])
        rows.append(RawRow(number, fields))
    return rows


def write_csv(rows: Iterable[Sequence[object]]) -> str:
    """The export: the import's own columns, every cell as a spreadsheet shows it, never a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
