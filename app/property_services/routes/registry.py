"""The office's registry of companies, their staff and the communities' contracts; the company staff's home."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import Field
from wtforms.fields.choices import SelectChoice

from ...clock import today_in_china
from ...communities.models import City, Community, StreetOffice
from ...communities.queries import city_by_code
from ...db import db, utcnow
from ...domain.errors import NotFound, RuleViolation
from ...extensions import limiter, upload_limit
from ...notices.services import stored_file_response
from ...security.permissions import (
    can_keep_company_registry,
    can_record_contracts,
    can_watch_service,
    is_property_staff,
    require,
)
from ...security.roles import Role
from ...security.web import current_actor
from ..forms.registry import CompanyForm, ContractDocumentForm, ContractForm, EndContractForm, StaffForm
from ..labels import UNIT_KIND_LABELS
from ..models import PropertyCompany, ServiceContract
from ..services import documents, registry
from ..services.common import office_ids_of_city, staff_company_ids
from . import bp


@bp.app_context_processor
def _registry_labels() -> dict[str, object]:
    return {"unit_kind_labels": UNIT_KIND_LABELS}


# Links on pages of the packages below (the community's staff page, the office's dashboard, the menu) ---------------


@bp.app_template_global()
def property_links(community: Community) -> list[tuple[str, str]]:
    """The property-service pages the signed-in official may open for a community: (label, address)."""
    actor = current_actor()
    links = []
    if can_record_contracts(actor, community):
        links.append((_("Property-service contracts"), url_for("property.list_contracts", community_id=community.id)))
    if can_watch_service(actor, community):
        links.append((_("The service's facts"), url_for("property.committee_facts", community_id=community.id)))
    return links


@bp.app_template_global()
def property_registry_of(office: StreetOffice) -> str | None:
    """The address of the registry of companies the office keeps with the other offices of its city, if it may."""
    city = registry.city_of_office(office.id)
    if city is None or not can_keep_company_registry(current_actor(), office_ids_of_city(db.session(), city.id)):
        return None
    return url_for("property.list_companies", code=city.code)


@bp.app_template_global()
def property_home_of(user: Any) -> str | None:
    """The company staff's home, for the menu and the landing pages of an account with the property-staff role."""
    if any(a.role is Role.PROPERTY_STAFF for a in user.roles):
        return url_for("property.staff_home")
    return None


# Loading and authorizing --------------------------------------------------------------------------------------------


def _city(code: str) -> City:
    city = city_by_code(code)
    if city is None:
        raise NotFound(_("No such city."))
    require(can_keep_company_registry(current_actor(), office_ids_of_city(db.session(), city.id)))
    return city


def _company(public_id: str) -> tuple[PropertyCompany, City]:
    company = registry.load_company(db.session(), public_id)
    require(can_keep_company_registry(current_actor(), office_ids_of_city(db.session(), company.city_id)))
    city = db.session.get(City, company.city_id)
    assert city is not None
    return company, city


