"""Owners' objections to a preliminary result (RULES §6): those running the session list and answer them (scope
"committee"), the street office lists those it must decide and decides them (scope "office").

The owner's side (with their letter) is in ``owners``, the public counts and timeline in the session (``public``).
The owners' files are read on the pages only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from ..communities.models import Community
from ..communities.queries import office_by_code
from ..db import db, utcnow
from ..domain.errors import RuleViolation
from ..oversight import services as oversight
from ..security.permissions import can_certify, can_oversee, can_run_session, require
from ..sessions import services as sessions
from ..sessions.models import AssemblySession
from ..voting import services as voting
from ..voting.models import Objection
from . import schemas as S
from .operations import COMMITTEE_ERRORS, api_actor, fields, not_found, operation
from .serializers import objection_json

LIST_ERRORS = (401, 403, 404)


# Lookups, before any body is read --------------------------------------------------------------------------------


def _session_of(session_id: str) -> tuple[AssemblySession, Community]:
    assembly = sessions.session_by_public_id(session_id)
    community = db.session.get(Community, assembly.community_id) if assembly is not None else None
    if assembly is None or community is None:
        raise not_found(_("No such session."))
    return assembly, community


def _objection_of(session_id: str, objection_id: str) -> Objection:
    assembly, _community = _session_of(session_id)
    objection = voting.objection_by_public_id(objection_id)
    if objection is None or objection.session_id != assembly.id:
        raise not_found(_("No such objection."))
    return objection


def _runs_session(session_id: str, **_ignored: str) -> None:
    # As the service that answers: whoever convened the session runs it.
    assembly, community = _session_of(session_id)
    require(can_run_session(api_actor(), community, assembly.convened_by))


def _answers(session_id: str, objection_id: str) -> None:
    _runs_session(session_id)
    _objection_of(session_id, objection_id)


def _decides(session_id: str, objection_id: str) -> None:
    _assembly, community = _session_of(session_id)
    require(can_certify(api_actor(), community))
    _objection_of(session_id, objection_id)


# Those running the session ---------------------------------------------------------------------------------------


@operation(
    "GET",
    "/sessions/{session_id}/objections",
    summary="The owners' objections to the session's count, with their units, oldest first",
    tag="committee",
    response=S.array(S.ref("Objection")),
    auth="committee",
    errors=LIST_ERRORS,
    description="Those running the session answer each one with what they found; the street office then decides it.",
    authorize=_runs_session,
)
def list_session_objections(session_id: str) -> list[dict[str, Any]]:
    assembly, _community = _session_of(session_id)
    return [objection_json(o) for o in voting.objections_of_session(assembly.id)]


@operation(
    "POST",
    "/sessions/{session_id}/objections/{objection_id}/answer",
    summary="Answer an owner's objection with what was found",
    tag="committee",
    body=S.OBJECTION_ANSWER,
    response=S.ref("Objection"),
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="The owner and the street office see the answer; it can be changed until the street office decides "
    "(then refused naming `answer`).",
    authorize=_answers,
)
def answer_session_objection(session_id: str, objection_id: str, body: dict[str, Any]) -> dict[str, Any]:
    objection = _objection_of(session_id, objection_id)
    answered = voting.answer_objection(api_actor(), objection.id, answer=body["answer"], now=utcnow())
    return objection_json(answered)


# The street office -----------------------------------------------------------------------------------------------


@operation(
    "GET",
    "/offices/{office_code}/objections",
    summary="The objections the street office's communities wait for it to decide, oldest first",
    tag="office",
    response=S.array(S.ref("Objection")),
    auth="office",
    errors=LIST_ERRORS,
    description="Each with the answer of those running the session, if they gave one, and the outcomes an upholding may choose.",
)
def list_office_objections(office_code: str) -> list[dict[str, Any]]:
    office = office_by_code(office_code)
    if office is None:
        raise not_found(_("No such street office."))
    require(can_oversee(api_actor(), office.id))
    return [objection_json(o) for o, _assembly in oversight.objections_to_decide(office.id)]


@operation(
    "POST",
    "/sessions/{session_id}/objections/{objection_id}/decision",
    summary="Uphold or dismiss an objection, with reasons; upheld, what follows is carried out at once",
    tag="office",
    body=S.OBJECTION_DECISION,
    response=S.ref("Objection"),
    auth="office",
    errors=COMMITTEE_ERRORS,
    description="As on the office's review page, once the preliminary result is published and before it is certified. "
    "Upheld, `outcome` is one of the objection's `outcomes`: reissue and paper take the disputed ballot out of the count "
    "and open the voter's window (reissue replaces the letter that cast it: `letter_reissued`, for those running the session "
    "to print); rejected rejects the result and publishes an order to convene the owners again by `order_due_on`, confirmed "
    "with `code`, the current code of the official's authenticator app. Refusals name the field (`decision` when the "
    "objection or the session can no longer be decided).",
    authorize=_decides,
)
def decide_session_objection(session_id: str, objection_id: str, body: dict[str, Any]) -> dict[str, Any]:
    objection = _objection_of(session_id, objection_id)
    due = _day(body["order_due_on"], "order_due_on") if "order_due_on" in body else None
    with fields(status="decision"):
        decided = oversight.decide_objection(
            api_actor(),
            objection.id,
            upheld=body["decision"] == "upheld",
            reasons=body["reasons"],
            outcome=body.get("outcome"),
            code=body.get("code", ""),
            order_due_on=due,
            now=utcnow(),
        )
    return objection_json(decided.objection)


def _day(value: str, field: str) -> date:
    """A body's date (the schema has checked its form); one the calendar cannot hold is the field's error."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RuleViolation(field, _("%(field)s is outside the dates this service keeps.", field=field)) from None
