"""The schema comes only from the migrations, and is the same on both databases."""

from __future__ import annotations

import os
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import Engine, create_engine, inspect

from app.db import db
from app.migrate import downgrade, upgrade
from app.models import Base


def describe(engine: Engine) -> dict[str, Any]:
    """A database-neutral description: columns (generic type, nullability), keys, uniques, indexes, checks."""
    insp = inspect(engine)
    schema: dict[str, Any] = {}
    for table in sorted(insp.get_table_names()):
        if table == "alembic_version":
            continue
        columns = {
            c["name"]: (type(c["type"].as_generic()).__name__ if hasattr(c["type"], "as_generic") else str(c["type"]), c["nullable"])
            for c in insp.get_columns(table)
        }
        schema[table] = {
            "columns": columns,
            "pk": sorted(insp.get_pk_constraint(table)["constrained_columns"]),
            "fks": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"])) for f in insp.get_foreign_keys(table)
            ),
            "uniques": sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(table)),
            # PostgreSQL also lists the index behind each unique constraint; those are compared as uniques.
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in insp.get_indexes(table)
                if not i.get("duplicates_constraint")
            ),
            "checks": sorted(c["name"] for c in insp.get_check_constraints(table)),
        }
    return schema


def test_models_and_migrations_agree(app: Flask) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_migrations_go_down_and_up_again(app: Flask) -> None:
    downgrade("base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert "audit_event" in inspect(db.engine).get_table_names()


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="compares the SQLite schema with PostgreSQL's, so it needs a PostgreSQL database: "
    "it runs whenever TEST_DATABASE_URL is set, as .ci/run sets it for every CI run",
)
def test_sqlite_and_postgresql_get_the_same_schema(migrated_sqlite: Any, migrated_postgresql: str) -> None:
    sqlite = create_engine(f"sqlite:///{migrated_sqlite}")
    postgresql = create_engine(migrated_postgresql)
    try:
        a, b = describe(sqlite), describe(postgresql)
    finally:
        sqlite.dispose()
        postgresql.dispose()
    assert a.keys() == b.keys()
    for table in a:
        assert a[table] == b[table], table


def test_a_ticked_term_end_audit_becomes_a_published_audit_and_back(app: Flask) -> None:
    """Committees whose audit was ticked before 0028 stay ready to be succeeded: the tick becomes a published audit."""
    from sqlalchemy import text

    from app.elections import services as elections
    from app.oversight import services as oversight
    from app.security.actor import actor_for
    from tests.services.test_elections import PDF, seated

    setup, committee, _cand = seated(app)
    official = setup.world.official
    draft = oversight.save_audit(actor_for(official), committee.id, auditor="", covered=["ledgers"], report=("r.pdf", PDF), now=db_now())
    oversight.publish_audit(actor_for(official), draft.id, now=db_now())
    committee_id, official_id = committee.id, official.id
    db.session.remove()
    downgrade("0025")
    with db.engine.connect() as conn:
        ticked = conn.execute(text("SELECT handover_audit_by_user_id FROM committee WHERE id = :id"), {"id": committee_id}).scalar()
    assert ticked == official_id
    upgrade()
    audit = elections.audit_of(committee_id)
    assert audit is not None and audit.published and audit.published_by_user_id == official_id
    assert elections.audit_published(db.session(), committee_id)


def db_now() -> Any:
    from app.db import utcnow

    return utcnow()


def test_notices_the_system_published_before_0031_are_marked_as_the_system_s(app: Flask) -> None:
    """Orders and the like published straight away become system notices; the committee's own stay correctable."""
    from app.notices import services as notices
    from app.notices.models import Notice, NoticeKind
    from app.orders.models import OrderKind
    from app.oversight import services as oversight
    from app.security.actor import actor_for
    from tests.factories import make_world

    world = make_world()
    order = oversight.issue_order(
        actor_for(world.official), community_id=world.community.id, kind=OrderKind.RECTIFY, subject="公示账目",
        body="限期公示。", due_on=db_now().date().replace(year=db_now().year + 1), now=db_now(),
    )  # fmt: skip
    own = notices.draft_notice(actor_for(world.committee), community_id=world.community.id, kind=NoticeKind.GENERAL,
                               title="停水通知", body="周三停水。", now=db_now())  # fmt: skip
    notices.publish_notice(actor_for(world.committee), own.id, now=db_now())
    order_notice, own_id = order.notice_id, own.id
    db.session.remove()
    downgrade("0030")
    upgrade()
    assert db.session.get(Notice, order_notice).system is True  # type: ignore[union-attr]
    assert db.session.get(Notice, own_id).system is False  # type: ignore[union-attr]
