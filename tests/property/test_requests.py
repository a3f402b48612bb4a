"""Owners' complaints and repair requests on a fake clock: the Changzhi steps in calendar and working time (weekends,
the 2027-01-01 holiday), the national clock, escalations once per step whether the clock or a late step finds them,
steps in order by the serving company's staff only, the identity check and its lock, photos by content, the text
messages after each event, the ledger's files and the office's judgement."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from app.db import db, utcnow
from app.domain.errors import NotFound, RuleViolation
from app.property_services.models import Escalation, RequestEvent, RequestState, ServiceRequest
from app.property_services.services import request_filing as filing
from app.property_services.services import request_ledger as reading
from app.property_services.services import requests as steps
from app.property_services.services.request_filing import Photo
from app.security.actor import actor_for
from app.security.permissions import PermissionDenied
from app.sessions import services as sessions
from app.sms import LoggingSender
from tests.factories import draft_session, tokens_by_holder
from tests.property_factories import PropertyWorld, property_world

BEIJING = timedelta(hours=8)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def beijing(*args: int) -> datetime:
    """A Beijing wall-clock time as the UTC instant it is."""
    return datetime(*args, tzinfo=UTC) - BEIJING  # type: ignore[misc]


# Thursday 31 December 2026, 10:00 in Beijing: before the New Year holiday and a weekend.
FILED = beijing(2026, 12, 31, 10, 0)


def world(at: datetime = FILED, profile: str = "cn-changzhi") -> PropertyWorld:
    return property_world(now=at, profile=profile)


def file_as_zhang(pw: PropertyWorld, at: datetime = FILED, **given: object) -> ServiceRequest:
    values: dict[str, object] = {"category": "repair", "kind": "leak", "text": "卫生间漏水", "ip": "203.0.113.9", "now": at}
    values |= given
    return filing.file_by_identity(pw.community.id, unit="1-101", name="张伟", id_last4="1234", **values)  # type: ignore[arg-type]


def sent(app: Flask) -> list[dict[str, str]]:
    return LoggingSender(app).sent()


def test_changzhi_steps_in_calendar_time_with_the_deadline_itself_on_time(app: Flask) -> None:
    pw = world()
    request = file_as_zhang(pw)
    assert request.due_acknowledge == FILED + timedelta(minutes=30)
    assert request.due_on_site == FILED + timedelta(hours=3)
    staff = actor_for(pw.staff)
    steps.acknowledge(staff, request.public_id, now=FILED + timedelta(minutes=10))
    # Exactly at the deadline is on time: nothing escalates at that minute.
    assert steps.escalate_due(FILED + timedelta(hours=3)) == ""
    steps.arrive_on_site(staff, request.public_id, now=FILED + timedelta(hours=3))
    done = db.session.get(ServiceRequest, request.id)
    assert done is not None and done.state is RequestState.ON_SITE
    assert steps.step_status(done.due_on_site, done.on_site_at, FILED + timedelta(days=1)) == "on_time"
    assert db.session.scalars(select(Escalation)).all() == []


def test_on_site_missed_by_a_minute_escalates_once(app: Flask) -> None:
    pw = world()
    request = file_as_zhang(pw)
    staff = actor_for(pw.staff)
    steps.acknowledge(staff, request.public_id, now=FILED + timedelta(minutes=10))
    late = FILED + timedelta(hours=3, minutes=1)
    assert "1" in steps.escalate_due(late)
    # Run every minute: the same step never escalates twice.
    assert steps.escalate_due(late + timedelta(minutes=1)) == ""
    assert steps.escalate_due(late + timedelta(hours=1)) == ""
    (escalation,) = db.session.scalars(select(Escalation)).all()
    assert (escalation.step, escalation.due_at, escalation.escalated_at) == ("on_site", FILED + timedelta(hours=3), late)
    # Coming on site late now does not add a second row.
    steps.arrive_on_site(staff, request.public_id, now=late + timedelta(hours=2))
    assert len(db.session.scalars(select(Escalation)).all()) == 1


def test_a_step_done_late_escalates_when_done(app: Flask) -> None:
    pw = world()
    request = file_as_zhang(pw)
    # Acknowledged at 45 minutes, and the clock never ran in between.
    steps.acknowledge(actor_for(pw.staff), request.public_id, now=FILED + timedelta(minutes=45))
    (escalation,) = db.session.scalars(select(Escalation)).all()
    assert escalation.step == "acknowledge" and escalation.escalated_at == FILED + timedelta(minutes=45)
    assert steps.escalate_due(FILED + timedelta(minutes=50)) == ""


def test_resolve_counts_working_days_across_the_holiday_and_the_weekend(app: Flask) -> None:
    pw = world()
    request = file_as_zhang(pw)
    # 1 January is a holiday, 2 and 3 January a weekend: Monday 4, Tuesday 5, Wednesday 6 at 10:00.
    assert request.due_resolve == beijing(2027, 1, 6, 10, 0)
    # Filed after the close on Wednesday, the clock runs from Thursday's opening.
    evening = beijing(2027, 1, 6, 19, 0)
    later = file_as_zhang(pw, evening)
    assert later.due_resolve == beijing(2027, 1, 12, 8, 30)
    staff = actor_for(pw.staff)
    steps.acknowledge(staff, request.public_id, now=FILED + timedelta(minutes=5))
    steps.arrive_on_site(staff, request.public_id, now=FILED + timedelta(hours=1))
    assert steps.escalate_due(beijing(2027, 1, 6, 10, 0)) == ""
    assert steps.escalate_due(beijing(2027, 1, 6, 10, 1)) != ""
    steps_of = {e.step for e in db.session.scalars(select(Escalation).where(Escalation.request_id == request.id))}
    assert steps_of == {"resolve"}


def test_the_national_clock_counts_calendar_time(app: Flask) -> None:
    pw = world(profile="cn-national")
    request = file_as_zhang(pw)
    assert request.due_acknowledge == FILED + timedelta(hours=2)
    assert request.due_on_site == FILED + timedelta(hours=24)
    assert request.due_resolve == FILED + timedelta(days=7)  # the holiday and the weekend count


def test_steps_go_in_order_and_only_for_the_serving_company(app: Flask) -> None:
    pw = world()
    request = file_as_zhang(pw)
    staff = actor_for(pw.staff)
    with pytest.raises(RuleViolation) as first:
        steps.arrive_on_site(staff, request.public_id, now=FILED)
    assert first.value.field == "step"
    with pytest.raises(RuleViolation):
        steps.resolve(staff, request.public_id, resolution="修好了", now=FILED)
    for other in (actor_for(pw.other_staff), actor_for(pw.world.committee), actor_for(pw.world.official)):
        with pytest.raises(PermissionDenied):
            steps.acknowledge(other, request.public_id, now=FILED)
    steps.acknowledge(staff, request.public_id, now=FILED + timedelta(minutes=1))
    with pytest.raises(RuleViolation) as twice:
        steps.acknowledge(staff, request.public_id, now=FILED + timedelta(minutes=2))
    assert twice.value.field == "step"
    steps.arrive_on_site(staff, request.public_id, now=FILED + timedelta(minutes=30))
    with pytest.raises(RuleViolation) as empty:
        steps.resolve(staff, request.public_id, resolution="  ", now=FILED + timedelta(hours=1))
    assert empty.value.field == "resolution"
    with pytest.raises(RuleViolation) as early:
        steps.record_follow_up(staff, request.public_id, note="业主满意", now=FILED + timedelta(hours=1))
    assert early.value.field == "note"
    steps.resolve(staff, request.public_id, resolution="更换了密封圈", now=FILED + timedelta(hours=2))
    steps.record_follow_up(staff, request.public_id, note="业主满意", now=FILED + timedelta(days=1))
    actions = [e.action for e in db.session.scalars(select(RequestEvent).where(RequestEvent.request_id == request.id))]
    assert actions == ["filed", "acknowledged", "on_site", "resolved", "follow_up"]


def test_a_company_reads_only_the_communities_it_serves(app: Flask) -> None:
    pw = world()
    request = file_as_zhang(pw)
    _community, queue = reading.staff_queue(actor_for(pw.staff), pw.community.id, FILED)
    assert [v.request.public_id for v in queue] == [request.public_id]
    with pytest.raises(PermissionDenied):
        reading.staff_queue(actor_for(pw.other_staff), pw.community.id, FILED)
    with pytest.raises(PermissionDenied):
        reading.request_for(actor_for(pw.other_staff), request.public_id, FILED)
    with pytest.raises(PermissionDenied):
        reading.ledger(actor_for(pw.other_staff), pw.community.id, FILED)
    assert reading.request_for(actor_for(pw.world.committee), request.public_id, FILED)[0].unit == "1-101"
    with pytest.raises(PermissionDenied):
        reading.request_for(actor_for(pw.world.outsider), request.public_id, FILED)


def test_no_company_no_request(app: Flask) -> None:
    pw = world()
    after = datetime.combine(pw.contract.ends_on + timedelta(days=1), datetime.min.time(), tzinfo=UTC) + timedelta(hours=4)
    with pytest.raises(RuleViolation) as refused:
        file_as_zhang(pw, after)
    assert refused.value.field == "community"


def test_the_identity_check_counts_wrong_tries_and_locks_the_unit(app: Flask) -> None:
    pw = world()
    base = {"category": "complaint", "kind": "noise", "text": "夜间施工", "ip": "203.0.113.9", "now": FILED}
    with pytest.raises(RuleViolation) as slip:
        filing.file_by_identity(pw.community.id, unit="1-101", name="张伟", id_last4="12", **base)  # type: ignore[arg-type]
    assert slip.value.field == "id_last4"
    with pytest.raises(RuleViolation) as nowhere:
        filing.file_by_identity(pw.community.id, unit="9-999", name="张伟", id_last4="1234", **base)  # type: ignore[arg-type]
    assert nowhere.value.field == "unit"
    for _ in range(4):
        with pytest.raises(RuleViolation) as wrong:
            filing.file_by_identity(pw.community.id, unit="1-101", name="张伟", id_last4="9999", **base)  # type: ignore[arg-type]
        assert wrong.value.field == "name"
    with pytest.raises(RuleViolation) as locked:
        filing.file_by_identity(pw.community.id, unit="1-101", name="张伟", id_last4="9999", **base)  # type: ignore[arg-type]
    assert locked.value.field == "unit" and "锁定" in locked.value.reason
    # Locked, even the right details are refused until the period is over.
    with pytest.raises(RuleViolation) as still:
        filing.file_by_identity(pw.community.id, unit="1-101", name="张伟", id_last4="1234", **base)  # type: ignore[arg-type]
    assert still.value.field == "unit"
    assert db.session.scalars(select(ServiceRequest)).all() == []
    day_after = {**base, "now": FILED + timedelta(hours=25)}
    filing.file_by_identity(pw.community.id, unit="1-101", name="张伟", id_last4="1234", **day_after)  # type: ignore[arg-type]


def test_kind_text_and_phone_are_checked(app: Flask) -> None:
    pw = world()
    for given, field in (
        ({"kind": "ghosts"}, "kind"),
        ({"category": "praise"}, "category"),
        ({"text": ""}, "text"),
        ({"text": "长" * 2001}, "text"),
        ({"contact_phone": "call me"}, "contact_phone"),
    ):
        with pytest.raises(RuleViolation) as refused:
            file_as_zhang(pw, **given)
        assert refused.value.field == field


def test_photos_are_png_or_jpeg_by_content_and_at_most_5_mb(app: Flask) -> None:
    pw = world()
    with pytest.raises(RuleViolation) as text:
        file_as_zhang(pw, photos=[Photo("a.png", PNG), Photo("b.jpg", JPEG), Photo("c.png", b"just some text")])
    assert text.value.field == "photos[2]"
    with pytest.raises(RuleViolation) as pdf:
        file_as_zhang(pw, photos=[Photo("a.png", b"%PDF-1.4 ...")])
    assert pdf.value.field == "photos[0]"
    big = b"\xff\xd8\xff" + b"\x00" * (5 * 1024 * 1024)
    with pytest.raises(RuleViolation) as large:
        file_as_zhang(pw, photos=[Photo("big.jpg", big)])
    assert large.value.field == "photos[0]" and "5" in large.value.reason
    with pytest.raises(RuleViolation) as many:
        file_as_zhang(pw, photos=[Photo(f"{n}.png", PNG) for n in range(4)])
    assert many.value.field == "photos"
    request = file_as_zhang(pw, photos=[Photo("../../etc/leak.png", PNG), Photo("b.jpg", JPEG)])
    assert [(p.filename, p.content_type) for p in request.photos] == [("leak.png", "image/png"), ("b.jpg", "image/jpeg")]


def test_text_messages_for_each_event_with_a_phone_and_none_without(app: Flask) -> None:
    pw = world()
    request = file_as_zhang(pw)  # 张伟's phone on the register: 13800000001; the company's 0355-1234567
    staff = actor_for(pw.staff)
    steps.acknowledge(staff, request.public_id, now=FILED + timedelta(minutes=40))  # late: escalates
    steps.arrive_on_site(staff, request.public_id, now=FILED + timedelta(hours=1))
    steps.resolve(staff, request.public_id, resolution="已修复", now=FILED + timedelta(hours=2))
    lines = [(m["phone"], m["ref"].split(":", 2)[2]) for m in sent(app)]
    assert lines == [
        ("13800000001", "filed"),
        ("0355-1234567", "filed:company"),
        ("13800000001", "acknowledged"),
        ("0355-1234567", "escalated:acknowledge"),
        ("13800000001", "on_site"),
        ("13800000001", "resolved"),
    ]
    assert request.public_id in sent(app)[0]["text"]
    # 王强 has no phone on the register and gives none; 安泰物业 has no contact phone.
    before = len(sent(app))
    quiet = filing.file_by_identity(
        pw.community.id, unit="1-201", name="王强", id_last4="3456", category="repair", kind="elevator", text="电梯异响", ip="-", now=FILED
    )
    steps.acknowledge(staff, quiet.public_id, now=FILED + timedelta(minutes=5))
    assert [m["ref"].split(":", 2)[2] for m in sent(app)[before:]] == ["filed:company"]
    # A phone given on the form is the one texted.
    given = file_as_zhang(pw, contact_phone="139 0000 0009")
    assert given.contact_phone == "139 0000 0009" and sent(app)[-2]["phone"] == "139 0000 0009"
    # A refused step texts nobody.
    count = len(sent(app))
    with pytest.raises(RuleViolation):
        steps.acknowledge(staff, quiet.public_id, now=FILED + timedelta(minutes=6))
    assert len(sent(app)) == count


def letter_tokens(pw: PropertyWorld) -> dict[str, str]:
    then = utcnow() - timedelta(days=16)
    session = draft_session(
        pw.world, opens_at=then + timedelta(days=15, hours=1), closes_at=then + timedelta(days=23), items=(("cn.hire_manager", "续聘"),)
    )
    sessions.announce_session(actor_for(pw.world.committee), session.id, now=then)
    return tokens_by_holder(session.id)


def test_a_letter_files_for_its_unit_and_shows_only_its_units_requests(app: Flask) -> None:
    pw = world()
    tokens = letter_tokens(pw)
    mine = filing.file_by_letter(tokens["李娜"], category="complaint", kind="cleaning", text="垃圾未清运", ip="-", now=FILED)
    assert mine.letter_id is not None and mine.contact_phone == "13800000002"
    theirs = file_as_zhang(pw)
    holder, found = filing.requests_of_letter(tokens["李娜"])
    assert list(holder.units) == ["1-102"] and [r.public_id for r in found] == [mine.public_id]
    with pytest.raises(NotFound):
        filing.request_of_letter(tokens["李娜"], theirs.public_id)
    with pytest.raises(RuleViolation) as elsewhere:
        filing.file_by_letter(tokens["李娜"], unit="1-101", category="repair", kind="leak", text="漏水", ip="-", now=FILED)
    assert elsewhere.value.field == "unit"
    with pytest.raises(RuleViolation) as invalid:
        filing.file_by_letter("not-a-token", category="repair", kind="leak", text="漏水", ip="-", now=FILED)
    assert invalid.value.field == "letter"


def test_the_owner_rates_once_after_the_resolution(app: Flask) -> None:
    pw = world()
    tokens = letter_tokens(pw)
    request = filing.file_by_letter(tokens["张伟"], category="repair", kind="leak", text="漏水", ip="-", now=FILED)
    with pytest.raises(RuleViolation) as early:
        filing.rate_by_letter(tokens["张伟"], request.public_id, rating=5, now=FILED)
    assert early.value.field == "rating"
    staff = actor_for(pw.staff)
    steps.acknowledge(staff, request.public_id, now=FILED)
    steps.arrive_on_site(staff, request.public_id, now=FILED)
    steps.resolve(staff, request.public_id, resolution="已修复", now=FILED + timedelta(hours=1))
    with pytest.raises(RuleViolation) as zero:
        filing.rate_by_letter(tokens["张伟"], request.public_id, rating=0, now=FILED)
    assert zero.value.field == "rating"
    with pytest.raises(NotFound):
        filing.rate_by_letter(tokens["李娜"], request.public_id, rating=5, now=FILED)
    rated = filing.rate_by_identity(
        pw.community.id, request.public_id, unit="1-101", name="张伟", id_last4="1234", rating=4, comment="及时", ip="-", now=FILED
    )
    assert (rated.rating, rated.state) == (4, RequestState.CLOSED)
    with pytest.raises(RuleViolation) as again:
        filing.rate_by_letter(tokens["张伟"], request.public_id, rating=1, now=FILED)
    assert again.value.field == "rating"


def test_the_ledger_files_and_the_office_marks_complaints_upheld(app: Flask) -> None:
    pw = world()
    complaint = file_as_zhang(pw, category="complaint", kind="noise", text='=HYPERLINK("x")')
    repair = file_as_zhang(pw, FILED + timedelta(minutes=1))
    staff = actor_for(pw.staff)
    steps.acknowledge(staff, complaint.public_id, now=FILED + timedelta(minutes=45))
    for nobody in (staff, actor_for(pw.world.committee), actor_for(pw.world.admin)):
        with pytest.raises(PermissionDenied):
            steps.judge_complaint(nobody, complaint.public_id, upheld=True, now=FILED)
    office = actor_for(pw.world.official)
    steps.judge_complaint(office, complaint.public_id, upheld=True, now=FILED + timedelta(days=1))
    with pytest.raises(RuleViolation) as repairs:
        steps.judge_complaint(office, repair.public_id, upheld=False, now=FILED)
    assert repairs.value.field == "upheld"
    _community, rows = reading.ledger(office, pw.community.id, FILED + timedelta(hours=4))
    text = reading.ledger_csv(rows)
    table = list(csv.DictReader(io.StringIO(text)))
    assert [r["number"] for r in table] == [complaint.public_id, repair.public_id]
    first = table[0]
    assert first["unit"] == "1-101" and first["category"] == "complaint" and first["kind"] == "noise"
    assert first["acknowledge_status"] == "late" and first["on_site_status"] == "overdue" and first["resolve_status"] == "pending"
    assert first["acknowledge_done"] == "2026-12-31 10:45" and first["filed_at"] == "2026-12-31 10:00"
    assert first["escalated"] == "acknowledge" and first["upheld"] == "yes" and table[1]["upheld"] == ""
    book = load_workbook(io.BytesIO(reading.ledger_xlsx(rows)))
    sheet = book.active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "number" and values[1][0] == complaint.public_id and len(values) == 3
    # The staff read their company's part; the other company none of it.
    assert len(reading.ledger(staff, pw.community.id, FILED)[1]) == 2
    with pytest.raises(PermissionDenied):
        reading.ledger(actor_for(pw.other_staff), pw.community.id, FILED)


def test_escalations_are_noted_by_the_committee_and_the_office_each(app: Flask) -> None:
    pw = world()
    file_as_zhang(pw)
    steps.escalate_due(FILED + timedelta(hours=4))
    assert reading.open_escalations(pw.community.id, side="committee") == 2
    chair, office = actor_for(pw.world.committee), actor_for(pw.world.official)
    _c, rows = reading.escalations_of(chair, pw.community.id, side="committee")
    first = rows[0].escalation.id
    with pytest.raises(PermissionDenied):
        steps.note_by_committee(office, pw.community.id, first, now=FILED)
    with pytest.raises(PermissionDenied):
        steps.note_by_office(chair, pw.community.id, first, now=FILED)
    steps.note_by_committee(chair, pw.community.id, first, now=FILED)
    assert reading.open_escalations(pw.community.id, side="committee") == 1
    assert reading.open_escalations(pw.community.id, side="office") == 2
    steps.note_by_office(office, pw.community.id, first, now=FILED)
    assert reading.open_escalations_of_office(pw.world.office.id)[0][1] == 1
    with pytest.raises(NotFound):
        steps.note_by_office(office, pw.world.other_community.id, first, now=FILED)


def test_the_public_figures_count_and_time_without_names(app: Flask) -> None:
    pw = world()
    request = file_as_zhang(pw)
    file_as_zhang(pw, category="complaint", kind="noise")
    steps.acknowledge(actor_for(pw.staff), request.public_id, now=FILED + timedelta(minutes=12))
    figures = reading.public_figures(pw.community, FILED + timedelta(hours=1))
    assert figures.total == 2 and figures.by_category == {"complaint": 1, "repair": 1}
    acknowledge = figures.steps[0]
    assert (acknowledge.on_time, acknowledge.counted, acknowledge.median) == (1, 2, timedelta(minutes=12))
    assert figures.steps[1].counted == 0 and figures.steps[1].percent is None


def test_close_due_escalates_and_says_so(app: Flask) -> None:
    pw = property_world()
    file_as_zhang(pw, utcnow() - timedelta(hours=4))
    said = app.test_cli_runner().invoke(args=["close-due"])
    assert said.exit_code == 0 and "2" in said.output.splitlines()[-1]
    assert app.test_cli_runner().invoke(args=["close-due"]).output.count("\n") == 1  # nothing more to escalate
