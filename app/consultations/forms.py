"""The consultation's forms: the committee's draft, the owner's answer from a letter or from the board."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FieldList, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..voting.forms import IdentityForm
from .services import MAX_OPTIONS


class ConsultationForm(FlaskForm):
    """The question, its explanation, up to ten option rows (blank rows are left out) and the last day to answer."""

    title = StringField(_l("Question"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Explanation (optional)"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 4})
    options = FieldList(
        StringField(_l("Option"), validators=[Optional(), Length(max=200)]), min_entries=MAX_OPTIONS, max_entries=MAX_OPTIONS
    )
    closes_on = DateField(_l("Last day to answer"), validators=[DataRequired()], render_kw={"type": "date"})

    # A refusal about the options as a whole (too few, too many), said above their rows.
    option_errors: list[str]


class AnswerForm(FlaskForm):
    """One option of the consultation; the choices are the consultation's, set by the page."""

    option = RadioField(_l("Your answer"), coerce=int, validators=[DataRequired(message=_l("Choose one of the options."))])


class BoardAnswerForm(IdentityForm):
    """From the public board: who answers (the register's identity check) and their answer."""

    option = RadioField(_l("Your answer"), coerce=int, validators=[DataRequired(message=_l("Choose one of the options."))])
