"""Schemathesis drives every API operation with generated requests, valid and invalid, against the app.

No answer may be a server error or stray from the document: every status,
content type and body must be the one the OpenAPI document declares. The
examples per operation are bounded so the suite stays quick.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
import schemathesis
import schemathesis.engine
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.engine import events
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import create_user
from app.clock import today_in_china
from app.committees import services as committees
from app.communities import services as register
from app.communities.models import Person
from app.consultations import services as consultations
from app.db import db, utcnow
from app.elections import services as elections
from app.fund.services import emergencies, projects
from app.notices import services as notices
from app.oversight import services as oversight
from app.property_services.services import facts, findings, request_filing, requests, standing
from app.security.actor import actor_for
from app.security.roles import Role
from app.sessions.models import AssemblySession
from app.voting import services as voting
from tests.factories import CLI, PASSWORD, World, enrol, make_world, open_session
from tests.property_factories import serve
from tests.web.test_api import make_token

EXAMPLES = 40
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def committee_at_work(built: World) -> dict[str, str]:
    """The register's 张伟 (the chair's account), 李娜, 王强, 赵敏 and 业主1 seated as 兰亭苑's committee, at work: a meeting under way
    with an open motion and a paper vote waiting for a second member, a held meeting with confirmed minutes, a published
    decision, an open consultation, a finding against 赵敏, and the office's draft term-end audit."""
    now = utcnow()
    members = [
        {"unit": "1-101", "name": "张伟", "role": "chair"},
        {"unit": "1-102", "name": "李娜", "role": "member"},
        {"unit": "1-102", "name": "王强", "role": "member"},
        {"unit": "1-103", "name": "赵敏", "role": "member"},
        {"unit": "2-1", "name": "业主1", "role": "member"},
    ]
    official = actor_for(built.official)
    seated = elections.register_sitting_committee(
        official, community_id=built.community.id, members=members, term_start=date(2025, 1, 1), term_end=date(2029, 12, 31), now=now
    )
    users = {"张伟": built.committee}
    for username, name in (("lina", "李娜"), ("wangqiang", "王强")):
        users[name] = create_user(
            CLI, username=username, display_name=name, password=PASSWORD, role=Role.COMMITTEE_MEMBER, community_id=built.community.id
        )
    with db.write() as s:
        for name, user in users.items():
            s.get(User, user.id).person_id = s.execute(select(Person.id).where(Person.name == name)).scalar_one()  # type: ignore[union-attr]
    chair, *others = [actor_for(db.session.get(User, user.id)) for user in users.values()]  # type: ignore[arg-type]
    seats = {db.session.get(Person, m.person_id).name: m.id for m in seated.members}  # type: ignore[union-attr]
    call = {"community_id": built.community.id, "agenda": "议程", "place": "会议室", "now": now - timedelta(days=2)}
    under_way = committees.convene_meeting(chair, title="进行中的会议", starts_at=now - timedelta(hours=1), **call)  # type: ignore[arg-type]
    motion = committees.add_motion(chair, under_way.public_id, text="同意续签电梯维保合同。", now=now)
    paper = committees.enter_paper_vote(
        chair, motion.public_id, membership_id=seats["李娜"], choice="agree", paper_reference="P-1", now=now
    )
    passed = committees.add_motion(chair, under_way.public_id, text="同意更换门禁系统。", now=now)
    for actor in (chair, *others):
        committees.cast_vote(actor, passed.public_id, choice="agree", now=now)
    committees.close_motion(chair, passed.public_id, now=now)
    notice = committees.draft_decision_notice(chair, passed.public_id, now=now)
    notices.publish_notice(chair, notice.id, now=now)
    notices.confirm_notice(others[0], notice.id, now=now)
    held = committees.convene_meeting(chair, title="已开的会议", starts_at=now - timedelta(hours=2), **call)  # type: ignore[arg-type]
    committees.record_attendance(chair, held.public_id, membership_id=seats["张伟"], present=True, now=now)
    committees.close_meeting(chair, held.public_id, now=now)
    minutes = committees.draft_minutes(chair, held.public_id, notes="", now=now)
    committees.sign_minutes(chair, minutes.public_id, now=now)
    ask = {"title": "是否加装电梯", "description": "", "options": ["同意", "不同意"], "closes_on": today_in_china(now) + timedelta(days=7)}
    drafted = consultations.draft_consultation(actor_for(built.committee), community_id=built.community.id, now=now, **ask)  # type: ignore[arg-type]
    consultation = consultations.open_consultation(actor_for(built.committee), drafted.id, now=now)
    finding = oversight.record_finding(
        official,
        community_id=built.community.id,
        membership_id=seats["赵敏"],
        code="fee_arrears",
        evidence="欠缴物业费",
        found_on=today_in_china(now),
        now=now,
    )
    oversight.save_audit(official, seated.id, auditor="", covered=["ledgers"], now=now)
    return {
        "meeting": held.public_id,
        "motion": motion.public_id,
        "vote": str(paper.id),
        "minutes": minutes.public_id,
        "consultation": consultation.public_id,
        "finding": finding.public_id,
        "committee_id": str(seated.id),
        "year": str(today_in_china(now).year),
    }


