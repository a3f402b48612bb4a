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
    for username in (
        "admin",
        "lanting-chair",
        "lanting-member",
        "xinhua-official",
        "dongfeng-official",
        "heping-district",
        "demo-city",
        "zhulin-group",
    ):
        assert f"  {username} " in first.output
    letters = [line.split() for line in first.output.splitlines() if "/v/" in line]
    assert len(letters) == 3
    assert "兰亭苑 2026 年临时业主大会: Voting is open, /s/" in first.output
    assert "梅园小区 2026 年第二次业主大会: Counted, awaiting certification, /s/" in first.output
    assert "兰亭苑: 2 statements published, 0 overdue" in first.output
    today = utcnow().astimezone(ZoneInfo("Asia/Shanghai")).date()
    late = 1 if today > date(today.year, 1, 30) else 0  # last year's statement falls due on 30 January
    assert f"梅园小区: 0 statements published, {late} overdue" in first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0 and "already seeded" in second.output
    assert [line.split() for line in second.output.splitlines() if "/v/" in line] == letters  # the same letters again
    db.session.rollback()
    # 兰亭苑 and 梅园, five more of 48 flats under 新华街道 (柳岸苑 and 杏林苑 among them), three of 24 under 东风街道.
    assert db.session.execute(select(func.count()).select_from(Unit)).scalar_one() == 648 + 6 * 48 + 3 * 24
    # The seven logins, three seated members of 松风苑, 竹林苑's group of five (one a login) and 柳岸苑's of three.
    # ... and the two property-service companies' staff.
    assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == 7 + 3 + 5 + 3 + 2
    # Every state the office dashboard flags is somewhere in the demo.
    from app.oversight import services as oversight
    from app.oversight.routes import FLAG_LABELS

    rows = oversight.dashboard(db.session.execute(select(Community.street_office_id)).scalars().first(), now=utcnow())
    assert {row.community.street_office.name for row in rows} == {"新华街道办事处"}
    assert {flag for row in rows for flag in row.flags} == set(FLAG_LABELS)
    flags = {row.community.slug: row.flags for row in rows}
    assert {"members_unpublished_overdue", "first_assembly_overdue"} <= set(flags["liuan"])
    assert not {"members_unpublished_overdue", "first_assembly_overdue"} & set(flags["zhulin"])  # on time so far
    assert "松风苑第一届业主委员会选举: 5 members and 2 alternates seated" in first.output
    assert "梅园小区: owners committee, term ends" in first.output
    assert "竹林苑首次业主大会: Announced: voting has not opened yet, voting opens " in first.output
    assert "柳岸苑: preparatory group formed 100 days ago, member list unpublished, no assembly held" in first.output
    assert (
        "杏林苑 2026 年临时业主大会（街道办事处召集）: Announced: voting has not opened yet, convened by the street office, /s/"
        in first.output
    )
    assert "/oversight/districts/heping" in first.output and "/oversight/cities/demo-city" in first.output
    _the_stages_are_seeded()
    lanting = db.session.execute(select(Community).where(Community.slug == "lanting")).scalar_one()
    roll = community_roll(lanting.id)
    sizes = sorted(len(v.units) for v in roll.voters)
    assert sizes[-1] > 20  # the developer's unsold and undelivered units, one voter
    assert sizes.count(2) > 0  # owners of several units
    assert any(len(v.holders) == 2 for v in roll.voters)  # co-owned units
    assert db.session.execute(select(func.count()).select_from(Unit).where(Unit.votes.is_(False))).scalar_one() == 60


