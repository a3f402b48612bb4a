"""An owner starts a petition from the voting letter, a neighbour signs it, and anyone follows its progress."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from app.db import db
from app.voting.services import petitions
from tests.factories import make_world, open_session


def test_an_owner_starts_a_petition_a_neighbour_signs_and_the_board_shows_progress(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    _session, tokens, _now = open_session(world, more_voters=10)
    assert client.post(f"/v/{tokens['张伟']}", data={"digits": "1234"}).status_code == 302
    page = client.get(f"/v/{tokens['张伟']}").get_data(as_text=True)
    assert "发起联名提议" in page
    started = client.post(f"/v/{tokens['张伟']}/petitions", data={"title": "更换物业", "items": "解聘物业\n选聘新物业"})
    assert started.status_code == 302 and "/c/lanting/petitions/" in started.headers["Location"]
    public = app.test_client().get(started.headers["Location"]).get_data(as_text=True)
    assert "更换物业" in public and "选聘新物业" in public and "8.37%" in public and "张伟" not in public
    neighbour = app.test_client()
    assert neighbour.post(f"/v/{tokens['赵敏']}", data={"digits": "0456"}).status_code == 302
    db.session.rollback()
    (petition,) = petitions.petitions_of_community(world.community.id)
    assert "签名支持" in neighbour.get(f"/v/{tokens['赵敏']}").get_data(as_text=True)
    signed = neighbour.post(f"/v/{tokens['赵敏']}/petitions/{petition.public_id}/sign", follow_redirects=True).get_data(as_text=True)
    assert "已签名" in signed
    again = neighbour.post(f"/v/{tokens['赵敏']}/petitions/{petition.public_id}/sign").get_data(as_text=True)
    assert "已经签过名" in again
    assert "正在征集签名的联名提议" in app.test_client().get("/c/lanting").get_data(as_text=True)
