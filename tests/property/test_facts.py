"""The service's facts: only the company serving a community submits them, only its committee confirms or returns them,
the board shows the latest confirmed version of the company serving today; every bad value is named by row and column."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.db import db, utcnow
from app.domain.errors import RuleViolation
from app.property_services.models import FactsState
from app.property_services.services import facts, registry
from app.security.actor import actor_for
from app.security.permissions import PermissionDenied
from tests.property_factories import PropertyWorld, property_world

CONTRACTORS = [
    {"kind": "elevator", "name": "长治奥菱电梯维保有限公司", "phone": "0355-2020202"},
    {"kind": "fire", "name": "潞安消防技术服务部", "phone": "13900001111"},
]
COSTS = [
    {"period": "2026-10", "item": "公共照明电费", "amount": "1,280.50", "basis": "按建筑面积分摊"},
    {"period": "2026-11", "item": "二次供水电费", "amount": "640", "basis": "按户均摊"},
    {"period": "2026-11", "item": "电梯电费", "amount": "955.20", "basis": "按建筑面积分摊"},
]


def _submit(pw: PropertyWorld, **changes: object) -> facts.ServiceFacts:
    values: dict[str, object] = {
        "manager_name": "陈经理",
        "manager_phone": "139 0000 0000",
        "contractors": CONTRACTORS,
        "utility_costs": COSTS,
    }
    values.update(changes)
    return facts.submit_facts(actor_for(pw.staff), pw.community.id, now=utcnow(), **values)  # type: ignore[arg-type]


def test_the_board_shows_the_confirmed_version_and_not_the_submitted_one(app: object) -> None:
    pw = property_world()
    today = pw.contract.starts_on + timedelta(days=30)
    first = _submit(pw)
    assert first.version == 1 and first.state is FactsState.SUBMITTED
    assert facts.board_facts(pw.community.id, today).facts is None
    facts.confirm_facts(actor_for(pw.world.committee), pw.community.id, 1, now=utcnow())
    board = facts.board_facts(pw.community.id, today)
    assert board.facts is not None and board.facts.version == 1
    assert board.company is not None and board.company.id == pw.company.id
    # Money in fen; the costs by month, the newest first, with their totals.
    assert [(p.period, p.total_fen) for p in board.costs] == [("2026-11", 64000 + 95520), ("2026-10", 128050)]
    # A second version awaits the committee: the board keeps the first until it is confirmed.
    second = _submit(pw, manager_name="周经理")
    assert second.version == 2
    assert facts.board_facts(pw.community.id, today).facts.manager_name == "陈经理"  # type: ignore[union-attr]
    facts.confirm_facts(actor_for(pw.world.committee), pw.community.id, 2, now=utcnow())
    assert facts.board_facts(pw.community.id, today).facts.manager_name == "周经理"  # type: ignore[union-attr]
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("service_facts.%"))))
    assert actions.count("service_facts.submit") == 2 and actions.count("service_facts.confirm") == 2


def test_a_returned_version_never_reaches_the_board_and_the_company_sends_another(app: object) -> None:
    pw = property_world()
    _submit(pw)
    with pytest.raises(RuleViolation) as refused:
        _submit(pw)
    assert refused.value.field == "facts"  # one version awaits the committee at a time
    with pytest.raises(RuleViolation) as no_reason:
        facts.return_facts(actor_for(pw.world.committee), pw.community.id, 1, reason="  ", now=utcnow())
    assert no_reason.value.field == "reason"
    returned = facts.return_facts(actor_for(pw.world.committee), pw.community.id, 1, reason="电梯维保单位电话有误", now=utcnow())
    assert returned.state is FactsState.RETURNED and returned.return_reason == "电梯维保单位电话有误"
    assert facts.board_facts(pw.community.id, pw.contract.starts_on).facts is None
    with pytest.raises(RuleViolation):
        facts.confirm_facts(actor_for(pw.world.committee), pw.community.id, 1, now=utcnow())
    assert _submit(pw).version == 2


def test_only_the_serving_company_submits_and_only_the_community_s_committee_decides(app: object) -> None:
    pw = property_world()
    for user in (pw.other_staff, pw.world.committee, pw.world.official, pw.world.admin):
        with pytest.raises(PermissionDenied):
            facts.submit_facts(
                actor_for(user),
                pw.community.id,
                manager_name="某",
                manager_phone="13900000000",
                contractors=[],
                utility_costs=[],
                now=utcnow(),
            )
    _submit(pw)
    for user in (pw.staff, pw.world.outsider, pw.world.official, pw.world.admin):
        with pytest.raises(PermissionDenied):
            facts.confirm_facts(actor_for(user), pw.community.id, 1, now=utcnow())
        with pytest.raises(PermissionDenied):
            facts.return_facts(actor_for(user), pw.community.id, 1, reason="不对", now=utcnow())


def test_when_the_contract_ends_the_company_s_facts_leave_the_board(app: object) -> None:
    pw = property_world()
    _submit(pw)
    facts.confirm_facts(actor_for(pw.world.committee), pw.community.id, 1, now=utcnow())
    _submit(pw, manager_name="周经理")
    ended = pw.contract.starts_on + timedelta(days=10)
    registry.end_contract(actor_for(pw.world.official), pw.contract.public_id, ended_on=ended, now=utcnow())
    board = facts.board_facts(pw.community.id, ended)
    assert board.company is None and board.facts is None
    # The version the company sent before the end can no longer be confirmed, only returned.
    with pytest.raises(RuleViolation):
        facts.confirm_facts(actor_for(pw.world.committee), pw.community.id, 2, now=utcnow())
    with pytest.raises(PermissionDenied):
        _submit(pw, manager_name="吴经理")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"manager_name": " "}, "manager_name"),
        ({"manager_phone": "call me"}, "manager_phone"),
        ({"contractors": [CONTRACTORS[0], {"kind": "fire", "name": "潞安消防", "phone": "abc"}]}, "contractors[2].phone"),
        ({"contractors": [{"kind": "", "name": "某公司", "phone": ""}]}, "contractors[1].kind"),
        ({"contractors": [{"kind": "villa", "name": "某公司", "phone": "13900000000"}]}, "contractors[1].kind"),
        ({"contractors": [{"kind": "cleaning", "name": "", "phone": "13900000000"}]}, "contractors[1].name"),
        ({"utility_costs": [COSTS[0], {"period": "2026-13", "item": "电费", "amount": "1", "basis": "均摊"}]}, "utility_costs[2].period"),
        ({"utility_costs": [{"period": "2026/11", "item": "电费", "amount": "1", "basis": "均摊"}]}, "utility_costs[1].period"),
        ({"utility_costs": [{"period": "2026-11", "item": "", "amount": "1", "basis": "均摊"}]}, "utility_costs[1].item"),
        ({"utility_costs": [{"period": "2026-11", "item": "电费", "amount": "1.234", "basis": "均摊"}]}, "utility_costs[1].amount"),
        ({"utility_costs": [{"period": "2026-11", "item": "电费", "amount": "-5", "basis": "均摊"}]}, "utility_costs[1].amount"),
        ({"utility_costs": [{"period": "2026-11", "item": "电费", "amount": "5", "basis": ""}]}, "utility_costs[1].basis"),
    ],
)
def test_a_bad_value_is_named_by_its_row_and_column(app: object, changes: dict[str, object], field: str) -> None:
    pw = property_world()
    with pytest.raises(RuleViolation) as refused:
        _submit(pw, **changes)
    assert refused.value.field == field
    assert facts.versions_of(pw.community.id) == []


def test_blank_rows_are_skipped_and_the_rows_keep_their_numbers(app: object) -> None:
    pw = property_world()
    blank = {"kind": "", "name": "", "phone": ""}
    with pytest.raises(RuleViolation) as refused:
        _submit(pw, contractors=[blank, CONTRACTORS[0], blank, {"kind": "greenery", "name": "绿源", "phone": "x"}])
    assert refused.value.field == "contractors[4].phone"
    kept = _submit(pw, contractors=[blank, CONTRACTORS[0], blank], utility_costs=[{"period": "", "item": "", "amount": "", "basis": ""}])
    assert kept.contractors == [CONTRACTORS[0]] and kept.utility_costs == []
