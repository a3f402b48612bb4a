"""The street office's oversight of the committee's conduct (scope "office"): negative-list findings against its
members and how they end, and the outgoing committee's term-end audit. The public reads are in ``record``.

Evidence files and the audit's report (a PDF) are uploaded on the office's pages only: these operations take JSON.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ..communities.models import Community
from ..communities.queries import community_by_slug
from ..db import db, utcnow
from ..elections import services as elections
from ..elections.models import Committee, Finding, TermAudit
from ..oversight import services as oversight
from ..security.permissions import can_judge_conduct, require
from . import work_schemas as W
from .operations import COMMITTEE_ERRORS, api_actor, not_found, operation, parse_day
from .schemas import NOTHING
from .serializers import audit_json, finding_json

# Lookups, before any body is read --------------------------------------------------------------------------------


def _judges(slug: str) -> None:
    require(can_judge_conduct(api_actor(), community_by_slug(slug)))


def _finding_of(finding_id: str) -> tuple[Finding, Community]:
    finding = oversight.finding_by_public_id(finding_id)
    community = db.session.get(Community, finding.community_id) if finding is not None else None
    if finding is None or community is None:
        raise not_found(_("No such finding."))
    return finding, community


def _judges_finding(finding_id: str) -> None:
    _finding, community = _finding_of(finding_id)
    require(can_judge_conduct(api_actor(), community))


def _committee_of(community: Community) -> Committee:
    committee = elections.current_committee(community.id)
    if committee is None:
        raise not_found(_("This community has no seated committee."))
    return committee


def _audit_of(slug: str) -> tuple[TermAudit, Community]:
    community = community_by_slug(slug)
    audit = oversight.audit_of(_committee_of(community).id)
    if audit is None:
        raise not_found(_("No such audit."))
    return audit, community


# Findings ---------------------------------------------------------------------------------------------------------


@operation(
    "POST",
    "/communities/{slug}/findings",
    summary="Record a negative-list finding against a seated member: suspended at once, published on the board",
    tag="office",
    body=W.NEW_FINDING,
    response=W.ref("Finding"),
    status=201,
    auth="office",
    errors=COMMITTEE_ERRORS,
    description="`membership_id` is one of the committee's `members`, `code` an entry of the community's negative list. The "
    "evidence is described in text; files are attached on the office's finding page only. Refusals name `membership_id`, "
    "`code` (not an entry, or one already standing against the member), `evidence` or `found_on` (not in the future).",
    authorize=_judges,
)
def record_finding(slug: str, body: dict[str, Any]) -> dict[str, Any]:
    community = community_by_slug(slug)
    finding = oversight.record_finding(
        api_actor(),
        community_id=community.id,
        membership_id=body["membership_id"],
        code=body["code"],
        evidence=body["evidence"],
        found_on=parse_day(body["found_on"], "found_on"),
        now=utcnow(),
    )
    return finding_json(finding, community)


@operation(
    "POST",
    "/findings/{finding_id}/outcome",
    summary="End a standing finding: the assembly removed the member, or the finding is lifted",
    tag="office",
    body=W.FINDING_OUTCOME,
    response=W.ref("Finding"),
    auth="office",
    errors=COMMITTEE_ERRORS,
    description="Removed names the certified assembly item that removed the member (`item_id`), and the first alternate "
    "takes the seat; lifted needs its reason (`note`) and gives the member's duties back unless another finding or order "
    "stands. Published on the board. Refusals name `outcome` (already ended), `item_id` or `note`.",
    authorize=_judges_finding,
)
def decide_finding(finding_id: str, body: dict[str, Any]) -> dict[str, Any]:
    finding, community = _finding_of(finding_id)
    decided = oversight.decide_finding(
        api_actor(), finding.id, outcome=body["outcome"], note=body.get("note", ""), item_id=body.get("item_id"), now=utcnow()
    )
    return finding_json(decided, community)


# The term-end audit -----------------------------------------------------------------------------------------------


@operation(
    "GET",
    "/communities/{slug}/audit",
    summary="The current committee's term-end audit, draft or published",
    tag="office",
    response=W.ref("TermAudit"),
    auth="office",
    errors=(401, 403, 404),
    authorize=_judges,
)
def get_audit(slug: str) -> dict[str, Any]:
    audit, community = _audit_of(slug)
    return audit_json(audit, community)


@operation(
    "POST",
    "/communities/{slug}/audit",
    summary="Start or update the draft term-end audit of the current committee: the auditor and what it covered",
    tag="office",
    body=W.AUDIT_DRAFT,
    response=W.ref("TermAudit"),
    auth="office",
    errors=COMMITTEE_ERRORS,
    description="The report (a PDF) is uploaded on the office's audit page only. Refused naming `state` once published.",
    authorize=_judges,
)
def save_audit(slug: str, body: dict[str, Any]) -> dict[str, Any]:
    community = community_by_slug(slug)
    committee = _committee_of(community)
    audit = oversight.save_audit(api_actor(), committee.id, auditor=body.get("auditor", ""), covered=body["covered"], now=utcnow())
    return audit_json(audit, community)


@operation(
    "POST",
    "/communities/{slug}/audit/findings",
    summary="Add a finding to the draft term-end audit",
    tag="office",
    body=W.AUDIT_FINDING,
    response=W.ref("TermAudit"),
    status=201,
    auth="office",
    errors=COMMITTEE_ERRORS,
    description="An order to rectify is made from a finding on the office's audit page.",
    authorize=_judges,
)
def add_audit_finding(slug: str, body: dict[str, Any]) -> dict[str, Any]:
    audit, community = _audit_of(slug)
    oversight.add_audit_finding(api_actor(), audit.id, text=body["text"], now=utcnow())
    db.session.refresh(audit)
    return audit_json(audit, community)


@operation(
    "POST",
    "/communities/{slug}/audit/publish",
    summary="Publish the term-end audit on the board; the next committee may then be seated",
    tag="office",
    body=NOTHING,
    response=W.ref("TermAudit"),
    auth="office",
    errors=COMMITTEE_ERRORS,
    description="Refused naming `covered` until a part is ticked and `report` until the report is uploaded on the office's "
    "audit page; `state` once published.",
    authorize=_judges,
)
def publish_audit(slug: str, body: dict[str, Any]) -> dict[str, Any]:
    audit, community = _audit_of(slug)
    return audit_json(oversight.publish_audit(api_actor(), audit.id, now=utcnow()), community)
