"""The office's pages for negative-list findings and the term-end audit, and what the public committee page shows."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient

from app.clock import today_in_china
from app.db import db, utcnow
from app.elections import services as elections
from tests.factories import login
from tests.services.test_elections import PDF, seated
from tests.services.test_findings import member


def test_the_office_records_a_finding_on_its_page_and_the_committee_page_marks_the_member(app: Flask, client: FlaskClient) -> None:
    setup, _committee, _cand = seated(app)
    world = setup.world
    login(client, "official")
    client.post("/lang", data={"lang": "en"})
    page = client.get(f"/office/c/{world.community.id}/findings")
    assert page.status_code == 200 and "No finding has been recorded" in page.get_data(as_text=True)
    form = {"membership_id": str(member("业主2").id), "code": "fee_arrears", "found_on": "", "evidence": "欠费清单"}
    refused = client.post(f"/office/c/{world.community.id}/findings", data=form)
    assert refused.status_code == 200 and 'id="found_on-error"' in refused.get_data(as_text=True)  # the date is missing: the form says so
    form["found_on"] = today_in_china(utcnow()).isoformat()
    done = client.post(f"/office/c/{world.community.id}/findings", data=form)
    assert done.status_code == 302 and "/office/findings/" in done.headers["Location"]
    db.session.rollback()  # read what the requests wrote
    assert member("业主2").suspended_at is not None
    assert "Record the outcome" in client.get(done.headers["Location"]).get_data(as_text=True)
    public = client.get(f"/c/{world.community.slug}/committee").get_data(as_text=True)
    assert f"suspended (negative-list finding of {form['found_on']})" in public


def test_the_office_drafts_attaches_and_publishes_the_audit_on_its_page(app: Flask, client: FlaskClient) -> None:
    setup, committee, _cand = seated(app)
    login(client, "official")
    client.post("/lang", data={"lang": "en"})
    url = f"/office/committees/{committee.id}/audit"
    assert "Start the audit" in client.get(url).get_data(as_text=True)
    png = client.post(url, data={"auditor": "", "covered": ["ledgers"], "report": (io.BytesIO(b"\x89PNG\r\n\x1a\n0000"), "r.png")})
    assert "must be a PDF" in png.get_data(as_text=True)
    saved = client.post(url, data={"auditor": "审计所", "covered": ["ledgers", "records"], "report": (io.BytesIO(PDF), "r.pdf")})
    assert saved.status_code == 302
    db.session.rollback()
    audit = elections.audit_of(committee.id)
    assert audit is not None and audit.report_filename == "r.pdf"
    client.post(f"/office/audits/{audit.public_id}/findings", data={"text": "账目未公示"})
    page = client.get(url).get_data(as_text=True)
    assert "账目未公示" in page and "Order the committee to rectify this" in page
    assert client.post(f"/office/audits/{audit.public_id}/publish").status_code == 302
    db.session.rollback()
    assert audit.published
    assert "Read the audit on the board" in client.get(f"/c/{setup.world.community.slug}/committee").get_data(as_text=True)


def test_the_findings_page_shows_each_member_s_meetings_missed_in_a_row_against_the_limit(app: Flask, client: FlaskClient) -> None:
    from datetime import timedelta

    from app.committees import services as committees
    from tests.committee_factories import held_meeting, seated_committee

    seated = seated_committee()
    for days in (30, 20, 10):
        meeting = held_meeting(seated, starts=utcnow() - timedelta(days=days), title=f"会议{days}")
        at = meeting.starts_at + timedelta(minutes=5)
        for name in ("周一", "冯五"):
            committees.record_attendance(
                seated.actor("周一"), meeting.public_id, membership_id=seated.seats[name].id, present=name == "周一", now=at
            )
        committees.close_meeting(seated.actor("周一"), meeting.public_id, now=at + timedelta(hours=1))
    login(client, "official")
    client.post("/lang", data={"lang": "en"})
    page = client.get(f"/office/c/{seated.world.community.id}/findings").get_data(as_text=True)
    assert "Meetings missed in a row" in page and "limit: 3" in page
    assert '<span class="overdue">冯五 3</span>' in page and '<span class="">周一 0</span>' in page
