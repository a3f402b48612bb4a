"""Forms of the emergency pages: the committee's application, works done and publication; the office's answer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..labels import emergency_kind_label


class EmergencyForm(FlaskForm):
    kind = SelectField(_l("Kind of emergency"), choices=[], validators=[DataRequired()])
    works = TextAreaField(
        _l("Works"),
        validators=[DataRequired(), Length(max=5000)],
        description=_l("What is damaged, where, and what will be done."),
        render_kw={"rows": 5},
    )
    buildings = SelectMultipleField(_l("Whole buildings"), choices=[], widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    units = TextAreaField(
        _l("Or these units"),
        validators=[Length(max=5000)],
        description=_l("Units as the register names them, building-number, such as 1-101, 1-102; separated by commas or spaces."),
        render_kw={"rows": 2},
    )
    scope_label = StringField(
        _l("How the notice names them"),
        validators=[Length(max=200)],
        description=_l("Such as 2号楼 2单元; left empty, the buildings or units are listed."),
    )
    contractor = StringField(_l("Contractor"), validators=[Length(max=200)])
    estimate = StringField(_l("Estimate (yuan)"), validators=[DataRequired(), Length(max=30)], render_kw={"inputmode": "decimal"})

    def offer(self, kinds: tuple[str, ...], buildings: list[str]) -> EmergencyForm:
        self.kind.choices = [SelectChoice(k, emergency_kind_label(k)) for k in kinds]
        self.buildings.choices = [SelectChoice(b, b) for b in buildings]
        return self


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Answer"),
        choices=[SelectChoice("confirm", _l("Confirm the emergency use")), SelectChoice("refuse", _l("Refuse it"))],
        validators=[DataRequired()],
    )
    reason = TextAreaField(_l("Reasons"), validators=[Length(max=5000)], description=_l("Required when refusing; shown to the committee."))
    totp_code = StringField(
        _l("Code from your authenticator app"),
        validators=[DataRequired()],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
    )


class CompleteForm(FlaskForm):
    works_done_on = DateField(_l("Works done on"), validators=[DataRequired()])


class PublishForm(FlaskForm):
    acceptance_file = FileField(_l("Acceptance record (PDF, PNG or JPEG, optional)"))


class CostForm(FlaskForm):
    day = StringField(_l("Date"), validators=[DataRequired()], render_kw={"placeholder": "2027-04-15", "inputmode": "numeric"})
    amount = StringField(_l("Amount (yuan)"), validators=[DataRequired()], render_kw={"inputmode": "decimal"})
    voucher = StringField(_l("Invoice number"), validators=[Length(max=100)])
    note = StringField(_l("Note"), validators=[Length(max=500)])
