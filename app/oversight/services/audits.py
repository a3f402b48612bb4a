"""The term-end audit (换届审计/离任审计) of an outgoing committee, by the street office or an auditor it names.

A draft names the auditor, ticks what the audit covered, lists its findings and carries
the report (a PDF). Published, it is a notice on the board with all of these, and the
next committee may be seated (``elections.services.seating`` reads nothing else).
Each finding may become an order to rectify, which the finding then names.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...communities.models import Community
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...elections import services as elections
from ...elections.models import AUDIT_SCOPE, AuditFinding, AuditState, Committee, TermAudit
from ...notices.markup import escape_markdown
from ...notices.models import Attachment, NoticeKind
from ...notices.services import checked_file, publish_system_notice, store_file
from ...orders.models import Order, OrderKind
from ...security.actor import Actor
from ...security.permissions import can_judge_conduct, require
from .orders import order_in

audit_of = elections.audit_of  # for the yearly review and the pages: the committee's audit, draft or published

SCOPE_LABELS: dict[str, LazyString] = {
    "ledgers": _l("The committee's ledgers and accounts"),
    "fund_projects": _l("Maintenance fund projects"),
    "contracts": _l("Contracts the committee signed"),
    "records": _l("Records, seals and property handed over"),
}
MAX_FINDING = 2000
MAX_AUDITOR = 200


def _committee(s: Session, actor: Actor, committee_id: int) -> tuple[Committee, Community]:
    committee = s.get(Committee, committee_id)
    if committee is None:
        raise NotFound(str(_l("No such committee.")))
    community = s.get(Community, committee.community_id)
    assert community is not None
    require(can_judge_conduct(actor, community))
    return committee, community


def _draft(s: Session, actor: Actor, audit_id: int) -> tuple[TermAudit, Community]:
    audit = s.get(TermAudit, audit_id, with_for_update=True)
    if audit is None:
        raise NotFound(str(_l("No such audit.")))
    community = s.get(Community, audit.community_id)
    assert community is not None
    require(can_judge_conduct(actor, community))
    if audit.state is not AuditState.DRAFT:
        raise RuleViolation("state", str(_l("The audit is published; it can no longer be changed.")))
    return audit, community


def save_audit(
    actor: Actor,
    committee_id: int,
    *,
    auditor: str,
    covered: Collection[str],
    now: datetime,
    report: tuple[str, bytes] | None = None,
) -> TermAudit:
    """Start or update the draft: the auditor (empty: the office itself), what it covered, and optionally the report (PDF)."""
    auditor = auditor.strip()
    if len(auditor) > MAX_AUDITOR:
        raise RuleViolation("auditor", str(_l("At most %(max)d characters.", max=MAX_AUDITOR)))
    unknown = set(covered) - set(AUDIT_SCOPE)
    if unknown:
        raise RuleViolation("covered", str(_l("Tick only the parts of the audit listed.")))
    checked = None
    if report is not None:
        try:
            name, kind, digest = checked_file(*report)
        except RuleViolation as exc:
            raise RuleViolation("report", exc.reason) from exc
        if kind != "application/pdf":
            raise RuleViolation("report", str(_l("The audit report must be a PDF file.")))
        checked = (name, kind, digest, report[1])
    with db.write() as s:
        committee, community = _committee(s, actor, committee_id)
        audit = elections.audit_of(committee.id, s)
        if audit is None:
            audit = TermAudit(
                public_id=secrets.token_urlsafe(9),
                committee_id=committee.id,
                community_id=community.id,
                created_by_user_id=actor.user_id,
                created_at=now,
            )
            s.add(audit)
        elif audit.state is not AuditState.DRAFT:
            raise RuleViolation("state", str(_l("The audit is published; it can no longer be changed.")))
        audit.auditor = auditor
        audit.scope = {part: part in covered for part in AUDIT_SCOPE}
        if checked is not None:
            name, kind, digest, data = checked
            store_file(digest, data)
            audit.report_filename, audit.report_content_type, audit.report_size, audit.report_sha256 = name, kind, len(data), digest
        s.flush()
        data_ = {"audit": audit.public_id, "auditor": auditor or None, "covered": sorted(covered), "report": bool(audit.report_sha256)}
        record(s, actor, "term_audit.save", "committee", committee.id, **scope(community), now=now, data=data_)
    return audit


def add_audit_finding(actor: Actor, audit_id: int, *, text: str, now: datetime) -> AuditFinding:
    """One finding of the draft audit (what is wrong, and what must be put right)."""
    text = text.strip()
    if not text:
        raise RuleViolation("text", str(_l("Write the finding.")))
    if len(text) > MAX_FINDING:
        raise RuleViolation("text", str(_l("At most %(max)d characters.", max=MAX_FINDING)))
    with db.write() as s:
        audit, community = _draft(s, actor, audit_id)
        finding = AuditFinding(audit_id=audit.id, text=text, created_at=now)
        s.add(finding)
        s.flush()
        record(s, actor, "term_audit.finding", "committee", audit.committee_id, **scope(community), now=now, data={"finding": finding.id})
    return finding


def publish_audit(actor: Actor, audit_id: int, *, now: datetime) -> TermAudit:
    """Publish the audit on the board with its scope, findings and report; the next committee may then be seated."""
    with db.write() as s:
        audit, community = _draft(s, actor, audit_id)
        if not any(audit.scope.values()):
            raise RuleViolation("covered", str(_l("Tick at least one part the audit covered before publishing it.")))
        if audit.report_sha256 is None:
            raise RuleViolation("report", str(_l("Attach the audit report (PDF) before publishing the audit.")))
        committee = s.get(Committee, audit.committee_id)
        assert committee is not None
        with force_locale("zh_CN"):
            title = str(
                _l(
                    "Term-end audit of the committee (term %(start)s to %(end)s)",
                    start=committee.term_start.isoformat(),
                    end=committee.term_end.isoformat(),
                )
            )
            body = audit_text(audit)
        notice = publish_system_notice(s, actor, community, kind=NoticeKind.ORDER, title=title, body=body, session_id=None, now=now)
        assert audit.report_filename and audit.report_content_type and audit.report_size is not None
        s.add(
            Attachment(
                notice_id=notice.id,
                filename=audit.report_filename,
                content_type=audit.report_content_type,
                size=audit.report_size,
                sha256=audit.report_sha256,
                uploaded_at=now,
            )
        )
        audit.state, audit.notice_id = AuditState.PUBLISHED, notice.id
        audit.published_by_user_id, audit.published_at = actor.user_id, now
        data = {"audit": audit.public_id, "findings": len(audit.findings), "notice": notice.public_id}
        record(s, actor, "term_audit.publish", "committee", committee.id, **scope(community), now=now, data=data)
    return audit


def audit_text(audit: TermAudit) -> str:
    """The notice's body in the current language: the auditor, each part covered or not, the findings, the report."""
    auditor = escape_markdown(audit.auditor) if audit.auditor else str(_l("the street office"))
    lines = [str(_l("Audited by %(auditor)s.", auditor=auditor)), "", str(_l("Scope of the audit:"))]
    for part in AUDIT_SCOPE:
        mark = _l("covered") if audit.scope.get(part) else _l("not covered")
        lines.append(f"- {SCOPE_LABELS[part]}: {mark}")
    lines += ["", str(_l("Findings:"))]
    if audit.findings:
        lines += [f"{n}. {escape_markdown(f.text)}" for n, f in enumerate(audit.findings, start=1)]
    else:
        lines.append(str(_l("None.")))
    lines += ["", str(_l("The audit report is attached."))]
    return "\n".join(lines)


def order_from_finding(actor: Actor, finding_id: int, *, subject: str, body: str, due_on: date | None, now: datetime) -> Order:
    """An order to rectify made from one finding of the audit, in one step; the finding names the order from then on."""
    with db.write() as s:
        finding = s.get(AuditFinding, finding_id, with_for_update=True)
        audit = s.get(TermAudit, finding.audit_id) if finding else None
        if finding is None or audit is None:
            raise NotFound(str(_l("No such finding.")))
        community = s.get(Community, audit.community_id)
        assert community is not None
        require(can_judge_conduct(actor, community))
        if finding.order_id is not None:
            raise RuleViolation("subject", str(_l("An order was already issued from this finding.")))
        order = order_in(s, actor, community, OrderKind.RECTIFY, subject, body, due_on, now=now)
        finding.order_id = order.id
        data = {"finding": finding.id, "order": order.public_id}
        record(s, actor, "term_audit.order", "committee", audit.committee_id, **scope(community), now=now, data=data)
    return order
