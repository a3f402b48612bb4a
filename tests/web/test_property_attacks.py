"""Property services' pages as an attacker tries them: every post without its form's token, the public posts past
their rate, another community's request, photo and ledger, a company's staff after their contract ended, the board's
identity check asked who lives where, markup typed into every text, and the headers a photo is served with."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.communities import services as register
from app.db import db, utcnow
from app.property_services.models import ServiceRequest
from app.property_services.services import registry
from app.property_services.services import requests as steps
from app.security.actor import actor_for
from tests.factories import CLI, login, register_csv
from tests.property_factories import PropertyWorld, property_world

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def filed(client: FlaskClient, slug: str = "lanting", **given: str) -> ServiceRequest:
    data = {"unit": "1-101", "name": "张伟", "id_last4": "1234", "category": "complaint", "kind": "noise", "text": "楼上夜间噪音"}
    data |= given
    photos = {"photos": [(io.BytesIO(PNG), "a.png")]}
    answer = client.post(f"/c/{slug}/property/requests/new", data=data | photos, content_type="multipart/form-data")
    assert answer.status_code == 302, answer.get_data(as_text=True)
    db.session.rollback()
    found = db.session.scalars(select(ServiceRequest).order_by(ServiceRequest.id.desc())).first()
    assert found is not None
    return found


def world_with_b() -> PropertyWorld:
    pw = property_world()
    register.add_building(CLI, pw.world.other_community.id, "1")
    register.import_register_file(CLI, pw.world.other_community.id, "b.csv", register_csv("1,101,80.00,,,,陈静,5678,13900000001,"))
    return pw


def signed_in(app: Flask, username: str) -> FlaskClient:
    browser = app.test_client()
    login(browser, username)
    return browser


def audit_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(AuditEvent.id))) or 0


def test_every_property_post_needs_its_forms_token(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    request = filed(client)
    values = {
        "community_id": str(pw.community.id),
        "public_id": request.public_id,
        "slug": "lanting",
        "token": "not-a-letter",
        "code": pw.city.code,
        "month": "2026-01",
        "version": "1",
        "escalation_id": "1",
    }
    posts = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("property.") and "POST" in (rule.methods or set())]
    assert len(posts) >= 20
    browsers = [signed_in(app, name) for name in ("official", "chair", "staff")] + [app.test_client()]
    app.config["WTF_CSRF_ENABLED"] = True
    before = audit_count()
    failures = []
    for rule in posts:
        url = rule.rule
        for name in rule.arguments:
            value = values[name]
            if name == "public_id" and ("compan" in url or "contract" in url):
                value = pw.company.public_id if "compan" in url else pw.contract.public_id
            url = url.replace(f"<{name}>", value).replace(f"<int:{name}>", value)
        for browser in browsers:
            status = browser.post(
                url, data={"resolution": "x", "note": "x", "upheld": "yes", "rating": "1", "month": "2026-01"}
            ).status_code
            if status != 400:
                failures.append(f"{rule.endpoint} {url}: {status}")
    assert failures == []
    assert audit_count() == before


def test_every_public_post_is_rate_limited(app: Flask, client: FlaskClient) -> None:
    property_world()
    app.config["LETTER_RATE_LIMIT"] = "2 per minute"
    for url in (
        "/c/lanting/property/requests/new",
        "/c/lanting/property/requests/20270101-ABCDEF",
        "/c/lanting/property/requests/20270101-ABCDEF/rate",
        "/v/not-a-letter/requests/new",
        "/v/not-a-letter/requests/20270101-ABCDEF/rate",
    ):
        statuses = [client.post(url, data={"unit": "1-101", "name": "张伟", "id_last4": "0000"}).status_code for _ in range(3)]
        assert statuses[-1] == 429, (url, statuses)


def test_another_communitys_staff_reach_no_request_photo_or_ledger(app: Flask, client: FlaskClient) -> None:
    pw = world_with_b()
    a = filed(client)
    b = filed(app.test_client(), "meiyuan", unit="1-101", name="陈静", id_last4="5678", category="repair", kind="leak", text="漏水")
    staff_b = signed_in(app, "staff_b")
    for url in (
        f"/property/requests/{a.public_id}",
        f"/property/requests/{a.public_id}/photos/{a.photos[0].id}",
        f"/property/c/{pw.community.id}/requests",
        f"/property/c/{pw.community.id}/requests/ledger.csv",
        f"/property/c/{pw.community.id}/requests/ledger.csv?company={pw.company.id}",
        f"/property/c/{pw.community.id}/requests/ledger.xlsx?company={pw.other_company.id}",
        f"/property/c/{pw.community.id}/facts",
        f"/office/property/contracts/{pw.contract.public_id}",
    ):
        assert staff_b.get(url).status_code == 403, url
    # A's photo asked for under B's request number (a photo id of another request): not found.
    assert staff_b.get(f"/property/requests/{b.public_id}/photos/{a.photos[0].id}").status_code == 404
    assert staff_b.post(f"/property/requests/{a.public_id}/acknowledge").status_code == 403
    # Their own ledger, asked for A's company: only their own rows, none of A's.
    own = staff_b.get(f"/property/c/{pw.world.other_community.id}/requests/ledger.csv?company={pw.company.id}").get_data(as_text=True)
    assert a.public_id not in own and b.public_id not in own
    # B's committee on A's pages.
    outsider = signed_in(app, "outsider")
    for url in (
        f"/committee/c/{pw.community.id}/property/requests",
        f"/committee/c/{pw.community.id}/property/facts",
        f"/property/requests/{a.public_id}",
        f"/property/requests/{a.public_id}/photos/{a.photos[0].id}",
        f"/property/c/{pw.community.id}/requests/ledger.xlsx",
    ):
        assert outsider.get(url).status_code == 403, url


def test_a_former_companys_staff_see_no_request_once_the_contract_ended(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    request = filed(client)
    staff = signed_in(app, "staff")
    photo = f"/property/requests/{request.public_id}/photos/{request.photos[0].id}"
    assert staff.get(f"/property/requests/{request.public_id}").status_code == 200
    assert staff.get(photo).status_code == 200
    registry.end_contract(actor_for(pw.world.official), pw.contract.public_id, ended_on=pw.contract.starts_on, now=utcnow())
    for url in (f"/property/requests/{request.public_id}", photo, f"/property/c/{pw.community.id}/requests/ledger.csv"):
        assert staff.get(url).status_code == 403, url
    assert signed_in(app, "chair").get(photo).status_code == 200


def test_photos_are_never_public_and_are_served_as_images_that_run_nothing(app: Flask, client: FlaskClient) -> None:
    property_world()
    request = filed(client)
    photo = f"/property/requests/{request.public_id}/photos/{request.photos[0].id}"
    assert client.get(photo).status_code == 302  # to the login
    for page in ("/c/lanting/property", "/c/lanting/property/requests", f"/c/lanting/property/requests/{request.public_id}"):
        assert "/photos/" not in client.get(page).get_data(as_text=True)
    shown = client.post(f"/c/lanting/property/requests/{request.public_id}", data={"unit": "1-101", "name": "张伟", "id_last4": "1234"})
    assert "/photos/" not in shown.get_data(as_text=True)
    served = signed_in(app, "chair").get(photo)
    assert served.mimetype == "image/png" and served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"] and "no-store" in served.headers["Cache-Control"]


def test_the_boards_identity_check_never_confirms_a_name_alone(app: Flask, client: FlaskClient) -> None:
    property_world()
    request = filed(client)
    url = f"/c/lanting/property/requests/{request.public_id}"
    client.post("/lang", data={"lang": "en"})

    def said(**given: str) -> str:
        page = client.post(url, data=given).get_data(as_text=True)
        return page.split('id="name-error"')[1][:300] if 'id="name-error"' in page else page

    right_name = said(unit="1-202", name="刘敏", id_last4="0000")
    wrong_name = said(unit="1-202", name="陈某", id_last4="4567")
    neither = said(unit="1-202", name="陈某", id_last4="0000")
    assert "The register has no owner of this unit with that name and ID number." in right_name
    strip = lambda text: text.replace("4 tries", "N tries").replace("3 tries", "N tries").replace("2 tries", "N tries")  # noqa: E731
    assert strip(right_name) == strip(wrong_name) == strip(neither)


def test_markup_typed_anywhere_is_shown_as_text(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    registry.edit_company(
        actor_for(pw.world.official),
        pw.company.public_id,
        name=f"康居{SCRIPT}",
        licence_number=pw.company.licence_number,
        contact_phone="0355-1234567",
        now=utcnow(),
    )
    request = filed(client, text=SCRIPT)
    staff = actor_for(pw.staff)
    steps.acknowledge(staff, request.public_id, now=utcnow())
    steps.arrive_on_site(staff, request.public_id, now=utcnow())
    steps.resolve(staff, request.public_id, resolution=SCRIPT, now=utcnow())
    steps.record_follow_up(staff, request.public_id, note=SCRIPT, now=utcnow())
    pages = [
        signed_in(app, "staff").get(f"/property/requests/{request.public_id}"),
        signed_in(app, "chair").get(f"/committee/c/{pw.community.id}/property/requests"),
        signed_in(app, "official").get(f"/office/c/{pw.community.id}/property/requests"),
        client.get("/c/lanting/property"),
        client.post(
            f"/c/lanting/property/requests/{request.public_id}",
            data={"unit": "1-101", "name": "张伟", "id_last4": "1234"},
            follow_redirects=True,
        ),
    ]
    for page in pages:
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and "<script>alert" not in text and "<img src=x" not in text
    assert "&lt;script&gt;" in pages[0].get_data(as_text=True)


def test_an_unknown_number_on_the_board_answers_as_a_known_one(app: Flask, client: FlaskClient) -> None:
    property_world()
    request = filed(client)
    stranger = app.test_client()
    known = stranger.get(f"/c/lanting/property/requests/{request.public_id}")
    unknown = stranger.get("/c/lanting/property/requests/20270101-ABCDEF")
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True).replace(request.public_id, "N") == unknown.get_data(as_text=True).replace("20270101-ABCDEF", "N")


def test_a_rating_on_the_board_rates_only_a_request_this_browser_proved(app: Flask, client: FlaskClient) -> None:
    """The board's rating carries no identity: it rates only a request this browser filed or showed with the check."""
    pw = property_world()
    mine = filed(client)
    theirs = filed(app.test_client(), unit="1-102", name="李娜", id_last4="2345", category="repair", kind="leak", text="漏水")
    staff = actor_for(pw.staff)
    for request in (mine, theirs):
        steps.acknowledge(staff, request.public_id, now=utcnow())
        steps.arrive_on_site(staff, request.public_id, now=utcnow())
        steps.resolve(staff, request.public_id, resolution="好了", now=utcnow())
    rating = {"rating": "1", "comment": ""}
    # Another unit's request, and the owner's own on another community's board: nothing rated.
    assert client.post(f"/c/lanting/property/requests/{theirs.public_id}/rate", data=rating).status_code == 302
    assert client.post(f"/c/meiyuan/property/requests/{mine.public_id}/rate", data=rating).status_code in (302, 404)
    # A stranger's browser with the owner's number and a rating form's old hidden fields: nothing rated.
    stranger = app.test_client()
    replay = rating | {"unit": "1-101", "name": "张伟", "id_last4": "1234"}
    assert stranger.post(f"/c/lanting/property/requests/{mine.public_id}/rate", data=replay).status_code == 302
    db.session.rollback()
    assert db.session.get(ServiceRequest, theirs.id).rating is None  # type: ignore[union-attr]
    assert db.session.get(ServiceRequest, mine.id).rating is None  # type: ignore[union-attr]
    # The owner's own, from the browser that filed it, once.
    assert client.post(f"/c/lanting/property/requests/{mine.public_id}/rate", data=rating).status_code == 302
    assert client.post(f"/c/lanting/property/requests/{mine.public_id}/rate", data=rating | {"rating": "5"}).status_code == 302
    db.session.rollback()
    assert db.session.get(ServiceRequest, mine.id).rating == 1  # type: ignore[union-attr]
