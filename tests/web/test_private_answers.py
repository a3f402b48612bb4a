"""What carries an owner's letter is never kept by a browser, a proxy or a shared computer's cache."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import items, make_world, open_session


def test_every_answer_that_carries_a_letter_is_not_stored(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, _ = open_session(world)
    q1, _ = items(session)
    token = tokens["张伟"]
    answers = [client.get(f"/v/{token}")]
    answers.append(client.post(f"/v/{token}", data={"digits": "1234"}))
    answers.append(client.post(f"/v/{token}/cast", data={f"item-{q1}": "agree"}))
    answers += [client.get(f"/v/{token}/receipt{suffix}") for suffix in ("", ".svg", ".json")]
    answers.append(client.post(f"/api/v1/letters/{token}", json={"digits": "1234"}))
    answers.append(client.post(f"/api/v1/letters/{token}/ballot", json={"digits": "1234", "choices": {q1: "agree"}}))
    assert [a.status_code for a in answers] == [200, 302, 302, 200, 200, 200, 200, 422]
    assert [a.headers.get("Cache-Control") for a in answers] == ["no-store"] * len(answers)


def test_public_pages_may_still_be_cached(app: Flask, client: FlaskClient) -> None:
    make_world()
    assert client.get("/").headers.get("Cache-Control") != "no-store"
