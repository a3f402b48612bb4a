"""Forms of the fund's project pages; the services check the values and name the field of any problem."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional


class ProjectForm(FlaskForm):
    title = StringField(_l("Project"), validators=[DataRequired(), Length(max=200)], render_kw={"placeholder": "3 号楼电梯更新"})
    works = TextAreaField(_l("Works"), validators=[DataRequired(), Length(max=5000)], render_kw={"rows": 4})
    buildings = SelectMultipleField(
        _l("Buildings concerned"), coerce=int, option_widget=widgets.CheckboxInput(), widget=widgets.ListWidget(prefix_label=False)
    )
    units = TextAreaField(_l("Or the units concerned"), validators=[Optional()], render_kw={"rows": 2, "placeholder": "3-101, 3-102"})
    scope_label = StringField(_l("Name of the scope (optional)"), validators=[Optional(), Length(max=100)])
    contractor = StringField(_l("Contractor"), validators=[DataRequired(), Length(max=200)])
    budget = StringField(_l("Budget (yuan)"), validators=[DataRequired()], render_kw={"inputmode": "decimal", "placeholder": "480,000.00"})
    works_start = StringField(
        _l("Works start (planned)"), validators=[Optional()], render_kw={"placeholder": "2027-03-01", "inputmode": "numeric"}
    )
    works_end = StringField(
        _l("Works end (planned)"), validators=[Optional()], render_kw={"placeholder": "2027-05-31", "inputmode": "numeric"}
    )


class SessionChoiceForm(FlaskForm):
    session = SelectField(_l("Draft session"), coerce=int)


class DayForm(FlaskForm):
    day = StringField(_l("Date"), validators=[DataRequired()], render_kw={"placeholder": "2027-03-01", "inputmode": "numeric"})


class AcceptanceForm(FlaskForm):
    day = StringField(_l("Accepted on"), validators=[DataRequired()], render_kw={"placeholder": "2027-05-28", "inputmode": "numeric"})
    file = FileField(_l("Acceptance report (PDF, PNG or JPEG)"), validators=[FileRequired()])


class InvoiceForm(FlaskForm):
    day = StringField(_l("Date"), validators=[DataRequired()], render_kw={"placeholder": "2027-04-15", "inputmode": "numeric"})
    amount = StringField(_l("Amount (yuan)"), validators=[DataRequired()], render_kw={"inputmode": "decimal"})
    voucher = StringField(_l("Invoice number"), validators=[Optional(), Length(max=100)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    file = FileField(_l("Invoice scan (optional)"))


class DocumentForm(FlaskForm):
    kind = SelectField(
        _l("Document"),
        choices=[SelectChoice("quote", _l("Quote")), SelectChoice("contract", _l("Contract")), SelectChoice("other", _l("Other document"))],
    )
    file = FileField(_l("File (PDF, PNG or JPEG)"), validators=[FileRequired()])
