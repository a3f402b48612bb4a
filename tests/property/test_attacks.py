"""Property services as an attacker tries them: a company's staff reaching another community's requests (or their own
former community's, once the contract ended), a committee acting on another community, an owner's identity used on
another unit's or community's request, the identity check's count shared with the petitions, the text message built
from what staff typed, file names that hide their extension, and a black-listed company written so that the fund's
guard would not see it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from app.communities import services as register
from app.communities.identity import check_identity
from app.communities.models import Community
from app.db import db
from app.domain.errors import NotFound, RuleViolation
from app.notices.services import checked_file
from app.property_services.models import ListState, MonthlyStanding, ServiceFacts, ServiceRequest
from app.property_services.services import facts, registry
from app.property_services.services import request_filing as filing
from app.property_services.services import request_ledger as reading
from app.property_services.services import requests as steps
from app.property_services.services.request_filing import Photo
from app.property_services.services.standing import black_list_guard
from app.security.actor import actor_for
from app.security.permissions import PermissionDenied
from app.sms import LoggingSender
from tests.factories import CLI, register_csv
from tests.property_factories import PropertyWorld, property_world

NOW = datetime(2027, 3, 10, 2, 0, tzinfo=UTC)  # Wednesday 10 March 2027, 10:00 in Beijing
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def world() -> PropertyWorld:
    pw = property_world(now=NOW)
    register.add_building(CLI, pw.world.other_community.id, "1")
    register.import_register_file(CLI, pw.world.other_community.id, "b.csv", register_csv("1,101,80.00,,,,陈静,5678,13900000001,"))
    return pw


def file_in_a(pw: PropertyWorld, at: datetime = NOW, **given: object) -> ServiceRequest:
    values: dict[str, object] = {"category": "complaint", "kind": "noise", "text": "楼上夜间噪音", "ip": "203.0.113.9", "now": at}
    values |= given
    return filing.file_by_identity(pw.community.id, unit="1-101", name="张伟", id_last4="1234", **values)  # type: ignore[arg-type]


def file_in_b(pw: PropertyWorld, at: datetime = NOW) -> ServiceRequest:
    return filing.file_by_identity(
        pw.world.other_community.id,
        unit="1-101",
        name="陈静",
        id_last4="5678",
        category="repair",
        kind="leak",
        text="梅园 1-101 漏水",
        photos=[Photo("b.png", PNG)],
        ip="203.0.113.9",
        now=at,
    )


def resolved(pw: PropertyWorld, request: ServiceRequest, at: datetime = NOW, resolution: str = "已处理") -> None:
    staff = actor_for(pw.staff)
    steps.acknowledge(staff, request.public_id, now=at + timedelta(minutes=5))
    steps.arrive_on_site(staff, request.public_id, now=at + timedelta(minutes=30))
    steps.resolve(staff, request.public_id, resolution=resolution, now=at + timedelta(hours=1))


# ---------------------------------------------------------------- a company's staff


def test_a_companys_staff_reach_nothing_of_a_community_their_company_does_not_serve(app: Flask) -> None:
    pw = world()
    b = file_in_b(pw)
    staff = actor_for(pw.staff)
    photo_id = b.photos[0].id
    for read in (
        lambda: reading.request_for(staff, b.public_id, NOW),
        lambda: reading.photo_for(staff, b.public_id, photo_id),
        lambda: reading.staff_queue(staff, pw.world.other_community.id, NOW),
        lambda: reading.ledger(staff, pw.world.other_community.id, NOW),
        lambda: reading.ledger(staff, pw.world.other_community.id, NOW, company_id=pw.other_company.id),
        lambda: reading.escalations_of(staff, pw.world.other_community.id, side="committee"),
        lambda: steps.acknowledge(staff, b.public_id, now=NOW),
        lambda: facts.submit_facts(
            staff, pw.world.other_community.id, manager_name="张", manager_phone="13800000000", contractors=[], utility_costs=[], now=NOW
        ),
    ):
        with pytest.raises(PermissionDenied):
            read()
    # Their own community's ledger, asked for the other company's part, is still only their own part: empty.
    file_in_a(pw)
    _community, rows = reading.ledger(staff, pw.community.id, NOW, company_id=pw.other_company.id)
    assert rows == []


def test_a_former_companys_staff_no_longer_read_the_requests_once_the_contract_ended(app: Flask) -> None:
    pw = world()
    request = file_in_a(pw, photos=[Photo("a.png", PNG)])
    staff = actor_for(pw.staff)
    assert reading.request_for(staff, request.public_id, NOW)[0].unit == "1-101"
    registry.end_contract(actor_for(pw.world.official), pw.contract.public_id, ended_on=date(2027, 3, 11), now=NOW)
    later = NOW + timedelta(days=2)
    # The queue and the ledger were closed to them already; the request's page, its unit, phone and photos now too.
    with pytest.raises(PermissionDenied):
        reading.staff_queue(staff, pw.community.id, later)
    with pytest.raises(PermissionDenied):
        reading.request_for(staff, request.public_id, later)
    with pytest.raises(PermissionDenied):
        reading.photo_for(staff, request.public_id, request.photos[0].id, now=later)
    # The committee and the office still read them.
    assert reading.request_for(actor_for(pw.world.committee), request.public_id, later)[0].unit == "1-101"
    assert reading.request_for(actor_for(pw.world.official), request.public_id, later)[0].unit == "1-101"


def test_a_committee_of_another_community_neither_reads_nor_notes_nor_confirms(app: Flask) -> None:
    pw = world()
    request = file_in_a(pw)
    steps.escalate_due(NOW + timedelta(hours=1))
    outsider = actor_for(pw.world.outsider)
    escalation_id = reading.escalations_of(actor_for(pw.world.committee), pw.community.id, side="committee")[1][0].escalation.id
    with pytest.raises(PermissionDenied):
        reading.request_for(outsider, request.public_id, NOW)
    with pytest.raises(PermissionDenied):
        reading.watched_requests(outsider, pw.community.id, NOW)
    with pytest.raises(PermissionDenied):
        steps.note_by_committee(outsider, pw.community.id, escalation_id, now=NOW)
    # Their own community's id with A's escalation: no such escalation there.
    with pytest.raises(NotFound):
        steps.note_by_committee(outsider, pw.world.other_community.id, escalation_id, now=NOW)
    with pytest.raises(PermissionDenied):
        steps.judge_complaint(outsider, request.public_id, upheld=True, now=NOW)
    version = facts.submit_facts(
        actor_for(pw.staff), pw.community.id, manager_name="张", manager_phone="13800000000", contractors=[], utility_costs=[], now=NOW
    ).version
    with pytest.raises(PermissionDenied):
        facts.confirm_facts(outsider, pw.community.id, version, now=NOW)
    with pytest.raises(NotFound):
        facts.confirm_facts(outsider, pw.world.other_community.id, version, now=NOW)
    assert db.session.scalars(select(ServiceFacts.state)).one().value == "submitted"


# ---------------------------------------------------------------- the owner's identity


def test_an_owners_identity_opens_only_their_units_requests_in_their_community(app: Flask) -> None:
    pw = world()
    mine = file_in_a(pw)
    b = file_in_b(pw)
    neighbour = filing.file_by_identity(
        pw.community.id, unit="1-102", name="李娜", id_last4="2345", category="repair", kind="leak", text="x", ip="-", now=NOW
    )
    me = {"unit": "1-101", "name": "张伟", "id_last4": "1234", "ip": "-", "now": NOW}
    assert filing.request_by_identity(pw.community.id, mine.public_id, **me).id == mine.id  # type: ignore[arg-type]
    # B's request number on A's board, and a neighbour's, with the right identity: nothing.
    for number in (b.public_id, neighbour.public_id):
        with pytest.raises(RuleViolation) as refused:
            filing.request_by_identity(pw.community.id, number, **me)  # type: ignore[arg-type]
        assert refused.value.field == "number"
    # A's identity on B's board: 1-101 of 梅园 is 陈静, so it is a wrong try there.
    with pytest.raises(RuleViolation) as wrong:
        filing.request_by_identity(pw.world.other_community.id, b.public_id, **me)  # type: ignore[arg-type]
    assert wrong.value.field == "name"
    # The rating form re-sent with one's own identity rates neither the neighbour's request nor B's.
    resolved(pw, neighbour)
    for community_id, number in ((pw.community.id, neighbour.public_id), (pw.community.id, b.public_id)):
        with pytest.raises(RuleViolation):
            filing.rate_by_identity(community_id, number, rating=1, **me)  # type: ignore[arg-type]
    assert db.session.get(ServiceRequest, neighbour.id).rating is None  # type: ignore[union-attr]


def test_the_identity_checks_wrong_tries_are_counted_with_the_petitions_and_consultations(app: Flask) -> None:
    pw = world()
    request = file_in_a(pw)
    community = db.session.get(Community, pw.community.id)
    assert community is not None
    # Four wrong tries on 1-101 elsewhere (a petition, a consultation: the same check, the same count) ...
    for _try in range(4):
        with pytest.raises(RuleViolation), db.write() as s:
            check_identity(s, s.get(Community, community.id), unit="1-101", name="张伟", id_last4="0000", ip="-", now=NOW)  # type: ignore[arg-type]
    # ... and the fifth here locks the unit for every use, the right details too.
    wrong = {"unit": "1-101", "name": "张伟", "id_last4": "9999", "ip": "-", "now": NOW}
    with pytest.raises(RuleViolation) as locked:
        filing.request_by_identity(pw.community.id, request.public_id, **wrong)  # type: ignore[arg-type]
    assert locked.value.field == "unit"
    with pytest.raises(RuleViolation) as still:
        file_in_a(pw, at=NOW + timedelta(hours=1))
    assert still.value.field == "unit"
    # A wrong name counts as a wrong number does; an unknown unit counts nothing and says nothing of its owners.
    with pytest.raises(RuleViolation) as name:
        filing.request_by_identity(pw.community.id, request.public_id, unit="1-102", name="李四", id_last4="2345", ip="-", now=NOW)
    assert name.value.field == "name" and "4" in name.value.reason
    with pytest.raises(RuleViolation) as no_unit:
        filing.request_by_identity(pw.community.id, request.public_id, unit="9-999", name="李娜", id_last4="2345", ip="-", now=NOW)
    assert no_unit.value.field == "unit"


def test_a_request_is_rated_once_and_only_once_resolved(app: Flask) -> None:
    pw = world()
    request = file_in_a(pw)
    me = {"unit": "1-101", "name": "张伟", "id_last4": "1234", "ip": "-", "now": NOW + timedelta(hours=2)}
    with pytest.raises(RuleViolation):
        filing.rate_by_identity(pw.community.id, request.public_id, rating=5, **me)  # type: ignore[arg-type]
    resolved(pw, request)
    for rating in (0, 6, None):
        with pytest.raises(RuleViolation):
            filing.rate_by_identity(pw.community.id, request.public_id, rating=rating, **me)  # type: ignore[arg-type]
    filing.rate_by_identity(pw.community.id, request.public_id, rating=1, **me)  # type: ignore[arg-type]
    with pytest.raises(RuleViolation) as again:
        filing.rate_by_identity(pw.community.id, request.public_id, rating=5, **me)  # type: ignore[arg-type]
    assert "already" in again.value.reason or "已" in again.value.reason
    assert db.session.get(ServiceRequest, request.id).rating == 1  # type: ignore[union-attr]


# ---------------------------------------------------------------- steps and texts


def test_steps_are_taken_once_in_order(app: Flask) -> None:
    pw = world()
    request = file_in_a(pw)
    staff = actor_for(pw.staff)
    with pytest.raises(RuleViolation):
        steps.arrive_on_site(staff, request.public_id, now=NOW)
    with pytest.raises(RuleViolation):
        steps.record_follow_up(staff, request.public_id, note="回访", now=NOW)
    steps.acknowledge(staff, request.public_id, now=NOW)
    with pytest.raises(RuleViolation):
        steps.acknowledge(staff, request.public_id, now=NOW)
    steps.arrive_on_site(staff, request.public_id, now=NOW)
    steps.resolve(staff, request.public_id, resolution="好了", now=NOW)
    with pytest.raises(RuleViolation):
        steps.resolve(staff, request.public_id, resolution="又好了", now=NOW)
    steps.record_follow_up(staff, request.public_id, note="满意", now=NOW)
    with pytest.raises(RuleViolation):
        steps.record_follow_up(staff, request.public_id, note="再回访", now=NOW)
    events = [e.action for e in db.session.get(ServiceRequest, request.id).events]  # type: ignore[union-attr]
    assert events == ["filed", "acknowledged", "on_site", "resolved", "follow_up"]


@pytest.mark.parametrize(
    "call",
    [
        lambda pw, r: file_in_a(pw, text="长" * 2001),
        lambda pw, r: steps.resolve(actor_for(pw.staff), r.public_id, resolution="长" * 2001, now=NOW),
        lambda pw, r: steps.record_follow_up(actor_for(pw.staff), r.public_id, note="长" * 2001, now=NOW),
        lambda pw, r: filing.rate_by_identity(
            pw.community.id, r.public_id, unit="1-101", name="张伟", id_last4="1234", rating=3, comment="长" * 1001, ip="-", now=NOW
        ),
        lambda pw, r: facts.return_facts(actor_for(pw.world.committee), pw.community.id, 1, reason="长" * 2001, now=NOW),
        lambda pw, r: facts.submit_facts(
            actor_for(pw.staff),
            pw.community.id,
            manager_name="张",
            manager_phone="13800000000",
            contractors=[{"kind": "elevator", "name": "长" * 201, "phone": "13800000000"}],
            utility_costs=[],
            now=NOW,
        ),
        lambda pw, r: facts.submit_facts(
            actor_for(pw.staff),
            pw.community.id,
            manager_name="张",
            manager_phone="13800000000",
            contractors=[{"kind": "elevator", "name": "电梯公司", "phone": "13800000000"}] * 31,
            utility_costs=[],
            now=NOW,
        ),
    ],
)
def test_every_text_has_its_limit(app: Flask, call: object) -> None:
    pw = world()
    request = file_in_a(pw)
    with pytest.raises(RuleViolation) as refused:
        call(pw, request)  # type: ignore[operator]
    assert "2000" in refused.value.reason or "1000" in refused.value.reason or "200" in refused.value.reason or "30" in refused.value.reason


def test_the_text_to_the_owner_carries_a_short_single_line_of_the_resolution(app: Flask) -> None:
    pw = world()
    request = file_in_a(pw)
    resolved(pw, request, resolution="更换了水管接头。\n\n请访问 http://example.invalid 领取补偿\r\n" + "详" * 1900)
    (text,) = [m["text"] for m in LoggingSender(app).sent() if m["ref"].endswith(":resolved")]
    assert "\n" not in text and "\r" not in text
    assert "更换了水管接头。" in text
    assert len(text) <= 200
    # The request itself keeps the whole resolution.
    assert db.session.get(ServiceRequest, request.id).resolution.endswith("详" * 1900)  # type: ignore[union-attr]


def test_the_owners_text_is_never_in_a_text_message(app: Flask) -> None:
    pw = world()
    file_in_a(pw, text="请拨打 4008001234 领取补偿")
    assert all("4008001234" not in m["text"] for m in LoggingSender(app).sent())


# ---------------------------------------------------------------- files


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("photo\u202egnp.exe", "photognp.exe"),  # a right-to-left override would show "photoexe.png"
        ("a\u200bb\u2066c.png", "abc.png"),
        ("line\r\nbreak.png", "linebreak.png"),
        ("..\\..\\windows\\photo.png", "photo.png"),
        ("../../etc/photo.png", "photo.png"),
        ("\u202e\u200b", "file"),
    ],
)
def test_an_uploads_name_loses_path_control_and_direction_characters(app: Flask, given: str, expected: str) -> None:
    name, kind, _digest = checked_file(given, PNG)
    assert (name, kind) == (expected, "image/png")


def test_a_very_long_name_is_cut_and_a_polyglot_is_what_its_first_bytes_say(app: Flask) -> None:
    name, _kind, _digest = checked_file("长" * 500 + ".png", PNG)
    assert len(name) == 200
    # HTML after a PNG signature is a PNG: served as image/png, sandboxed, never sniffed (the pages' tests check headers).
    assert checked_file("x.html", PNG + b"<script>alert(1)</script>")[1] == "image/png"
    for data in (b"<svg onload=alert(1)>", b"GIF89a" + b"\x00" * 10, b"\x89PNX"):
        with pytest.raises(RuleViolation):
            filing.checked_photos([Photo("x.png", data)])
    with pytest.raises(RuleViolation):
        filing.checked_photos([Photo("x.pdf", b"%PDF-1.4 ...")])  # a PDF is a document, not a photo
    with pytest.raises(RuleViolation) as many:
        filing.checked_photos([Photo(f"{n}.png", PNG) for n in range(4)])
    assert many.value.field == "photos"
    with pytest.raises(RuleViolation) as big:
        filing.checked_photos([Photo("a.png", PNG), Photo("big.png", PNG + b"\x00" * (5 * 1024 * 1024))])
    assert big.value.field == "photos[1]"


# ---------------------------------------------------------------- the ledger's files


def test_no_ledger_cell_is_a_formula_in_csv_or_xlsx(app: Flask) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    pw = world()
    registry.edit_company(
        actor_for(pw.world.official),
        pw.company.public_id,
        name='=HYPERLINK("http://example.invalid","康居")',
        licence_number=pw.company.licence_number,
        contact_phone="0355-1234567",
        now=NOW,
    )
    file_in_a(pw, text="=cmd|' /C calc'!A0")
    _community, rows = reading.ledger(actor_for(pw.world.committee), pw.community.id, NOW)
    csv_text = reading.ledger_csv(rows)
    assert ",'=HYPERLINK" in csv_text.replace('"', "") and "cmd|" not in csv_text  # the owner's text is not in the ledger
    sheet = load_workbook(BytesIO(reading.ledger_xlsx(rows))).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    assert not any(isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")) for cell in cells)


# ---------------------------------------------------------------- the fund's guard


def _black(pw: PropertyWorld) -> None:
    with db.write() as s:
        s.add(
            MonthlyStanding(
                company_id=pw.other_company.id,
                city_id=pw.city.id,
                month=date(2027, 2, 1),
                complaints=0,
                units=0,
                steps_due=0,
                steps_on_time=0,
                findings=1,
                computed="black",
                reasons=["finding"],
                computed_at=NOW,
                state=ListState.CONFIRMED,
                standing="black",
                confirmed_at=NOW,
            )
        )


@pytest.mark.parametrize(
    "contractor",
    [
        "安泰物业管理有限公司",
        "  安泰物业\u3000管理 有限公司 ",  # spaces, an ideographic space among them
        "安\u200b泰物业管理\u200d有限公司",  # zero-width characters
        "安泰物业管理有限公司\u00ad",
        "９１１４０４００ＭＡ０ＫＸ５６７８Ｂ",  # the licence number in full-width characters
        "91140400ma0kx5678b",
    ],
)
def test_the_fund_guard_sees_a_black_listed_company_however_its_name_is_typed(app: Flask, contractor: str) -> None:
    pw = world()
    _black(pw)
    community = db.session.get(Community, pw.community.id)
    assert community is not None
    refusal = black_list_guard(db.session(), community, contractor, NOW)
    assert refusal is not None and "安泰物业管理有限公司" in refusal


def test_the_fund_guard_leaves_other_companies_alone(app: Flask) -> None:
    pw = world()
    _black(pw)
    community = db.session.get(Community, pw.community.id)
    assert community is not None
    for contractor in ("康居物业服务有限公司", "安泰建筑工程有限公司", "安泰", ""):
        assert black_list_guard(db.session(), community, contractor, NOW) is None


def test_audit_of_a_refused_identity_names_no_name_or_id(app: Flask) -> None:
    from app.audit.models import AuditEvent

    pw = world()
    with pytest.raises(RuleViolation):
        filing.request_by_identity(pw.community.id, "20270310-XXXXXX", unit="1-101", name="张三丰", id_last4="8888", ip="-", now=NOW)
    data = json.dumps([e.data for e in db.session.scalars(select(AuditEvent))], ensure_ascii=False)
    assert "张三丰" not in data and "8888" not in data


# ---------------------------------------------------------------- a unit changing hands


def test_the_units_next_owner_neither_sees_nor_rates_the_former_owners_requests(app: Flask) -> None:
    pw = world()
    old = file_in_a(pw, text="与楼上邻居的纠纷", photos=[Photo("a.png", PNG)])
    resolved(pw, old)
    # 1-101 is sold: the register now names 赵新 its owner.
    register.import_register_file(CLI, pw.community.id, "a2.csv", register_csv("1,101,89.50,,,,赵新,7777,13800000009,"))
    new_owner = {"unit": "1-101", "name": "赵新", "id_last4": "7777", "ip": "-", "now": NOW + timedelta(hours=2)}
    with pytest.raises(RuleViolation) as refused:
        filing.request_by_identity(pw.community.id, old.public_id, **new_owner)  # type: ignore[arg-type]
    assert refused.value.field == "number"
    with pytest.raises(RuleViolation):
        filing.rate_by_identity(pw.community.id, old.public_id, rating=1, **new_owner)  # type: ignore[arg-type]
    # Nor does the former owner, no longer on the register, reach it.
    with pytest.raises(RuleViolation):
        filing.request_by_identity(pw.community.id, old.public_id, unit="1-101", name="张伟", id_last4="1234", ip="-", now=NOW)


def test_co_owners_share_their_units_requests_and_the_letter_of_the_next_owner_shows_none_of_the_former(app: Flask) -> None:
    from app.sessions import services as sessions
    from tests.factories import draft_session, tokens_by_holder

    pw = world()
    old = file_in_a(pw, photos=[Photo("a.png", PNG)])
    resolved(pw, old)
    register.import_register_file(CLI, pw.community.id, "a2.csv", register_csv("1,101,89.50,,,,赵新、钱芳,7777;8888,,"))
    then = NOW - timedelta(days=16)
    session = draft_session(
        pw.world, opens_at=then + timedelta(days=15, hours=1), closes_at=then + timedelta(days=23), items=(("cn.hire_manager", "续聘"),)
    )
    sessions.announce_session(actor_for(pw.world.committee), session.id, now=then)
    tokens = tokens_by_holder(session.id)
    _holder, listed = filing.requests_of_letter(tokens["赵新"])
    assert listed == []
    with pytest.raises(NotFound):
        filing.request_of_letter(tokens["赵新"], old.public_id)
    with pytest.raises(NotFound):
        filing.rate_by_letter(tokens["赵新"], old.public_id, rating=1, now=NOW)
    # A request one co-owner files is the other's to follow and rate.
    mine = filing.file_by_letter(tokens["赵新"], category="repair", kind="leak", text="漏水", ip="-", now=NOW)
    assert [r.id for r in filing.requests_of_letter(tokens["钱芳"])[1]] == [mine.id]
    assert filing.request_of_letter(tokens["钱芳"], mine.public_id).id == mine.id


# ---------------------------------------------------------------- decisions taken twice


def test_a_facts_version_is_decided_once_and_a_months_list_takes_each_company_once(app: Flask) -> None:
    from app.property_services.services import standing
    from app.property_services.services.standing import Decision

    pw = world()
    chair = actor_for(pw.world.committee)
    submit = {"manager_name": "张", "manager_phone": "13800000000", "contractors": [], "utility_costs": [], "now": NOW}
    first = facts.submit_facts(actor_for(pw.staff), pw.community.id, **submit)  # type: ignore[arg-type]
    facts.return_facts(chair, pw.community.id, first.version, reason="电话有误", now=NOW)
    for decide in (
        lambda: facts.confirm_facts(chair, pw.community.id, first.version, now=NOW),
        lambda: facts.return_facts(chair, pw.community.id, first.version, reason="again", now=NOW),
    ):
        with pytest.raises(RuleViolation):
            decide()
    second = facts.submit_facts(actor_for(pw.staff), pw.community.id, **submit)  # type: ignore[arg-type]
    facts.confirm_facts(chair, pw.community.id, second.version, now=NOW)
    with pytest.raises(RuleViolation):
        facts.confirm_facts(chair, pw.community.id, second.version, now=NOW)
    official = actor_for(pw.world.official)
    month = date(2027, 2, 1)
    standing.compute_month(official, pw.city.id, month, now=NOW)
    rows = standing.proposed_rows(pw.city.id, month)
    kept = [Decision(e.company.public_id, e.row.computed) for e in rows]
    for decisions in (
        [kept[0], kept[0]],  # one company twice, the other left out
        [kept[0], kept[1], kept[1]],
        [kept[0], Decision(kept[1].company_id, "red" if kept[1].standing != "red" else "black", "长" * 1001)],
        [kept[0], Decision("no-such-company", "red", "x")],
    ):
        with pytest.raises(RuleViolation):
            standing.confirm_month(official, pw.city.id, month, decisions, now=NOW)
    assert all(e.row.state is ListState.PROPOSED for e in standing.month_rows(pw.city.id, month))
    standing.confirm_month(official, pw.city.id, month, kept, now=NOW)
    with pytest.raises(RuleViolation):
        standing.confirm_month(official, pw.city.id, month, kept, now=NOW)
