"""Property services for the street office (scope "office"): the city's registry of companies and their staff's
accounts, a community's contracts, the requests' ledger, the judgement of complaints, the escalations it notes, its
findings against a company, and the monthly red and black lists it computes and confirms.

The contracts' documents and the ledger's CSV and XLSX files stay on the pages.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from ..clock import today_in_china
from ..communities.models import City, Community
from ..communities.queries import community_by_slug
from ..db import db, utcnow
from ..domain.errors import NotFound, RuleViolation
from ..property_services.models import Escalation, ListState, PropertyCompany
from ..property_services.services import findings, registry, standing
from ..property_services.services import request_ledger as reading
from ..property_services.services import requests as steps
from ..property_services.services.common import office_ids_of_city
from ..security.permissions import can_confirm_lists, can_judge_service, can_keep_company_registry, can_record_contracts, require
from . import property_schemas as P
from .operations import COMMITTEE_ERRORS, api_actor, fields, not_found, operation, parse_day, path_id
from .property_shapes import contract_json, escalation_json, finding_json, request_json, standing_json
from .schemas import NOTHING, array, ref

READ_ERRORS = (401, 403, 404)


def _today() -> date:
    return today_in_china(utcnow())


def _city(city_code: str) -> City:
    return standing.city_by_code(city_code)


def _month(month: str) -> date:
    first = standing.parse_month(month)
    if first is None:
        raise not_found(_("No such month."))
    return first


def registry_json(company: PropertyCompany, served: list[Community]) -> dict[str, Any]:
    city = db.session.get(City, company.city_id)
    return {
        "id": company.public_id,
        "city": city.code if city else "",
        "name": company.name,
        "licence_number": company.licence_number,
        "address": company.address,
        "contact_name": company.contact_name,
        "contact_phone": company.contact_phone,
        "communities": [{"slug": c.slug, "name": c.name} for c in served],
        "staff": [{"username": u.username, "display_name": u.display_name} for u in registry.staff_of(company.id)],
    }


def _company_json(company: PropertyCompany) -> dict[str, Any]:
    return registry_json(company, registry.communities_served(company.id, _today()))


def _standings(city: City, month: date) -> dict[str, Any]:
    rows = standing.month_rows(city.id, month)
    return {
        "city": city.code,
        "month": standing.month_label(month),
        "waiting": sum(1 for e in rows if e.row.state is ListState.PROPOSED),
        "rows": [standing_json(e) for e in rows],
    }


# Checks before any body is read ---------------------------------------------------------------------------------


def _keeps_registry(city_code: str) -> None:
    require(can_keep_company_registry(api_actor(), office_ids_of_city(db.session(), _city(city_code).id)))


def _keeps_company(company_id: str) -> None:
    company = registry.load_company(db.session(), company_id)
    require(can_keep_company_registry(api_actor(), office_ids_of_city(db.session(), company.city_id)))


def _records_contracts(slug: str) -> None:
    require(can_record_contracts(api_actor(), community_by_slug(slug)))


def _ends_contract(contract_id: str) -> None:
    contract = registry.load_contract(db.session(), contract_id)
    community = reading.community_of(contract.community_id)
    require(can_record_contracts(api_actor(), community))


def _judges(slug: str, **_ignored: str) -> None:
    require(can_judge_service(api_actor(), community_by_slug(slug)))


def _judges_request(request_id: str) -> None:
    found = steps.load_request(db.session(), request_id)
    require(can_judge_service(api_actor(), reading.community_of(found.community_id)))


def _confirms_lists(city_code: str, month: str) -> None:
    require(can_confirm_lists(api_actor(), office_ids_of_city(db.session(), _city(city_code).id)))
    _month(month)


# The registry -----------------------------------------------------------------------------------------------------


@operation(
    "GET",
    "/cities/{city_code}/property/companies",
    summary="The city's registry of property-service companies, by name",
    tag="office",
    response=array(ref("RegistryCompany")),
    auth="office",
    errors=READ_ERRORS,
    description="For the officials of the city's street offices, who keep it together.",
    authorize=_keeps_registry,
)
def list_property_companies(city_code: str) -> list[dict[str, Any]]:
    city = _city(city_code)
    return [registry_json(row.company, row.communities) for row in registry.registry_of_city(city.id, _today())]


@operation(
    "POST",
    "/cities/{city_code}/property/companies",
    summary="Enter a company in the city's registry",
    tag="office",
    body=P.COMPANY,
    response=ref("RegistryCompany"),
    status=201,
    auth="office",
    errors=COMMITTEE_ERRORS,
    description="Refusals name `name`, `licence_number` (18 digits and capital letters, once per city), `address`, "
    "`contact_name` or `contact_phone`.",
    authorize=_keeps_registry,
)
def create_property_company(city_code: str, body: dict[str, Any]) -> dict[str, Any]:
    company = registry.create_company(
        api_actor(),
        city_id=_city(city_code).id,
        name=body["name"],
        licence_number=body["licence_number"],
        address=body.get("address", ""),
        contact_name=body.get("contact_name", ""),
        contact_phone=body.get("contact_phone", ""),
        now=utcnow(),
    )
    return _company_json(company)


@operation(
    "POST",
    "/property/companies/{company_id}",
    summary="Correct a company's entry in the registry",
    tag="office",
    body=P.COMPANY,
    response=ref("RegistryCompany"),
    auth="office",
    errors=COMMITTEE_ERRORS,
    description="The whole entry, as when it was entered; refusals name the field as there.",
    authorize=_keeps_company,
)
def edit_property_company(company_id: str, body: dict[str, Any]) -> dict[str, Any]:
    company = registry.edit_company(
        api_actor(),
        company_id,
        name=body["name"],
        licence_number=body["licence_number"],
        address=body.get("address", ""),
        contact_name=body.get("contact_name", ""),
        contact_phone=body.get("contact_phone", ""),
        now=utcnow(),
    )
    return _company_json(company)


@operation(
    "POST",
    "/property/companies/{company_id}/staff",
    summary="Make an account for one of the company's staff; its initial password is in this answer only",
    tag="office",
    body=P.STAFF,
    response=ref("StaffCredential"),
    status=201,
    auth="office",
    errors=COMMITTEE_ERRORS,
    description="The staff member enrols an authenticator at their first sign-in, as every official does. Refusals name "
    "`username` (its form, or taken) or `display_name`.",
    authorize=_keeps_company,
)
def add_property_staff(company_id: str, body: dict[str, Any]) -> dict[str, Any]:
    credential = registry.add_staff(api_actor(), company_id, username=body["username"], display_name=body["display_name"], now=utcnow())
    return {"company": company_id, "username": credential.username, "password": credential.password}


# Contracts ----------------------------------------------------------------------------------------------------------


@operation(
    "GET",
    "/communities/{slug}/property/contracts",
    summary="The community's property-service contracts, the latest first",
    tag="office",
    response=array(ref("PropertyContract")),
    auth="office",
    errors=READ_ERRORS,
    description="For the community's street office. The contracts' documents are read on the pages.",
    authorize=_records_contracts,
)
def list_property_contracts(slug: str) -> list[dict[str, Any]]:
    community = community_by_slug(slug)
    today = _today()
    return [contract_json(k, community, today) for k in registry.contracts_of(community.id)]


@operation(
    "POST",
    "/communities/{slug}/property/contracts",
    summary="Record the contract under which a company of the city serves the community",
    tag="office",
    body=P.CONTRACT,
    response=ref("PropertyContract"),
    status=201,
    auth="office",
    errors=COMMITTEE_ERRORS,
    description="A community has at most one contract on any day: one overlapping another is refused naming `starts_on`. "
    "Other refusals name `company` (unknown, or of another city), `ends_on`, `fees` or `fees.<kind>`, or `scope`. The "
    "signed contract is attached on the contract's page.",
    authorize=_records_contracts,
)
def record_property_contract(slug: str, body: dict[str, Any]) -> dict[str, Any]:
    community = community_by_slug(slug)
    try:
        registry.load_company(db.session(), body["company"])
    except NotFound as exc:
        raise RuleViolation("company", exc.message) from None
    contract = registry.record_contract(
        api_actor(),
        community_id=community.id,
        company_id=body["company"],
        starts_on=parse_day(body["starts_on"], "starts_on"),
        ends_on=parse_day(body["ends_on"], "ends_on"),
        fees=body["fees"],
        scope_text=body.get("scope", ""),
        now=utcnow(),
    )
    return contract_json(contract, community, _today())


@operation(
    "POST",
    "/property/contracts/{contract_id}/end",
    summary="End a contract early",
    tag="office",
    body=P.END_CONTRACT,
    response=ref("PropertyContract"),
    auth="office",
    errors=COMMITTEE_ERRORS,
    description="Termination, or a new company chosen by the assembly. Refused naming `ended_on`: outside the term, or "
    "the contract has ended already.",
    authorize=_ends_contract,
)
def end_property_contract(contract_id: str, body: dict[str, Any]) -> dict[str, Any]:
    with fields(contract="ended_on"):
        contract = registry.end_contract(api_actor(), contract_id, ended_on=parse_day(body["ended_on"], "ended_on"), now=utcnow())
    return contract_json(contract, reading.community_of(contract.community_id), _today())


# The ledger, complaints and escalations ---------------------------------------------------------------------------


@operation(
    "GET",
    "/communities/{slug}/property/ledger",
    summary="The requests' ledger (台账) of the community: one row per request, oldest first",
    tag="office",
    response=array(ref("PropertyRequest")),
    auth="office committee property",
    errors=READ_ERRORS,
    description="The street office and the committee read the whole ledger; a company's staff their company's part of it. "
    "Its CSV and XLSX files are downloaded on the pages.",
)
def get_property_ledger(slug: str) -> list[dict[str, Any]]:
    community, rows = reading.ledger(api_actor(), community_by_slug(slug).id, utcnow())
    return [request_json(v, community) for v in rows]


@operation(
    "POST",
    "/property/requests/{request_id}/judgement",
    summary="Mark a complaint upheld (founded) or not",
    tag="office",
    body=P.JUDGEMENT,
    response=ref("PropertyRequest"),
    auth="office",
    errors=COMMITTEE_ERRORS,
    description="The street office's ledger review: an upheld complaint counts toward the company's exit procedure. The "
    "mark may be changed; each is on record. A repair request is not judged (refused naming `upheld`).",
    authorize=_judges_request,
)
def judge_property_request(request_id: str, body: dict[str, Any]) -> dict[str, Any]:
    steps.judge_complaint(api_actor(), request_id, upheld=body["upheld"], now=utcnow())
    view, community = reading.request_for(api_actor(), request_id, utcnow())
    return request_json(view, community)


@operation(
    "POST",
    "/communities/{slug}/property/escalations/{escalation_id}/office-noted",
    summary="The street office has seen a missed step: it leaves the office's list",
    tag="office",
    body=NOTHING,
    response=ref("PropertyEscalation"),
    auth="office",
    errors=COMMITTEE_ERRORS,
    description="Noting it again changes nothing.",
    authorize=_judges,
)
def note_escalation_by_office(slug: str, escalation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    community = community_by_slug(slug)
    found = db.session.get(Escalation, path_id(escalation_id, _("No such escalation.")))
    if found is None or found.community_id != community.id:
        raise not_found(_("No such escalation."))
    return escalation_json(steps.note_by_office(api_actor(), community.id, found.id, now=utcnow()))


# Findings -----------------------------------------------------------------------------------------------------------


@operation(
    "GET",
    "/communities/{slug}/property/findings",
    summary="The street office's findings against the companies serving the community, the latest first",
    tag="office",
    response=array(ref("CompanyFinding")),
    auth="office",
    errors=READ_ERRORS,
    authorize=_judges,
)
def list_company_findings(slug: str) -> list[dict[str, Any]]:
    community = community_by_slug(slug)
    return [finding_json(f, c, community) for f, c in findings.findings_of_community(community.id)]


@operation(
    "POST",
    "/communities/{slug}/property/findings",
    summary="Record a finding against the company that served the community on the day",
    tag="office",
    body=P.FINDING,
    response=ref("CompanyFinding"),
    status=201,
    auth="office",
    errors=COMMITTEE_ERRORS,
    description="A finding in a month puts the company on that month's black list. Refused naming `text` or `found_on` "
    "(in the future, or no company served the community then).",
    authorize=_judges,
)
def record_company_finding(slug: str, body: dict[str, Any]) -> dict[str, Any]:
    community = community_by_slug(slug)
    found_on = parse_day(body["found_on"], "found_on")
    finding = findings.record_finding(api_actor(), community.id, text=body["text"], found_on=found_on, now=utcnow())
    company = db.session.get(PropertyCompany, finding.company_id)
    assert company is not None
    return finding_json(finding, company, community)


# The monthly lists --------------------------------------------------------------------------------------------------


@operation(
    "GET",
    "/cities/{city_code}/property-lists/{month}/standings",
    summary="Every company's standing in the month, proposed or confirmed, with its figures",
    tag="office",
    response=ref("MonthStandings"),
    auth="office",
    errors=READ_ERRORS,
    description="For the officials of the city's street offices: what a confirmation decides.",
    authorize=_confirms_lists,
)
def get_month_standings(city_code: str, month: str) -> dict[str, Any]:
    return _standings(_city(city_code), _month(month))


@operation(
    "POST",
    "/cities/{city_code}/property-lists/{month}/compute",
    summary="Compute (or recompute) a past month's proposed standings",
    tag="office",
    body=NOTHING,
    response=ref("MonthStandings"),
    auth="office",
    errors=COMMITTEE_ERRORS,
    description="As the clock does on the first of each month; a confirmed standing stays as confirmed. Refused naming "
    "`month` for a month that is not over.",
    authorize=_confirms_lists,
)
def compute_month_standings(city_code: str, month: str, body: dict[str, Any]) -> dict[str, Any]:
    city = _city(city_code)
    standing.compute_month(api_actor(), city.id, _month(month), now=utcnow())
    return _standings(city, _month(month))


@operation(
    "POST",
    "/cities/{city_code}/property-lists/{month}/confirm",
    summary="Confirm the month's proposed standings: the list is published city-wide",
    tag="office",
    body=P.CONFIRM_LIST,
    response=ref("MonthStandings"),
    auth="office",
    errors=COMMITTEE_ERRORS,
    description="One decision per proposed row, in the order of the month's standings that are proposed: the standing "
    "computed, or another with the office's reason. Refusals name `month` (nothing waiting), `rows` (a company without "
    "a decision), `rows.N` (not waiting), `rows.N.standing` or `rows.N.reason`. A confirmed black standing bars the "
    "company from the maintenance fund's projects until a later month's list lifts it.",
    authorize=_confirms_lists,
)
def confirm_month_standings(city_code: str, month: str, body: dict[str, Any]) -> dict[str, Any]:
    city = _city(city_code)
    decisions = [standing.Decision(row["company"], row["standing"], row.get("reason", "")) for row in body["rows"]]
    standing.confirm_month(api_actor(), city.id, _month(month), decisions, now=utcnow())
    return _standings(city, _month(month))
