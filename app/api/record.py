"""The public record of a community's governance: the committee's published decisions (revoked or not), its meetings
with confirmed minutes, and the street office's negative-list findings and published term-end audits."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..committees import services as committees
from ..communities.models import Community
from ..communities.queries import community_by_slug
from ..db import db, utcnow
from ..domain.errors import NotFound
from ..elections.models import AuditState, TermAudit
from ..oversight import services as oversight
from . import work_schemas as W
from .operations import NOT_FOUND, not_found, operation, stamp
from .serializers import audit_json, consultation_public_id, finding_json


@operation(
    "GET",
    "/communities/{slug}/decisions",
    summary="The committee's published decisions, newest first, each revoked or not",
    tag="public",
    response=W.array(W.ref("Decision")),
    errors=NOT_FOUND,
    description="As the committee's public record lists them: the motion the members passed, its count of all seats, its "
    "notice, whether it was published within its days (`late`), and when the street office revoked it, the order that did.",
)
def list_decisions(slug: str) -> list[dict[str, Any]]:
    community = community_by_slug(slug)
    revocations = committees.revocations_in(community.id)
    out = []
    for d in committees.decisions_of(community, now=utcnow()):
        if not d.published or d.notice is None:
            continue
        revoked = revocations.get(d.notice.id)
        out.append(
            {
                "id": d.motion.public_id,
                "title": d.motion.title,
                "text": d.motion.text,
                "meeting": d.meeting.title,
                "decided_at": stamp(d.motion.decided_at),
                "seats": d.motion.seats or 0,
                "agree": d.motion.agree,
                "disagree": d.motion.disagree,
                "abstain": d.motion.abstain,
                "notice": d.notice.public_id,
                "published_at": stamp(d.notice.published_at),
                "due": d.due.isoformat(),
                "late": d.late,
                "revoked": d.revoked,
                "revoked_at": stamp(d.motion.revoked_at),
                "consultation": consultation_public_id(d.motion),
                "order": revoked.order.public_id if revoked else None,
                "order_notice": revoked.order_notice.public_id if revoked and revoked.order_notice else None,
            }
        )
    return out


def _held_url(community: Community, meeting_id: str) -> str:
    return url_for("committees.public_meeting", slug=community.slug, public_id=meeting_id, _external=True)


@operation(
    "GET",
    "/communities/{slug}/meetings",
    summary="The committee's meetings convened and to come, and its held meetings with confirmed minutes",
    tag="public",
    response=W.ref("MeetingRecord"),
    errors=NOT_FOUND,
)
def list_meetings(slug: str) -> dict[str, Any]:
    community = community_by_slug(slug)
    return {
        "upcoming": [
            {"id": m.public_id, "title": m.title, "place": m.place, "starts_at": stamp(m.starts_at)}
            for m in committees.upcoming(community, utcnow())
        ],
        "held": [
            {
                "id": h.meeting.public_id,
                "title": h.meeting.title,
                "place": h.meeting.place,
                "starts_at": stamp(h.meeting.starts_at),
                "version": h.minutes.version,
                "confirmed_at": stamp(h.minutes.confirmed_at),
                "url": _held_url(community, h.meeting.public_id),
            }
            for h in committees.held_meetings(community)
        ],
    }


@operation(
    "GET",
    "/communities/{slug}/meetings/{meeting_id}",
    summary="A held meeting's confirmed minutes, every version newest first",
    tag="public",
    response=W.ref("HeldMeeting"),
    errors=NOT_FOUND,
    description="Only a meeting whose minutes the attending members confirmed; a corrected version names none of the drafts in between.",
)
def get_held_meeting(slug: str, meeting_id: str) -> dict[str, Any]:
    community = community_by_slug(slug)
    try:
        held = committees.held_meeting(community, meeting_id)
    except NotFound:
        raise not_found(_("No such meeting.")) from None
    return {
        "id": held.meeting.public_id,
        "community": community.slug,
        "title": held.meeting.title,
        "place": held.meeting.place,
        "starts_at": stamp(held.meeting.starts_at),
        "versions": [
            {"id": m.public_id, "version": m.version, "record": m.record, "notes": m.notes, "confirmed_at": stamp(m.confirmed_at)}
            for m in held.versions
        ],
        "url": _held_url(community, held.meeting.public_id),
    }


@operation(
    "GET",
    "/communities/{slug}/findings",
    summary="The street office's negative-list findings against the committee's members, newest first",
    tag="public",
    response=W.array(W.ref("Finding")),
    errors=NOT_FOUND,
    description="Each is published on the board when recorded. The evidence is summarised with ID and phone numbers "
    "masked; its files are never public.",
)
def list_findings(slug: str) -> list[dict[str, Any]]:
    community = community_by_slug(slug)
    return [finding_json(f, community) for f in oversight.findings_of(community.id)]


@operation(
    "GET",
    "/communities/{slug}/audits",
    summary="The published term-end audits of the community's outgoing committees, newest first",
    tag="public",
    response=W.array(W.ref("TermAudit")),
    errors=NOT_FOUND,
    description="The report itself is attached to the audit's notice on the board.",
)
def list_audits(slug: str) -> list[dict[str, Any]]:
    community = community_by_slug(slug)
    audits = db.session.execute(
        select(TermAudit)
        .where(TermAudit.community_id == community.id, TermAudit.state == AuditState.PUBLISHED)
        .order_by(TermAudit.published_at.desc(), TermAudit.id.desc())
    ).scalars()
    return [audit_json(a, community) for a in audits]
