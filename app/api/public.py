"""The public reads: communities, notices, sessions and their bulletins, keys, committees, statements."""

from __future__ import annotations

import json
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from ..communities.models import Community, Person
from ..communities.queries import community_by_slug, public_community_summaries
from ..db import db, utcnow
from ..domain.lifecycle import SessionState
from ..domain.numbers import format_area
from ..elections.services import committee_view
from ..notices import services as notices
from ..notices.models import NoticeKind
from ..security.keys import cached_keyring
from ..security.permissions import can_publish_notices
from ..sessions import services as sessions
from ..sessions.services import bulletin
from . import schemas as S
from .operations import NOT_FOUND, not_found, operation, optional_bearer, stamp
from .serializers import community_json, item_json, notice_json, objection_summary_json, session_json


@operation("GET", "/communities", summary="Every community on this server", tag="public", response=S.array(S.ref("Community")))
def list_communities() -> list[dict[str, Any]]:
    return [community_json(c) for c in public_community_summaries()]


@operation("GET", "/communities/{slug}", summary="One community", tag="public", response=S.ref("Community"), errors=NOT_FOUND)
def get_community(slug: str) -> dict[str, Any]:
    found = next((c for c in public_community_summaries() if c.slug == slug), None)
    if found is None:
        raise not_found(_("No such community."))
    return community_json(found)


@operation(
    "GET",
    "/communities/{slug}/notices",
    summary="The community's published notices, newest first",
    tag="public",
    response=S.array(S.ref("Notice")),
    query={"kind": {"type": "string", "enum": S.NOTICE_KINDS}, "year": {"type": "integer", "minimum": 1900, "maximum": 9999}},
    errors=(400, 404),
)
def list_notices(slug: str, kind: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
    community = community_by_slug(slug)
    found = notices.board(community.id, kind=NoticeKind(kind) if kind else None, year=year)
    return [notice_json(n, community) for n in found]


@operation(
    "GET",
    "/communities/{slug}/notices/{notice_id}",
    summary="One published notice",
    tag="public",
    response=S.ref("Notice"),
    errors=NOT_FOUND,
    optional_auth="committee",
    description="A token of the community's committee reads its drafts here too, as the Location of a new draft promises.",
)
def get_notice(slug: str, notice_id: str) -> dict[str, Any]:
    community = community_by_slug(slug)
    notice = notices.published_notice(community.id, notice_id)
    reader = optional_bearer("committee") if notice is None else None
    if reader is not None and can_publish_notices(reader, community):
        notice = next((n for n in notices.committee_notices(community.id) if n.public_id == notice_id), None)
    if notice is None:
        raise not_found(_("No such notice."))
    return notice_json(notice, community)


@operation(
    "GET",
    "/communities/{slug}/sessions",
    summary="The community's announced sessions, newest first",
    tag="public",
    response=S.array(S.ref("SessionSummary")),
    errors=NOT_FOUND,
)
def list_sessions(slug: str) -> list[dict[str, Any]]:
    community = community_by_slug(slug)
    return [session_json(a) for a in sessions.announced_sessions(community.id)]


@operation(
    "GET",
    "/sessions/{session_id}",
    summary="A session: its items, live turnout while open, the result once tallied, and its objections",
    tag="public",
    response=S.ref("Session"),
    errors=NOT_FOUND,
    description="Once the preliminary result is published, `objections` counts the owners' objections by kind and by "
    "decision (never who made them) and gives the way to the final result: voting closed, preliminary result published, "
    "objections until, objections decided, certified or rejected.",
)
def get_session(session_id: str) -> dict[str, Any]:
    assembly, state = sessions.public_session(session_id, now=utcnow())
    community = db.session.get(Community, assembly.community_id)
    assert community is not None
    turnout = None
    if state is SessionState.OPEN:
        live = sessions.turnout(assembly)
        turnout = {
            "area": format_area(live.participating.area),
            "headcount": live.participating.heads,
            "area_percent": live.area_percent,
            "headcount_percent": live.heads_percent,
        }
    roll = None
    if assembly.roll_sha256:
        roll = {"sha256": assembly.roll_sha256, "area": format_area(assembly.roll_area_centi or 0), "headcount": assembly.roll_heads or 0}
    return {
        "session": session_json(assembly, state),
        "community": community.slug,
        "items": [item_json(i) for i in assembly.items],
        "roll": roll,
        "turnout": turnout,
        "result": assembly.result,
        "objections": objection_summary_json(assembly),
    }


@operation(
    "GET",
    "/sessions/{session_id}/bulletin",
    summary="The session's public bulletin board",
    tag="public",
    response=S.ref("Bulletin"),
    errors=NOT_FOUND,
)
def get_bulletin(session_id: str) -> dict[str, Any]:
    assembly, _state = sessions.public_session(session_id, now=utcnow())
    s = db.session()
    return json.loads(bulletin.published_json(s, assembly, sealed=bulletin.ever_sealed(s, assembly.id)))


@operation(
    "GET",
    "/keys",
    summary="The public keys receipts and certifications are signed with",
    tag="public",
    response=S.obj(keys=S.array(S.ref("Key"))),
)
def list_keys() -> dict[str, Any]:

    try:
        ring = cached_keyring(current_app.instance_path)
    except FileNotFoundError:
        return {"keys": []}
    return {"keys": [k.as_json() for k in ring.published]}


@operation(
    "GET",
    "/communities/{slug}/committee",
    summary="The community's current committee",
    tag="public",
    response=S.nullable(S.ref("Committee")),
    errors=NOT_FOUND,
)
def get_committee(slug: str) -> dict[str, Any] | None:
    view = committee_view(community_by_slug(slug), now=utcnow())
    if view is None:
        return None
    committee = view.committee

    def member(m: Any, p: Person) -> dict[str, Any]:
        return {"id": m.id, "name": p.name, "role": m.role.value, "suspended": m.suspended_at is not None}

    return {
        "kind": committee.kind.value,
        "seats": committee.seats,
        "seated_at": stamp(committee.seated_at),
        "term_end": committee.term_end.isoformat(),
        "members": [member(m, p) for m, p in view.members],
        "alternates": [member(m, p) for m, p in view.alternates],
        "party_members": view.party_members,
        "party_target_met": view.party_target_met,
    }


@operation(
    "GET",
    "/communities/{slug}/statements",
    summary="The community's published account statements",
    tag="public",
    response=S.array(S.ref("Statement")),
    errors=NOT_FOUND,
)
def list_statements(slug: str) -> list[dict[str, Any]]:
    community = community_by_slug(slug)
    rows = notices.published_statements(community.id)
    return [
        {
            "id": st.public_id,
            "ledger": st.ledger.value,
            "period_kind": st.period_kind,
            "period_start": st.period_start.isoformat(),
            "period_end": st.period_end.isoformat(),
            "closing_fen": st.closing_fen,
            "figures": st.figures,
            "notice": notice.public_id,
        }
        for st, notice in rows
    ]
