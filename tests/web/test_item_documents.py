"""The rules of procedure and the covenant travel with their items: attached to a draft, fixed and public once announced."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.communities import services as register
from app.db import db, utcnow
from app.notices.models import Notice
from app.security.actor import actor_for
from app.sessions import services
from app.sessions.models import AssemblySession
from tests.factories import CLI, World, draft_session, login, make_world, register_csv, tokens_by_holder

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _draft(world: World) -> AssemblySession:
    register.import_register_file(CLI, world.community.id, "r.csv", register_csv("1,101,89.50,,,,张伟,1234,,"))
    now = utcnow()
    return draft_session(
        world,
        title="第一次业主大会",
        opens_at=now + timedelta(days=16),
        closes_at=now + timedelta(days=23),
        items=(("cn.rules_of_procedure", "通过《业主大会议事规则》"), ("cn.covenant", "通过《管理规约》")),
    )


def _attach(client: FlaskClient, item_id: int, data: bytes, name: str) -> str:
    response = client.post(f"/committee/items/{item_id}/documents", data={"file": (io.BytesIO(data), name)}, follow_redirects=True)
    return response.get_data(as_text=True)


def test_the_committee_attaches_the_rules_and_owners_read_them_from_the_board_and_the_ballot(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session = _draft(world)
    rules, covenant = sorted(session.items, key=lambda i: i.position)
    login(client, "chair")
    page = _attach(client, rules.id, PDF, "议事规则.pdf")
    assert "议事规则.pdf" in page and hashlib.sha256(PDF).hexdigest()[:12] in page
    refused = _attach(client, covenant.id, b"not a pdf at all", "规约.exe")
    assert "只能附加 PDF、PNG 和 JPEG 文件" in refused
    db.session.rollback()  # what the pages wrote, seen from the test's own session
    document = services.documents_of(session)[rules.id][0]
    path = f"/s/{session.public_id}/documents/{document.id}"
    # A draft's files are the committee's until it is announced.
    assert client.get(path).status_code == 200
    anonymous = app.test_client()
    assert anonymous.get(path).status_code in (403, 404)

    services.announce_session(actor_for(world.committee), session.id, now=utcnow())
    db.session.rollback()
    assembly = db.session.get(AssemblySession, session.id)
    assert assembly is not None
    notice = db.session.execute(select(Notice).where(Notice.session_id == session.id)).scalar_one()
    assert hashlib.sha256(PDF).hexdigest() in notice.body and f"(/s/{session.public_id}/documents/{document.id})" in notice.body
    board_page = anonymous.get(f"/c/lanting/n/{notice.public_id}").get_data(as_text=True)
    assert f'href="/s/{session.public_id}/documents/{document.id}" rel="nofollow noopener">议事规则.pdf</a>' in board_page
    download = anonymous.get(path)
    assert download.status_code == 200 and download.data == PDF and download.mimetype == "application/pdf"
    assert "议事规则.pdf" in anonymous.get(f"/s/{session.public_id}").get_data(as_text=True)
    # Frozen with the items: nothing is added or taken away after the announcement.
    late = _attach(client, covenant.id, PDF, "规约.pdf")
    assert "会议公告后不能再添加或删除文件" in late
    assert client.post(f"/committee/documents/{document.id}/remove", follow_redirects=True).status_code == 200
    db.session.rollback()
    assert services.documents_of(assembly)[rules.id] == (document,)
    # The owner sees the document under the item on their letter.
    token = tokens_by_holder(session.id)["张伟"]
    owner = app.test_client()
    assert owner.post(f"/v/{token}", data={"digits": "1234"}).status_code == 302
    assert "议事规则.pdf" in owner.get(f"/v/{token}").get_data(as_text=True)


def test_a_document_is_removed_from_a_draft_and_refused_to_other_communities(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session = _draft(world)
    rules = min(session.items, key=lambda i: i.position)
    login(client, "chair")
    _attach(client, rules.id, PDF, "议事规则.pdf")
    db.session.rollback()  # what the pages wrote, seen from the test's own session
    document = services.documents_of(session)[rules.id][0]
    outsider = app.test_client()
    login(outsider, "outsider")
    assert outsider.post(f"/committee/items/{rules.id}/documents", data={"file": (io.BytesIO(PDF), "x.pdf")}).status_code == 403
    assert outsider.post(f"/committee/documents/{document.id}/remove").status_code == 403
    assert outsider.get(f"/s/{session.public_id}/documents/{document.id}").status_code == 403
    page = client.post(f"/committee/documents/{document.id}/remove", follow_redirects=True).get_data(as_text=True)
    assert "议事规则.pdf" not in page
    db.session.rollback()
    assert services.documents_of(session) == {}