def property_at_work(built: World, city: Any) -> dict[str, str]:
    """兰亭苑 served by 康居物业 and 梅园 by 安泰物业 (staff "staff", "staff_b"): 张伟's complaint of four hours ago with its
    missed steps escalated, a repair resolved and rated, the company's facts awaiting the committee, the office's finding,
    and last month's lists computed and confirmed."""
    now = utcnow()
    _company, other, _contract, other_contract, (staff, _staff_b) = serve(built, city, now)
    owner = {"unit": "1-101", "name": "张伟", "id_last4": "1234", "ip": "t"}
    complaint = request_filing.file_by_identity(
        built.community.id, category="complaint", kind="leak", text="楼上漏水", now=now - timedelta(hours=4), **owner
    )
    requests.escalate_due(now)
    repair = request_filing.file_by_identity(built.community.id, category="repair", kind="elevator", text="电梯异响", now=now, **owner)
    company_staff = actor_for(staff)
    requests.acknowledge(company_staff, repair.public_id, now=now)
    requests.arrive_on_site(company_staff, repair.public_id, now=now)
    requests.resolve(company_staff, repair.public_id, resolution="已维修", now=now)
    request_filing.rate_by_identity(built.community.id, repair.public_id, rating=5, **owner, now=now)  # type: ignore[arg-type]
    facts.submit_facts(
        company_staff,
        built.community.id,
        manager_name="赵经理",
        manager_phone="13900000000",
        contractors=[{"kind": "elevator", "name": "奥的斯", "phone": "0355-7654321"}],
        utility_costs=[{"period": "2026-11", "item": "公共照明", "amount": "1280.50", "basis": "按面积分摊"}],
        now=now,
    )
    official = actor_for(built.official)
    findings.record_finding(official, built.community.id, text="台账缺失", found_on=today_in_china(now), now=now)
    month = standing.previous_month(today_in_china(now))
    standing.compute_month(official, city.id, month, now=now)
    decisions = [standing.Decision(e.company.public_id, e.row.computed) for e in standing.proposed_rows(city.id, month)]
    standing.confirm_month(official, city.id, month, decisions, now=now)
    escalation = requests.load_request(db.session(), complaint.public_id).escalations[0]
    return {
        "request_id": complaint.public_id,
        "escalation_id": str(escalation.id),
        "version": "1",
        # 梅园's company and contract: ending or editing them leaves 兰亭苑's service to the other operations.
        "company_id": other.public_id,
        "contract_id": other_contract.public_id,
        "month": standing.month_label(month),
    }


@pytest.fixture
def world(app: Flask, client: FlaskClient) -> dict[str, Any]:
    """Real things to find, so generated requests reach past the 404s: a community, an open session, a token."""
    built = make_world()
    session, tokens, _ = open_session(built, more_voters=1)
    city = register.create_city(CLI, code="beijing", name="北京市", rule_profile="cn-beijing")
    district = register.create_district(CLI, city_id=city.id, code="dongcheng", name="东城区")
    register.assign_office_to_district(CLI, street_office_id=built.office.id, district_id=district.id)
    official = create_user(
        CLI, username="district", display_name="周处长", password=PASSWORD, role=Role.DISTRICT_OFFICIAL, district_id=district.id
    )
    enrol(official)
    chair = actor_for(built.committee)
    works = {"works": "1 号楼屋面防水层破损修复", "contractor": "建工", "now": utcnow()}
    project = projects.open_project(chair, community_id=built.community.id, title="屋面", budget="10000", units="1-101", **works)
    emergency = emergencies.apply(
        chair, community_id=built.community.id, kind="roof_leak", scope=["1"], scope_label="1 号楼", estimate="5000", **works
    )
    committee = committee_at_work(built)
    served = property_at_work(built, city)
    # An owner's objection to reach: someone voted with 赵敏's letter while voting is open, and she says so.
    (question, _other) = [str(i.id) for i in session.items]
    voting.cast_ballot(tokens["赵敏"], {question: "agree"}, ip="t", now=utcnow())
    letter = voting.find_letter(tokens["赵敏"])
    assert letter is not None
    objection = voting.file_objection(letter.id, "not_mine", "我没有投票。", ip="t", now=utcnow())
    return {
        **committee,
        **served,
        "property": make_token(app.test_client(), "staff", ["property"]),
        "objection": objection.public_id,
        "project": project.public_id,
        "emergency": emergency.public_id,
        "area": make_token(app.test_client(), "district", ["area"]),
        "district_code": district.code,
        "city_code": city.code,
        "session": session,
        "letter": tokens["张伟"],
        "committee": make_token(client, "chair", ["committee"]),
        "office": make_token(app.test_client(), "official", ["office"]),
        "office_code": built.office.code,
        "notice": notices.board(built.community.id)[0].public_id,
    }


