"""The demo's conduct oversight: a negative-list finding that suspends a member, and a published term-end audit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..clock import today_in_china
from ..communities.models import Community, Person
from ..db import db, utcnow
from .actors import as_office
from .documents import text_pdf


def _community(slug: str) -> Community | None:
    return db.session.execute(select(Community).where(Community.slug == slug)).scalar_one_or_none()


def seed_findings() -> Iterator[str]:
    """杏林苑: a member in arrears of fees for 8 months, suspended; 桃源里: the outgoing committee's audit, published."""
    from ..elections import services as elections
    from ..oversight import services as oversight

    now = utcnow()
    xinglin = _community("xinglin")
    if xinglin is not None and not oversight.findings_of(xinglin.id):
        view = elections.committee_view(xinglin, now=now)
        seated = [m for m, _p in view.members if m.role.value == "member"] if view else []
        if seated:
            target = seated[-1]
            person = db.session.get(Person, target.person_id)
            oversight.record_finding(
                as_office(xinglin),
                community_id=xinglin.id,
                membership_id=target.id,
                code="fee_arrears",
                evidence="物业服务中心出具的欠费清单：自上一年度起连续8个月未缴纳物业服务费，经两次书面催缴仍未缴纳。",
                found_on=today_in_china(now) - timedelta(days=3),
                now=now - timedelta(days=3),
            )
            yield _("%(name)s: %(member)s suspended by a negative-list finding", name=xinglin.name, member=person.name if person else "")
    taoyuan = _community("taoyuan")
    committee = elections.current_committee(taoyuan.id) if taoyuan is not None else None
    if taoyuan is not None and committee is not None and elections.audit_of(committee.id) is None:
        office = as_office(taoyuan)
        report = text_pdf(
            "桃源里业主委员会换届审计报告",
            "审计范围：账目、合同、档案移交。审计发现：公共收益账目未按季度公示；停车场合同未经业主大会决定。",
        )
        audit = oversight.save_audit(
            office,
            committee.id,
            auditor="明信会计师事务所",
            covered=["ledgers", "contracts", "records"],
            report=("桃源里换届审计报告.pdf", report),
            now=now - timedelta(days=2),
        )
        oversight.add_audit_finding(office, audit.id, text="2025年第三、四季度公共收益账目未按季度公示。", now=now - timedelta(days=2))
        oversight.add_audit_finding(office, audit.id, text="停车场租赁合同未经业主大会决定即续签。", now=now - timedelta(days=2))
        oversight.publish_audit(office, audit.id, now=now - timedelta(days=1))
        yield _("%(name)s: the outgoing committee's term-end audit is published", name=taoyuan.name)
