"""Consultations (意见征询): anyone reads them, with participation and, once closed, the counts by option by area and
headcount (never who answered what); an owner answers with their voting letter or with the register's identity check,
as on the board; the committee drafts, opens and closes them (scope "committee")."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import gettext as _

from ..communities.models import Community
from ..communities.queries import community_by_slug
from ..consultations import services as consultations
from ..consultations.models import Consultation, ConsultationOption, ConsultationState
from ..db import db, utcnow
from ..domain.numbers import format_area, percent
from ..notices.services import public_id_of
from ..security.permissions import can_consult_owners, require
from ..sessions.models import AssemblySession
from . import work_schemas as W
from .letters import opened_letter
from .operations import COMMITTEE_ERRORS, NOT_FOUND, api_actor, letter_limit, not_found, operation, optional_bearer, parse_day, stamp
from .schemas import NOTHING, OPEN_LETTER

LETTER_ERRORS = (400, 403, 404, 413, 415, 422, 429)

# Shapes ----------------------------------------------------------------------------------------------------------


def option_json(option: ConsultationOption) -> dict[str, Any]:
    return {"id": option.id, "position": option.position, "label": option.label}


def consultation_json(consultation: Consultation, community: Community) -> dict[str, Any]:
    """As the public page shows it: participation always, the counts by option only once it is closed."""
    counts = consultations.summary(consultation)
    closed = consultation.state is ConsultationState.CLOSED
    public = consultation.state is not ConsultationState.DRAFT
    return {
        "id": consultation.public_id,
        "community": community.slug,
        "title": consultation.title,
        "description": consultation.description,
        "state": consultation.state.value,
        "opens_at": stamp(consultation.opens_at),
        "closes_at": stamp(consultation.closes_at),
        "closing_day": consultations.closing_day(consultation).isoformat(),
        "closed_at": stamp(consultation.closed_at),
        "options": [option_json(o) for o in consultation.options],
        "participation": {
            "heads": counts.heads,
            "area": format_area(counts.area_centi),
            "roll_heads": counts.roll_heads,
            "roll_area": format_area(counts.roll_area_centi),
            "heads_percent": percent(counts.heads_share),
            "area_percent": percent(counts.area_share),
            "roll_sha256": consultation.roll_sha256,
        },
        "counts": [{"option": o.option_id, "label": o.label, "heads": o.heads, "area": format_area(o.area_centi)} for o in counts.options]
        if closed
        else None,
        "announcement": public_id_of(consultation.announcement_notice_id),
        "summary_notice": public_id_of(consultation.summary_notice_id),
        "url": url_for("consultations.show_consultation", slug=community.slug, public_id=consultation.public_id, _external=True)
        if public
        else None,
    }


# Lookups ---------------------------------------------------------------------------------------------------------


def _public(slug: str, consultation_id: str) -> tuple[Consultation, Community]:
    """A consultation of the community past its draft, brought up to the clock (past its last day it closes)."""
    community = community_by_slug(slug)
    consultation = consultations.by_public_id(consultation_id)
    if consultation is None or consultation.community_id != community.id or consultation.state is ConsultationState.DRAFT:
        raise not_found(_("No such consultation."))
    consultations.sync(consultation.id, now=utcnow())
    db.session.refresh(consultation)
    return consultation, community


def _committee_consultation(consultation_id: str) -> tuple[Consultation, Community]:
    consultation = consultations.by_public_id(consultation_id)
    community = db.session.get(Community, consultation.community_id) if consultation is not None else None
    if consultation is None or community is None:
        raise not_found(_("No such consultation."))
    return consultation, community


def _consults(consultation_id: str) -> None:
    _consultation, community = _committee_consultation(consultation_id)
    require(can_consult_owners(api_actor(), community))


def _consults_in(slug: str) -> None:
    require(can_consult_owners(api_actor(), community_by_slug(slug)))


# Public ----------------------------------------------------------------------------------------------------------


@operation(
    "GET",
    "/communities/{slug}/consultations",
    summary="The community's consultations: those taking answers first, then the newest",
    tag="public",
    response=W.array(W.ref("Consultation")),
    errors=NOT_FOUND,
)
def list_consultations(slug: str) -> list[dict[str, Any]]:
    community = community_by_slug(slug)
    for open_one in consultations.open_for(community.id):
        consultations.sync(open_one.id, now=utcnow())
    return [consultation_json(c, community) for c in consultations.consultations_of(community.id)]


@operation(
    "GET",
    "/communities/{slug}/consultations/{consultation_id}",
    summary="One consultation: its options, participation, and the counts by option once it is closed",
    tag="public",
    response=W.ref("Consultation"),
    errors=NOT_FOUND,
    optional_auth="committee",
    description="A token of the community's committee reads its drafts here too.",
)
def get_consultation(slug: str, consultation_id: str) -> dict[str, Any]:
    community = community_by_slug(slug)
    found = consultations.by_public_id(consultation_id)
    if found is not None and found.community_id == community.id and found.state is ConsultationState.DRAFT:
        reader = optional_bearer("committee")
        if reader is not None and can_consult_owners(reader, community):
            return consultation_json(found, community)
    consultation, community = _public(slug, consultation_id)
    return consultation_json(consultation, community)


@operation(
    "POST",
    "/communities/{slug}/consultations/{consultation_id}/answers",
    summary="Answer a consultation with the register's identity check, as on the board",
    tag="owners",
    body=W.BOARD_ANSWER,
    response=W.ref("ConsultationAnswer"),
    status=201,
    limit=letter_limit,
    errors=(400, 404, 413, 415, 422, 429),
    description="The unit, the owner's name and the last four characters of their ID number as the register holds them; "
    "wrong details count against the unit and lock it for identity checks as for petitions. One answer per voter of the "
    "roll kept at the opening, which cannot be changed. Refusals name `option`, `unit` or `consultation` (closed, or "
    "already answered).",
)
def answer_consultation(slug: str, consultation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    consultation, _community = _public(slug, consultation_id)
    option = consultations.answer_by_identity(
        consultation.public_id,
        body["option"],
        unit=body["unit"],
        name=body["name"],
        id_last4=body["id_last4"],
        ip=request.remote_addr or "-",
        now=utcnow(),
    )
    return {"consultation": consultation.public_id, "option": option_json(option)}


# With the voting letter ------------------------------------------------------------------------------------------


@operation(
    "POST",
    "/letters/{token}/consultations",
    summary="The community's consultations taking answers, for the letter's voter",
    tag="owners",
    body=OPEN_LETTER,
    response=W.array(W.ref("LetterConsultation")),
    auth="letter",
    limit=letter_limit,
    errors=LETTER_ERRORS,
    description="Each open consultation of the letter's community, whether the letter's voter is on its roll (`may_answer`) "
    "and has answered, by any holder and any way (`answered`). The holder confirms with the last four characters of their "
    "ID number, as when opening the letter, so this is a POST.",
)
def list_letter_consultations(token: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    letter = opened_letter(token, body["digits"])
    assembly = db.session.get(AssemblySession, letter.session_id)
    community = db.session.get(Community, assembly.community_id) if assembly else None
    if community is None:  # pragma: no cover - the letter's session holds its community
        raise not_found(_("Open your voting letter again."))
    return [
        {
            "consultation": consultation_json(c, community),
            "may_answer": consultations.letter_may_answer(c, letter),
            "answered": consultations.letter_has_answered(c, letter),
        }
        for c in consultations.open_for(community.id, utcnow())
    ]


@operation(
    "POST",
    "/letters/{token}/consultations/{consultation_id}",
    summary="Answer a consultation for the letter's voter",
    tag="owners",
    body=W.LETTER_ANSWER,
    response=W.ref("ConsultationAnswer"),
    status=201,
    auth="letter",
    limit=letter_limit,
    errors=LETTER_ERRORS,
    description="A letter of any session of the community answers for its voter on the roll the consultation opened with, "
    "once; the answer cannot be changed. Refusals name `option`, `letter` or `consultation` (closed, or already answered).",
)
def answer_with_letter(token: str, consultation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    letter = opened_letter(token, body["digits"])
    assembly = db.session.get(AssemblySession, letter.session_id)
    consultation = consultations.by_public_id(consultation_id)
    if (
        consultation is None
        or assembly is None
        or consultation.community_id != assembly.community_id
        or consultation.state is ConsultationState.DRAFT
    ):
        raise not_found(_("No such consultation."))
    consultations.sync(consultation.id, now=utcnow())
    option = consultations.answer_by_letter(token, consultation.public_id, body["option"], ip=request.remote_addr or "-", now=utcnow())
    return {"consultation": consultation.public_id, "option": option_json(option)}


# The committee ---------------------------------------------------------------------------------------------------


@operation(
    "POST",
    "/communities/{slug}/consultations",
    summary="Draft a consultation: the question, two to ten options, the last day",
    tag="committee",
    body=W.NEW_CONSULTATION,
    response=W.ref("Consultation"),
    status=201,
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="Nobody else sees it until it is opened. Refusals name `title`, `description`, `options` (how many), "
    "`options.N` (a row too long or repeated) or `closes_on` (after today).",
    authorize=_consults_in,
)
def draft_consultation(slug: str, body: dict[str, Any]) -> dict[str, Any]:
    community = community_by_slug(slug)
    # A refusal of the option row ``options-3`` names ``options.3``, the body's fourth option.
    drafted = consultations.draft_consultation(
        api_actor(),
        community_id=community.id,
        title=body["title"],
        description=body.get("description", ""),
        options=body["options"],
        closes_on=parse_day(body["closes_on"], "closes_on"),
        now=utcnow(),
    )
    return consultation_json(drafted, community)


@operation(
    "POST",
    "/consultations/{consultation_id}/open",
    summary="Open a draft: the register's roll is kept with it and the board announces it",
    tag="committee",
    body=NOTHING,
    response=W.ref("Consultation"),
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="Refused naming `consultation` (already open, or no register yet) or `closes_on` (its last day has passed).",
    authorize=_consults,
)
def open_consultation(consultation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    consultation, community = _committee_consultation(consultation_id)
    opened = consultations.open_consultation(api_actor(), consultation.id, now=utcnow())
    return consultation_json(opened, community)


@operation(
    "POST",
    "/consultations/{consultation_id}/close",
    summary="Close an open consultation before its last day; its summary goes on the board",
    tag="committee",
    body=NOTHING,
    response=W.ref("Consultation"),
    auth="committee",
    errors=COMMITTEE_ERRORS,
    authorize=_consults,
)
def close_consultation(consultation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    consultation, community = _committee_consultation(consultation_id)
    closed = consultations.close_consultation(api_actor(), consultation.id, now=utcnow())
    return consultation_json(closed, community)
