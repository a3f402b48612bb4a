"""The close counts what the bulletin signed: ballot tables that disagree with it hold the result back, naming the ballot."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, text

from app.audit.models import AuditEvent
from app.db import db
from app.domain.lifecycle import SessionState
from app.sessions import services
from app.sessions.models import AssemblySession, Ballot
from app.sessions.services import bulletin
from app.voting import services as voting
from tests.factories import items, make_world, open_session


def test_a_choice_changed_in_the_tables_holds_the_close_and_names_the_ballot(app: Flask) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, q2 = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree", q2: "agree"}, ip="t", now=now)
    changed = voting.cast_ballot(tokens["李娜"], {q1: "agree", q2: "agree"}, ip="t", now=now)
    db.session.rollback()
    with db.engine.begin() as connection:  # what someone with database access could do
        connection.execute(text(f"UPDATE ballot_choice SET choice = 'disagree' WHERE ballot_id = {changed.id} AND item_id = {q1}"))
    closed = now + timedelta(days=30)
    assert services.sync_state(session.id, now=closed) is SessionState.CLOSED  # voting has ended; nothing is published
    db.session.rollback()
    assembly = db.session.get(AssemblySession, session.id)
    assert assembly is not None and assembly.result is None and assembly.tallied_at is None
    assert bulletin.seal_of(db.session(), session.id) is None
    refused = db.session.execute(select(AuditEvent).where(AuditEvent.action == "session.tally_refused")).scalar_one()
    assert refused.target_id == session.public_id and refused.data["ballot"] == changed.id and refused.data["entry"] == 2
    assert "disagree" in refused.data["reason"] and "agree" in refused.data["reason"]
    # Held, not retried on every request: the next read leaves it as it is.
    assert services.sync_state(session.id, now=closed + timedelta(minutes=1)) is SessionState.CLOSED
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "session.tally_refused")).scalars().all() == [refused]


def test_the_result_is_the_bulletins_when_the_tables_agree(app: Flask) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, q2 = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree", q2: "disagree"}, ip="t", now=now)
    voting.cast_ballot(tokens["赵敏"], {q1: "disagree"}, ip="t", now=now)
    assert services.sync_state(session.id, now=now + timedelta(days=30)) is SessionState.TALLIED
    db.session.rollback()
    assembly = db.session.get(AssemblySession, session.id)
    assert assembly is not None and assembly.result is not None
    first, second = assembly.result["items"]
    assert first["agree"] == {"area": "89.50", "heads": 1} and first["disagree"] == {"area": "60.00", "heads": 1}
    assert second["abstain"] == {"area": "60.00", "heads": 1}
    assert db.session.execute(select(Ballot)).scalars().all()  # the tables are kept as they were


@pytest.mark.parametrize(
    ("tamper", "said"),
    [
        ("UPDATE ballot_choice SET area_centi = area_centi + 1 WHERE ballot_id = {b} AND item_id = {q}", "other weights"),
        ("DELETE FROM ballot_choice WHERE ballot_id = {b} AND item_id = {q}", "says none"),
    ],
)
def test_a_choice_row_that_weighs_otherwise_or_is_missing_holds_the_close(app: Flask, tamper: str, said: str) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, q2 = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree", q2: "disagree"}, ip="t", now=now)
    changed = voting.cast_ballot(tokens["李娜"], {q1: "disagree", q2: "agree"}, ip="t", now=now)
    db.session.rollback()
    with db.engine.begin() as connection:
        connection.execute(text(tamper.format(b=changed.id, q=q2)))
    assert services.sync_state(session.id, now=now + timedelta(days=30)) is SessionState.CLOSED
    db.session.rollback()
    refused = db.session.execute(select(AuditEvent).where(AuditEvent.action == "session.tally_refused")).scalar_one()
    assert refused.data["ballot"] == changed.id and said in refused.data["reason"]
