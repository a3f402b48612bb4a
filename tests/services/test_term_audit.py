"""The term-end audit: drafted, reported and published by the street office; only then is the next committee seated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from app.db import db, utcnow
from app.domain.errors import RuleViolation
from app.elections import services as elections
from app.elections.models import AuditState
from app.notices import services as notices
from app.notices.models import NoticeKind
from app.orders.models import Order, OrderKind
from app.oversight import services as oversight
from app.security.actor import actor_for
from app.security.permissions import PermissionDenied
from tests.services.test_elections import PDF, certified, seated

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def test_the_next_committee_is_seated_only_once_the_outgoing_committees_audit_is_published(app: Flask) -> None:
    setup, committee, _cand = seated(app)
    world, official = setup.world, actor_for(setup.world.official)
    second, _cand = certified(world, alternates=0)
    with pytest.raises(RuleViolation) as refused:
        elections.seat_committee(official, second.election.id, now=utcnow())
    assert refused.value.field == "term_audit" and "term-end audit must be published" in refused.value.reason
    draft = oversight.save_audit(official, committee.id, auditor="", covered=["ledgers", "records"], now=utcnow())
    with pytest.raises(RuleViolation, match="term-end audit"):  # a draft is not enough
        elections.seat_committee(official, second.election.id, now=utcnow())
    with pytest.raises(RuleViolation) as no_report:
        oversight.publish_audit(official, draft.id, now=utcnow())
    assert no_report.value.field == "report"
    oversight.save_audit(official, committee.id, auditor="", covered=["ledgers", "records"], report=("审计报告.pdf", PDF), now=utcnow())
    oversight.publish_audit(official, draft.id, now=utcnow())
    successor = elections.seat_committee(official, second.election.id, now=utcnow())
    db.session.refresh(committee)
    assert committee.ended_at is not None and elections.current_committee(world.community.id).id == successor.id  # type: ignore[union-attr]


def test_a_published_audit_is_on_the_board_with_its_scope_findings_and_report_and_then_fixed(app: Flask) -> None:
    setup, committee, _cand = seated(app)
    world, official = setup.world, actor_for(setup.world.official)
    with pytest.raises(PermissionDenied):
        oversight.save_audit(actor_for(world.committee), committee.id, auditor="", covered=[], now=utcnow())
    with pytest.raises(RuleViolation) as image:
        oversight.save_audit(official, committee.id, auditor="", covered=["ledgers"], report=("scan.png", PNG), now=utcnow())
    assert image.value.field == "report"
    with pytest.raises(RuleViolation) as unknown:
        oversight.save_audit(official, committee.id, auditor="", covered=["cash_box"], now=utcnow())
    assert unknown.value.field == "covered"
    draft = oversight.save_audit(official, committee.id, auditor="诚信会计师事务所", covered=[], report=("r.pdf", PDF), now=utcnow())
    oversight.add_audit_finding(official, draft.id, text="2025年公共收益未入账 3,200 元", now=utcnow())
    with pytest.raises(RuleViolation) as nothing_covered:
        oversight.publish_audit(official, draft.id, now=utcnow())
    assert nothing_covered.value.field == "covered"
    oversight.save_audit(official, committee.id, auditor="诚信会计师事务所", covered=["ledgers", "contracts"], now=utcnow())
    audit = oversight.publish_audit(official, draft.id, now=utcnow())
    assert audit.state is AuditState.PUBLISHED and elections.audit_of(committee.id).id == audit.id  # type: ignore[union-attr]
    [notice] = [n for n in notices.board(world.community.id, kind=NoticeKind.ORDER) if n.id == audit.notice_id]
    assert "诚信会计师事务所" in notice.body and "3,200" in notice.body
    assert notice.body.count("未审计") == 2  # fund projects and records
    assert [a.filename for a in notices.attachments_of(notice.id)] == ["r.pdf"]
    with pytest.raises(RuleViolation, match="published"):
        oversight.add_audit_finding(official, audit.id, text="补充", now=utcnow())
    with pytest.raises(RuleViolation, match="published"):
        oversight.save_audit(official, committee.id, auditor="", covered=["ledgers"], now=utcnow())


def test_a_finding_of_the_audit_becomes_an_order_to_rectify_that_it_names(app: Flask) -> None:
    setup, committee, _cand = seated(app)
    world, official = setup.world, actor_for(setup.world.official)
    draft = oversight.save_audit(official, committee.id, auditor="", covered=["contracts"], now=utcnow())
    finding = oversight.add_audit_finding(official, draft.id, text="停车场租赁合同未经业主大会决定", now=utcnow())
    due = (utcnow() + timedelta(days=30)).date()
    with pytest.raises(PermissionDenied):
        oversight.order_from_finding(actor_for(world.committee), finding.id, subject="整改", body=finding.text, due_on=due, now=utcnow())
    with pytest.raises(RuleViolation) as no_deadline:
        oversight.order_from_finding(official, finding.id, subject="整改", body=finding.text, due_on=None, now=utcnow())
    assert no_deadline.value.field == "due_on"
    order = oversight.order_from_finding(official, finding.id, subject="整改停车场合同", body=finding.text, due_on=due, now=utcnow())
    assert order.kind is OrderKind.RECTIFY and db.session.get(Order, order.id) is not None
    db.session.refresh(draft)
    assert draft.findings[0].order_id == order.id
    with pytest.raises(RuleViolation, match="already issued"):
        oversight.order_from_finding(official, finding.id, subject="再次", body="x", due_on=due, now=utcnow())
