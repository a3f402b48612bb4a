"""The street office's pages on its communities' committees' conduct: negative-list findings and term-end audits."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ...accounts.forms import ConfirmForm
from ...clock import today_in_china
from ...committees import services as committees
from ...communities.models import Community, Person
from ...db import db, utcnow
from ...domain.errors import NotFound, RuleViolation
from ...domain.rules import NegativeEntry, get_profile
from ...elections import services as elections
from ...elections.labels import entry_label
from ...elections.models import AUDIT_SCOPE, AuditFinding, Committee, Finding, Membership, TermAudit
from ...notices.services import public_id_of, stored_file_response
from ...orders.models import Order
from ...security.permissions import can_judge_conduct, require
from ...security.web import current_actor
from .. import services
from ..forms import AuditFindingForm, AuditForm, AuditOrderForm, FindingForm, FindingOutcomeForm
from .common import bp

OUTCOME_LABELS = {
    "standing": _l("Standing: the member is suspended"),
    "removed": _l("Removed by the assembly"),
    "lifted": _l("Lifted"),
}


def _field_error(form: FlaskForm, exc: RuleViolation, fallback: str) -> None:
    """A refusal shown at the field it names, or at ``fallback`` when the form has no such field."""
    getattr(form, exc.field, getattr(form, fallback)).errors.append(exc.reason)


def _community(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound(_("No such community."))
    require(can_judge_conduct(current_actor(), community))
    return community


def _finding(public_id: str) -> tuple[Finding, Community]:
    finding = services.finding_by_public_id(public_id)
    if finding is None:
        raise NotFound(_("No such finding."))
    return finding, _community(finding.community_id)


def _entries(community: Community) -> dict[str, str]:
    return {e.code: label for e, label in services.negative_entries(community)}


@bp.route("/c/<int:community_id>/findings", methods=["GET", "POST"])
@login_required
def findings(community_id: int) -> Response | str:
    """The community's findings, and the form to record one against a seated member."""
    community = _community(community_id)
    members = services.seated_members(community)
    entries = _entries(community)
    form = FindingForm()
    form.membership_id.choices = [SelectChoice(m.id, p.name) for m, p in members]
    form.code.choices = [SelectChoice(code, label) for code, label in entries.items()]
    if not form.is_submitted():
        form.found_on.data = today_in_china(utcnow())
    if form.validate_on_submit():
        files = [(f.filename or "", f.read()) for f in (form.files.data or []) if f and f.filename]
        try:
            finding = services.record_finding(
                current_actor(),
                community_id=community.id,
                membership_id=form.membership_id.data or 0,
                code=form.code.data or "",
                evidence=form.evidence.data or "",
                found_on=form.found_on.data,
                files=files,
                now=utcnow(),
            )
        except RuleViolation as exc:
            _field_error(form, exc, "evidence")
        else:
            flash(_("The finding is recorded and published on the board; the member is suspended."), "success")
            return redirect(url_for(".finding", public_id=finding.public_id))
    rows = services.findings_of(community.id)
    people = _people([f.membership_id for f in rows])
    # The record's own evidence for the attendance entry: each member's meetings missed in a row, against its limit.
    absence_limit = next((e.limit for e in get_profile(community.rule_profile).settings.negative_list if e.code == "absent_meetings"), None)
    absences = [(p, committees.consecutive_absences(m.id)) for m, p in members] if absence_limit else []
    return render_template(
        "oversight/findings.html",
        absences=absences,
        absence_limit=absence_limit,
        community=community,
        findings=rows,
        people=people,
        entries=entries,
        outcome_labels=OUTCOME_LABELS,
        form=form,
        has_members=bool(members),
        has_entries=bool(entries),
    )


def _people(membership_ids: list[int]) -> dict[int, Person]:
    """Membership id → the person, for the names on the list."""
    out: dict[int, Person] = {}
    for membership_id in set(membership_ids):
        membership = db.session.get(Membership, membership_id)
        person = db.session.get(Person, membership.person_id) if membership else None
        if person is not None:
            out[membership_id] = person
    return out


