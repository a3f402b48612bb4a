"""Forms of the committee's notice pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from .models import NoticeKind

KIND_LABELS = {
    "announcement": _l("Session announcement"),
    "decision": _l("Decision"),
    "result": _l("Voting result"),
    "election_slate": _l("Candidates"),
    "statement": _l("Accounts statement"),
    "order": _l("Street office order"),
    "general": _l("General notice"),
}
# What a committee writes by hand; announcements and results come from their sessions.
WRITABLE = (NoticeKind.GENERAL, NoticeKind.DECISION, NoticeKind.STATEMENT, NoticeKind.ELECTION_SLATE)


class NoticeForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, KIND_LABELS[k.value]) for k in WRITABLE])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(
        _l("Text"),
        validators=[DataRequired(), Length(max=50_000)],
        description=_l("Plain text; **bold**, lists (- item), headings (## Heading) and tables are kept."),
        render_kw={"rows": 12},
    )


class EditForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=50_000)], render_kw={"rows": 14})


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
    emergency_reason = TextAreaField(_l("Emergency use: the reason"), render_kw={"rows": 3})


class ImportForm(FlaskForm):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])


class AttachForm(FlaskForm):
    file = FileField(_l("PDF, PNG or JPEG, at most 10 MB"), validators=[FileRequired()])
