"""Emergency use of the maintenance fund (RULES §11): the committee applies, the street office answers in time
with a fresh code, the works and their costs are published within the profile's days."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.clock import today_in_china
from app.communities import services as register
from app.db import db, utcnow
from app.domain.errors import RuleViolation
from app.domain.ledger import LedgerKind
from app.fund.models.emergencies import EmergencyApplication, EmergencyState
from app.fund.services import deadlines
from app.fund.services import emergencies as fund
from app.ledgers import services as ledgers
from app.ledgers.models import EntryDirection
from app.notices import services as notices
from app.notices.models import Attachment
from app.security.actor import actor_for
from app.security.permissions import PermissionDenied
from tests.factories import CLI, World, make_world, next_code, register_csv

WORKS = "2号楼屋面防水层破损，顶层三户渗漏，更换防水卷材约120平方米"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def world_with_units() -> World:
    world = make_world()
    register.import_register_file(
        CLI,
        world.community.id,
        "r.csv",
        register_csv(
            "1,101,89.50,,,,张伟,1234,,", "1,102,120.00,,,,李娜,2345,,", "2,101,95.25,,,,赵敏,0456,,", "2,102,80.00,,,,钱七,0567,,"
        ),
    )
    return world


def applied(world: World, now: datetime, **changes: object) -> EmergencyApplication:
    fields: dict[str, object] = {
        "community_id": world.community.id,
        "kind": "roof_leak",
        "works": WORKS,
        "scope": ["2"],
        "scope_label": "2号楼",
        "contractor": "某某防水工程有限公司",
        "estimate": "18,000.00",
        "now": now,
    }
    fields.update(changes)
    return fund.apply(actor_for(world.committee), **fields)  # type: ignore[arg-type]


def confirmed(world: World, now: datetime) -> EmergencyApplication:
    application = applied(world, now - timedelta(hours=2))
    return fund.decide(actor_for(world.official), application.id, confirm=True, reason="", totp_code=next_code("official"), now=now)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


def test_applying_resolves_the_scope_sets_the_answer_due_and_is_audited(app: Flask) -> None:
    world = world_with_units()
    now = utcnow()
    application = applied(world, now, scope=["2", "1-101"])
    assert application.state is EmergencyState.APPLIED
    assert sorted(application.scope) == ["1-101", "2-101", "2-102"]
    assert application.estimate_fen == 1_800_000
    assert application.answer_due_at == now + timedelta(hours=24)
    assert notices.board(world.community.id) == []  # nothing is published before the office confirms
    (event,) = events("emergency.apply")
    assert event.data["estimate_fen"] == 1_800_000 and event.data["units"] == 3


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "bad_paint"}, "kind"),
        ({"works": ""}, "works"),
        ({"works": "."}, "works"),
        ({"works": "   修屋顶   "}, "works"),
        ({"estimate": "0"}, "estimate"),
        ({"estimate": "-5"}, "estimate"),
        ({"estimate": "一万"}, "estimate"),
        ({"scope": ["1-101", "9-901", "3"]}, "scope"),
        ({"scope": []}, "scope"),
    ],
)
def test_applying_refuses_what_the_rules_do_not_allow(app: Flask, changes: dict[str, object], field: str) -> None:
    world = world_with_units()
    with pytest.raises(RuleViolation) as exc:
        applied(world, utcnow(), **changes)
    assert exc.value.field == field
    if field == "scope" and changes["scope"]:
        assert "No unit 9-901、3 in" in exc.value.reason
    db.session.rollback()
    assert db.session.execute(select(EmergencyApplication)).first() is None


def test_only_the_committee_applies(app: Flask) -> None:
    world = world_with_units()
    for user in (world.official, world.outsider, world.admin):
        with pytest.raises(PermissionDenied):
            fund.apply(
                actor_for(user),
                community_id=world.community.id,
                kind="roof_leak",
                works=WORKS,
                scope=["2"],
                scope_label="",
                contractor="",
                estimate="100",
                now=utcnow(),
            )


def test_confirming_needs_the_office_and_a_fresh_code_and_publishes_the_notice(app: Flask) -> None:
    world = world_with_units()
    now = utcnow()
    application = applied(world, now - timedelta(hours=1))
    for user in (world.committee, world.outsider, world.admin):
        with pytest.raises(PermissionDenied):
            fund.decide(actor_for(user), application.id, confirm=True, reason="", totp_code="000000", now=now)
    with pytest.raises(RuleViolation) as exc:
        fund.decide(actor_for(world.official), application.id, confirm=True, reason="", totp_code="000000", now=now)
    assert exc.value.field == "totp_code"
    assert [e.data["during"] for e in events("auth.second_factor_failed")] == ["emergency"]  # the wrong code is kept
    code = next_code("official")
    done = fund.decide(actor_for(world.official), application.id, confirm=True, reason="", totp_code=code, now=now)
    assert done.state is EmergencyState.CONFIRMED and done.decided_by_user_id == world.official.id
    (notice,) = notices.board(world.community.id)
    text = notice.title + notice.body
    assert "Elevator" not in text and "roof" in text.lower()
    assert WORKS in text and "18,000.00" in text and "李科长" in text
    (event,) = events("emergency.confirm")
    assert event.data["late_minutes"] is None
    # The same code again is stale: the answer is recorded once, and a used code does not come back.
    db.session.rollback()
    other = applied(world, now)
    with pytest.raises(RuleViolation) as exc:
        fund.decide(actor_for(world.official), other.id, confirm=True, reason="", totp_code=code, now=now)
    assert exc.value.field == "totp_code"
    with pytest.raises(RuleViolation) as exc:
        fund.decide(actor_for(world.official), application.id, confirm=False, reason="晚了", totp_code=next_code("official"), now=now)
    assert exc.value.field == "state"


def test_refusing_needs_reasons_and_a_late_answer_is_taken_and_recorded(app: Flask) -> None:
    world = world_with_units()
    now = utcnow()
    application = applied(world, now - timedelta(hours=30))
    with pytest.raises(RuleViolation) as exc:
        fund.decide(actor_for(world.official), application.id, confirm=False, reason="  ", totp_code=next_code("official"), now=now)
    assert exc.value.field == "reason"
    done = fund.decide(
        actor_for(world.official), application.id, confirm=False, reason="不属于紧急情况", totp_code=next_code("official"), now=now
    )
    assert done.state is EmergencyState.REFUSED and done.decision_reason == "不属于紧急情况"
    (event,) = events("emergency.refuse")
    assert event.data["late_minutes"] == 6 * 60
    assert notices.board(world.community.id) == []


def test_confirmed_application_names_why_a_cost_cannot_be_booked(app: Flask) -> None:
    world = world_with_units()
    now = utcnow()
    s = db.session()

    def why(application_id: int) -> str:
        with pytest.raises(RuleViolation) as exc:
            fund.confirmed_application(db.session(), world.community, application_id)
        assert exc.value.field == "emergency"
        return exc.value.reason

    assert "no such emergency application" in why(999_999)
    waiting = applied(world, now - timedelta(hours=1))
    assert "not yet confirmed" in why(waiting.id)
    refused = applied(world, now - timedelta(hours=1))
    fund.decide(actor_for(world.official), refused.id, confirm=False, reason="不属于紧急情况", totp_code=next_code("official"), now=now)
    assert why(refused.id) == f"The street office refused this emergency application on {today_in_china(now).isoformat()}: 不属于紧急情况"
    good = confirmed(world, now)
    assert fund.confirmed_application(s, world.community, good.id).id == good.id
    with pytest.raises(RuleViolation, match="no such emergency application"):  # another community's
        fund.confirmed_application(db.session(), world.other_community, good.id)
    # Costs booked against it; completed, it still takes costs; published, it takes none.
    community = world.community
    with db.write() as w:
        ledgers.book(
            w,
            actor_for(world.committee),
            community,
            LedgerKind.MAINTENANCE_FUND,
            day=today_in_china(now),
            direction=EntryDirection.EXPENSE,
            fen=1_750_000,
            category="repairs",
            counterparty="某某防水工程有限公司",
            voucher="FP-001",
            emergency_id=good.id,
            now=now,
        )
    assert fund.booked_fen(db.session(), good.id) == 1_750_000
    fund.complete(actor_for(world.committee), good.id, works_done_on=today_in_china(now), now=now)
    assert fund.confirmed_application(db.session(), world.community, good.id).state is EmergencyState.COMPLETED
    fund.publish(actor_for(world.committee), good.id, acceptance_file=fund.AcceptanceFile("验收单.png", PNG), now=now)
    assert "already been published" in why(good.id)


def test_completing_and_publishing_lists_the_works_and_costs(app: Flask) -> None:
    world = world_with_units()
    now = utcnow()
    good = confirmed(world, now)
    with pytest.raises(RuleViolation) as exc:
        fund.publish(actor_for(world.committee), good.id, now=now)
    assert exc.value.field == "state"
    with pytest.raises(RuleViolation) as exc:
        fund.complete(actor_for(world.committee), good.id, works_done_on=today_in_china(now) + timedelta(days=1), now=now)
    assert exc.value.field == "works_done_on"
    with pytest.raises(PermissionDenied):
        fund.complete(actor_for(world.official), good.id, works_done_on=today_in_china(now), now=now)
    done = fund.complete(actor_for(world.committee), good.id, works_done_on=today_in_china(now), now=now)
    assert done.publish_due_on == today_in_china(now) + timedelta(days=30)
    with pytest.raises(RuleViolation) as exc:
        fund.publish(actor_for(world.committee), good.id, acceptance_file=fund.AcceptanceFile("x.txt", b"hello"), now=now)
    assert exc.value.field == "file"
    published = fund.publish(actor_for(world.committee), good.id, acceptance_file=fund.AcceptanceFile("验收单.png", PNG), now=now)
    assert published.state is EmergencyState.PUBLISHED
    notice = notices.board(world.community.id)[0]
    assert notice.id == published.published_notice_id
    assert "No cost has been booked" in notice.body and WORKS in notice.body
    (attachment,) = db.session.execute(select(Attachment).where(Attachment.notice_id == notice.id)).scalars()
    assert attachment.content_type == "image/png"
    assert [e.action for e in db.session.execute(select(AuditEvent).where(AuditEvent.target_type == "emergency")).scalars()] == [
        "emergency.apply",
        "emergency.confirm",
        "emergency.complete",
        "emergency.publish",
    ]
    with pytest.raises(RuleViolation) as exc:
        fund.publish(actor_for(world.committee), good.id, now=now)
    assert "already been published" in exc.value.reason


def test_deadlines_fall_overdue_after_the_profiles_hours_and_days(app: Flask) -> None:
    world = world_with_units()
    start = utcnow() - timedelta(days=40)
    waiting = applied(world, start)
    with app.test_request_context():
        (answer,) = deadlines.office_deadlines(world.office.id, start + timedelta(hours=23, minutes=59))
        assert answer.community.id == world.community.id and not answer.overdue and answer.due == start + timedelta(hours=24)
        assert answer.url.endswith(f"/office/emergencies/{waiting.public_id}")
        (late,) = deadlines.office_deadlines(world.office.id, start + timedelta(hours=24, minutes=1))
        assert late.overdue
        assert deadlines.community_deadlines(world.community.id, start + timedelta(hours=25))[0].overdue
        assert deadlines.office_deadlines(world.office.id + 1, start + timedelta(hours=25)) == []
    # Confirmed and done: the office owes nothing more; the committee owes the publication, 30 Beijing days on.
    now = utcnow()
    fund.decide(actor_for(world.official), waiting.id, confirm=True, reason="", totp_code=next_code("official"), now=now)
    done_on = today_in_china(now)
    fund.complete(actor_for(world.committee), waiting.id, works_done_on=done_on, now=now)
    with app.test_request_context():
        assert deadlines.office_deadlines(world.office.id, now) == []
        (due,) = deadlines.community_deadlines(world.community.id, now)
        assert due.due == done_on + timedelta(days=30) and not due.overdue
        last_day = now + timedelta(days=30)
        assert today_in_china(last_day) == done_on + timedelta(days=30)
        assert not deadlines.community_deadlines(world.community.id, last_day)[0].overdue
        assert deadlines.community_deadlines(world.community.id, now + timedelta(days=31))[0].overdue
    fund.publish(actor_for(world.committee), waiting.id, now=now)
    with app.test_request_context():
        assert deadlines.community_deadlines(world.community.id, now + timedelta(days=31)) == []


def test_a_missed_answer_flags_the_community_on_the_office_dashboard_and_its_csv(app: Flask) -> None:
    from app.oversight.services.dashboard import dashboard, dashboard_table

    world = world_with_units()
    now = utcnow()
    applied(world, now - timedelta(hours=23))
    (row,) = [r for r in dashboard(world.office.id, now=now) if r.community.id == world.community.id]
    assert "emergency_answer_overdue" not in row.flags
    (late,) = [r for r in dashboard(world.office.id, now=now + timedelta(hours=2)) if r.community.id == world.community.id]
    assert "emergency_answer_overdue" in late.flags
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert any("维修资金紧急使用申请未按时答复" in cell for line in dashboard_table([late]) for cell in line)
