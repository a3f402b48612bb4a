from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateTimeLocalField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..domain.rules import MATTERS
from ..formfields import kept_date
from .labels import FORM_LABELS, MATTER_LABELS


class NewSessionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    form = SelectField(_l("Form"), choices=[SelectChoice(value, label) for value, label in FORM_LABELS.items()])
    opens_at = DateTimeLocalField(_l("Voting opens (Beijing time)"), validators=[DataRequired(), kept_date], format="%Y-%m-%dT%H:%M")
    closes_at = DateTimeLocalField(_l("Voting closes (Beijing time)"), validators=[DataRequired(), kept_date], format="%Y-%m-%dT%H:%M")


class ItemForm(FlaskForm):
    matter = SelectField(_l("Kind of matter"), choices=[SelectChoice(m, MATTER_LABELS[m]) for m in MATTERS])
    title = StringField(_l("Item title"), validators=[DataRequired(), Length(max=300)])
    body = TextAreaField(_l("Full text"), validators=[Length(max=20000)])
    # RULES §9, optional: the units that decide the item (with the buildings ticked on the page); empty for the whole community.
    scope_units = TextAreaField(_l("Units deciding the item (one per line or comma separated, e.g. 3-101)"), validators=[Length(max=20000)])
    scope_label = StringField(_l("Name of the scope (e.g. Building 3)"), validators=[Length(max=100)])


class ProxyForm(FlaskForm):
    unit = StringField(_l("Unit of the owner (e.g. 1-101)"), validators=[DataRequired(), Length(max=60)])
    owner = StringField(_l("Name of the owner who authorises (as on the register)"), validators=[DataRequired(), Length(max=200)])
    proxy_name = StringField(_l("Proxy's name"), validators=[DataRequired(), Length(max=200)])
    proxy_id_last4 = StringField(_l("Last four characters of the proxy's ID number"), validators=[DataRequired(), Length(min=4, max=4)])
    scan_reference = StringField(_l("Reference of the scanned authorisation"), validators=[DataRequired(), Length(max=200)])


class PaperBallotForm(FlaskForm):
    """Unit and paper number; the choices are fields named item-<id>, checked by the service."""

    unit = StringField(_l("Unit (e.g. 1-101)"), validators=[DataRequired(), Length(max=60)])
    paper_reference = StringField(_l("Number printed on the paper ballot"), validators=[DataRequired(), Length(max=100)])


class RejectPaperForm(FlaskForm):
    """A second member's rejection of a paper ballot entry: why it does not match the paper."""

    reason = StringField(_l("Why it does not match the paper"), validators=[DataRequired(), Length(max=500)])


def submitted_choices(form: MultiDict[str, str]) -> dict[str, Any]:
    """A ballot as the pages post it: questions as ``item-<id>`` radio buttons, elections as ``elect-<id>`` checkboxes."""
    chosen: dict[str, Any] = {key.removeprefix("item-"): value for key, value in form.items() if key.startswith("item-")}
    for key in form:
        if key.startswith("elect-"):
            chosen[key.removeprefix("elect-")] = [c for c in form.getlist(key) if c]
    return chosen
