"""Limits every spreadsheet import keeps, checked before a file is parsed or any write begins.

An XLSX file is a zip: a few kilobytes can unpack into a sheet of hundreds
of thousands of rows that openpyxl would read, in memory, row after row. The
unpacked sizes stand in the zip's directory and bound what reading can
return, so they are checked before openpyxl opens the file; the rows read
are then counted, and reading stops at the cap.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

MAX_ROWS = 20_000  # rows of one import, the header and blank rows included
MAX_XLSX_UNPACKED = 16 * 1024 * 1024  # the workbook's members together, unpacked
CHUNK = 1 << 20  # bytes of a sheet unpacked at a time while its rows are counted
_ROW = re.compile(rb"<(?:\w+:)?row[\s/>]")


def check_xlsx_size(data: bytes, max_rows: int | None = None) -> None:
    """Raise ValueError, saying why, if the workbook would unpack to more than MAX_XLSX_UNPACKED bytes
    or a sheet holds more than ``max_rows`` (MAX_ROWS) rows; the sheets are counted as they unpack, never kept."""
    max_rows = MAX_ROWS if max_rows is None else max_rows
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > MAX_XLSX_UNPACKED:
                mb = MAX_XLSX_UNPACKED // (1024 * 1024)
                raise ValueError(
                    str(_l("The workbook unpacks to more than %(mb)d MB; save it as CSV, or split it into smaller files.", mb=mb))
                )
            sheets = [m for m in members if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")]
            if any(_rows_in(archive, sheet) > max_rows for sheet in sheets):
                raise ValueError(too_many_rows(max_rows))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise ValueError(str(_l("The file is not a readable .xlsx workbook."))) from exc


def _rows_in(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> int:
    count, tail = 0, b""
    with archive.open(member) as sheet:
        while chunk := sheet.read(CHUNK):
            text = tail + chunk
            count += len(_ROW.findall(text))
            # A tag cut by the chunk's end is counted with the next chunk, never twice.
            cut = text.rfind(b"<", max(0, len(text) - 16))
            tail = text[cut:] if cut != -1 and not _ROW.match(text, cut) else b""
    return count


def too_many_rows(max_rows: int | None = None) -> str:
    """The refusal of a file with more rows than an import takes, naming the limit."""
    limit = MAX_ROWS if max_rows is None else max_rows
    return str(_l("The file has more than %(max)s rows; split it into smaller files.", max=format_decimal(limit)))


def capped(rows: Iterable[tuple[int, list[str]]], max_rows: int | None = None) -> Iterator[tuple[int, list[str]]]:
    """The rows as read, raising ValueError, naming the limit, once more than ``max_rows`` (MAX_ROWS) have come."""
    max_rows = MAX_ROWS if max_rows is None else max_rows
    for count, row in enumerate(rows, start=1):
        if count > max_rows:
            raise ValueError(too_many_rows(max_rows))
        yield row
