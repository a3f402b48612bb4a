"""Fixtures: an app on a freshly migrated database, on SQLite and (when
TEST_DATABASE_URL is set) on PostgreSQL, with a client and a CLI runner."""

from __future__ import annotations

import contextvars
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text

from app import create_app
from app.config import TestConfig, as_mapping
from app.db import db
from app.migrate import upgrade

PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def _migrate(url: str, instance: Path) -> None:
    app = create_app({**_config(url, instance)})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _config(url: str, instance: Path) -> dict[str, Any]:
    base = as_mapping(TestConfig)
    base["DATABASE_URL"] = url
    os.environ["GONGZHI_INSTANCE_PATH"] = str(instance)
    return base


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy of it."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.db"
    _migrate(f"sqlite:///{path}", folder)
    return path


@pytest.fixture(scope="session")
def migrated_postgresql(tmp_path_factory: pytest.TempPathFactory) -> str:
    assert PG_URL
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    _migrate(PG_URL, tmp_path_factory.mktemp("pg-instance"))
    return PG_URL


def _truncate_postgresql(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [
            r[0]
            for r in conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))
        ]
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        target = tmp_path / "gongzhi.db"
        shutil.copy(request.getfixturevalue("migrated_sqlite"), target)
        return f"sqlite:///{target}"
    url = request.getfixturevalue("migrated_postgresql")
    _truncate_postgresql(url)
    return url


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    instance = tmp_path / "instance"
    app = create_app(_config(database_url, instance))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


class IsolatedClient(FlaskClient):
    """Each request runs in an app context of its own, as it does in production.

    Flask's test client would reuse the test's app context, carrying ``g``
    (the logged-in user, the locale) and the database session across requests.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        def run() -> Any:
            _cv_app.set(None)  # type: ignore[arg-type]
            return FlaskClient.open(self, *args, **kwargs)

        return contextvars.copy_context().run(run)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()
