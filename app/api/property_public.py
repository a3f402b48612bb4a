"""Property services for anyone and for owners: the company serving a community, its contract and the facts its
committee confirmed; the requests' figures (counts and times, never a name or a unit); a city's confirmed red and
black lists with their history. An owner files a complaint or a repair request, follows their units' requests and
rates a resolved one, with their voting letter or with the register's identity check, as on the board.

Photos are attached on the pages only: these operations take JSON.
"""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import gettext as _

from ..clock import today_in_china
from ..communities.models import Community
from ..communities.queries import community_by_slug
from ..db import db, utcnow
from ..property_services.labels import request_kind_label
from ..property_services.services import facts as facts_service
from ..property_services.services import request_filing as filing
from ..property_services.services import request_ledger as reading
from ..property_services.services import standing
from ..property_services.services.common import complaint_kinds, contract_in_force, deadlines
from ..property_services.services.requests import load_request
from . import property_schemas as P
from .letters import opened_letter
from .operations import NOT_FOUND, fields, letter_limit, not_found, operation, stamp
from .property_shapes import company_json, contract_json, facts_json, list_json, request_json
from .schemas import OPEN_LETTER, ref

LETTER_ERRORS = (400, 403, 404, 413, 415, 422, 429)
BOARD_ERRORS = (400, 404, 413, 415, 422, 429)


def _request(public_id: str, community: Community) -> dict[str, Any]:
    return request_json(reading.views([load_request(db.session(), public_id)], utcnow())[0], community)


def _served(community: Community) -> bool:
    return contract_in_force(db.session(), community.id, today_in_china(utcnow())) is not None


# The public ------------------------------------------------------------------------------------------------------


@operation(
    "GET",
    "/communities/{slug}/property",
    summary="The community's property service: the company, its contract's term, fees and scope, the confirmed facts",
    tag="public",
    response=ref("PropertyService"),
    errors=NOT_FOUND,
    description="物业服务信息公示, as on the board: the company serving the community today under a contract in force, and "
    "the latest version of the service's facts its committee confirmed (the manager on duty, the contractors, the shared "
    "utility costs by month). Nobody's name but the manager on duty's.",
)
def get_property_service(slug: str) -> dict[str, Any]:
    community = community_by_slug(slug)
    today = today_in_china(utcnow())
    view = facts_service.board_facts(community.id, today)
    return {
        "community": community.slug,
        "company": company_json(view.company) if view.company else None,
        "contract": contract_json(view.contract, community, today) if view.contract else None,
        "facts": facts_json(view.facts) if view.facts else None,
        "url": url_for("property.board", slug=community.slug, _external=True),
    }


@operation(
    "GET",
    "/communities/{slug}/property/requests/figures",
    summary="The community's request figures: counts by kind and state, each step's share on time and median time",
    tag="public",
    response=ref("RequestFigures"),
    errors=NOT_FOUND,
)
def get_request_figures(slug: str) -> dict[str, Any]:
    """The requests filed in the last year, as the board counts them: never a name or a unit."""
    community = community_by_slug(slug)
    now = utcnow()
    figures = reading.public_figures(community, now)
    return {
        "community": community.slug,
        "served": _served(community),
        "since": figures.since.isoformat(),
        "total": figures.total,
        "by_category": figures.by_category,
        "by_kind": [
            {"kind": kind, "label": request_kind_label(kind), "total": total, "states": {s: counts.get(s, 0) for s in figures.states}}
            for kind, counts, total in figures.by_kind
        ],
        "steps": [
            {
                "step": f.step,
                "on_time": f.on_time,
                "counted": f.counted,
                "percent": f.percent,
                "median_seconds": None if f.median is None else int(f.median.total_seconds()),
            }
            for f in figures.steps
        ],
        "deadlines": [{"step": step.value, "due": stamp(due)} for step, due in deadlines(community, now).items()],
        "url": url_for("property.board_requests", slug=community.slug, _external=True),
    }


