from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from app.communities import services
from app.communities.models import Building
from app.db import db
from app.domain.errors import RuleViolation
from tests.factories import CLI, make_world


def test_write_transactions_serialise_the_audit_chain(app: Flask) -> None:
    """SQLite: the write begins IMMEDIATE; PostgreSQL: the append takes the chain's advisory lock."""
    world = make_world()
    statements: list[str] = []
    listener = lambda conn, cursor, statement, *a: statements.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        db.session.execute(select(Building)).all()  # a read first, as a request that loaded the user
        services.add_building(CLI, world.community.id, "5")
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    expected = "BEGIN IMMEDIATE" if db.engine.dialect.name == "sqlite" else "pg_advisory_xact_lock"
    assert any(expected in statement for statement in statements)


def test_a_refused_action_writes_nothing(app: Flask) -> None:
    world = make_world()
    before = db.session.execute(select(func.count()).select_from(Building)).scalar_one()
    with pytest.raises(RuleViolation, match="exists already"):
        services.add_building(CLI, world.community.id, "1")
    assert db.session.execute(select(func.count()).select_from(Building)).scalar_one() == before
