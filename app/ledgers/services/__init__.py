"""The two ledgers of a community: entries typed, imported or booked by the fund; each period closed into its
statement; public income spent on an assembly item or within a standing authorisation's yearly cap."""

from ..files import CSV_COLUMNS, LedgerImportError
from .authorisations import SPENDING_CATEGORIES, authorise, end, standing
from .common import books_community, period_kind
from .entries import PUBLIC_INCOME_MATTERS, Books, EntryValues, add_entry, book, delete_entry, entries, export_csv, import_entries
from .statements import STATEMENT_DUE_DAYS, close_period, next_period, statement_obligations

__all__ = [
    "CSV_COLUMNS",
    "PUBLIC_INCOME_MATTERS",
    "SPENDING_CATEGORIES",
    "STATEMENT_DUE_DAYS",
    "Books",
    "EntryValues",
    "LedgerImportError",
    "add_entry",
    "authorise",
    "book",
    "books_community",
    "close_period",
    "delete_entry",
    "end",
    "entries",
    "export_csv",
    "import_entries",
    "next_period",
    "period_kind",
    "standing",
    "statement_obligations",
]
