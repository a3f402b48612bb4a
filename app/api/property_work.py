"""Property services at work: the serving company's staff answer owners' requests on the clock and submit the
service's facts (scope "property"); the community's committee confirms or returns the facts, follows the requests and
their escalations, and opens the yearly satisfaction survey (scope "committee"). The street office reads what the
committee reads (scope "office"); its own actions are in ``property_office``.

A company's staff reach only the communities their company serves under a contract in force today.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from ..clock import today_in_china
from ..communities.models import Community
from ..communities.queries import community_by_slug
from ..db import db, utcnow
from ..property_services.models import Escalation
from ..property_services.services import facts as facts_service
from ..property_services.services import registry, satisfaction
from ..property_services.services import request_ledger as reading
from ..property_services.services import requests as steps
from ..property_services.services.common import require_serving, staff_company_ids
from ..security.permissions import (
    can_confirm_service_facts,
    can_judge_service,
    can_watch_service,
    is_committee_member,
    is_preparatory_member,
    require,
)
from . import property_schemas as P
from .operations import COMMITTEE_ERRORS, api_actor, not_found, operation, parse_day, path_id, stamp
from .property_shapes import company_json, escalation_json, facts_fields, facts_json, request_json
from .schemas import NOTHING, array, ref

READ_ERRORS = (401, 403, 404)


def _today() -> date:
    return today_in_china(utcnow())


def _request(public_id: str) -> dict[str, Any]:
    view, community = reading.request_for(api_actor(), public_id, utcnow())
    return request_json(view, community)


# Lookups and checks, before any body is read -------------------------------------------------------------------


def _serves_request(request_id: str) -> None:
    """The request's company's staff, while it serves the community."""
    found = steps.load_request(db.session(), request_id)
    contract = require_serving(db.session(), api_actor(), found.community_id, _today())
    require(contract.company_id == found.company_id)


def _serves(slug: str) -> None:
    require_serving(db.session(), api_actor(), community_by_slug(slug).id, _today())


def _decides_facts(slug: str, version: str) -> None:
    require(can_confirm_service_facts(api_actor(), community_by_slug(slug)))
    path_id(version, _("No such version of the facts."))


def _notes(slug: str, escalation_id: str) -> None:
    community = community_by_slug(slug)
    actor = api_actor()
    require(is_committee_member(actor, community.id) or is_preparatory_member(actor, community.id))
    _escalation(community, escalation_id)


def _escalation(community: Community, escalation_id: str) -> Escalation:
    found = db.session.get(Escalation, path_id(escalation_id, _("No such escalation.")))
    if found is None or found.community_id != community.id:
        raise not_found(_("No such escalation."))
    return found


def _surveys(slug: str) -> None:
    require(satisfaction.may_open_survey(db.session(), api_actor(), community_by_slug(slug), _today()))


# The company's staff ---------------------------------------------------------------------------------------------


@operation(
    "GET",
    "/property/communities",
    summary="The token's companies and the communities each serves today",
    tag="property",
    response=array(ref("StaffCompany")),
    auth="property",
    errors=READ_ERRORS,
)
def list_staff_communities() -> list[dict[str, Any]]:
    actor = api_actor()
    company_ids = sorted(staff_company_ids(actor))
    require(bool(company_ids))
    out = []
    for company_id in company_ids:
        company = registry.load_company(db.session(), company_id)
        served = registry.communities_served(company.id, _today())
        out.append({"company": company_json(company), "communities": [{"slug": c.slug, "name": c.name} for c in served]})
    return out


@operation(
    "GET",
    "/communities/{slug}/property/queue",
    summary="The company's queue in the community: open requests first, by their next deadline",
    tag="property",
    response=array(ref("PropertyRequest")),
    auth="property",
    errors=READ_ERRORS,
    description="The requests to the token's company, the open ones first with the most overdue at the top, then the "
    "latest closed ones. For the staff of the company serving the community today.",
    authorize=_serves,
)
def get_staff_queue(slug: str) -> list[dict[str, Any]]:
    community, queue = reading.staff_queue(api_actor(), community_by_slug(slug).id, utcnow())
    return [request_json(v, community) for v in queue]


@operation(
    "GET",
    "/property/requests/{request_id}",
    summary="One request with its unit, steps, photos and events",
    tag="property",
    response=ref("PropertyRequest"),
    auth="property committee office",
    errors=READ_ERRORS,
    description="For the staff of the request's company, the community's committee (or preparatory group) and its street office.",
)
def get_property_request(request_id: str) -> dict[str, Any]:
    return _request(request_id)


def _step_description(step: str) -> str:
    return (
        f"{step} The steps go in order: acknowledge, on site, resolve; the owner is told by text message. A step done after "
        "its deadline is escalated to the committee and the street office. Refused naming `step` (recorded already, or an "
        "earlier step first)."
    )


@operation(
    "POST",
    "/property/requests/{request_id}/acknowledge",
    summary="Acknowledge a request (受理)",
    tag="property",
    body=NOTHING,
    response=ref("PropertyRequest"),
    auth="property",
    errors=COMMITTEE_ERRORS,
    description=_step_description("For the staff of the company serving the community."),
    authorize=_serves_request,
)
def acknowledge_request(request_id: str, body: dict[str, Any]) -> dict[str, Any]:
    steps.acknowledge(api_actor(), request_id, now=utcnow())
    return _request(request_id)


@operation(
    "POST",
    "/property/requests/{request_id}/on-site",
    summary="Record the staff on site for a request (到场)",
    tag="property",
    body=NOTHING,
    response=ref("PropertyRequest"),
    auth="property",
    errors=COMMITTEE_ERRORS,
    description=_step_description("After the acknowledgement."),
    authorize=_serves_request,
)
def arrive_on_site(request_id: str, body: dict[str, Any]) -> dict[str, Any]:
    steps.arrive_on_site(api_actor(), request_id, now=utcnow())
    return _request(request_id)


@operation(
    "POST",
    "/property/requests/{request_id}/resolve",
    summary="Resolve a request (办结), saying what was done",
    tag="property",
    body=P.RESOLUTION,
    response=ref("PropertyRequest"),
    auth="property",
    errors=COMMITTEE_ERRORS,
    description=_step_description("After the staff were on site; the owner is asked to rate it. Refusals also name `resolution`."),
    authorize=_serves_request,
)
def resolve_request(request_id: str, body: dict[str, Any]) -> dict[str, Any]:
    steps.resolve(api_actor(), request_id, resolution=body["resolution"], now=utcnow())
    return _request(request_id)


@operation(
    "POST",
    "/property/requests/{request_id}/follow-up",
    summary="Record the follow-up visit (回访) after the resolution, once",
    tag="property",
    body=P.FOLLOW_UP,
    response=ref("PropertyRequest"),
    auth="property",
    errors=COMMITTEE_ERRORS,
    description="Refused naming `note` before the resolution or once recorded.",
    authorize=_serves_request,
)
def follow_up_request(request_id: str, body: dict[str, Any]) -> dict[str, Any]:
    steps.record_follow_up(api_actor(), request_id, note=body["note"], now=utcnow())
    return _request(request_id)


@operation(
    "GET",
    "/communities/{slug}/property/facts",
    summary="The versions of the service's facts, the newest first",
    tag="property",
    response=array(ref("ServiceFacts")),
    auth="property committee office",
    errors=READ_ERRORS,
    description="The community's committee and street office read every version; the serving company's staff their company's.",
)
def list_service_facts(slug: str) -> list[dict[str, Any]]:
    community = community_by_slug(slug)
    actor = api_actor()
    versions = facts_service.versions_of(community.id)
    if not can_watch_service(actor, community):
        contract = require_serving(db.session(), actor, community.id, _today())
        versions = [v for v in versions if v.company_id == contract.company_id]
    return [facts_json(v) for v in versions]


@operation(
    "POST",
    "/communities/{slug}/property/facts",
    summary="Submit a new version of the service's facts for the committee to confirm",
    tag="property",
    body=P.FACTS,
    response=ref("ServiceFacts"),
    status=201,
    auth="property",
    errors=COMMITTEE_ERRORS,
    description="The manager on duty, the contractors and the shared utility costs. One version "
    "waits for the committee at a time (refused naming `facts`). Refusals name `manager_name`, `manager_phone`, or a row's "
    "member (`contractors.0.phone`, `utility_costs.2.amount`).",
    authorize=_serves,
)
def submit_service_facts(slug: str, body: dict[str, Any]) -> dict[str, Any]:
    community = community_by_slug(slug)
    with facts_fields():
        submitted = facts_service.submit_facts(
            api_actor(),
            community.id,
            manager_name=body["manager_name"],
            manager_phone=body["manager_phone"],
            contractors=body.get("contractors", []),
            utility_costs=body.get("utility_costs", []),
            now=utcnow(),
        )
    return facts_json(submitted)


# The committee ---------------------------------------------------------------------------------------------------


@operation(
    "POST",
    "/communities/{slug}/property/facts/{version}/confirm",
    summary="Confirm the company's version of the facts: the board shows it from now on",
    tag="committee",
    body=NOTHING,
    response=ref("ServiceFacts"),
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="Refused naming `facts` when the version was decided already or its company no longer serves the community.",
    authorize=_decides_facts,
)
def confirm_service_facts(slug: str, version: str, body: dict[str, Any]) -> dict[str, Any]:
    community = community_by_slug(slug)
    confirmed = facts_service.confirm_facts(api_actor(), community.id, path_id(version, ""), now=utcnow())
    return facts_json(confirmed)


@operation(
    "POST",
    "/communities/{slug}/property/facts/{version}/return",
    summary="Return the company's version of the facts with the committee's reason",
    tag="committee",
    body=P.RETURN_FACTS,
    response=ref("ServiceFacts"),
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="Refused naming `reason`, or `facts` when the version was decided already.",
    authorize=_decides_facts,
)
def return_service_facts(slug: str, version: str, body: dict[str, Any]) -> dict[str, Any]:
    community = community_by_slug(slug)
    returned = facts_service.return_facts(api_actor(), community.id, path_id(version, ""), reason=body["reason"], now=utcnow())
    return facts_json(returned)


@operation(
    "GET",
    "/communities/{slug}/property/requests",
    summary="The community's requests with their units: open ones first, by their next deadline",
    tag="committee",
    response=array(ref("PropertyRequest")),
    auth="committee office",
    errors=READ_ERRORS,
    description="For the community's committee (or preparatory group) and its street office.",
)
def list_community_requests(slug: str) -> list[dict[str, Any]]:
    community = community_by_slug(slug)
    return [request_json(v, community) for v in reading.watched_requests(api_actor(), community.id, utcnow())]


@operation(
    "GET",
    "/communities/{slug}/property/escalations",
    summary="The steps the company missed: those the reader's side has not noted first, newest first",
    tag="committee",
    response=array(ref("PropertyEscalation")),
    auth="committee office",
    errors=READ_ERRORS,
    description="A street office's token reads them in the order of the office's notes, a committee's in the committee's.",
)
def list_escalations(slug: str) -> list[dict[str, Any]]:
    community = community_by_slug(slug)
    side = "office" if can_judge_service(api_actor(), community) else "committee"
    _community, rows = reading.escalations_of(api_actor(), community.id, side=side)
    return [escalation_json(v.escalation) for v in rows]


@operation(
    "POST",
    "/communities/{slug}/property/escalations/{escalation_id}/committee-noted",
    summary="The committee has seen a missed step: it leaves the committee's list",
    tag="committee",
    body=NOTHING,
    response=ref("PropertyEscalation"),
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="For the community's committee or preparatory group; noting it again changes nothing.",
    authorize=_notes,
)
def note_escalation_by_committee(slug: str, escalation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    community = community_by_slug(slug)
    noted = steps.note_by_committee(api_actor(), community.id, _escalation(community, escalation_id).id, now=utcnow())
    return escalation_json(noted)


@operation(
    "POST",
    "/communities/{slug}/property/satisfaction-survey",
    summary="Open this year's satisfaction survey of the company serving the community",
    tag="committee",
    body=P.SURVEY,
    response=ref("SatisfactionSurvey"),
    status=201,
    auth="committee office",
    errors=COMMITTEE_ERRORS,
    description="物业服务满意度测评: a consultation of the owners (满意 / 基本满意 / 不满意), drafted, opened and announced on the "
    "board at once; owners answer it as a consultation. The committee (or preparatory group) opens it; the street office "
    "only while the community has no committee in its term. Refused naming `closes_on`, `survey` (this year's is open "
    "already) or `community` (no company serves it).",
    authorize=_surveys,
)
def open_satisfaction_survey(slug: str, body: dict[str, Any]) -> dict[str, Any]:
    community = community_by_slug(slug)
    opened = satisfaction.open_survey(api_actor(), community.id, closes_on=parse_day(body["closes_on"], "closes_on"), now=utcnow())
    result = satisfaction.result_of(db.session(), opened)
    return {
        "community": community.slug,
        "company": result.company.public_id,
        "year": opened.year,
        "consultation": result.consultation.public_id,
        "closes_at": stamp(result.consultation.closes_at),
    }
