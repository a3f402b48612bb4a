"""Casting one ballot issues a bounded number of SQL statements, however many voters and items the session has."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from app.db import db
from app.voting import services as voting
from tests.factories import items, make_world, open_session

# Counted on a steady-state cast (the session already open). Before the write lock: the letter, the session for
# its clock, the community and the roll entry (the items of an announced session are read once per process).
# Inside it: BEGIN IMMEDIATE (SQLite), the chain head, the current ballot, the ballot, its bulletin entry, the head,
# the choice rows (one statement), the audit chain's head and event, and the commit's own statements.
BOUND = 14
# A ballot page once the slate is read: the request's own transaction, the letter, the session and its clock, the
# holder, the voter's ballot, the roll entry and the history, a dispute, the community, the petitions and signatures.
PAGE_BOUND = 12


@contextmanager
def counting() -> Iterator[list[str]]:
    statements: list[str] = []

    def seen(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)


def test_a_cast_issues_a_bounded_number_of_statements_whatever_the_roll_size(app: Flask) -> None:
    world = make_world()
    session, tokens, now = open_session(world, more_voters=200)
    q1, q2 = items(session)
    voting.cast_ballot(tokens["业主1"], {q1: "agree"}, ip="t", now=now)  # opens the session on the way
    counts = []
    for holder in ("张伟", "赵敏", "业主150"):
        with counting() as statements:
            voting.cast_ballot(tokens[holder], {q1: "agree", q2: "disagree"}, ip="t", now=now)
        counts.append(len(statements))
    assert max(counts) <= BOUND, counts
    assert len(set(counts)) == 1  # the same work for every voter: nothing grows with the roll


def test_the_counted_cast_is_the_one_that_landed(app: Flask) -> None:
    """The bound is no shortcut: the cast it counts is stored, chained and audited like any other."""
    from sqlalchemy import func, select

    from app.audit.models import AuditEvent
    from app.sessions.models import Ballot, BulletinEntry

    world = make_world()
    session, tokens, now = open_session(world)
    q1, q2 = items(session)
    with counting():
        ballot = voting.cast_ballot(tokens["张伟"], {q1: "agree", q2: "disagree"}, ip="t", now=now)
    db.session.rollback()
    stored = db.session.get(Ballot, ballot.id)
    assert stored is not None and stored.choices == {q1: "agree", q2: "disagree"}
    assert db.session.execute(select(func.count()).select_from(BulletinEntry).where(BulletinEntry.ballot_id == ballot.id)).scalar_one() == 1
    assert (
        db.session.execute(
            select(AuditEvent.action).where(AuditEvent.target_type == "ballot", AuditEvent.target_id == str(ballot.id))
        ).scalar_one()
        == "ballot.cast"
    )


def test_the_ballot_page_reads_a_published_slate_once_not_on_every_load(app: Flask, client: FlaskClient) -> None:
    """The busiest page of a voting evening: its statements stay the same for every voter, and the slate is read once."""
    from tests.services.test_elections import new_election, on_ballot, stand, vet_all

    world = make_world()
    setup = new_election(world)
    for n in range(1, 8):
        stand(setup, n)
    vet_all(setup)
    _session, tokens, _item, candidates = on_ballot(setup)
    loads = []
    for n in (1, 2, 3):
        token = tokens[f"业主{n}"]
        assert client.post(f"/v/{token}", data={"digits": f"{n:04d}"}).status_code == 302
        with counting() as statements:
            page = client.get(f"/v/{token}").get_data(as_text=True)
        assert all(f'value="{candidates[c]}"' in page for c in range(1, 8))  # the whole slate, every time
        loads.append(statements)
    assert any("FROM candidate" in s for s in loads[0])
    assert not any("FROM candidate" in s for s in loads[1] + loads[2])
    assert len(loads[1]) == len(loads[2]) <= PAGE_BOUND
    assert len(set(loads[1])) == len(loads[1]), "the same statement runs twice on one page"
