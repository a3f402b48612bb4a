"""The JSON shapes the API answers with, shared by the audiences' operations."""

from __future__ import annotations

from typing import Any

from flask import url_for

from ..committees.models import Motion
from ..communities.models import Community, Person
from ..communities.queries import CommunitySummary
from ..consultations.models import Consultation
from ..db import db, utcnow
from ..domain.ledger import format_fen
from ..domain.lifecycle import SessionState, state_at
from ..domain.numbers import format_area
from ..domain.objections import OUTCOMES
from ..domain.rules import NegativeEntry
from ..elections.labels import entry_label
from ..elections.models import AUDIT_SCOPE, Committee, Finding, Membership, TermAudit
from ..notices import services as notices
from ..notices.models import Notice, NoticeState
from ..orders.models import Order
from ..oversight.services import mask_personal, summarise_evidence
from ..sessions import services as sessions
from ..sessions.models import AssemblySession, Item, RollEntry
from ..voting import services as voting
from ..voting.labels import OBJECTION_KINDS, OBJECTION_STATUSES, OUTCOME_LABELS, TIMELINE_STEPS
from ..voting.models import Objection
from .operations import stamp


def community_json(c: CommunitySummary) -> dict[str, Any]:
    url = url_for("notices.board", slug=c.slug, _external=True)
    return {"slug": c.slug, "name": c.name, "address": c.address, "street_office": c.street_office, "units": c.units, "url": url}


def session_json(assembly: AssemblySession, state: SessionState | None = None) -> dict[str, Any]:
    return {
        "id": assembly.public_id,
        "title": assembly.title,
        "form": assembly.form.value,
        # The stored state moves at the clock's next sync; the list shows where the clock already is.
        "state": (state or state_at(assembly.state, assembly.opens_at, assembly.closes_at, utcnow())).value,
        "opens_at": stamp(assembly.opens_at),
        "closes_at": stamp(assembly.closes_at),
        "url": url_for("sessions.show_result", public_id=assembly.public_id, _external=True),
    }


def item_json(item: Item) -> dict[str, Any]:
    slate = sessions.slate_of_item(item)
    return {
        "id": str(item.id),
        "position": item.position,
        "kind": "election" if slate is not None else "question",
        "matter": item.matter,
        "title": item.title,
        "body": item.body,
        "seats": slate.seats if slate else None,
        "candidates": [{"id": c.id, "name": c.name, "unit": c.unit, "statement": c.statement} for c in slate.candidates] if slate else [],
        "scope": scope_json(item),
    }


def scope_json(item: Item) -> dict[str, Any] | None:
    """A scoped item's units and label (RULES §9), with its totals once the roll is frozen; None for the whole community."""
    if item.scope is None:
        return None
    totals = None
    if item.scope_area_centi is not None:
        totals = {"area": format_area(item.scope_area_centi), "heads": item.scope_heads or 0}
    return {"units": list(item.scope), "label": item.scope_label, "totals": totals}


def notice_json(notice: Notice, community: Community) -> dict[str, Any]:
    published = notice.state is NoticeState.PUBLISHED
    return {
        "id": notice.public_id,
        "kind": notice.kind.value,
        "state": notice.state.value,
        "title": notice.title,
        "version": notice.version,
        "supersedes": notices.public_id_of(notice.supersedes_id),
        "published_at": stamp(notice.published_at),
        "body": notice.body,
        "url": url_for("notices.show_notice", slug=community.slug, public_id=notice.public_id, _external=True) if published else None,
    }


def yuan(fen: int) -> str:
    """Fen as the API writes yuan: two decimals, no thousands separator (12000.00)."""
    return format_fen(fen).replace(",", "")


