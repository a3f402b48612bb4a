"""The committee's actions (scope "committee"): draft a session, add a question, draft a notice."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ..communities.queries import community_by_slug
from ..db import utcnow
from ..notices import services as notices
from ..notices.models import NoticeKind
from ..sessions import services as sessions
from ..sessions.models import SessionForm
from . import schemas as S
from .operations import COMMITTEE_ERRORS, api_actor, not_found, operation, parse_stamp
from .serializers import item_json, notice_json, session_json


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
)
def create_session(slug: str, body: dict[str, Any]) -> dict[str, Any]:
    actor = api_actor()
    assembly = sessions.create_session(
        actor,
        community_id=community_by_slug(slug).id,
        title=body["title"],
        form=SessionForm(body["form"]),
        opens_at=parse_stamp(body["opens_at"]),
        closes_at=parse_stamp(body["closes_at"]),
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
)
def add_item(session_id: str, body: dict[str, Any]) -> dict[str, Any]:
    actor = api_actor()
    assembly = sessions.session_by_public_id(session_id)
    if assembly is None:
        raise not_found(_("No such session."))
    item = sessions.add_item(actor, assembly.id, matter=body["matter"], title=body["title"], body=body.get("body", ""))
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
)
def create_notice(slug: str, body: dict[str, Any]) -> dict[str, Any]:
    actor = api_actor()
    community = community_by_slug(slug)
    notice = notices.draft_notice(
        actor, community_id=community.id, kind=NoticeKind(body["kind"]), title=body["title"], body=body["body"], now=utcnow()
    )
    return notice_json(notice, community)
