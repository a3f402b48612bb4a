from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from app import create_app
from app.accounts.models import User
from app.communities.models import Community, Unit
from app.communities.queries import community_roll
from app.config import TestConfig, as_mapping
from app.db import db, utcnow
from tests.factories import make_world, register_csv


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGZHI_LANG", "en")


def test_demo_seeds_a_realistic_office_once_and_prints_the_logins(app: Flask, runner: FlaskCliRunner) -> None:
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "兰亭苑: 600 units imported" in first.output
    for username in ("admin", "lanting-chair", "lanting-member", "xinhua-official"):
        assert username in first.output
    letters = [line.split() for line in first.output.splitlines() if "/v/" in line]
    assert len(letters) == 3
    assert "兰亭苑 2026 年临时业主大会: open, /s/" in first.output
    assert "梅园小区 2026 年第二次业主大会: tallied, /s/" in first.output
    assert "兰亭苑: 2 statements published, 0 overdue" in first.output
    today = utcnow().astimezone(ZoneInfo("Asia/Shanghai")).date()
    late = 1 if today > date(today.year, 1, 30) else 0  # last year's statement falls due on 30 January
    assert f"梅园小区: 0 statements published, {late} overdue" in first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0 and "already seeded" in second.output
    assert [line.split() for line in second.output.splitlines() if "/v/" in line] == letters  # the same letters again
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(Unit)).scalar_one() == 648 + 4 * 48
    assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == 4 + 3  # three seated members of 松风苑
    # Every state the office dashboard flags is somewhere in the demo.
    from app.oversight import services as oversight
    from app.oversight.routes import FLAG_LABELS

    rows = oversight.dashboard(db.session.execute(select(Community.street_office_id)).scalars().first(), now=utcnow())
    assert {flag for row in rows for flag in row.flags} == set(FLAG_LABELS)
    assert "松风苑第一届业主委员会选举: 5 members and 2 alternates seated" in first.output
    assert "梅园小区: owners committee, term ends" in first.output
    lanting = db.session.execute(select(Community).where(Community.slug == "lanting")).scalar_one()
    roll = community_roll(lanting.id)
    sizes = sorted(len(v.units) for v in roll.voters)
    assert sizes[-1] > 20  # the developer's unsold and undelivered units, one voter
    assert sizes.count(2) > 0  # owners of several units
    assert any(len(v.holders) == 2 for v in roll.voters)  # co-owned units
    assert db.session.execute(select(func.count()).select_from(Unit).where(Unit.votes.is_(False))).scalar_one() == 60


def test_import_register_command_reports_every_bad_row_and_writes_nothing(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    world = make_world()
    bad = tmp_path / "register.csv"
    bad.write_bytes(register_csv("1,101,89.505,,,,张伟,,,", "1,101,80,,,,李娜,,,", "8,103,80,,,,王强,,,"))
    result = runner.invoke(args=["import-register", str(bad), "--community", world.community.slug])
    assert result.exit_code == 1
    assert "row 2, area: 89.505 has more than two decimals" in result.output
    assert "row 4, building: unknown building" in result.output
    assert "3 row(s) have errors; nothing was imported" in result.output
    assert db.session.execute(select(func.count()).select_from(Unit)).scalar_one() == 0


def test_import_register_command_imports_and_dry_runs(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    world = make_world()
    good = tmp_path / "register.csv"
    good.write_bytes(register_csv("1,101,89.50,,,,张伟,,,", "1,102,80,,,,李娜,,,"))
    dry = runner.invoke(args=["import-register", str(good), "--community", str(world.community.id), "--dry-run"])
    assert dry.exit_code == 0 and "would import 2 rows: 2 new" in dry.output
    assert db.session.execute(select(func.count()).select_from(Unit)).scalar_one() == 0
    done = runner.invoke(args=["import-register", str(good), "--community", "lanting"])
    assert done.exit_code == 0 and "imported 2 rows: 2 new, 0 updated" in done.output
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(Unit)).scalar_one() == 2


def test_unknown_community_is_named(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(register_csv("1,101,89.50,,,,张伟,,,"))
    result = runner.invoke(args=["import-register", str(path), "--community", "nowhere"])
    assert result.exit_code == 1 and "no community 'nowhere'" in result.output


def test_unreachable_database_is_one_line_without_the_password(tmp_path: Path) -> None:
    config = as_mapping(TestConfig)
    config["DATABASE_URL"] = "postgresql+psycopg://gongzhi:s3cret@127.0.0.1:9/gongzhi?connect_timeout=2"
    app = create_app(config)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "postgresql+psycopg://gongzhi:***@127.0.0.1:9/gongzhi" in lines[0]
    assert "s3cret" not in result.output and "Traceback" not in result.output


def test_missing_sqlite_folder_is_one_line(tmp_path: Path) -> None:
    config = as_mapping(TestConfig)
    config["DATABASE_URL"] = f"sqlite:///{tmp_path}/no/such/folder/gongzhi.db"
    result = create_app(config).test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 1
    assert "unable to open database file" in result.output and "Traceback" not in result.output


def test_create_user_refuses_a_short_password(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["create-user", "boss", "--name", "Boss", "--role", "administrator"], input="short\nshort\n")
    assert result.exit_code == 1 and "at least 10 characters" in result.output


def test_close_due_reports_what_it_did(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["close-due"])
    assert result.exit_code == 0 and result.output.strip() == "opened 0, closed 0 session(s)"


def test_every_demo_action_is_recorded_by_an_actor_entitled_to_its_community(app: Flask, runner: FlaskCliRunner) -> None:
    """The demo acts through the services like anyone: an official never appears acting on another community's books."""
    from app.audit.models import AuditEvent
    from app.security.actor import actor_for
    from app.security.permissions import can_view_sessions

    assert runner.invoke(args=["demo"]).exit_code == 0
    db.session.rollback()
    communities = {c.id: c for c in db.session.execute(select(Community)).scalars()}
    users = {u.id: actor_for(u) for u in db.session.execute(select(User)).scalars()}
    events = db.session.execute(
        select(AuditEvent).where(AuditEvent.community_id.is_not(None), AuditEvent.actor_user_id.is_not(None))
    ).scalars()
    strays = [
        (e.action, e.actor, communities[e.community_id].slug)
        for e in events
        if not can_view_sessions(users[e.actor_user_id], communities[e.community_id])
    ]
    assert strays == []
