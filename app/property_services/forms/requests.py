"""The requests' forms: the owner's request from the letter or the board, the rating, the company's steps, the
office's judgement. The kinds and the letter's units are the community's, set by the page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ...voting.forms import IdentityForm
from ..labels import RATINGS, REQUEST_CATEGORIES
from ..services.request_filing import MAX_PHOTOS
from ..services.requests import MAX_COMMENT, MAX_NOTE, MAX_TEXT


def _category() -> RadioField:
    return RadioField(
        _l("Complaint or repair"),
        choices=[SelectChoice(code, label) for code, label in REQUEST_CATEGORIES.items()],
        default="repair",
        validators=[DataRequired(message=_l("Choose a complaint or a repair request."))],
    )


def _kind() -> SelectField:
    return SelectField(_l("What it is about"), validators=[DataRequired(message=_l("Choose one of the kinds."))])


def _text() -> TextAreaField:
    return TextAreaField(
        _l("What happened, and where"), validators=[DataRequired(), Length(max=MAX_TEXT)], render_kw={"rows": 5, "maxlength": str(MAX_TEXT)}
    )


def _phone() -> StringField:
    return StringField(
        _l("Phone for the company's answer (optional)"),
        validators=[Optional(), Length(max=30)],
        render_kw={"inputmode": "tel", "autocomplete": "tel", "maxlength": "30"},
    )


def _photos() -> MultipleFileField:
    return MultipleFileField(
        _l("Photos (optional, up to %(max)d, PNG or JPEG, 5 MB each)", max=MAX_PHOTOS), render_kw={"accept": "image/png,image/jpeg"}
    )


class RequestForm(FlaskForm):
    """From the letter: which of the letter's units (when there are several), the category, kind, text, phone, photos."""

    unit = SelectField(_l("Your unit"), validators=[Optional()])
    category = _category()
    kind = _kind()
    text = _text()
    contact_phone = _phone()
    photos = _photos()


class BoardRequestForm(IdentityForm):
    """From the board: who files (the register's identity check) and the request."""

    category = _category()
    kind = _kind()
    text = _text()
    contact_phone = _phone()
    photos = _photos()


def _rating() -> RadioField:
    return RadioField(
        _l("Your rating"),
        choices=[SelectChoice(value, label) for value, label in RATINGS.items()],
        coerce=int,
        validators=[DataRequired(message=_l("Choose a rating from 1 to 5."))],
    )


def _comment() -> TextAreaField:
    return TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=MAX_COMMENT)], render_kw={"rows": 3})


class RatingForm(FlaskForm):
    rating = _rating()
    comment = _comment()


class BoardLookupForm(IdentityForm):
    """The owner's view of one request on the board: the register's identity check of its unit."""


class BoardRatingForm(FlaskForm):
    """The rating on the board, of a request this browser proved with the identity check."""

    rating = _rating()
    comment = _comment()


class ResolveForm(FlaskForm):
    resolution = TextAreaField(
        _l("What was done"), validators=[DataRequired(), Length(max=MAX_NOTE)], render_kw={"rows": 3, "maxlength": str(MAX_NOTE)}
    )


class FollowUpForm(FlaskForm):
    note = TextAreaField(
        _l("What the owner said on the follow-up visit"),
        validators=[DataRequired(), Length(max=MAX_NOTE)],
        render_kw={"rows": 3, "maxlength": str(MAX_NOTE)},
    )


class JudgeForm(FlaskForm):
    """The office's mark on a complaint: ``yes`` upheld, ``no`` not upheld."""

    upheld = HiddenField(validators=[DataRequired()])
