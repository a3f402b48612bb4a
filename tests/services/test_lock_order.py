"""The close and a cast in flight, at the same moment: both take the chain head and the session row, in one order.

On PostgreSQL a cast holds the head (FOR UPDATE) and then the session row
(the foreign-key check of its ballot insert); the close must not hold the
session row while it waits for the head, or the two deadlock. On SQLite the
writers queue whole, so the same interleaving must simply wait its turn.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, func, select, text

from app.db import db
from app.domain.errors import RuleViolation
from app.domain.lifecycle import SessionState
from app.sessions import services as sessions
from app.sessions.models import AssemblySession, Ballot
from app.sessions.services import bulletin
from app.voting import services as voting
from tests.factories import items, make_world, open_session


class PauseAtHead:
    """Stops the named thread right after it takes the chain head, until released."""

    def __init__(self, thread_name: str) -> None:
        self.thread_name = thread_name
        self.taken = threading.Event()
        self.release = threading.Event()

    def wrap(self, lock_head: Callable[..., Any]) -> Callable[..., Any]:
        def paused(*args: Any, **kwargs: Any) -> Any:
            head = lock_head(*args, **kwargs)
            if threading.current_thread().name == self.thread_name and not self.taken.is_set():
                self.taken.set()
                assert self.release.wait(30), "never released"
            return head

        return paused


@pytest.fixture
def pause(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[PauseAtHead]:
    seam = PauseAtHead(request.param)
    monkeypatch.setattr(bulletin, "lock_head", seam.wrap(bulletin.lock_head))
    try:
        yield seam
    finally:
        seam.release.set()


def in_thread(app: Flask, name: str, work: Callable[[], Any], outcome: dict[str, Any]) -> threading.Thread:
    def run() -> None:
        with app.app_context():
            try:
                outcome[name] = work()
            except BaseException as exc:  # the test reports it
                outcome[name] = exc

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread


def wait_until_blocked(app: Flask) -> None:
    """Until another transaction waits on a row lock (PostgreSQL); SQLite's writers wait on a file lock, so a moment."""
    if db.engine.dialect.name != "postgresql":
        time.sleep(0.3)
        return
    watcher = create_engine(app.config["DATABASE_URL"], isolation_level="AUTOCOMMIT")
    try:
        with watcher.connect() as conn:
            waiting = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
            for _ in range(200):
                if conn.execute(waiting).scalar_one():
                    return
                time.sleep(0.05)
        raise AssertionError("nothing waited for a lock")
    finally:
        watcher.dispose()


def finish(*threads: threading.Thread) -> None:
    for thread in threads:
        thread.join(30)
        assert not thread.is_alive(), f"{thread.name} is stuck"


def test_the_close_takes_the_chain_head_before_the_session_row_and_the_audit_chain(app: Flask) -> None:
    world = make_world()
    session, _tokens, now = open_session(world)
    assert sessions.sync_state(session.id, now=now) is SessionState.OPEN
    db.session.rollback()
    transactions: list[list[str]] = [[]]
    on_begin = lambda conn: transactions.append([])  # noqa: E731
    on_execute = lambda conn, cursor, statement, *a: transactions[-1].append(statement)  # noqa: E731
    event.listen(db.engine, "begin", on_begin)
    event.listen(db.engine, "before_cursor_execute", on_execute)
    try:
        assert sessions.sync_state(session.id, now=session.closes_at + timedelta(seconds=1)) is SessionState.TALLIED
    finally:
        event.remove(db.engine, "before_cursor_execute", on_execute)
        event.remove(db.engine, "begin", on_begin)
    (closing,) = [t for t in transactions if any(s.startswith("INSERT INTO bulletin_entry") for s in t)]

    def first(table: str) -> int:
        return next(n for n, statement in enumerate(closing) if table in statement)

    assert first("FROM bulletin_head") < first("FROM assembly_session") < first("audit_event"), closing


@pytest.mark.parametrize("pause", ["cast"], indirect=True)
def test_a_cast_holding_the_head_at_the_close_lands_and_is_counted(app: Flask, pause: PauseAtHead) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _q2 = items(session)
    assert sessions.sync_state(session.id, now=now) is SessionState.OPEN
    after_close = session.closes_at + timedelta(seconds=1)
    db.session.rollback()
    outcome: dict[str, Any] = {}
    cast = in_thread(app, "cast", lambda: voting.cast_ballot(tokens["张伟"], {q1: "agree"}, ip="t", now=now).id, outcome)
    assert pause.taken.wait(30)
    close = in_thread(app, "close", lambda: sessions.sync_state(session.id, now=after_close), outcome)
    wait_until_blocked(app)
    pause.release.set()
    finish(cast, close)
    assert isinstance(outcome["cast"], int), outcome
    assert outcome["close"] is SessionState.TALLIED, outcome
    db.session.rollback()
    closed = db.session.get(AssemblySession, session.id)
    assert closed is not None and closed.result is not None and closed.result["ballots"] == 1
    seal = bulletin.seal_of(db.session(), session.id)
    assert seal is not None and seal["count"] == 1


@pytest.mark.parametrize("pause", ["close"], indirect=True)
def test_a_cast_arriving_while_the_close_holds_the_head_is_refused_as_closed(app: Flask, pause: PauseAtHead) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _q2 = items(session)
    assert sessions.sync_state(session.id, now=now) is SessionState.OPEN
    after_close = session.closes_at + timedelta(seconds=1)
    db.session.rollback()
    outcome: dict[str, Any] = {}
    close = in_thread(app, "close", lambda: sessions.sync_state(session.id, now=after_close), outcome)
    assert pause.taken.wait(30)
    cast = in_thread(app, "cast", lambda: voting.cast_ballot(tokens["张伟"], {q1: "agree"}, ip="t", now=now).id, outcome)
    wait_until_blocked(app)
    pause.release.set()
    finish(cast, close)
    assert outcome["close"] is SessionState.TALLIED, outcome
    refused = outcome["cast"]
    assert isinstance(refused, RuleViolation) and refused.field == "state", outcome
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar_one() == 0
    seal = bulletin.seal_of(db.session(), session.id)
    assert seal is not None and seal["count"] == 0