def test_no_operation_answers_with_a_server_error_or_off_its_schema(app: Flask, world: dict[str, Any]) -> None:
    # A body over the size limit is refused with 413 before it is read: a rejection like the other 4xx.
    rejected = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]
    config = schemathesis.config.SchemathesisConfig.from_dict({"checks": {"negative_data_rejection": {"expected-statuses": rejected}}})
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    session: AssemblySession = world["session"]
    known = {
        "slug": "lanting",
        "session_id": session.public_id,
        "token": world["letter"],
        "office_code": world["office_code"],
        "notice_id": world["notice"],
        "district_code": world["district_code"],
        "city_code": world["city_code"],
        "project_id": world["project"],
        "emergency_id": world["emergency"],
        "objection_id": world["objection"],
        "meeting_id": world["meeting"],
        "motion_id": world["motion"],
        "vote_id": world["vote"],
        "minutes_id": world["minutes"],
        "consultation_id": world["consultation"],
        "finding_id": world["finding"],
        "committee_id": world["committee_id"],
        "year": world["year"],
        **{name: world[name] for name in ("request_id", "escalation_id", "version", "company_id", "contract_id", "month")},
    }
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        # The token of the operation's audience; the public's and the owners' operations ignore the committee's.
        scope = next((tag for tag in operation.tags or [] if tag in ("office", "area", "property")), "committee")
        headers = {"Authorization": f"Bearer {world[scope]}"}

        names = re.findall(r"\{(\w+)\}", operation.path)
        fixed = {name: known[name] for name in names}
        strategies = [operation.as_strategy(mode) for mode in MODES]
        if fixed:
            # Aimed at things that exist too, so bodies are checked rather than only the 404 of a random slug.
            strategies += [operation.as_strategy(mode, path_parameters=fixed) for mode in MODES]

        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=st.one_of(strategies))
        def check(case: Any) -> None:
            case.call_and_validate(headers=check.headers, checks=CHECKS)

        check.headers = headers  # type: ignore[attr-defined]

        try:
            check()
        except Exception as exc:  # gather every operation's failure, not only the first
            causes = getattr(exc, "exceptions", [exc])
            failures.append(f"{operation.method.upper()} {operation.path}: " + "\n".join(str(c) for c in causes))
    assert failures == [], "\n\n".join(failures)


def test_undeclared_methods_and_created_resources_follow_the_protocol(app: Flask, world: dict[str, Any]) -> None:
    """Schemathesis' own coverage and stateful phases: every undeclared method is a 405 with Allow (ST204), and what a
    POST creates is found at once where its Location and the document's paths lead (ST302), deleted or not (ST301)."""
    protocol = ["unsupported_method", "allow_header_conformance", "ensure_resource_availability", "use_after_free"]
    config = schemathesis.config.SchemathesisConfig.from_dict(
        {
            "generation": {"max-examples": 10},
            "checks": {"enabled": False, **{name: {"enabled": True} for name in protocol}},
            "phases": {"examples": {"enabled": False}, "fuzzing": {"enabled": False}},
            "headers": {"Authorization": f"Bearer {world['committee']}"},
            "operations": [
                {"include-tag": "office", "headers": {"Authorization": f"Bearer {world['office']}"}},
                {"include-tag": "area", "headers": {"Authorization": f"Bearer {world['area']}"}},
                {"include-tag": "property", "headers": {"Authorization": f"Bearer {world['property']}"}},
            ],
        }
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    failures: set[str] = set()
    scenarios: dict[str, int] = {}
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            scenarios[event.phase.value] = scenarios.get(event.phase.value, 0) + 1
            for checks in event.recorder.checks.values():
                failures |= {f"{c.failure_info.failure.operation}: {c.failure_info.failure.title}" for c in checks if c.failure_info}
        elif isinstance(event, events.NonFatalError | events.FatalError):
            failures.add(f"{event.__class__.__name__}: {getattr(event, 'value', event)}")
    assert scenarios.get("coverage", 0) >= 15 and scenarios.get("stateful", 0) >= 1, scenarios
    assert sorted(failures) == []
