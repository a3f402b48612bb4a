"""The street official's dashboard and review: the queue, the anomalies, and a verdict confirmed with a fresh code."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from app.db import db
from app.sessions import services as sessions
from tests.factories import items, login, make_world, next_code, open_session


def test_the_official_reviews_and_certifies_from_the_dashboard(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _ = items(session)
    sessions.cast_ballot(tokens["张伟"], {q1: "agree"}, ip="t", now=now)
    sessions.sync_state(session.id, now=session.closes_at + timedelta(minutes=5))
    db.session.rollback()
    login(client, "official")
    dashboard = client.get(f"/office/{world.office.id}").get_data(as_text=True)
    assert "等待确认的表决结果" in dashboard and session.title in dashboard and "兰亭苑" in dashboard
    review = client.get(f"/office/s/{session.public_id}").get_data(as_text=True)
    assert "需要留意的情况" in review and session.result_sha256 in review  # type: ignore[operator]
    wrong = client.post(f"/office/s/{session.public_id}", data={"verdict": "certified", "code": "000000"}).get_data(as_text=True)
    assert "验证码无效" in wrong
    done = client.post(
        f"/office/s/{session.public_id}", data={"verdict": "certified", "code": next_code("official")}, follow_redirects=True
    )
    page = done.get_data(as_text=True)
    assert "已记录并签名" in page and "&#34;verdict&#34;:&#34;certified&#34;" in page  # the signed statement, shown as text
    assert "表决结果公告" in client.get("/c/lanting").get_data(as_text=True)
    csv = client.get(f"/office/{world.office.id}.csv").get_data(as_text=True)
    assert csv.splitlines()[0].lstrip("\ufeff").startswith("community,slug") and "lanting" in csv


def test_the_official_issues_an_order_that_the_committee_and_the_owners_see(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "official")
    missing = client.post(
        f"/office/{world.office.id}/orders",
        data={"community": world.community.id, "kind": "rectify", "subject": "账目未公示", "body": "请公示。"},
    ).get_data(as_text=True)
    assert "请设定今天之后的期限" in missing
    issued = client.post(
        f"/office/{world.office.id}/orders",
        data={
            "community": world.community.id,
            "kind": "rectify",
            "subject": "账目未公示",
            "body": "请公示 2025 年账目。",
            "due_on": "2099-01-31",
        },
    )
    assert issued.status_code == 302
    assert "账目未公示" in client.get(f"/office/{world.office.id}/orders").get_data(as_text=True)
    assert "责令限期改正：账目未公示" in app.test_client().get("/c/lanting").get_data(as_text=True)
    chair = app.test_client()
    login(chair, "chair")
    assert "街道办事处责令" in chair.get(f"/admin/c/{world.community.id}").get_data(as_text=True)
