"""The official's verdict form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


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
    item_id = IntegerField(_l("Assembly decision revoked: its item's number"), validators=[Optional()])
    motion_id = SelectField(_l("Committee decision revoked"), choices=[SelectChoice("", "—")], validate_choice=False)
    # The seated members of the office's communities; the service checks the name against the community chosen.
    member = SelectField(_l("Member to suspend"), choices=[SelectChoice("", "—")], validate_choice=False)


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


class FindingForm(FlaskForm):
    """A negative-list finding: the member, the entry, the date found and the evidence (text and files)."""

    membership_id = SelectField(_l("Committee member"), coerce=int, validate_choice=False)
    code = SelectField(_l("Entry of the negative list"), validate_choice=False)
    found_on = DateField(_l("Date found"), validators=[DataRequired()])
    evidence = TextAreaField(_l("Evidence"), validators=[DataRequired(), Length(max=5000)], render_kw={"rows": 6})
    files = MultipleFileField(_l("Evidence files (PDF, PNG or JPEG; optional)"))


class FindingOutcomeForm(FlaskForm):
    outcome = RadioField(
        _l("Outcome"),
        choices=[
            SelectChoice("removed", _l("Removed by the owners' assembly")),
            SelectChoice("lifted", _l("Lifted: the finding is overturned")),
        ],
        validators=[DataRequired()],
    )
    item_id = IntegerField(_l("Assembly item that removed the member (number)"), validators=[Optional()])
    note = TextAreaField(_l("Note (shown on the board)"), validators=[Length(max=2000)], render_kw={"rows": 3})


class AuditForm(FlaskForm):
    auditor = StringField(_l("Auditor (leave empty when the street office audits itself)"), validators=[Length(max=200)])
    covered = SelectMultipleField(_l("The audit covered"), choices=[], validate_choice=False)
    report = FileField(_l("Audit report (PDF)"))


class AuditFindingForm(FlaskForm):
    text = TextAreaField(_l("Finding"), validators=[DataRequired(), Length(max=2000)], render_kw={"rows": 3})


class AuditOrderForm(FlaskForm):
    """The office's order to rectify, prefilled from an audit's finding."""

    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=150)])
    body = TextAreaField(_l("What must be done, and why"), validators=[DataRequired(), Length(max=5000)], render_kw={"rows": 6})
    due_on = DateField(_l("Deadline"), validators=[Optional()])


MARKS_MESSAGE = _l("Give the office's marks, 0 to 20.")


class ReviewForm(FlaskForm):
    marks = IntegerField(
        _l("Marks of the street office (0–20)"),
        validators=[
            InputRequired(message=_l("Give the office's marks, 0 to 20.")),
            NumberRange(0, 20, message=_l("Give the office's marks, 0 to 20.")),
        ],
        render_kw={"inputmode": "numeric", "min": 0, "max": 20},
    )
    remarks = TextAreaField(_l("Remarks"), validators=[Length(max=5000)], description=_l("Published with the scorecard."))
    commended = BooleanField(_l("Commend the committee (excellent only)"))
