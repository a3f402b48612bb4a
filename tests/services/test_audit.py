from __future__ import annotations

import itertools
import threading

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from app.audit.models import AuditEvent
from app.audit.services import record, verify_audit_chain
from app.db import db
from app.domain.canonical import ZERO_HASH
from app.security.actor import operator
from tests.factories import make_world


def test_every_event_links_to_the_one_before(app: Flask) -> None:
    make_world()
    events = db.session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == ZERO_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    assert verify_audit_chain(db.session()) is None


def test_the_database_refuses_to_change_or_delete_an_event(app: Flask) -> None:
    make_world()
    for statement in ("UPDATE audit_event SET action = 'forged' WHERE seq = 1", "DELETE FROM audit_event WHERE seq = 2"):
        with pytest.raises(DBAPIError, match="append-only"), db.write() as s:
            s.execute(text(statement))
    assert db.session.execute(select(AuditEvent.action).where(AuditEvent.seq == 1)).scalar_one() == "street_office.create"


def _disable_append_only(s: object) -> None:
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update"))
    else:
        db.session.execute(text("DROP TRIGGER audit_event_no_update"))
        db.session.execute(text("DROP TRIGGER audit_event_no_delete"))


def test_verify_names_the_first_edited_event(app: Flask) -> None:
    make_world()
    with db.write() as s:
        _disable_append_only(s)
        s.execute(text('UPDATE audit_event SET data = \'{"name": "forged"}\' WHERE seq = 3'))
    broken = verify_audit_chain(db.session())
    assert broken is not None and broken.seq == 3 and "content" in broken.reason


def test_verify_names_a_removed_event(app: Flask) -> None:
    make_world()
    with db.write() as s:
        _disable_append_only(s)
        s.execute(text("DELETE FROM audit_event WHERE seq = 2"))
    broken = verify_audit_chain(db.session())
    assert broken is not None and broken.seq == 2 and "missing" in broken.reason


def test_concurrent_appends_never_fork_the_chain(app: Flask) -> None:
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        with app.app_context():
            try:
                for i in range(10):
                    with db.write() as s:
                        record(s, operator(f"w{n}"), "test.append", "test", f"{n}-{i}")
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == 80
    assert verify_audit_chain(db.session()) is None
