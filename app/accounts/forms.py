from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget


class LoginForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(), Length(max=80)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(_l("Password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"})


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        validators=[DataRequired(), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "characters"},
    )


class EnrolForm(FlaskForm):
    code = StringField(
        _l("The six-digit code your app shows now"),
        validators=[DataRequired(), Length(max=10)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class TotpForm(FlaskForm):
    code = StringField(
        _l("Six-digit code from your authenticator app"),
        validators=[DataRequired(), Length(max=10)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class TokenForm(FlaskForm):
    """A new API token: a name to tell it apart, its scopes, and a fresh code (a token acts as its maker)."""

    # Ids of their own: the account page also holds the recovery codes' form with its own "code".
    name = StringField(_l("Name (the system that will use it)"), validators=[DataRequired(), Length(max=80)], id="token-name")
    scopes = SelectMultipleField(_l("Scopes"), choices=[], widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    code = StringField(
        _l("Six-digit code from your authenticator app"),
        validators=[DataRequired(), Length(max=10)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
        id="token-code",
    )
