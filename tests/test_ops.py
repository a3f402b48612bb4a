"""Operations: a backup restored into an empty database gives the same data; `flask audit verify` finds an edited row."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import create_engine, make_url, text

from app import create_app
from app.config import TestConfig, as_mapping
from app.db import db
from app.voting import services as voting
from tests.factories import items, make_world, open_session


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the commands' English wording (the command line speaks Chinese unless GONGZHI_LANG=en)."""
    monkeypatch.setenv("GONGZHI_LANG", "en")


TABLES = ("community", "unit", "person", "roll_entry", "ballot", "ballot_choice", "bulletin_entry", "notice", "audit_event")


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    return {table: [tuple(row) for row in db.session.execute(text(f"SELECT * FROM {table} ORDER BY id"))] for table in TABLES}


@contextmanager
def empty_database(url: str, folder: Path) -> Iterator[str]:
    """A new, empty database on the same engine as ``url``."""
    if make_url(url).get_backend_name() == "sqlite":
        yield f"sqlite:///{folder / 'restored.db'}"
        return
    name = f"gongzhi_restore_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def test_backup_then_restore_into_an_empty_database_gives_identical_data(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _q2 = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree"}, ip="t", now=now)
    db.session.rollback()
    before = snapshot()
    done = runner.invoke(args=["backup", str(tmp_path / "backup")])
    assert done.exit_code == 0, done.output
    assert "database." in done.output and "keys" in done.output and "bulletin.key" in done.output
    assert runner.invoke(args=["backup", str(tmp_path / "backup")]).exit_code == 1  # never over an earlier backup
    with empty_database(app.config["DATABASE_URL"], tmp_path) as target:
        monkeypatch.setenv("GONGZHI_INSTANCE_PATH", str(tmp_path / "new-instance"))
        restored_app = create_app({**as_mapping(TestConfig), "DATABASE_URL": target})
        with restored_app.app_context():  # the commands run in the app whose context is current
            outcome = restored_app.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
            assert outcome.exit_code == 0, outcome.output
            assert snapshot() == before
            verified = restored_app.test_cli_runner().invoke(args=["audit", "verify"])
            assert verified.exit_code == 0 and "audit log: OK" in verified.output, verified.output
            again = restored_app.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
            assert again.exit_code == 1 and "not empty" in again.output
            db.engine.dispose()


def test_audit_verify_names_the_first_hand_edited_row(app: Flask, runner: FlaskCliRunner) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _q2 = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree"}, ip="t", now=now)
    db.session.rollback()
    intact = runner.invoke(args=["audit", "verify"])
    assert intact.exit_code == 0 and f"bulletin of session {session.public_id}: OK" in intact.output, intact.output
    postgres = db.engine.dialect.name == "postgresql"
    db.session.rollback()  # the check's read transaction would hold the table
    with db.engine.begin() as connection:  # what an intruder with database access would have to do
        connection.execute(text("DROP TRIGGER audit_event_no_update" + (" ON audit_event" if postgres else "")))
        connection.execute(text("UPDATE audit_event SET actor = 'someone else' WHERE seq = 3"))
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert "audit log: BROKEN (event 3: its content does not match its hash)" in broken.output


