"""The official's verdict form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length


class VerdictForm(FlaskForm):
    verdict = RadioField(
        _l("Verdict"),
        choices=[SelectChoice("certified", _l("Certify the result")), SelectChoice("rejected", _l("Reject the result"))],
        validators=[DataRequired()],
    )
    reasons = TextAreaField(
        _l("Reasons"), validators=[Length(max=5000)], description=_l("Required when rejecting; shown to the committee.")
    )
    code = StringField(
        _l("Code from your authenticator app"),
        validators=[DataRequired()],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
    )
