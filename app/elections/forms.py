"""Forms of elections and committees; every rule is checked again by the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..formfields import kept_date

NOMINATION_LABELS = {
    "self": _l("Self-nomination"),
    "joint": _l("Joint nomination by owners"),
    "organisation": _l("Recommended by the community party organisation or residents' committee"),
}

STATUS_LABELS = {
    "nominated": _l("Awaiting vetting"),
    "approved": _l("Approved"),
    "rejected": _l("Not approved"),
    "withdrawn": _l("Withdrawn"),
}

STATE_LABELS = {
    "nominating": _l("Nominations"),
    "published": _l("Slate published"),
    "on_ballot": _l("On a session's ballot"),
    "decided": _l("Result counted"),
    "seated": _l("Committee seated"),
    "failed": _l("No committee formed"),
}

KIND_LABELS = {"regular": _l("Election"), "runoff": _l("Runoff"), "supplementary": _l("Supplementary election")}

ROLE_LABELS = {"chair": _l("Chair"), "vice_chair": _l("Vice chair"), "member": _l("Member"), "alternate": _l("Alternate")}


class ElectionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    seats = IntegerField(_l("Members to elect"), validators=[InputRequired()])
    alternates = IntegerField(_l("Alternates"), validators=[InputRequired()], default=0)
    nominations_open_at = DateTimeLocalField(
        _l("Nominations open (Beijing time)"), validators=[DataRequired(), kept_date], format="%Y-%m-%dT%H:%M"
    )
    nominations_close_at = DateTimeLocalField(
        _l("Nominations close (Beijing time)"), validators=[DataRequired(), kept_date], format="%Y-%m-%dT%H:%M"
    )


class SelfNominationForm(FlaskForm):
    unit = StringField(_l("Your unit (e.g. 1-101)"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Your name, as on the register"), validators=[DataRequired(), Length(max=200)])
    id_last4 = StringField(
        _l("Last four characters of your ID number"),
        validators=[DataRequired(), Length(min=4, max=4)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "maxlength": "4"},
    )
    statement = TextAreaField(_l("Your statement to the owners (optional)"), validators=[Length(max=2000)], render_kw={"rows": 4})
    party_declared = BooleanField(_l("I am a member of the Communist Party of China (the street office verifies it)"))


class StatusForm(FlaskForm):
    unit = StringField(_l("Your unit (e.g. 1-101)"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Your name, as on the register"), validators=[DataRequired(), Length(max=200)])
    id_last4 = StringField(
        _l("Last four characters of your ID number"),
        validators=[DataRequired(), Length(min=4, max=4)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "maxlength": "4"},
    )


class NominationForm(FlaskForm):
    """A nomination the committee or the street office records: owners' joint nomination (联名推荐) or an organisation's recommendation.

    Where the street office runs the election (no committee, or a re-election it ordered),
    it records the owners' joint nominations too; the services check the five other units.
    """

    kind = RadioField(
        _l("Kind of nomination"),
        choices=[SelectChoice("joint", NOMINATION_LABELS["joint"]), SelectChoice("organisation", NOMINATION_LABELS["organisation"])],
        default="joint",
        validators=[Optional()],
    )
    unit = StringField(_l("Candidate's unit (e.g. 1-101)"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Candidate's name, as on the register"), validators=[DataRequired(), Length(max=200)])
    nominated_by = TextAreaField(
        _l("Nominated by"),
        validators=[DataRequired(), Length(max=4000)],
        render_kw={"rows": 3},
    )
    statement = TextAreaField(_l("Candidate's statement (optional)"), validators=[Length(max=2000)], render_kw={"rows": 3})
    party_declared = BooleanField(_l("The candidate declares party membership"))


class VetForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice("approve", _l("Approve")), SelectChoice("reject", _l("Reject"))],
        validators=[DataRequired()],
    )
    party = SelectField(
        _l("Party membership"),
        choices=[
            SelectChoice("", _l("Not checked")),
            SelectChoice("yes", _l("Verified member")),
            SelectChoice("no", _l("Not a member")),
        ],
        validators=[Optional()],
    )
    reason = StringField(_l("Reason (the candidate sees it)"), validators=[Length(max=2000)])
    # The negative list as a checklist: the entries the official confirms clear; a rejection may name one.
    cleared = SelectMultipleField(_l("Confirmed clear"), choices=[], validate_choice=False)
    rejected_entry = StringField(_l("Entry that applies (when rejecting)"), validators=[Optional(), Length(max=40)])


class DepartureForm(FlaskForm):
    reason = StringField(_l("Why the member leaves"), validators=[DataRequired(), Length(max=300)])


class TemporaryForm(FlaskForm):
    members = TextAreaField(
        _l("Members, one per line"),
        validators=[DataRequired(), Length(max=8000)],
        render_kw={"rows": 9},
    )
    term_end = DateField(_l("Term ends on"), validators=[DataRequired()])


class SittingForm(FlaskForm):
    members = TextAreaField(
        _l("Members, one per line"),
        validators=[DataRequired(), Length(max=8000)],
        render_kw={"rows": 9},
    )
    term_start = DateField(_l("Term began on"), validators=[DataRequired()])
    term_end = DateField(_l("Term ends on"), validators=[DataRequired()])
