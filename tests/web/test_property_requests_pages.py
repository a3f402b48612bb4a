"""Requests in the browser: the owner files from their letter or the board on a phone (errors under the field, the
photo named), follows their own requests and rates them; the company's staff step through them; the committee and the
office note the missed deadlines, the office marks complaints; the board shows counts and times, never a name."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from app.db import db, utcnow
from app.property_services.models import ServiceRequest
from app.property_services.services import requests as steps
from app.security.actor import actor_for
from app.sessions import services as sessions
from tests.factories import draft_session, login, tokens_by_holder
from tests.property_factories import PropertyWorld, property_world

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def english(client: FlaskClient) -> FlaskClient:
    client.post("/lang", data={"lang": "en"})
    return client


def letters(pw: PropertyWorld) -> dict[str, str]:
    then = utcnow() - timedelta(days=16)
    session = draft_session(
        pw.world, opens_at=then + timedelta(days=15, hours=1), closes_at=then + timedelta(days=23), items=(("cn.hire_manager", "续聘"),)
    )
    sessions.announce_session(actor_for(pw.world.committee), session.id, now=then)
    return tokens_by_holder(session.id)


def opened(client: FlaskClient, token: str, digits: str) -> FlaskClient:
    assert client.post(f"/v/{token}", data={"digits": digits}).status_code == 302
    return client


def only_request() -> ServiceRequest:
    db.session.rollback()
    (found,) = db.session.query(ServiceRequest).all()
    return found


def form(**given: object) -> dict[str, object]:
    return {"category": "repair", "kind": "leak", "text": "厨房水管漏水", "contact_phone": ""} | given


def test_the_owner_files_from_the_letter_and_follows_it(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    tokens = letters(pw)
    token = tokens["张伟"]
    # Without the letter opened in this browser, nothing.
    assert client.get(f"/v/{token}/requests").status_code == 404
    opened(client, token, "1234")
    letter = client.get(f"/v/{token}").get_data(as_text=True)
    assert f"/v/{token}/requests" in letter and "您的投诉与报修" in letter
    page = client.get(f"/v/{token}/requests/new").get_data(as_text=True)
    assert "投诉还是报修" in page and "漏水、渗水" in page and "1-101" in page and "<script" not in page
    empty = client.post(f"/v/{token}/requests/new", data=form(text=""))
    assert empty.status_code == 200 and 'id="text-error"' in empty.get_data(as_text=True)
    fake = (io.BytesIO(b"this is only text"), "leak.png")
    refused = client.post(
        f"/v/{token}/requests/new", data=form(photos=[(io.BytesIO(PNG), "a.png"), fake]), content_type="multipart/form-data"
    )
    text = refused.get_data(as_text=True)
    assert 'id="photos-error"' in text and "照片 2" in text and "PNG" in text
    assert db.session.query(ServiceRequest).count() == 0
    filed = client.post(f"/v/{token}/requests/new", data=form(photos=[(io.BytesIO(PNG), "a.png")]), content_type="multipart/form-data")
    assert filed.status_code == 302 and filed.headers["Location"].endswith(f"/v/{token}/requests")
    request = only_request()
    listing = client.get(f"/v/{token}/requests")
    assert listing.headers["Cache-Control"] == "no-store"
    shown = listing.get_data(as_text=True)
    assert request.public_id in shown and "已提交，等待物业受理" in shown and "受理" in shown
    photo = client.get(f"/v/{token}/requests/{request.public_id}/photos/{request.photos[0].id}")
    assert photo.status_code == 200 and photo.mimetype == "image/png" and photo.data == PNG
    # Another owner's letter sees neither the request nor its photo.
    other = tokens["李娜"]
    neighbour = opened(app.test_client(), other, "2345")
    assert request.public_id not in neighbour.get(f"/v/{other}/requests").get_data(as_text=True)
    assert neighbour.get(f"/v/{other}/requests/{request.public_id}/photos/{request.photos[0].id}").status_code == 404
    # Resolved, the owner rates it on the letter's page.
    staff = actor_for(pw.staff)
    steps.acknowledge(staff, request.public_id, now=utcnow())
    steps.arrive_on_site(staff, request.public_id, now=utcnow())
    steps.resolve(staff, request.public_id, resolution="更换了水管接头", now=utcnow())
    rating_page = client.get(f"/v/{token}/requests").get_data(as_text=True)
    assert "更换了水管接头" in rating_page and "您的评价" in rating_page
    assert client.post(f"/v/{token}/requests/{request.public_id}/rate", data={"rating": "5", "comment": "很快"}).status_code == 302
    assert only_request().rating == 5
    assert "提交评价" not in client.get(f"/v/{token}/requests").get_data(as_text=True)


def test_the_board_form_in_english_names_the_field(app: Flask, client: FlaskClient) -> None:
    property_world()
    english(client)
    page = client.get("/c/lanting/property/requests/new").get_data(as_text=True)
    assert "Last four characters of your ID number" in page and "Leak or seepage" in page and "<script" not in page
    wrong = client.post("/c/lanting/property/requests/new", data=form(unit="1-101", name="张伟", id_last4="9999"))
    text = wrong.get_data(as_text=True)
    assert 'id="name-error"' in text and "4 tries left" in text
    no_kind = client.post("/c/lanting/property/requests/new", data=form(unit="1-101", name="张伟", id_last4="1234", kind=""))
    assert 'id="kind-error"' in no_kind.get_data(as_text=True)
    bad_phone = client.post("/c/lanting/property/requests/new", data=form(unit="1-101", name="张伟", id_last4="1234", contact_phone="abc"))
    assert 'id="contact_phone-error"' in bad_phone.get_data(as_text=True)
    done = client.post(
        "/c/lanting/property/requests/new", data=form(unit="1-101", name="张伟", id_last4="1234", category="complaint", kind="noise")
    )
    request = only_request()
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/c/lanting/property/requests/{request.public_id}")
    # The browser that filed it goes on to the request's page without being asked again (this browser session).
    after = client.get(f"/c/lanting/property/requests/{request.public_id}")
    assert after.headers["Cache-Control"] == "no-store" and "厨房水管漏水" in after.get_data(as_text=True)
    # Another browser is asked who it is, and sees only the unit's own request.
    other_browser = english(app.test_client())
    ask = other_browser.get(f"/c/lanting/property/requests/{request.public_id}").get_data(as_text=True)
    assert "Show my request" in ask and "夜间" not in ask and "厨房水管漏水" not in ask
    data = {"unit": "1-102", "name": "李娜", "id_last4": "2345"}
    other = other_browser.post(f"/c/lanting/property/requests/{request.public_id}", data=data)
    assert "Unit 1-102 has no request with this number." in other.get_data(as_text=True)
    data = {"unit": "1-101", "name": "张伟", "id_last4": "1234"}
    mine = other_browser.post(f"/c/lanting/property/requests/{request.public_id}", data=data)
    assert mine.status_code == 302 and mine.headers["Cache-Control"] == "no-store"
    shown = other_browser.get(mine.headers["Location"]).get_data(as_text=True)
    assert "厨房水管漏水" in shown and "Filed, awaiting the company" in shown and "Acknowledge" in shown


def test_no_company_no_form(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    from app.property_services.services import registry

    registry.end_contract(actor_for(pw.world.official), pw.contract.public_id, ended_on=pw.contract.starts_on, now=utcnow())
    page = english(client).get("/c/lanting/property/requests/new").get_data(as_text=True)
    assert "No property-service company serves this community" in page and '<form method="post" enctype' not in page


def test_the_public_page_counts_and_times_never_names_or_units(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    english(client)
    assert "No request in this period." in client.get("/c/lanting/property/requests").get_data(as_text=True)
    client.post("/c/lanting/property/requests/new", data=form(unit="1-101", name="张伟", id_last4="1234", kind="elevator", text="电梯困人"))
    request = only_request()
    steps.acknowledge(actor_for(pw.staff), request.public_id, now=request.filed_at + timedelta(minutes=12))
    page = english(app.test_client()).get("/c/lanting/property/requests").get_data(as_text=True)
    assert "Elevator" in page and "12 min" in page and "100% (1 / 1)" in page
    for private in ("张伟", "1-101", "电梯困人", request.public_id, "13800000001"):
        assert private not in page
    assert "<script" not in page
    chinese = app.test_client().get("/c/lanting/property/requests").get_data(as_text=True)
    assert "投诉与报修" in chinese and "电梯" in chinese


def test_staff_step_through_on_a_phone_and_others_see_no_buttons(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    english(client)
    client.post(
        "/c/lanting/property/requests/new", data=form(unit="1-101", name="张伟", id_last4="1234"), content_type="multipart/form-data"
    )
    request = only_request()
    staff = english(app.test_client())
    login(staff, "staff")
    queue = staff.get(f"/property/c/{pw.community.id}/requests").get_data(as_text=True)
    assert request.public_id in queue and "left" in queue and "1-101" in queue
    page = staff.get(f"/property/requests/{request.public_id}").get_data(as_text=True)
    assert ">Acknowledge</button>" in page and "13800000001" in page
    assert staff.post(f"/property/requests/{request.public_id}/acknowledge").status_code == 302
    early = staff.post(f"/property/requests/{request.public_id}/resolve", data={"resolution": "修好了"}, follow_redirects=True)
    assert early.status_code == 400 and "Record &#34;On site&#34; first." in early.get_data(as_text=True)
    assert staff.post(f"/property/requests/{request.public_id}/on-site").status_code == 302
    blank = staff.post(f"/property/requests/{request.public_id}/resolve", data={"resolution": ""})
    assert blank.status_code == 400 and 'id="resolution-error"' in blank.get_data(as_text=True)
    assert staff.post(f"/property/requests/{request.public_id}/resolve", data={"resolution": "更换了水管"}).status_code == 302
    assert staff.post(f"/property/requests/{request.public_id}/follow-up", data={"note": "业主满意"}).status_code == 302
    final = staff.get(f"/property/requests/{request.public_id}").get_data(as_text=True)
    assert "Follow-up visit" in final and "业主满意" in final and "<button" not in final.split("History")[1]
    chair = english(app.test_client())
    login(chair, "chair")
    seen = chair.get(f"/property/requests/{request.public_id}").get_data(as_text=True)
    assert "1-101" in seen and "/acknowledge" not in seen
    other = app.test_client()
    login(other, "staff_b")
    assert other.get(f"/property/requests/{request.public_id}").status_code == 403
    assert other.get(f"/property/c/{pw.community.id}/requests").status_code == 403


def test_escalations_on_the_committee_and_office_pages_and_the_ledger(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    english(client)
    chair = english(app.test_client())
    login(chair, "chair")
    assert "No step has been missed." in chair.get(f"/committee/c/{pw.community.id}/property/requests").get_data(as_text=True)
    client.post(
        "/c/lanting/property/requests/new", data=form(unit="1-101", name="张伟", id_last4="1234", category="complaint", kind="noise")
    )
    request = only_request()
    steps.escalate_due(request.filed_at + timedelta(hours=4))
    community_page = chair.get(f"/admin/c/{pw.community.id}").get_data(as_text=True)
    assert "2 missed deadline(s) not yet noted" in community_page
    page = chair.get(f"/committee/c/{pw.community.id}/property/requests").get_data(as_text=True)
    assert "missed the deadline to Acknowledge" in page and "Mark as noted</button>" in page
    escalation = request.escalations[0]
    assert chair.post(f"/committee/c/{pw.community.id}/property/escalations/{escalation.id}/noted").status_code == 302
    assert "1 missed deadline(s) not yet noted" in chair.get(f"/admin/c/{pw.community.id}").get_data(as_text=True)
    office = english(app.test_client())
    login(office, "official")
    dashboard = office.get(f"/office/{pw.world.office.id}").get_data(as_text=True)
    assert "Missed deadlines of complaints and repair requests" in dashboard and "兰亭苑 (2)" in dashboard
    review = office.get(f"/office/c/{pw.community.id}/property/requests").get_data(as_text=True)
    assert request.public_id in review and "overdue" in review and ">Mark as upheld</button>" in review
    assert "<strong>Not yet judged</strong>" in review
    assert office.post(f"/office/property/requests/{request.public_id}/judge", data={"upheld": "yes"}).status_code == 302
    assert only_request().upheld is True
    assert chair.post(f"/office/property/requests/{request.public_id}/judge", data={"upheld": "no"}).status_code == 403
    exported = office.get(f"/property/c/{pw.community.id}/requests/ledger.csv")
    assert exported.headers["Content-Disposition"].endswith('-requests-ledger.csv"')
    (row,) = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert row["number"] == request.public_id and row["upheld"] == "yes" and row["escalated"] == "acknowledge on_site"
    xlsx = office.get(f"/property/c/{pw.community.id}/requests/ledger.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    # A photo of a request is never served to the public.
    assert client.get(f"/property/requests/{request.public_id}/photos/1").status_code == 302
