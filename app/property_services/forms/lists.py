"""The forms of the satisfaction survey, the office's findings and the monthly lists."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..labels import STANDING_LABELS


class SurveyForm(FlaskForm):
    """Open this year's survey: its last day to answer."""

    closes_on = DateField(_l("Last day to answer"), validators=[DataRequired()], render_kw={"type": "date"})


class CompanyFindingForm(FlaskForm):
    text = TextAreaField(_l("What the office found"), validators=[DataRequired(), Length(max=5000)], render_kw={"rows": 5})
    found_on = DateField(_l("Day of the finding"), validators=[DataRequired()], render_kw={"type": "date"})


class ComputeListForm(FlaskForm):
    month = StringField(
        _l("Month"),
        validators=[DataRequired(), Length(max=7)],
        render_kw={"placeholder": "2026-11", "inputmode": "numeric", "pattern": r"[0-9]{4}-[0-9]{2}", "autocomplete": "off"},
    )


class StandingRowForm(Form):
    """One company's row of the month's list: the standing the office confirms and, if not the computed one, why."""

    company_id = HiddenField()
    standing = SelectField(_l("Standing"), choices=[SelectChoice(value, label) for value, label in STANDING_LABELS.items()])
    reason = TextAreaField(_l("The office's reason"), validators=[Optional(), Length(max=1000)], render_kw={"rows": 2})


class ConfirmListForm(FlaskForm):
    rows = FieldList(FormField(StandingRowForm), min_entries=0)
