"""The meeting pages' forms: convening, the roll, a motion, a vote on paper, the minutes' notes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..formfields import kept_date
from .labels import CHOICE_LABELS


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    agenda = TextAreaField(_l("Agenda"), validators=[DataRequired(), Length(max=5000)], render_kw={"rows": 5})
    place = StringField(_l("Meeting place"), validators=[DataRequired(), Length(max=200)])
    starts_at = DateTimeLocalField(_l("Begins (Beijing time)"), validators=[DataRequired(), kept_date], format="%Y-%m-%dT%H:%M")


class MotionForm(FlaskForm):
    text = TextAreaField(_l("Motion put to the vote"), validators=[DataRequired(), Length(max=5000)], render_kw={"rows": 3})
    # The service checks the choice (a consultation of this community): the list is filled per page.
    consultation = SelectField(_l("Owners' consultation it follows"), choices=[], validate_choice=False)


def _choices() -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in CHOICE_LABELS.items()]


class VoteForm(FlaskForm):
    choice = HiddenField(validators=[DataRequired()])


class PaperVoteForm(FlaskForm):
    membership_id = SelectField(_l("Member"), coerce=int, validate_choice=False)
    choice = SelectField(_l("Vote"), choices=_choices())
    paper_reference = StringField(_l("Paper record (page or number)"), validators=[DataRequired(), Length(max=100)])


class AttendanceForm(FlaskForm):
    membership_id = HiddenField(validators=[DataRequired()])
    present = HiddenField(validators=[DataRequired()])


class MinutesForm(FlaskForm):
    notes = TextAreaField(_l("Notes of the discussion (optional)"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 5})


class CorrectionForm(FlaskForm):
    notes = TextAreaField(_l("What the correction changes, and why"), validators=[DataRequired(), Length(max=20000)], render_kw={"rows": 4})
