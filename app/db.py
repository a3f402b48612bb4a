"""The database: declarative base, engine, request-scoped session, transactions.

SQLite needs care to be safe under concurrent writers (DESIGN §7): WAL,
``busy_timeout`` and ``BEGIN IMMEDIATE`` for every write transaction, so a
read-then-write (a chain head, a one-ballot check) cannot race. Writers also
queue on a file lock first, so the next one starts the moment the last commits
rather than after SQLite's polling sleep (``_writer_queue``).
"""

from __future__ import annotations

import enum
import functools
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar, cast

import click
from flask import Flask, current_app
from flask.globals import app_ctx
from sqlalchemy import DateTime, Dialect, Engine, MetaData, Table, TypeDecorator, create_engine, event, text
from sqlalchemy import Enum as SAEnum
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker

from .domain.numbers import area_decimal, format_area

try:
    import fcntl
except ImportError:  # not on POSIX: SQLite's own polling is all there is
    fcntl = None  # type: ignore[assignment]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_WRITE = "gongzhi_write"


class Refusal(Exception):
    """Raised inside ``db.write()`` to refuse an action but keep what the transaction recorded of the attempt.

    The transaction commits (the audit event of a wrong code, a duplicate ballot,
    a tampered form) and ``error`` is raised in the caller's place.
    """

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """A mapped class's table, for the Core statements the hot paths build once."""
    table = model.__table__
    assert isinstance(table, Table)  # every model here maps one table, never a join or a select
    return table


def display_url(url: str | URL) -> str:
    """The URL as it may be printed: never with the password."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        engine = create_engine(parsed, **kwargs)
        _install_sqlite_hooks(engine)
        return engine
    kwargs.update(pool_pre_ping=True, pool_size=5, max_overflow=10)
    return create_engine(parsed, **kwargs)


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take BEGIN away from the driver so the "begin" hook below decides it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


_queues = threading.local()


def _writer_queue(engine: Engine) -> int | None:
    """On a SQLite file, this thread's descriptor of the writers' lock file; None elsewhere.

    SQLite lets one writer in at a time and makes the others poll, sleeping up
    to 100 ms between tries, so under load most of a second can pass with the
    database idle. Writers of every process and thread first queue on an flock
    of ``<database>-writers`` instead: the kernel wakes the next one the moment
    the lock is free. Each thread opens its own descriptor (flock excludes open
    file descriptions, not processes), and reopens it after a fork.
    """
    if fcntl is None or engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return None
    key = (os.getpid(), engine.url.database)
    held = getattr(_queues, "fds", None)
    if held is None:
        held = _queues.fds = {}
    if key not in held:
        held[key] = os.open(f"{engine.url.database}-writers", os.O_RDWR | os.O_CREAT, 0o600)
    return held[key]


def _scope() -> int:
    return id(app_ctx._get_current_object())  # type: ignore[attr-defined]  # a LocalProxy, typed as what it stands for


class Database:
    """Engine and session for the current app; one session per app context."""

    def __init__(self) -> None:
        self.session: scoped_session[Session] = scoped_session(cast("sessionmaker[Session]", self._new_session), scopefunc=_scope)

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"], echo=app.config.get("DATABASE_ECHO", False))
        app.extensions["gongzhi.db"] = (engine, sessionmaker(bind=engine))

        @app.teardown_appcontext
        def _remove_session(_exc: BaseException | None) -> None:
            self.session.remove()

    @staticmethod
    def _new_session() -> Session:
        return current_app.extensions["gongzhi.db"][1]()

    @property
    def engine(self) -> Engine:
        return current_app.extensions["gongzhi.db"][0]

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: commit on success, roll back on any error but a ``Refusal``.

        A read transaction the request already holds (loading the user, say)
        is ended first, so the write starts with ``BEGIN IMMEDIATE`` on SQLite
        and re-reads what it decides on. Nested calls join the outer write.
        """
        s = self.session()
        if s.info.get(_WRITE):
            yield s
            return
        if s.in_transaction():
            if s.new or s.dirty or s.deleted:
                raise RuntimeError("changes were made outside a write transaction")
            s.rollback()
        queue = _writer_queue(self.engine)
        if queue is not None:
            fcntl.flock(queue, fcntl.LOCK_EX)
        try:
            s.connection(execution_options={_WRITE: True})
            s.info[_WRITE] = True
            try:
                yield s
                s.commit()
            except Refusal as refusal:
                s.commit()
                raise refusal.error from None
            except BaseException:
                s.rollback()
                raise
            finally:
                s.info.pop(_WRITE, None)
        finally:
            if queue is not None:
                fcntl.flock(queue, fcntl.LOCK_UN)


db = Database()


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every engine (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def str_enum(enum_cls: type[enum.Enum], name: str) -> SAEnum:
    """A portable enum column: VARCHAR plus a CHECK constraint, stored by value."""
    return SAEnum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class AreaMixin:
    """Reading an ``area_centi`` column (integer hundredths of m²) as a Decimal or as display text."""

    area_centi: int

    @property
    def area(self) -> Decimal:
        return area_decimal(self.area_centi)

    @property
    def area_text(self) -> str:
        return format_area(self.area_centi)


F = TypeVar("F", bound=Callable[..., Any])


def database_errors_as_one_line(func: F) -> F:
    """A missing or unreachable database is one line naming the URL, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (OperationalError, ProgrammingError) as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            url = display_url(current_app.config["DATABASE_URL"])
            raise click.ClickException(f"database {url}: {reason}") from None

    return wrapper  # type: ignore[return-value]


def probe_write() -> None:
    """Commit a write that changes nothing (the migration row rewritten with itself): raises if the database takes no writes.

    SQLite answers ``SELECT 1``, and even ``BEGIN IMMEDIATE``, on a file it may not write; only a write that commits shows it.
    """
    with db.write() as s:
        s.execute(text("UPDATE alembic_version SET version_num = version_num"))
