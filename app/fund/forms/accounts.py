"""Forms of the units' fund accounts: the committee's deposit file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class DepositFileForm(FlaskForm):
    """A deposit file; the service reads it, and names each bad row."""

    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])
