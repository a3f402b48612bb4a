"""The negative list's entries as people read them, with the profile's limit in the text (RULES §5)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from ..domain.rules import NegativeEntry

NEGATIVE_LABELS: dict[str, LazyString] = {
    "fee_arrears": _l("Arrears of property fees for more than %(limit)d months"),
    "fund_arrears": _l("Arrears of maintenance fund contributions for more than %(limit)d months"),
    "unauthorised_construction": _l("Unauthorised construction or alteration of the building"),
    "records_withheld": _l("Withholding the committee's records, seals or property, or refusing to hand them over"),
    "office_for_gain": _l("Using the office for personal gain"),
    "absent_meetings": _l("Missing %(limit)d committee meetings in a row without good reason"),
}


def entry_label(entry: NegativeEntry) -> str:
    """The entry's label in the current language, its limit filled in; an entry without a label reads as its code."""
    label = NEGATIVE_LABELS.get(entry.code)
    if label is None:
        return entry.code
    return str(label) % {"limit": entry.limit} if entry.limit is not None else str(label)
