"""The emergency pages: the committee applies on its page, the office answers with its code from the dashboard,
and a missed answer shows as a red row on the dashboard and the community's page."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from app.clock import today_in_china
from app.db import db, utcnow
from app.fund.models.emergencies import EmergencyApplication, EmergencyState
from app.notices import services as notices
from tests.factories import login, next_code
from tests.services.test_fund_emergencies import PNG, WORKS, applied, world_with_units


def test_the_committee_applies_and_the_office_confirms_from_its_dashboard(app: Flask) -> None:
    world = world_with_units()
    chair = app.test_client()
    login(chair, "chair")
    form = chair.get(f"/committee/c/{world.community.id}/emergencies/new").get_data(as_text=True)
    assert "电梯故障" in form and "屋面防水损坏造成渗漏" in form and 'value="2"' in form
    bad = chair.post(
        f"/committee/c/{world.community.id}/emergencies/new",
        data={"kind": "roof_leak", "works": ".", "units": "1-101 9-901", "estimate": "0"},
    )
    assert bad.status_code == 400
    assert db.session.execute(select(EmergencyApplication)).first() is None
    done = chair.post(
        f"/committee/c/{world.community.id}/emergencies/new",
        data={
            "kind": "elevator_failure",
            "works": WORKS,
            "buildings": ["1"],
            "units": "2-101",
            "estimate": "8,000",
            "contractor": "电梯公司",
        },
    )
    assert done.status_code == 302
    db.session.rollback()
    application = db.session.execute(select(EmergencyApplication)).scalar_one()
    assert sorted(application.scope) == ["1-101", "1-102", "2-101"] and application.estimate_fen == 800_000
    assert done.headers["Location"].endswith(f"/committee/emergencies/{application.public_id}")
    page = chair.get(done.headers["Location"]).get_data(as_text=True)
    assert "电梯故障" in page and "8,000.00" in page
    assert chair.get(f"/office/emergencies/{application.public_id}").status_code == 403

    office = app.test_client()
    login(office, "official")
    dashboard = office.get(f"/office/{world.office.id}").get_data(as_text=True)
    assert f"/office/emergencies/{application.public_id}" in dashboard
    wrong = office.post(f"/office/emergencies/{application.public_id}", data={"decision": "confirm", "totp_code": "000000"})
    assert wrong.status_code == 400 and "验证码" in wrong.get_data(as_text=True)
    refused = office.post(f"/office/emergencies/{application.public_id}", data={"decision": "refuse", "totp_code": next_code("official")})
    assert refused.status_code == 400  # no reasons: the code is not spent either
    ok = office.post(f"/office/emergencies/{application.public_id}", data={"decision": "confirm", "totp_code": next_code("official")})
    assert ok.status_code == 302
    db.session.rollback()
    assert db.session.get(EmergencyApplication, application.id).state is EmergencyState.CONFIRMED  # type: ignore[union-attr]
    (notice,) = notices.board(world.community.id)
    assert "电梯故障" in notice.title
    assert f"/office/emergencies/{application.public_id}" not in office.get(f"/office/{world.office.id}").get_data(as_text=True)

    # The works are done, then published with the acceptance record.
    today = today_in_china(utcnow())
    completed = chair.post(f"/committee/emergencies/{application.public_id}/complete", data={"works_done_on": today.isoformat()})
    assert completed.status_code == 302
    page = chair.get(f"/committee/emergencies/{application.public_id}").get_data(as_text=True)
    assert (today + timedelta(days=30)).isoformat() in page
    published = chair.post(
        f"/committee/emergencies/{application.public_id}/publish",
        data={"acceptance_file": (io.BytesIO(PNG), "验收单.png")},
        content_type="multipart/form-data",
    )
    assert published.status_code == 302
    db.session.rollback()
    assert db.session.get(EmergencyApplication, application.id).state is EmergencyState.PUBLISHED  # type: ignore[union-attr]
    listing = chair.get(f"/committee/c/{world.community.id}/emergencies").get_data(as_text=True)
    assert "已公布" in listing


def test_a_missed_answer_is_a_red_row_on_the_dashboard_and_the_community_page(app: Flask) -> None:
    world = world_with_units()
    late = applied(world, utcnow() - timedelta(hours=25))
    soon = applied(world, utcnow() - timedelta(hours=1), kind="fire_equipment")
    office = app.test_client()
    login(office, "official")
    dashboard = office.get(f"/office/{world.office.id}").get_data(as_text=True)
    rows = re.findall(r'<li class="([^"]*)"><a href="[^"]*/office/emergencies/([^"]+)"', dashboard)
    assert ("overdue", late.public_id) in rows and ("", soon.public_id) in rows
    decide = office.get(f"/office/emergencies/{late.public_id}").get_data(as_text=True)
    assert 'class="overdue"' in decide and "totp_code" in decide
    chair = app.test_client()
    login(chair, "chair")
    community = chair.get(f"/admin/c/{world.community.id}").get_data(as_text=True)
    assert re.search(rf'<p class="overdue"><a href="[^"]*/committee/emergencies/{late.public_id}"', community)
    assert f"/committee/c/{world.community.id}/emergencies" in community
    other = app.test_client()
    login(other, "outsider")
    assert other.get(f"/committee/emergencies/{late.public_id}").status_code == 403
