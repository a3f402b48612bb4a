from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length


class BuildingForm(FlaskForm):
    name = StringField(_l("Building name"), validators=[DataRequired(), Length(max=40)])


class RegisterUploadForm(FlaskForm):
    file = FileField(
        _l("Register file (.csv or .xlsx)"),
        validators=[FileRequired(), FileAllowed(["csv", "xlsx"], _l("Upload a .csv or .xlsx file."))],
    )


class RegisterConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])
