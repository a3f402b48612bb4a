"""Forms of the committee's notice pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from .labels import KIND_LABELS
from .models import NoticeKind

# What a committee writes by hand; announcements and results come from their sessions.
WRITABLE = (NoticeKind.GENERAL, NoticeKind.DECISION, NoticeKind.STATEMENT, NoticeKind.ELECTION_SLATE)


class NoticeForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, KIND_LABELS[k.value]) for k in WRITABLE])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(
        _l("Text"),
        validators=[DataRequired(), Length(max=50_000)],
        description=_l("Plain text; **bold**, lists (- item), headings (## Heading) and tables are kept."),
        render_kw={"rows": 12},
    )


class EditForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=50_000)], render_kw={"rows": 14})


class AttachForm(FlaskForm):
    file = FileField(_l("PDF, PNG or JPEG, at most 10 MB"), validators=[FileRequired()])
