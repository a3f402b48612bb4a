"""The official's verdict form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional


class VerdictForm(FlaskForm):
    verdict = RadioField(
        _l("Verdict"),
        choices=[SelectChoice("certified", _l("Certify the result")), SelectChoice("rejected", _l("Reject the result"))],
        validators=[DataRequired()],
    )
    reasons = TextAreaField(
        _l("Reasons"), validators=[Length(max=5000)], description=_l("Required when rejecting; shown to the committee.")
    )
    acknowledge_party = BooleanField(_l("I acknowledge that the elected committee misses the local party-member target"))
    code = StringField(
        _l("Code from your authenticator app"),
        validators=[DataRequired()],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
    )


ORDER_KIND_LABELS = {
    "rectify": _l("Rectify within a deadline"),
    "revoke": _l("Revoke a decision"),
    "convene": _l("Convene an extraordinary session"),
    "suspend": _l("Suspend a committee member"),
    "reelect": _l("Order a re-election of the committee"),
    "chair_vote": _l("Order the members to elect the chair and vice chair again (7 days)"),
}


class OrderForm(FlaskForm):
    community = SelectField(_l("Community"), coerce=int)
    kind = SelectField(_l("Kind of order"), choices=[SelectChoice(k, v) for k, v in ORDER_KIND_LABELS.items()])
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=150)])
    body = TextAreaField(_l("What must be done, and why"), validators=[DataRequired(), Length(max=5000)], render_kw={"rows": 6})
    due_on = DateField(_l("Deadline"), validators=[Optional()])
    item_id = IntegerField(_l("Item whose decision is revoked (number)"), validators=[Optional()])
    motion_id = SelectField(_l("Or the committee decision revoked"), choices=[SelectChoice("", "—")], validate_choice=False)
    member = StringField(_l("Member to suspend (name, as on the committee page)"), validators=[Optional(), Length(max=200)])


class CloseOrderForm(FlaskForm):
    status = SelectField(_l("Outcome"), choices=[SelectChoice("complied", _l("Complied")), SelectChoice("withdrawn", _l("Withdrawn"))])
    note = StringField(_l("Note"), validators=[Length(max=500)])


class ObjectionDecisionForm(FlaskForm):
    decision = SelectField(
        _l("Decision"),
        choices=[SelectChoice("upheld", _l("Upheld")), SelectChoice("dismissed", _l("Dismissed"))],
        validators=[DataRequired()],
    )
    outcome = SelectField(_l("What follows if upheld"), choices=[SelectChoice("", "—")], validate_choice=False)
    reasons = TextAreaField(_l("Reasons"), validators=[DataRequired(), Length(max=5000)])
    order_due_on = DateField(_l("Owners convened again by (if the result is rejected)"), validators=[Optional()])
    code = StringField(_l("Authenticator code (to reject the result)"), validators=[Optional(), Length(max=10)])
