"""The owner's forms: the ID digits that open a letter, the ballot's CSRF token, a petition."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class DigitsForm(FlaskForm):
    """The ID digits; the service folds full-width forms and spaces and refuses (without counting) what is not four."""

    # A keyboard that offers X; the page asks for the numeric one where the digits on record cannot end in X.
    digits = StringField(
        _l("Last four characters of your ID number"),
        validators=[DataRequired(), Length(max=12)],
        render_kw={"autocomplete": "off", "inputmode": "text", "autocapitalize": "characters", "maxlength": "12"},
    )


class BallotForm(FlaskForm):
    """The CSRF token of the ballot pages; the choices are fields named item-<id>, checked by the service."""


class PetitionForm(FlaskForm):
    title = StringField(_l("What the extraordinary session is for"), validators=[DataRequired(), Length(max=200)])
    items = TextAreaField(_l("The items you propose, one per line"), validators=[DataRequired(), Length(max=5000)], render_kw={"rows": 4})


class IdentityForm(FlaskForm):
    """The register's identity check on the public board: the unit, the holder's name, the ID number's last four characters."""

    unit = StringField(_l("Your unit (e.g. 1-101)"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Your name, as on the register"), validators=[DataRequired(), Length(max=200)])
    id_last4 = StringField(
        _l("Last four characters of your ID number"),
        validators=[DataRequired(), Length(max=12)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "maxlength": "12"},
    )


class BoardPetitionForm(IdentityForm):
    """A petition started from the public board: what it is for, and who starts it."""

    title = StringField(_l("What the extraordinary session is for"), validators=[DataRequired(), Length(max=200)])
    items = TextAreaField(_l("The items you propose, one per line"), validators=[DataRequired(), Length(max=5000)], render_kw={"rows": 4})