def objection_json(objection: Objection) -> dict[str, Any]:
    """An objection with each of its steps, as the owner who made it and the officials who answer and decide it read it."""
    assembly = db.session.get(AssemblySession, objection.session_id)
    community = db.session.get(Community, assembly.community_id) if assembly else None
    assert assembly is not None and community is not None
    entry = db.session.get(RollEntry, objection.roll_entry_id)
    window = voting.window_of_objection(objection)
    order = db.session.get(Order, objection.order_id) if objection.order_id is not None else None
    status = "settled" if voting.settled(objection) else objection.status.value
    outcome = objection.outcome.value if objection.outcome else None
    return {
        "id": objection.public_id,
        "community": community.slug,
        "session": assembly.public_id,
        "kind": objection.kind.value,
        "kind_label": str(OBJECTION_KINDS[objection.kind.value]),
        "status": status,
        "status_label": str(OBJECTION_STATUSES[status]),
        "units": list(entry.units) if entry else [],
        "statement": objection.statement,
        "files": [{"filename": d.filename, "size": d.size, "sha256": d.sha256} for d in voting.documents_of(objection.id)],
        "filed_at": stamp(objection.filed_at),
        "answer": objection.answer if objection.answered_at else None,
        "answered_at": stamp(objection.answered_at),
        "decision": objection.decision if objection.decided_at else None,
        "decided_at": stamp(objection.decided_at),
        "outcome": outcome,
        "outcome_label": str(OUTCOME_LABELS[outcome]) if outcome else None,
        "outcomes": [o.value for o in OUTCOMES[objection.kind]],
        "letter_reissued": objection.reissued_letter_id is not None,
        "window": None
        if window is None
        else {
            "channel": window.channel,
            "opened_at": stamp(window.opened_at),
            "until": stamp(window.until),
            "closed_at": stamp(window.closed_at),
            "open": window.closed_at is None and utcnow() < window.until,
        },
        "order": order.public_id if order else None,
    }


def objection_summary_json(assembly: AssemblySession) -> dict[str, Any] | None:
    """What anyone sees of a session's objections once the preliminary result is published: counts, never who; the timeline."""
    if assembly.tallied_at is None:
        return None
    found = voting.summary(assembly.id)
    return {
        "until": stamp(assembly.objections_until),
        "total": found.total,
        "by_kind": {kind: found.by_kind.get(kind, 0) for kind in OBJECTION_KINDS},
        "upheld": found.upheld,
        "dismissed": found.dismissed,
        "undecided": found.undecided,
        "timeline": [
            {"step": step.step, "label": str(TIMELINE_STEPS[step.step]), "at": stamp(step.when), "done": step.done}
            for step in voting.timeline(assembly, utcnow())
        ],
    }


def finding_json(finding: Finding, community: Community) -> dict[str, Any]:
    """A negative-list finding as the board shows it: the evidence summarised with ID and phone numbers masked, no files."""
    membership = db.session.get(Membership, finding.membership_id)
    person = db.session.get(Person, membership.person_id) if membership else None
    return {
        "id": finding.public_id,
        "community": community.slug,
        "member": person.name if person else "",
        "entry": finding.code,
        "entry_label": entry_label(NegativeEntry(finding.code, finding.limit)),
        "found_on": finding.found_on.isoformat(),
        "evidence_summary": summarise_evidence(finding.evidence),
        "outcome": finding.outcome.value,
        "outcome_note": mask_personal(finding.outcome_note),
        "decided_at": stamp(finding.decided_at),
        "notice": notices.public_id_of(finding.notice_id),
        "outcome_notice": notices.public_id_of(finding.outcome_notice_id),
    }


def audit_json(audit: TermAudit, community: Community) -> dict[str, Any]:
    """A term-end audit with its scope, findings (each with the order made from it) and report."""
    committee = db.session.get(Committee, audit.committee_id)
    assert committee is not None
    report = None
    if audit.report_sha256 is not None:
        report = {"filename": audit.report_filename or "", "size": audit.report_size or 0, "sha256": audit.report_sha256}
    return {
        "id": audit.public_id,
        "community": community.slug,
        "term_start": committee.term_start.isoformat(),
        "term_end": committee.term_end.isoformat(),
        "auditor": audit.auditor,
        "covered": {part: bool(audit.scope.get(part)) for part in AUDIT_SCOPE},
        "findings": [{"id": f.id, "text": f.text, "order": order_public_id(f.order_id)} for f in audit.findings],
        "state": audit.state.value,
        "report": report,
        "published_at": stamp(audit.published_at),
        "notice": notices.public_id_of(audit.notice_id),
    }


def order_public_id(order_id: int | None) -> str | None:
    order = db.session.get(Order, order_id) if order_id is not None else None
    return order.public_id if order else None


def consultation_public_id(motion: Motion) -> str | None:
    """The owners' consultation a committee motion follows, if it names one."""
    consultation = db.session.get(Consultation, motion.consultation_id) if motion.consultation_id is not None else None
    return consultation.public_id if consultation else None
