from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from app import create_app
from app.accounts.models import User
from app.config import TestConfig, as_mapping
from app.db import db
from tests.factories import PASSWORD, login, make_world


def test_bumping_the_session_version_logs_the_user_out_everywhere(app: Flask, client: FlaskClient) -> None:
    make_world()
    login(client, "admin")
    with db.write() as s:
        s.execute(update(User).where(User.username == "admin").values(session_version=User.session_version + 1))
    assert client.get("/admin/").status_code == 302


def test_chinese_is_the_default_and_english_is_one_click_away(app: Flask, client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and "业主共同决定" in page
    client.post("/lang", data={"lang": "en"}, headers={"Referer": "http://localhost/"})
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Owners decide together" in page


def test_home_lists_communities_with_their_unit_counts(app: Flask, client: FlaskClient) -> None:
    make_world()
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "兰亭苑" in page and "梅园" in page
    assert "0 units on the register" in page


def test_every_form_field_has_a_label(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "admin")
    for path in ("/login", f"/admin/c/{world.community.id}", f"/admin/c/{world.community.id}/register"):
        page = client.get(path).get_data(as_text=True)
        for chunk in page.split("<input")[1:]:
            tag = chunk.split(">")[0]
            if 'type="hidden"' in tag:
                continue
            field_id = tag.split('id="')[1].split('"')[0]
            assert f'for="{field_id}"' in page, (path, field_id)


def test_forms_without_the_csrf_token_are_refused(tmp_path: Path, database_url: str) -> None:
    config = as_mapping(TestConfig)
    config.update(WTF_CSRF_ENABLED=True, DATABASE_URL=database_url)
    app = create_app(config)
    with app.app_context():
        response = app.test_client().post("/login", data={"username": "admin", "password": PASSWORD})
        assert response.status_code == 400
        assert "表单已过期" in response.get_data(as_text=True)
        db.engine.dispose()


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    config = as_mapping(TestConfig)
    config["DATABASE_URL"] = "postgresql+psycopg://gongzhi:secret@127.0.0.1:9/none?connect_timeout=2"
    app = create_app(config)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unreachable"}
