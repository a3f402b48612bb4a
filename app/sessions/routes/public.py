"""The public's pages of a session (no login): the result, who took part, the bulletin and the files a recount needs."""

from __future__ import annotations

import json

from flask import current_app, render_template, request
from sqlalchemy import select
from werkzeug.wrappers import Response

from ...communities.models import Community
from ...db import db, utcnow
from ...domain.lifecycle import SessionState
from ...domain.receipts import utc_stamp
from .. import services
from ..models import AssemblySession, Certification
from ..services import bulletin
from .common import bp


def _public_session(public_id: str) -> tuple[AssemblySession, SessionState]:
    return services.public_session(public_id, now=utcnow())


@bp.get("/s/<public_id>")
def show_result(public_id: str) -> str:
    """Anyone may read a session: its items, live turnout while open, the result once tallied."""
    assembly, state = _public_session(public_id)
    community = db.session.get(Community, assembly.community_id)
    live = services.turnout(assembly) if state is SessionState.OPEN else None
    seal = bulletin.seal_of(db.session(), assembly.id)
    return render_template(
        "sessions/result.html",
        assembly=assembly,
        community=community,
        state=state,
        live=live,
        result=assembly.result,
        seal=seal,
    )


# A building's list is shown whole; a larger roll is listed one building at a time.
PARTICIPATION_WHOLE = 2000


@bp.get("/s/<public_id>/participation")
def show_participation(public_id: str) -> str:
    """The units whose ballot counted, in room order, after the close: who voted, never how."""
    assembly, _state = _public_session(public_id)
    seal = bulletin.seal_of(db.session(), assembly.id)
    units = bulletin.participation(db.session(), assembly.id) if seal else []
    buildings: dict[str, int] = {}
    for unit in units:
        building = unit.split("-", 1)[0]
        buildings[building] = buildings.get(building, 0) + 1
    building = request.args.get("building", "")
    if building in buildings:
        units = [u for u in units if u.split("-", 1)[0] == building]
    elif len(units) > PARTICIPATION_WHOLE:
        building, units = "", []
    return render_template(
        "sessions/participation.html", assembly=assembly, sealed=seal is not None, units=units, buildings=buildings, building=building
    )


BULLETIN_PAGE = 200


@bp.get("/s/<public_id>/bulletin")
def show_bulletin(public_id: str) -> str:
    """The public bulletin: every entry in chain order, and a search for a receipt's tracker."""
    assembly, state = _public_session(public_id)
    s = db.session()
    head = bulletin.head_of(s, assembly.id)
    count = head.seq if head else 0
    sealed = bulletin.ever_sealed(s, assembly.id)
    pages = max(1, -(-count // BULLETIN_PAGE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    query = (request.args.get("tracker") or "").strip()
    found, searched = None, bool(query)
    if searched:
        found = bulletin.find_tracker(s, assembly.id, query)
    return render_template(
        "sessions/bulletin.html",
        assembly=assembly,
        state=state,
        head=head,
        sealed=sealed,
        seal=bulletin.seal_of(s, assembly.id) if sealed else None,
        rows=bulletin.page(s, assembly.id, sealed=sealed, offset=(page - 1) * BULLETIN_PAGE, limit=BULLETIN_PAGE),
        page=page,
        pages=pages,
        query=query,
        searched=searched,
        found=found,
        found_sealed=sealed,
    )


@bp.get("/s/<public_id>/bulletin.json")
def bulletin_json(public_id: str) -> Response:
    """Every entry in order; while voting is open only each entry's number, hash and link (DESIGN §4)."""
    assembly, _state = _public_session(public_id)
    s = db.session()
    body = bulletin.published_json(s, assembly, sealed=bulletin.ever_sealed(s, assembly.id))
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/s/<public_id>/roll.json")
def roll_json(public_id: str) -> Response:
    """The frozen roll's totals and the items: with the bulletin, all a recount needs."""
    assembly, _state = _public_session(public_id)
    response = current_app.response_class(
        json.dumps(services.published_roll(assembly), ensure_ascii=False, indent=2) + "\n", mimetype="application/json"
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/s/<public_id>/result.json")
def result_json(public_id: str) -> Response:
    """The result as counted (preliminary until certified), its SHA-256, the seal, and the signed verdict once given."""
    assembly, state = _public_session(public_id)
    seal = bulletin.seal_of(db.session(), assembly.id)
    verdict = db.session.execute(select(Certification).where(Certification.session_id == assembly.id)).scalar_one_or_none()
    body = {
        "session": assembly.public_id,
        "title": assembly.title,
        "state": state.value,
        "final": state is SessionState.CERTIFIED,
        "closes_at": utc_stamp(assembly.closes_at),
        "counted_at": utc_stamp(assembly.tallied_at) if assembly.tallied_at else None,
        "objections_until": utc_stamp(assembly.objections_until) if assembly.objections_until else None,
        "result": assembly.result,
        "result_sha256": assembly.result_sha256,
        "seal": seal["hash"] if seal else None,
        # The statement the street office's key signed, as signed: rebuild nothing to check it.
        "certification": {**json.loads(verdict.statement), "key_id": verdict.key_id, "sig": verdict.signature} if verdict else None,
    }
    response = current_app.response_class(json.dumps(body, ensure_ascii=False, indent=2) + "\n", mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
