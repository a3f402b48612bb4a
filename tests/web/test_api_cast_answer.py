"""The API's answer to a cast: the receipt the cast's own transaction signed, whatever happens after the commit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from app.db import db
from app.sessions.models import Ballot
from tests.factories import items, make_world, open_session


@contextmanager
def database_gone_once_a_ballot_commits() -> Iterator[None]:
    """Every statement after the commit of a ballot fails, as if the connection dropped the moment the ballot was safe."""
    state = {"ballot": False, "committed": False}

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if state["committed"]:
            raise OperationalError(statement, {}, ConnectionError("server closed the connection unexpectedly"))
        if statement.lstrip().upper().startswith("INSERT INTO BALLOT "):
            state["ballot"] = True

    def on_commit(_conn: Any) -> None:
        state["committed"] = state["ballot"]

    event.listen(db.engine, "before_cursor_execute", on_execute)
    event.listen(db.engine, "commit", on_commit)
    try:
        yield
    finally:
        event.remove(db.engine, "commit", on_commit)
        event.remove(db.engine, "before_cursor_execute", on_execute)


def test_a_committed_ballot_is_answered_with_its_receipt_even_if_the_database_then_fails(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, _ = open_session(world)
    q1, q2 = items(session)
    token = tokens["张伟"]
    with database_gone_once_a_ballot_commits():
        cast = client.post(f"/api/v1/letters/{token}/ballot", json={"digits": "1234", "choices": {q1: "agree"}})
    assert cast.status_code == 201, cast.get_data(as_text=True)
    receipt = cast.get_json()
    assert receipt["type"] == "ballot" and receipt["choices"] == {q1: "agree", q2: "abstain"}
    # The receipt answered is the bulletin's entry, the one the letter shows from now on, in the same order.
    again = client.post(f"/api/v1/letters/{token}", json={"digits": "1234"}).get_json()
    assert again["receipt"] == receipt and list(again["receipt"]) == list(receipt)
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar_one() == 1