@bp.get("/findings/<public_id>")
@login_required
def finding(public_id: str) -> str:
    finding, community = _finding(public_id)
    return _finding_page(finding, community, FindingOutcomeForm())


def _finding_page(finding: Finding, community: Community, form: FindingOutcomeForm) -> str:
    membership = db.session.get(Membership, finding.membership_id)
    return render_template(
        "oversight/finding.html",
        finding=finding,
        community=community,
        person=_people([finding.membership_id]).get(finding.membership_id),
        membership=membership,
        entry=entry_label(NegativeEntry(finding.code, finding.limit)),
        outcome_labels=OUTCOME_LABELS,
        notice=public_id_of(finding.notice_id),
        outcome_notice=public_id_of(finding.outcome_notice_id),
        form=form,
    )


@bp.post("/findings/<public_id>/outcome")
@login_required
def finding_outcome(public_id: str) -> Response | str:
    finding, community = _finding(public_id)
    form = FindingOutcomeForm()
    if form.validate_on_submit():
        try:
            services.decide_finding(
                current_actor(),
                finding.id,
                outcome=form.outcome.data or "",
                note=form.note.data or "",
                item_id=form.item_id.data,
                now=utcnow(),
            )
        except RuleViolation as exc:
            _field_error(form, exc, "outcome")
        else:
            flash(_("The outcome is recorded and published on the board."), "success")
            return redirect(url_for(".finding", public_id=public_id))
    db.session.refresh(finding)
    return _finding_page(finding, community, form)


@bp.get("/findings/<public_id>/files/<int:document_id>")
@login_required
def finding_file(public_id: str, document_id: int) -> Response:
    finding = _finding(public_id)[0]
    document = next((d for d in finding.documents if d.id == document_id), None)
    if document is None:
        raise NotFound(_("No such file."))
    return stored_file_response(document.sha256, document.content_type, document.filename)


# The term-end audit ------------------------------------------------------------------------------


def _committee(committee_id: int) -> tuple[Committee, Community]:
    committee = db.session.get(Committee, committee_id)
    if committee is None:
        raise NotFound(_("No such committee."))
    return committee, _community(committee.community_id)


def _audit(public_id: str) -> tuple[TermAudit, Committee, Community]:
    audit = db.session.query(TermAudit).filter_by(public_id=public_id).one_or_none()
    if audit is None:
        raise NotFound(_("No such audit."))
    committee, community = _committee(audit.committee_id)
    return audit, committee, community


@bp.route("/committees/<int:committee_id>/audit", methods=["GET", "POST"])
@login_required
def audit(committee_id: int) -> Response | str:
    """The outgoing committee's term-end audit: the draft's auditor, scope and report; its findings; publishing it."""
    committee, community = _committee(committee_id)
    current = services.audit_of(committee.id)
    form = AuditForm()
    form.covered.choices = [SelectChoice(part, services.SCOPE_LABELS[part]) for part in AUDIT_SCOPE]
    if not form.is_submitted() and current is not None:
        form.auditor.data = current.auditor
        form.covered.data = [part for part, done in current.scope.items() if done]
    if form.validate_on_submit():
        upload = form.report.data
        report = (upload.filename or "", upload.read()) if upload and upload.filename else None
        try:
            services.save_audit(
                current_actor(),
                committee.id,
                auditor=form.auditor.data or "",
                covered=list(form.covered.data or []),
                report=report,
                now=utcnow(),
            )
        except RuleViolation as exc:
            _field_error(form, exc, "auditor")
        else:
            flash(_("The draft audit is saved."), "success")
            return redirect(url_for(".audit", committee_id=committee.id))
    return _audit_page(committee, community, current, form, AuditFindingForm())


