"""Forms of the committee's ledger pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length


class EntryForm(FlaskForm):
    """One ledger entry; the service checks the values and names the field of any problem."""

    day = StringField(_l("Date"), validators=[DataRequired()], render_kw={"placeholder": "2026-11-22", "inputmode": "numeric"})
    direction = SelectField(_l("Income or expense"), choices=[SelectChoice("income", _l("Income")), SelectChoice("expense", _l("Expense"))])
    amount = StringField(_l("Amount (yuan)"), validators=[DataRequired()], render_kw={"inputmode": "decimal", "placeholder": "1,234.56"})
    category = SelectField(_l("Category"))
    counterparty = StringField(_l("Paid by or to"), validators=[Length(max=200)])
    voucher = StringField(_l("Voucher number"), validators=[Length(max=100)])
    note = StringField(_l("Note"), validators=[Length(max=500)])
    authorised_item = StringField(_l("Approving assembly item (number)"), render_kw={"inputmode": "numeric"})


class ImportForm(FlaskForm):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])


class AuthorisationForm(FlaskForm):
    """A category of public-income spending the rules of procedure authorise, with its yearly cap."""

    category = SelectField(_l("Category"))
    cap = StringField(_l("Yearly cap (yuan)"), validators=[DataRequired()], render_kw={"inputmode": "decimal"})
    item = StringField(_l("Assembly item (number)"), validators=[DataRequired()], render_kw={"inputmode": "numeric"})