def _community(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound(_("No such community."))
    require(can_record_contracts(current_actor(), community))
    return community


def _contract(public_id: str) -> tuple[ServiceContract, Community]:
    """A contract, for those who may read it (its office, the community's committee, the company's staff)."""
    contract = registry.load_contract(db.session(), public_id)
    community = db.session.get(Community, contract.community_id)
    assert community is not None
    require(documents.may_read_contract(current_actor(), contract, community))
    return contract, community


def _place(form: Any, exc: RuleViolation, fields: dict[str, str] | None = None, default: Field | None = None) -> None:
    """Put the service's refusal on the field it names (``fees.parking`` → ``fee_parking``), else on ``default``."""
    name = (fields or {}).get(exc.field, exc.field.replace(".", "_").replace("fees_", "fee_"))
    target = getattr(form, name, None)
    if not isinstance(target, Field):
        target = default
    if target is None:
        flash(exc.reason, "error")
    else:
        target.errors = [*target.errors, exc.reason]


def _attempt(step: Callable[[], object], form: Any, default: Field | None, **fields: str) -> bool:
    try:
        step()
    except RuleViolation as exc:
        _place(form, exc, fields, default)
        return False
    return True


# The registry --------------------------------------------------------------------------------------------------------


@bp.get("/office/property/cities/<code>/companies")
@login_required
def list_companies(code: str) -> str:
    city = _city(code)
    today = today_in_china(utcnow())
    return render_template("property/registry/companies.html", city=city, rows=registry.registry_of_city(city.id, today))


@bp.route("/office/property/cities/<code>/companies/new", methods=["GET", "POST"])
@login_required
def create_company(code: str) -> Response | str:
    city = _city(code)
    form = CompanyForm()
    if form.validate_on_submit():
        made: list[PropertyCompany] = []

        def step() -> None:
            made.append(
                registry.create_company(
                    current_actor(),
                    city_id=city.id,
                    name=form.name.data or "",
                    licence_number=form.licence_number.data or "",
                    address=form.address.data or "",
                    contact_name=form.contact_name.data or "",
                    contact_phone=form.contact_phone.data or "",
                    now=utcnow(),
                )
            )

        if _attempt(step, form, form.name):
            flash(_("%(name)s is in the registry.", name=made[0].name), "success")
            return redirect(url_for(".show_company", public_id=made[0].public_id))
    return render_template("property/registry/company_form.html", city=city, form=form, company=None)


@bp.get("/office/property/companies/<public_id>")
@login_required
def show_company(public_id: str) -> str:
    company, city = _company(public_id)
    today = today_in_china(utcnow())
    ids = {k.community_id for k in company.contracts}
    communities = {c.id: c for c in db.session.scalars(select(Community).where(Community.id.in_(ids)))}
    return render_template(
        "property/registry/company.html",
        company=company,
        city=city,
        contracts=sorted(company.contracts, key=lambda k: k.starts_on, reverse=True),
        communities=communities,
        served={c.id for c in registry.communities_served(company.id, today)},
        staff=registry.staff_of(company.id),
    )


@bp.route("/office/property/companies/<public_id>/edit", methods=["GET", "POST"])
@login_required
def edit_company(public_id: str) -> Response | str:
    company, city = _company(public_id)
    form = CompanyForm(obj=company)
    if form.validate_on_submit():

        def step() -> None:
            registry.edit_company(
                current_actor(),
                company.public_id,
                name=form.name.data or "",
                licence_number=form.licence_number.data or "",
                address=form.address.data or "",
                contact_name=form.contact_name.data or "",
                contact_phone=form.contact_phone.data or "",
                now=utcnow(),
            )

        if _attempt(step, form, form.name):
            flash(_("The company's entry is saved."), "success")
            return redirect(url_for(".show_company", public_id=company.public_id))
    return render_template("property/registry/company_form.html", city=city, form=form, company=company)


@bp.route("/office/property/companies/<public_id>/staff/new", methods=["GET", "POST"])
@login_required
def add_staff(public_id: str) -> Response | str:
    """A staff account of the company; its username and initial password are shown once, on the answer to the post."""
    company, city = _company(public_id)
    form = StaffForm()
    credential: list[registry.StaffCredential] = []
    if form.validate_on_submit():

        def step() -> None:
            credential.append(
                registry.add_staff(
                    current_actor(),
                    company.public_id,
                    username=form.username.data or "",
                    display_name=form.display_name.data or "",
                    now=utcnow(),
                )
            )

        if _attempt(step, form, form.username):
            flash(_("The account is made. Give its username and initial password to the staff member now: shown once."), "success")
    return render_template(
        "property/registry/staff_form.html", company=company, city=city, form=form, credential=credential[0] if credential else None
    )


# Contracts -----------------------------------------------------------------------------------------------------------


@bp.get("/office/property/c/<int:community_id>/contracts")
@login_required
def list_contracts(community_id: int) -> str:
    community = _community(community_id)
    today = today_in_china(utcnow())
    contracts = registry.contracts_of(community.id)
    in_force = next((k for k in contracts if k.starts_on <= today <= k.ends_on and (k.ended_on is None or k.ended_on > today)), None)
    city = registry.city_of_office(community.street_office_id)
    return render_template(
        "property/registry/contracts.html", community=community, contracts=contracts, in_force=in_force, today=today, city=city
    )


@bp.route("/office/property/c/<int:community_id>/contracts/new", methods=["GET", "POST"])
@login_required
def record_contract(community_id: int) -> Response | str:
    community = _community(community_id)
    city = registry.city_of_office(community.street_office_id)
    companies = registry.companies_of_city(city.id) if city else []
    form = ContractForm()
    form.company.choices = [SelectChoice("", "—")] + [SelectChoice(c.public_id, f"{c.name} ({c.licence_number})") for c in companies]
    if form.validate_on_submit():
        made: list[ServiceContract] = []

        def step() -> None:
            if not form.company.data:
                raise RuleViolation("company", _("Choose the company."))
            made.append(
                registry.record_contract(
                    current_actor(),
                    community_id=community.id,
                    company_id=form.company.data,
                    starts_on=registry.parse_day(form.starts_on.data, "starts_on"),
                    ends_on=registry.parse_day(form.ends_on.data, "ends_on"),
                    fees=form.fees(),
                    scope_text=form.scope.data or "",
                    now=utcnow(),
                )
            )

        if _attempt(step, form, form.company, fees="fee_residential", contract="company", community="company"):
            flash(_("The contract is recorded."), "success")
            return redirect(url_for(".show_contract", public_id=made[0].public_id))
    return render_template("property/registry/contract_form.html", community=community, form=form, city=city, companies=companies)


@bp.get("/office/property/contracts/<public_id>")
@login_required
def show_contract(public_id: str) -> str:
    contract, community = _contract(public_id)
    return render_template(
        "property/registry/contract.html",
        contract=contract,
        community=community,
        may_record=can_record_contracts(current_actor(), community),
        end_form=EndContractForm(),
        document_form=ContractDocumentForm(),
        today=today_in_china(utcnow()),
    )


@bp.post("/office/property/contracts/<public_id>/end")
@login_required
def end_contract(public_id: str) -> Response | tuple[str, int]:
    contract, community = _contract(public_id)
    require(can_record_contracts(current_actor(), community))
    form = EndContractForm()
    if form.validate_on_submit():

        def step() -> None:
            registry.end_contract(
                current_actor(), contract.public_id, ended_on=registry.parse_day(form.ended_on.data, "ended_on"), now=utcnow()
            )

        if _attempt(step, form, form.ended_on, contract="ended_on"):
            flash(_("The contract ends on %(day)s.", day=form.ended_on.data), "success")
            return redirect(url_for(".show_contract", public_id=contract.public_id))
    return render_template(
        "property/registry/contract.html",
        contract=contract,
        community=community,
        may_record=True,
        end_form=form,
        document_form=ContractDocumentForm(),
        today=today_in_china(utcnow()),
    ), 422


@bp.post("/office/property/contracts/<public_id>/documents")
@login_required
@limiter.limit(upload_limit)
def add_contract_document(public_id: str) -> Response | tuple[str, int]:
    contract, community = _contract(public_id)
    require(can_record_contracts(current_actor(), community))
    form = ContractDocumentForm()
    if form.validate_on_submit():
        file = form.file.data
        data = file.read()

        def step() -> None:
            documents.add_contract_document(current_actor(), contract.public_id, filename=file.filename or "", data=data, now=utcnow())

        if _attempt(step, form, form.file):
            flash(_("File attached."), "success")
            return redirect(url_for(".show_contract", public_id=contract.public_id))
    else:
        form.file.errors = [_("Choose a PDF, PNG or JPEG file.")]
    return render_template(
        "property/registry/contract.html",
        contract=contract,
        community=community,
        may_record=True,
        end_form=EndContractForm(),
        document_form=form,
        today=today_in_china(utcnow()),
    ), 422


@bp.get("/office/property/contracts/<public_id>/documents/<int:document_id>")
@login_required
def contract_document(public_id: str, document_id: int) -> Response:
    document = documents.contract_document(current_actor(), public_id, document_id)
    return stored_file_response(document.sha256, document.content_type, document.filename)


# The company staff's home ----------------------------------------------------------------------------------------------


@bp.get("/property/")
@login_required
def staff_home() -> str:
    actor = current_actor()
    company_ids = sorted(staff_company_ids(actor))
    require(bool(company_ids))
    today = today_in_china(utcnow())
    companies = []
    for company_id in company_ids:
        company = registry.load_company(db.session(), company_id)
        require(is_property_staff(actor, company.id))
        companies.append((company, registry.communities_served(company.id, today)))
    return render_template("property/home.html", companies=companies)