def _the_stages_are_seeded() -> None:
    """竹林苑's open group and announced first assembly, 杏林苑's session convened by the office, the area figures."""
    from app.communities.models import City, District, StreetOffice
    from app.domain.lifecycle import SessionState
    from app.elections.models import CandidateStatus, Election, ElectionState, Nomination
    from app.formation import services as formation
    from app.orders.models import Order, OrderKind, OrderStatus
    from app.oversight.services import area_figures
    from app.security.actor import Grant, operator
    from app.sessions.models import AssemblySession
    from app.voting.models import Petition, PetitionStatus

    now = utcnow()
    today = now.astimezone(ZoneInfo("Asia/Shanghai")).date()
    slug = {c.slug: c for c in db.session.execute(select(Community)).scalars()}
    zhulin, xinglin = slug["zhulin"], slug["xinglin"]
    group = formation.open_group(zhulin.id)
    assert group is not None and group.members_notice_id is not None
    assert sorted(m.kind.value for m in group.members) == ["office", "owner", "owner", "owner", "residents_committee"]
    assert [m.kind.value for m in group.members if m.leader] == ["office"]
    first = db.session.execute(select(AssemblySession).where(AssemblySession.community_id == zhulin.id)).scalar_one()
    assert first.state is SessionState.ANNOUNCED and first.announced_at is not None
    assert first.opens_at > now and (first.opens_at - first.announced_at).days >= 15
    assert [(i.kind, i.matter) for i in first.items] == [
        ("question", "cn.rules_of_procedure"),
        ("question", "cn.covenant"),
        ("election", "cn.elect_committee"),
    ]
    assert all(i.body for i in first.items[:2])  # the documents' text
    from app.sessions.services import documents_of

    files = documents_of(first)
    assert [[d.filename for d in files.get(i.id, ())] for i in first.items] == [
        ["竹林苑业主大会议事规则（草案）.pdf"],
        ["竹林苑管理规约（草案）.pdf"],
        [],
    ]
    election = db.session.execute(select(Election).where(Election.community_id == zhulin.id)).scalar_one()
    assert election.state is ElectionState.ON_BALLOT and election.item_id == first.items[2].id
    assert election.candidates and {(c.nomination, c.status) for c in election.candidates} == {(Nomination.SELF, CandidateStatus.APPROVED)}
    assert formation.open_group(slug["liuan"].id) is not None

    petition = db.session.execute(select(Petition).where(Petition.community_id == xinglin.id)).scalar_one()
    assert petition.session_id is None and petition.status is PetitionStatus.REACHED  # from the board, with the register's roll
    order = db.session.execute(select(Order).where(Order.petition_id == petition.id)).scalar_one()
    assert order.kind is OrderKind.CONVENE and order.status is OrderStatus.OPEN and order.due_on < today
    convened = db.session.execute(select(AssemblySession).where(AssemblySession.community_id == xinglin.id)).scalar_one()
    assert convened.convened_by == "office" and convened.state is SessionState.ANNOUNCED and convened.items

    # Formed: 新华街道's 兰亭苑, 梅园, 松风苑, 青枫苑 (temporary) and 杏林苑 of its eight (桃源里's term has ended;
    # 竹林苑, 柳岸苑 have groups); 东风街道's 春晖园 and 秋实苑 (temporary) of its three.
    admin = operator("test", Grant.administrator())
    city = db.session.execute(select(City).where(City.code == "demo-city")).scalar_one()
    district = db.session.execute(select(District).where(District.code == "heping")).scalar_one()
    offices = {o.code: o for o in db.session.execute(select(StreetOffice)).scalars()}
    assert {o.district_id for o in offices.values()} == {district.id} and district.city_id == city.id
    city_report = area_figures.city_report(admin, city, now=now)
    district_report = area_figures.district_report(admin, district, now=now)
    for report in (city_report, district_report):
        assert (report.figures.formation.rate.part, report.figures.formation.rate.whole) == (7, 11)
        assert (report.figures.preparatory.part, report.figures.preparatory.whole) == (2, 4)  # 竹林苑, 柳岸苑 of the four unformed
    target = city_report.figures.formation.target
    assert target is not None and target.year == min(today.year, 2022) and city_report.figures.formation.met is False
    by_office = {child.code: child.figures.formation.rate for child in district_report.children}
    assert {code: (r.part, r.whole) for code, r in by_office.items()} == {"xinhua": (5, 8), "dongfeng": (2, 3)}


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


def test_the_demo_command_says_what_it_seeds(runner: FlaskCliRunner) -> None:
    summary = runner.invoke(args=["--help"]).output
    assert "demo" in summary and "two street offices" in summary
    help_text = runner.invoke(args=["demo", "--help"]).output
    assert "district" in help_text and "示范市" in help_text and "东风街道" in help_text and "preparatory groups" in help_text