@operation(
    "GET",
    "/cities/{city_code}/property-lists",
    summary="The city's latest confirmed red and black lists of property-service companies, and the months before",
    tag="public",
    response=ref("PropertyLists"),
    errors=NOT_FOUND,
    description="红黑名单: computed each month from the month before (complaints per 100 units, the clock's steps on time, "
    "the year's satisfaction surveys, the street offices' findings) and published once a street office of the city "
    "confirms them. `months` lists every published month, the latest first; each is read at its own address.",
)
def get_property_lists(city_code: str) -> dict[str, Any]:
    city = standing.city_by_code(city_code)
    months = standing.published_months(city.id)
    return {
        "city": city.code,
        "months": [standing.month_label(m) for m in months],
        "latest": list_json(city.code, standing.published_list(city.id, months[0])) if months else None,
        "url": url_for("property.city_lists", code=city.code, _external=True),
    }


@operation(
    "GET",
    "/cities/{city_code}/property-lists/{month}",
    summary="A month's confirmed red and black lists of the city",
    tag="public",
    response=ref("PropertyList"),
    errors=NOT_FOUND,
    description="`month` as YYYY-MM; a month without a published list is not found.",
)
def get_property_list(city_code: str, month: str) -> dict[str, Any]:
    city = standing.city_by_code(city_code)
    first = standing.parse_month(month)
    if first is None or first not in standing.published_months(city.id):
        raise not_found(_("No list has been published for this month."))
    return list_json(city.code, standing.published_list(city.id, first))


# With the voting letter ------------------------------------------------------------------------------------------


@operation(
    "POST",
    "/letters/{token}/property/requests",
    summary="The requests of the letter's units, with their steps and deadlines",
    tag="owners",
    body=OPEN_LETTER,
    response=ref("LetterRequests"),
    auth="letter",
    limit=letter_limit,
    errors=LETTER_ERRORS,
    description="A letter of any session of the community: the units of the letter its holder still holds on today's "
    "register (`units`), the kinds a request may be of, and those units' requests, newest first, whoever of their holders "
    "filed them. The holder confirms with the last four characters of their ID number, so this is a POST. Refused "
    "naming `letter` when the register no longer names the holder an owner of the letter's units.",
)
def list_letter_requests(token: str, body: dict[str, Any]) -> dict[str, Any]:
    opened_letter(token, body["digits"])
    holder, found = filing.requests_of_letter(token)
    community = holder.community
    return {
        "community": community.slug,
        "served": _served(community),
        "units": list(holder.units),
        "kinds": [{"kind": k, "label": request_kind_label(k)} for k in complaint_kinds(community)],
        "requests": [request_json(v, community) for v in reading.views(found, utcnow())],
    }


@operation(
    "POST",
    "/letters/{token}/property/requests/new",
    summary="File a complaint or a repair request for one of the letter's units",
    tag="owners",
    body=P.LETTER_REQUEST,
    response=ref("PropertyRequest"),
    status=201,
    auth="letter",
    limit=letter_limit,
    errors=LETTER_ERRORS,
    description="The deadlines of the community's clock are computed now and kept with the request; the receipt goes to "
    "the contact phone and the news to the company by text message. Refusals name `unit` (one of `units`, needed when "
    "the holder holds several), `kind`, `text`, `contact_phone`, `letter`, or `community` (no company serves it). "
    "Photos are attached on the letter's page only: this operation takes JSON.",
)
def file_letter_request(token: str, body: dict[str, Any]) -> dict[str, Any]:
    opened_letter(token, body["digits"])
    filed = filing.file_by_letter(
        token,
        unit=body.get("unit") or None,
        category=body["category"],
        kind=body["kind"],
        text=body["text"],
        contact_phone=body.get("contact_phone", ""),
        ip=request.remote_addr or "-",
        now=utcnow(),
    )
    return _request(filed.public_id, community_of(filed.community_id))