def test_every_request_is_logged_as_one_json_line_without_the_letters_token(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world()
    _session, tokens, _now = open_session(world)
    logged = create_app({**as_mapping(TestConfig), "DATABASE_URL": app.config["DATABASE_URL"], "REQUEST_LOG": True})
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger("gongzhi.request").addHandler(handler)
    try:
        response = logged.test_client().get(f"/v/{tokens['张伟']}", headers={"X-Request-ID": "phone-0001"})
    finally:
        logging.getLogger("gongzhi.request").removeHandler(handler)
    assert response.headers["X-Request-ID"] == "phone-0001"
    entry = json.loads(lines[-1])
    assert entry["request_id"] == "phone-0001" and entry["route"] == "/v/<token>" and entry["status"] == 200
    assert tokens["张伟"] not in lines[-1]


def test_readiness_waits_for_the_migrations(app: Flask) -> None:
    from app.migrate import downgrade, upgrade

    client = app.test_client()
    assert client.get("/readyz").get_json()["migrations"] == "ok"
    db.session.remove()
    downgrade("0011")
    try:
        pending = client.get("/readyz")
        assert pending.status_code == 503 and pending.get_json()["migrations"] == "pending"
    finally:
        upgrade()


def _close(session_id: int, now: object) -> None:
    from datetime import timedelta

    from app.domain.lifecycle import SessionState
    from app.sessions import services as sessions

    assert sessions.sync_state(session_id, now=now + timedelta(days=30)) is SessionState.TALLIED  # type: ignore[operator]
    db.session.rollback()


def _as_intruder(*statements: str) -> None:
    """Statements run past the append-only triggers, as someone with the database's owner rights could."""
    postgres = db.engine.dialect.name == "postgresql"
    db.session.rollback()
    with db.engine.begin() as connection:
        if postgres:
            connection.execute(text("ALTER TABLE bulletin_entry DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER IF EXISTS bulletin_entry_no_update"))
            connection.execute(text("DROP TRIGGER IF EXISTS bulletin_entry_no_delete"))
        for statement in statements:
            connection.execute(text(statement))
        if postgres:
            connection.execute(text("ALTER TABLE bulletin_entry ENABLE TRIGGER USER"))


def test_audit_verify_names_a_ballot_whose_choice_rows_differ_from_its_bulletin_entry(runner: FlaskCliRunner) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _q2 = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree"}, ip="t", now=now)
    changed = voting.cast_ballot(tokens["赵敏"], {q1: "agree"}, ip="t", now=now)
    _close(session.id, now)
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    _as_intruder(f"UPDATE ballot_choice SET choice = 'disagree' WHERE ballot_id = {changed.id} AND item_id = {q1}")
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1, broken.output
    assert f"bulletin of session {session.public_id}: BROKEN (entry 2: ballot {changed.id}" in broken.output
    assert "disagree" in broken.output


def test_audit_verify_refuses_a_tallied_session_whose_seal_and_last_ballot_were_cut(runner: FlaskCliRunner) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _q2 = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree"}, ip="t", now=now)
    last = voting.cast_ballot(tokens["赵敏"], {q1: "agree"}, ip="t", now=now)
    _close(session.id, now)
    head = db.session.execute(text(f"SELECT hash FROM bulletin_entry WHERE session_id = {session.id} AND seq = 1")).scalar_one()
    _as_intruder(
        f"DELETE FROM bulletin_entry WHERE session_id = {session.id} AND seq >= 2",
        f"DELETE FROM ballot_choice WHERE ballot_id = {last.id}",
        f"DELETE FROM ballot WHERE id = {last.id}",
        f"UPDATE bulletin_head SET seq = 1, head = '{head}', sealed_at = NULL WHERE session_id = {session.id}",
    )
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1, broken.output
    assert (
        f"bulletin of session {session.public_id}: BROKEN (entry 2: the session is tallied but its bulletin has no seal)" in broken.output
    )


def test_audit_verify_compares_the_stored_result_and_the_tally_event_with_the_bulletin(runner: FlaskCliRunner) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _q2 = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree"}, ip="t", now=now)
    _close(session.id, now)
    db.session.rollback()
    with db.engine.begin() as connection:  # a result rewritten in place, hash and all
        from app.domain.canonical import canonical_json, sha256_hex
        from app.sessions.models import AssemblySession

        stored = db.session.get(AssemblySession, session.id)
        assert stored is not None and stored.result is not None
        result = {**stored.result, "ballots": 2}
        connection.execute(
            text("UPDATE assembly_session SET result = :result, result_sha256 = :digest WHERE id = :id"),
            {"result": json.dumps(result), "digest": sha256_hex(canonical_json(result)), "id": session.id},
        )
    db.session.rollback()
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1, broken.output
    assert f"bulletin of session {session.public_id}: BROKEN (entry 2: the stored result is not the bulletin's" in broken.output
