"""Anyone reads a session's result: turnout while open, the decision and why once tallied."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from app.db import utcnow
from app.sessions import services
from app.voting import services as voting
from tests.factories import draft_session, items, make_world, open_session


def test_while_open_only_turnout_is_shown(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _ = items(session)
    voting.cast_ballot(tokens["赵敏"], {q1: "disagree"}, ip="t", now=now)
    page = client.get(f"/s/{session.public_id}").get_data(as_text=True)
    assert "目前的参与情况" in page and "22.26%" in page and "33.33%" in page
    assert "不同意" not in page  # no choice is revealed before the close


def test_after_the_close_the_result_and_its_reasons_are_public(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, q2 = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree", q2: "agree"}, ip="t", now=now)
    voting.cast_ballot(tokens["李娜"], {q1: "agree", q2: "disagree"}, ip="t", now=now)
    services.sync_state(session.id, now=utcnow() + timedelta(days=30))
    page = client.get(f"/s/{session.public_id}?lang=en").get_data(as_text=True)
    assert "2 ballots counted." in page
    assert page.count("Passed") == 1 and "Not passed" in page
    assert "area that agreed &gt; 1/2 of those who voted" in page
    assert "89.50 / 209.50 = 42.72%" in page
    assert '<svg class="share-bar"' in page and "<script" not in page


def test_a_draft_is_not_public(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    draft = draft_session(world, title="草稿", opens_at=utcnow() + timedelta(days=20), closes_at=utcnow() + timedelta(days=27))
    assert client.get(f"/s/{draft.public_id}").status_code == 404
