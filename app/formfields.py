"""What the forms of several features share."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Field, Form, ValidationError

# The years a form's date may fall in: any later or earlier is a typing slip, and the first
# years cannot be turned into UTC at all (0001-01-01 00:00 in Beijing is before UTC's first instant).
FIRST_YEAR, LAST_YEAR = 1900, 9999


def kept_date(form: Form, field: Field) -> None:
    """A WTForms validator: the date is one this service keeps."""
    if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(str(_l("Give a date between the years %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)))
