"""What seating and the committee's page read of the street office's findings and term-end audits (written by ``oversight``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...communities.models import Community
from ...db import db
from ...domain.rules import get_profile
from ..models import AuditState, Finding, FindingOutcome, TermAudit


def standing_finding(s: Session, membership_id: int) -> Finding | None:
    """The finding that keeps a member suspended, if one stands: nothing else may give the rights back."""
    return s.execute(
        select(Finding).where(Finding.membership_id == membership_id, Finding.outcome == FindingOutcome.STANDING).order_by(Finding.id)
    ).scalar()


def standing_findings(committee_id: int) -> dict[int, date]:
    """The committee's members under a standing finding: membership id → the day the finding was made."""
    rows = db.session.execute(
        select(Finding.membership_id, func.min(Finding.found_on))
        .where(Finding.committee_id == committee_id, Finding.outcome == FindingOutcome.STANDING)
        .group_by(Finding.membership_id)
    ).all()
    return {membership_id: found_on for membership_id, found_on in rows}


def findings_in(committee_id: int, start: date, end: date) -> int:
    """How many findings the street office made against the committee's members from ``start`` to ``end`` (both included)."""
    return int(
        db.session.execute(
            select(func.count()).where(Finding.committee_id == committee_id, Finding.found_on >= start, Finding.found_on <= end)
        ).scalar_one()
    )


def audit_of(committee_id: int, s: Session | None = None) -> TermAudit | None:
    """The committee's term-end audit, draft or published; None before the office starts one."""
    s = s or db.session()
    return s.execute(select(TermAudit).where(TermAudit.committee_id == committee_id)).scalar_one_or_none()


def audit_published(s: Session, committee_id: int) -> bool:
    """Whether the committee's term-end audit is on the board: the one condition seating its successor reads."""
    audit = audit_of(committee_id, s)
    return audit is not None and audit.state is AuditState.PUBLISHED


def negative_codes(community: Community) -> list[str]:
    """The codes of the community's negative list, in the profile's order: what a vetting confirms clear."""
    return [e.code for e in get_profile(community.rule_profile).settings.negative_list]
