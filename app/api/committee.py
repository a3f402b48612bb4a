"""The committee's actions (scope "committee"): draft a session, add a question, draft a notice."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _

from ..communities.models import Community
from ..communities.queries import community_by_slug
from ..db import db, utcnow
from ..notices import services as notices
from ..notices.models import NoticeKind
from ..security.permissions import can_publish_notices, can_run_sessions, require
from ..sessions import services as sessions
from ..sessions.models import SessionForm
from . import schemas as S
from .operations import COMMITTEE_ERRORS, Created, api_actor, not_found, operation, parse_stamp
from .serializers import item_json, notice_json, session_json


# Checked before the body is read: a token without rights on the community learns nothing about its body.
def _runs_sessions_of(slug: str) -> None:
    require(can_run_sessions(api_actor(), community_by_slug(slug)))


def _runs_sessions_of_session(session_id: str) -> None:
    assembly = sessions.session_by_public_id(session_id)
    if assembly is None:
        raise not_found(_("No such session."))
    community = db.session.get(Community, assembly.community_id)
    require(community is not None and can_run_sessions(api_actor(), community))


def _publishes_notices_of(slug: str) -> None:
    require(can_publish_notices(api_actor(), community_by_slug(slug)))


@operation(
    "POST",
    "/communities/{slug}/sessions",
    summary="Draft a session",
    tag="committee",
    body=S.NEW_SESSION,
    response=S.ref("SessionSummary"),
    status=201,
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="A draft the committee completes and announces on its pages.",
    authorize=_runs_sessions_of,
)
def create_session(slug: str, body: dict[str, Any]) -> dict[str, Any]:
    actor = api_actor()
    assembly = sessions.create_session(
        actor,
        community_id=community_by_slug(slug).id,
        title=body["title"],
        form=SessionForm(body["form"]),
        opens_at=parse_stamp(body["opens_at"], "opens_at"),
        closes_at=parse_stamp(body["closes_at"], "closes_at"),
    )
    return session_json(assembly)


@operation(
    "POST",
    "/sessions/{session_id}/items",
    summary="Add a question to a draft session",
    tag="committee",
    body=S.NEW_ITEM,
    response=S.ref("Item"),
    status=201,
    auth="committee",
    errors=COMMITTEE_ERRORS,
    authorize=_runs_sessions_of_session,
)
def add_item(session_id: str, body: dict[str, Any]) -> dict[str, Any]:
    actor = api_actor()
    assembly = sessions.session_by_public_id(session_id)
    if assembly is None:
        raise not_found(_("No such session."))
    item = sessions.add_item(
        actor,
        assembly.id,
        matter=body["matter"],
        title=body["title"],
        body=body.get("body", ""),
        scope=body.get("scope"),
        scope_label=body.get("scope_label", ""),
    )
    return item_json(item)


@operation(
    "POST",
    "/communities/{slug}/notices",
    summary="Draft a notice",
    tag="committee",
    body=S.NEW_NOTICE,
    response=S.ref("Notice"),
    status=201,
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="A draft; publishing (and a decision's second confirmation) stays on the committee's pages.",
    authorize=_publishes_notices_of,
    location="The notice, which a token of the committee reads back while it is a draft.",
)
def create_notice(slug: str, body: dict[str, Any]) -> Created:
    actor = api_actor()
    community = community_by_slug(slug)
    notice = notices.draft_notice(
        actor, community_id=community.id, kind=NoticeKind(body["kind"]), title=body["title"], body=body["body"], now=utcnow()
    )
    location = url_for("api.get_notice", slug=community.slug, notice_id=notice.public_id, _external=True)
    return Created(notice_json(notice, community), location)
