"""Forms of the registry's and the contracts' pages; the services check the values and name the field of any problem."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..labels import UNIT_KIND_LABELS

DAY = {"placeholder": "2027-01-01", "inputmode": "numeric", "autocomplete": "off"}


class CompanyForm(FlaskForm):
    name = StringField(_l("Company name"), validators=[Length(max=200)], render_kw={"placeholder": "康居物业服务有限公司"})
    licence_number = StringField(
        _l("Unified social credit code"),
        validators=[Length(max=30)],
        render_kw={"placeholder": "91140400MA0KX1234A", "autocapitalize": "characters", "autocomplete": "off"},
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=100)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=30)], render_kw={"inputmode": "tel"})


class StaffForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[Length(max=100)], render_kw={"placeholder": "张敏"})
    username = StringField(
        _l("Username"),
        validators=[Length(max=40)],
        render_kw={"placeholder": "kangju.zhangmin", "autocapitalize": "none", "autocomplete": "off"},
    )


class ContractForm(FlaskForm):
    company = SelectField(_l("Company"), choices=[])
    starts_on = StringField(_l("Contract starts on"), render_kw=DAY)
    ends_on = StringField(_l("Contract ends on"), render_kw=DAY)
    fee_residential = StringField(UNIT_KIND_LABELS["residential"], render_kw={"inputmode": "decimal", "placeholder": "1.85"})
    fee_commercial = StringField(UNIT_KIND_LABELS["commercial"], render_kw={"inputmode": "decimal"})
    fee_parking = StringField(UNIT_KIND_LABELS["parking"], render_kw={"inputmode": "decimal"})
    fee_storage = StringField(UNIT_KIND_LABELS["storage"], render_kw={"inputmode": "decimal"})
    fee_other = StringField(UNIT_KIND_LABELS["other"], render_kw={"inputmode": "decimal"})
    scope = TextAreaField(_l("Scope of services"), validators=[Length(max=5000)], render_kw={"rows": 5})

    def fees(self) -> dict[str, str]:
        """The fee per kind of unit as typed (yuan per m² per month); empty for a kind the contract does not price."""
        return {kind: (getattr(self, f"fee_{kind}").data or "").strip() for kind in UNIT_KIND_LABELS}

    def fee_fields(self) -> list[StringField]:
        return [getattr(self, f"fee_{kind}") for kind in UNIT_KIND_LABELS]


class EndContractForm(FlaskForm):
    ended_on = StringField(_l("Ended on"), render_kw=DAY)


class ContractDocumentForm(FlaskForm):
    file = FileField(_l("File (PDF, PNG or JPEG)"), validators=[FileRequired()])