@operation(
    "POST",
    "/letters/{token}/property/requests/{request_id}/rating",
    summary="Rate a resolved request of the letter's units, once: 1 to 5",
    tag="owners",
    body=P.LETTER_RATING,
    response=ref("PropertyRequest"),
    auth="letter",
    limit=letter_limit,
    errors=LETTER_ERRORS,
    description="Once the company has resolved it; the rating closes the request. Refused naming `rating` (not resolved "
    "yet, or rated already) or `comment`.",
)
def rate_letter_request(token: str, request_id: str, body: dict[str, Any]) -> dict[str, Any]:
    opened_letter(token, body["digits"])
    rated = filing.rate_by_letter(token, request_id, rating=body["rating"], comment=body.get("comment", ""), now=utcnow())
    return _request(rated.public_id, community_of(rated.community_id))


def community_of(community_id: int) -> Community:
    return reading.community_of(community_id)


# With the register's identity check, as on the board ----------------------------------------------------------


@operation(
    "POST",
    "/communities/{slug}/property/requests",
    summary="File a complaint or a repair request with the register's identity check, as on the board",
    tag="owners",
    body=P.BOARD_REQUEST,
    response=ref("PropertyRequest"),
    status=201,
    limit=letter_limit,
    errors=BOARD_ERRORS,
    description="The unit, the owner's name and the last four characters of their ID number as the register holds them; "
    "wrong details count against the unit and lock it for identity checks as for petitions. Refusals name `unit`, `name`, "
    "`id_last4`, `kind`, `text`, `contact_phone` or `community` (no company serves it). Photos are attached on the "
    "board's page only: this operation takes JSON.",
)
def file_board_request(slug: str, body: dict[str, Any]) -> dict[str, Any]:
    community = community_by_slug(slug)
    filed = filing.file_by_identity(
        community.id,
        unit=body["unit"],
        name=body["name"],
        id_last4=body["id_last4"],
        category=body["category"],
        kind=body["kind"],
        text=body["text"],
        contact_phone=body.get("contact_phone", ""),
        ip=request.remote_addr or "-",
        now=utcnow(),
    )
    return _request(filed.public_id, community)


@operation(
    "POST",
    "/communities/{slug}/property/requests/{request_id}/lookup",
    summary="One request of the owner's unit, after the register's identity check",
    tag="owners",
    body=P.BOARD_LOOKUP,
    response=ref("PropertyRequest"),
    limit=letter_limit,
    errors=BOARD_ERRORS,
    description="The unit's owner as the register names them; wrong details count against the unit. Refused naming "
    "`request_id` when the unit has no request of this number.",
)
def get_board_request(slug: str, request_id: str, body: dict[str, Any]) -> dict[str, Any]:
    community = community_by_slug(slug)
    with fields(number="request_id"):
        found = filing.request_by_identity(
            community.id,
            request_id,
            unit=body["unit"],
            name=body["name"],
            id_last4=body["id_last4"],
            ip=request.remote_addr or "-",
            now=utcnow(),
        )
    return _request(found.public_id, community)


@operation(
    "POST",
    "/communities/{slug}/property/requests/{request_id}/rating",
    summary="Rate a resolved request of the owner's unit, once, after the register's identity check",
    tag="owners",
    body=P.BOARD_RATING,
    response=ref("PropertyRequest"),
    limit=letter_limit,
    errors=BOARD_ERRORS,
    description="Refused naming `request_id` (not the unit's), `rating` (not resolved yet, or rated already) or `comment`.",
)
def rate_board_request(slug: str, request_id: str, body: dict[str, Any]) -> dict[str, Any]:
    community = community_by_slug(slug)
    with fields(number="request_id"):
        rated = filing.rate_by_identity(
            community.id,
            request_id,
            unit=body["unit"],
            name=body["name"],
            id_last4=body["id_last4"],
            rating=body["rating"],
            comment=body.get("comment", ""),
            ip=request.remote_addr or "-",
            now=utcnow(),
        )
    return _request(rated.public_id, community)
