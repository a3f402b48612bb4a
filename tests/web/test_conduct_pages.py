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