def _audit_page(
    committee: Committee, community: Community, current: TermAudit | None, form: AuditForm, finding_form: AuditFindingForm
) -> str:
    orders = {f.order_id: db.session.get(Order, f.order_id) for f in (current.findings if current else []) if f.order_id}
    return render_template(
        "oversight/audit.html",
        committee=committee,
        community=community,
        audit=current,
        form=form,
        finding_form=finding_form,
        confirm_form=ConfirmForm(),
        scope_labels=services.SCOPE_LABELS,
        scope_parts=AUDIT_SCOPE,
        orders=orders,
        notice=public_id_of(current.notice_id) if current else None,
        is_current=committee.ended_at is None,
    )


@bp.post("/audits/<public_id>/findings")
@login_required
def audit_finding(public_id: str) -> Response | str:
    audit, committee, community = _audit(public_id)
    finding_form = AuditFindingForm()
    if finding_form.validate_on_submit():
        try:
            services.add_audit_finding(current_actor(), audit.id, text=finding_form.text.data or "", now=utcnow())
        except RuleViolation as exc:
            _field_error(finding_form, exc, "text")
        else:
            flash(_("The finding is added to the draft."), "success")
            return redirect(url_for(".audit", committee_id=committee.id, _anchor="audit-findings"))
    form = AuditForm()
    form.covered.choices = [SelectChoice(part, services.SCOPE_LABELS[part]) for part in AUDIT_SCOPE]
    form.auditor.data, form.covered.data = audit.auditor, [p for p, done in audit.scope.items() if done]
    return _audit_page(committee, community, audit, form, finding_form)


@bp.post("/audits/<public_id>/publish")
@login_required
def publish_audit(public_id: str) -> Response:
    audit, committee = _audit(public_id)[:2]
    if ConfirmForm().validate_on_submit():
        try:
            services.publish_audit(current_actor(), audit.id, now=utcnow())
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(_("The audit is published on the board; the next committee can now be seated."), "success")
    return redirect(url_for(".audit", committee_id=committee.id))


@bp.get("/audits/<public_id>/report")
@login_required
def audit_report(public_id: str) -> Response:
    audit = _audit(public_id)[0]
    if audit.report_sha256 is None or audit.report_content_type is None:
        raise NotFound(_("No such file."))
    return stored_file_response(audit.report_sha256, audit.report_content_type, audit.report_filename or "report.pdf")


@bp.route("/audits/findings/<int:finding_id>/order", methods=["GET", "POST"])
@login_required
def audit_order(finding_id: int) -> Response | str:
    """The office's order to rectify, prefilled from the audit's finding; issued, the finding names it."""
    row = db.session.get(AuditFinding, finding_id)
    if row is None:
        raise NotFound(_("No such finding."))
    audit = db.session.get(TermAudit, row.audit_id)
    assert audit is not None
    committee, community = _committee(audit.committee_id)
    form = AuditOrderForm()
    if not form.is_submitted():
        form.subject.data = _("Rectify a finding of the term-end audit")
        form.body.data = row.text
    if form.validate_on_submit():
        try:
            services.order_from_finding(
                current_actor(), row.id, subject=form.subject.data or "", body=form.body.data or "", due_on=form.due_on.data, now=utcnow()
            )
        except RuleViolation as exc:
            _field_error(form, exc, "subject")
        else:
            flash(_("The order is issued and published on the community's board."), "success")
            return redirect(url_for(".audit", committee_id=committee.id, _anchor="audit-findings"))
    existing = db.session.get(Order, row.order_id) if row.order_id else None
    return render_template(
        "oversight/audit_order.html", committee=committee, community=community, finding=row, form=form, existing=existing
    )


# What the community page of the street office links to (the community page is the register's, below oversight).
@bp.app_template_global()
def conduct_links(community: Community) -> dict[str, object] | None:
    """For the office's community page: the findings page, the current committee's audit page, standing findings.

    None unless the signed-in user is an official of the community's street office.
    """
    if not can_judge_conduct(current_actor(), community):
        return None
    committee = elections.current_committee(community.id)
    standing = len(elections.standing_findings(committee.id)) if committee else 0
    return {
        "findings": url_for("oversight.findings", community_id=community.id),
        "audit": url_for("oversight.audit", committee_id=committee.id) if committee else None,
        "standing": standing,
    }
