"""Forms of the service's facts: the company's update (several rows of contractors and of utility costs) and the
committee's return. The services check every value and name the row and the column of a problem."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from ..labels import CONTRACTOR_KIND_LABELS

MAX_ROWS = 100


class ContractorRow(Form):
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice("", "—"), *(SelectChoice(k, v) for k, v in CONTRACTOR_KIND_LABELS.items())], validate_choice=False
    )
    name = StringField(_l("Service provider"), validators=[Length(max=200)])
    phone = StringField(_l("Telephone"), validators=[Length(max=30)], render_kw={"inputmode": "tel"})


class CostRow(Form):
    period = StringField(_l("Month"), validators=[Length(max=7)], render_kw={"placeholder": "2026-11", "inputmode": "numeric"})
    item = StringField(_l("Item"), validators=[Length(max=100)], render_kw={"placeholder": "公共照明电费"})
    amount = StringField(_l("Amount (yuan)"), validators=[Length(max=30)], render_kw={"inputmode": "decimal"})
    basis = StringField(_l("How it is shared"), validators=[Length(max=200)], render_kw={"placeholder": "按建筑面积分摊"})


class FactsForm(FlaskForm):
    manager_name = StringField(_l("Manager on duty"), validators=[Length(max=100)])
    manager_phone = StringField(_l("Manager's telephone"), validators=[Length(max=30)], render_kw={"inputmode": "tel"})
    contractors = FieldList(FormField(ContractorRow), max_entries=MAX_ROWS)
    utility_costs = FieldList(FormField(CostRow), max_entries=MAX_ROWS)


class ReturnFactsForm(FlaskForm):
    reason = TextAreaField(_l("Why it goes back to the company"), validators=[Length(max=2000)], render_kw={"rows": 3})
