"""The owner's forms: the ID digits that open a letter, the ballot's CSRF token, a petition."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class DigitsForm(FlaskForm):
    digits = StringField(
        _l("Last four characters of your ID number"),
        validators=[DataRequired(), Length(min=4, max=8)],
        render_kw={"autocomplete": "off", "inputmode": "text", "autocapitalize": "characters", "maxlength": "8"},
    )


class BallotForm(FlaskForm):
    """The CSRF token of the ballot pages; the choices are fields named item-<id>, checked by the service."""


class PetitionForm(FlaskForm):
    title = StringField(_l("What the extraordinary session is for"), validators=[DataRequired(), Length(max=200)])
    items = TextAreaField(_l("The items you propose, one per line"), validators=[DataRequired(), Length(max=5000)], render_kw={"rows": 4})
