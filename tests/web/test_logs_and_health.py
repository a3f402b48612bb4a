"""What the logs hold of a letter's token (nothing), what /healthz says of a database that cannot write, and the
answer people and programs get while the database is gone: 503, try again in a minute."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.db import make_engine
from app.voting import services as voting
from tests.factories import login, make_world, open_session

TOKEN = "Zq3vK8pLwX2mN7rT4yB9cD1eF6gH0jA5"


@pytest.fixture
def crashing(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Opening a letter fails with an error of no rule: a bug, whose message happens to carry the token."""

    def crash(token: str, *_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError(f"no letter row for {token!r}")

    monkeypatch.setattr(voting, "confirm_letter", crash)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error is logged and answered with a 500
    yield


def test_an_error_on_a_letter_page_is_logged_without_the_token(
    client: FlaskClient, crashing: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        response = client.post(f"/v/{TOKEN}", data={"digits": "1234"})
    assert response.status_code == 500
    assert "Exception on /v/<token> [POST]" in caplog.text  # the error is logged, with its traceback
    assert "RuntimeError" in caplog.text
    assert TOKEN not in caplog.text


def test_an_error_on_a_letter_api_call_is_logged_without_the_token(
    client: FlaskClient, crashing: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        response = client.post(f"/api/v1/letters/{TOKEN}/ballot", json={"digits": "1234", "choices": {}})
    assert response.status_code == 500
    assert "Exception on /api/v1/letters/<token>/ballot [POST]" in caplog.text
    assert TOKEN not in caplog.text


def test_the_scrubbing_keeps_other_paths_and_finds_the_token_wherever_it_is_written() -> None:
    from app.requestlog import scrub

    assert scrub(f"GET /v/{TOKEN}/receipt.json HTTP/1.1") == "GET /v/<token>/receipt.json HTTP/1.1"
    assert scrub(f"/api/v1/letters/{TOKEN}?x=1") == "/api/v1/letters/<token>?x=1"
    assert scrub(f'"/lang?next=%2Fv%2F{TOKEN}%2Freceipt"') == '"/lang?next=%2Fv%2F<token>%2Freceipt"'
    # Once seen in an address, the token is taken out of the rest of the text too (a traceback's message).
    assert scrub(f"Error handling request /v/{TOKEN}\nKeyError: '{TOKEN}'") == "Error handling request /v/<token>\nKeyError: '<token>'"
    assert scrub("GET /c/lanting/sessions/abc HTTP/1.1") == "GET /c/lanting/sessions/abc HTTP/1.1"


def test_healthz_is_503_when_the_database_cannot_write(app: Flask, client: FlaskClient) -> None:
    # A file SQLite may only read still answers SELECT 1 (and even BEGIN IMMEDIATE); only a write shows it.
    # PostgreSQL's case is a server that takes no writes (a standby, or default_transaction_read_only).
    url = app.config["DATABASE_URL"]
    read_only = make_engine(url)

    @event.listens_for(read_only, "do_connect")
    def _open_read_only(_dialect: Any, _record: Any, _args: Any, params: dict[str, Any]) -> sqlite3.Connection | None:
        if url.startswith("sqlite:///"):
            return sqlite3.connect(f"file:{url.removeprefix('sqlite:///')}?mode=ro", uri=True, **params)
        params["options"] = "-c default_transaction_read_only=on"
        return None

    writable = app.extensions["gongzhi.db"]
    app.extensions["gongzhi.db"] = (read_only, sessionmaker(bind=read_only))
    try:
        response = client.get("/healthz")
    finally:
        app.extensions["gongzhi.db"] = writable
        read_only.dispose()
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "cannot write", "reason": "read-only"}
    assert client.get("/healthz").json == {"status": "ok", "database": "ok"}


def lost_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """The database server goes away: every statement fails as psycopg reports a dropped connection."""

    def gone(*_args: Any, **_kwargs: Any) -> None:
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"), connection_invalidated=True)

    monkeypatch.setattr(Session, "execute", gone)


def test_a_page_while_the_database_is_gone_is_a_503_saying_try_again_in_both_languages(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    world = make_world()
    _session, tokens, _ = open_session(world)
    lost_connection(monkeypatch)
    with caplog.at_level(logging.INFO):
        response = client.post(f"/v/{tokens['张伟']}", data={"digits": "1234"})
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "请一分钟后再试" in page and "try again in a minute" in page
    assert "database unavailable" in caplog.text.lower()  # the operator learns why
    assert tokens["张伟"] not in caplog.text


def test_an_api_call_while_the_database_is_gone_is_a_503_problem(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    lost_connection(monkeypatch)
    response = client.post(f"/api/v1/letters/{TOKEN}", json={"digits": "1234"})
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 503 and "一分钟后再试" in response.json["detail"]
    assert int(response.headers["Retry-After"]) > 0


def test_a_logged_in_officials_page_while_the_database_is_gone_is_the_same_503(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_world()
    login(client, "chair")
    lost_connection(monkeypatch)
    response = client.get("/account?lang=en")  # loading who is logged in fails first, and again in every header that asks
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert page.index("try again in a minute") < page.index("请一分钟后再试")  # the chosen language first
