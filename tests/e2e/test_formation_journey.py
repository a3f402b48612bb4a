"""Issue #23's acceptance journey: from a community without a committee to its first seated committee, in the browser.

The street office forms the preparatory group; a group member signs in, publishes the member list, sets up the
election, drafts and announces the first assembly; owners vote from their phones; the office certifies and seats
the committee; the group's accounts stop working and the district's formation rate goes up by one community.

The journey spans some forty days. The server runs on a clock the test moves forward (``clocked_app``: the
app's one ``utcnow`` reads an offset from a file), so each page is used on the day it would be; the steps the
issue does not name (candidates standing, the office's vetting, the clock's close) are service calls at that day.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import create_user
from app.communities import services as communities
from app.db import db
from app.domain.lifecycle import SessionState
from app.elections import services as elections
from app.elections.models import Candidate, Committee, Election
from app.security.actor import actor_for
from app.security.roles import Role
from app.sessions import services as sessions
from app.sessions.models import AssemblySession
from tests.e2e.a11y import check_page
from tests.e2e.conftest import gunicorn
from tests.e2e.test_journeys import DESK, PHONE
from tests.factories import CLI, ENROLMENTS, PASSWORD, Enrolment, enrol, make_world, register_csv, tokens_by_holder

CLOCK_ENV = "GONGZHI_E2E_CLOCK_FILE"
BEIJING = ZoneInfo("Asia/Shanghai")
OWNERS = 8  # 业主1 … 业主8 of flats 2-1 … 2-8, 80.00 m² each; ID last four 0001 … 0008
VOTERS = 6  # three quarters of the owners and of the area: above the two-thirds quorum


def clocked_app():  # type: ignore[no-untyped-def]
    """gunicorn's app factory: the app, its clock ahead of the wall clock by the seconds in the clock file."""
    clock = Path(os.environ[CLOCK_ENV])
    dbmodule = importlib.import_module("app.db")

    class Clock:
        @staticmethod
        def now(tz: object = None) -> datetime:
            return datetime.now(tz) + timedelta(seconds=float(clock.read_text()))  # type: ignore[arg-type]

    dbmodule.datetime = Clock  # the only use of ``datetime`` in app.db at run time is ``utcnow``
    return importlib.import_module("wsgi").app


class ServerClock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = timedelta(0)
        path.write_text("0")

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def local(self) -> datetime:
        return self.now().astimezone(BEIJING)

    def move_to(self, moment: datetime) -> None:
        """The server's clock reads ``moment`` now (and runs on from it)."""
        self.offset = moment - datetime.now(UTC)
        self.path.write_text(str(self.offset.total_seconds()))


@pytest.fixture
def clocked(app: Flask) -> Iterator[tuple[str, ServerClock]]:
    """gunicorn on loopback as ``server`` in conftest, on a clock the test moves."""
    clock = ServerClock(Path(app.instance_path) / "clock-offset")
    env = {"LOGIN_RATE_LIMIT": "10000 per minute", CLOCK_ENV: str(clock.path)}
    with gunicorn(app, "tests.e2e.test_formation_journey:clocked_app()", workers=2, env=env) as base:
        yield base, clock


def code(clock: ServerClock, username: str) -> str:
    """A code of the user's authenticator the server has not seen yet, on the server's clock."""
    totp = pyotp.TOTP(ENROLMENTS[username].secret)
    db.session.rollback()
    last = db.session.execute(select(User.totp_last_step).where(User.username == username)).scalar_one()
    current = totp.timecode(clock.now())
    step = max(current, (last or 0) + 1)
    assert step <= current + 1, "two codes in one 30-second step: wait"
    return totp.generate_otp(step)


def sign_in(page: Page, server: str, clock: ServerClock, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{server}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].primary")
    page.fill("input[name=code]", code(clock, username))
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/login" not in url)


def desk(browser: Browser) -> Page:
    return browser.new_context(viewport=DESK, locale="zh-CN").new_page()


def formation_rate(page: Page, server: str, district: str) -> tuple[int, int]:
    page.goto(f"{server}/oversight/districts/{district}")
    found = re.search(r"(\d+)/(\d+)", page.locator("#figure-formation").inner_text())
    assert found is not None, page.locator("#figure-formation").inner_text()
    return int(found[1]), int(found[2])


def test_a_community_without_a_committee_forms_one_through_its_preparatory_group(
    app: Flask, clocked: tuple[str, ServerClock], browser: Browser
) -> None:
    server, clock = clocked
    start = clock.now()

    # Set-up: a city and a district over the street office, a district official, 竹林苑 with its register and no committee.
    world = make_world()
    city = communities.create_city(CLI, code="baotou", name="包头市")
    district = communities.create_district(CLI, city_id=city.id, code="kundulun", name="昆都仑区")
    communities.assign_office_to_district(CLI, street_office_id=world.office.id, district_id=district.id)
    zhulin = communities.create_community(CLI, street_office_id=world.office.id, slug="zhulin", name="竹林苑")
    communities.add_building(CLI, zhulin.id, "2")
    rows = [f"2,{n},80.00,,,,业主{n},{n:04d},," for n in range(1, OWNERS + 1)]
    communities.import_register_file(CLI, zhulin.id, "r.csv", register_csv(*rows))
    reader_account = create_user(
        CLI, username="district", display_name="区住建委", password=PASSWORD, role=Role.DISTRICT_OFFICIAL, district_id=district.id
    )
    enrol(reader_account)

    reader = desk(browser)
    sign_in(reader, server, clock, "district")
    before = formation_rate(reader, server, "kundulun")
    check_page(reader, "f00-desk-district-before")
    reader.context.close()

    # Day 0, at the office's desk: the official opens 竹林苑 and forms the group, leading it with their own account.
    official = desk(browser)
    sign_in(official, server, clock, "official")
    official.click("text=街道办事处")
    check_page(official, "f01-desk-office-dashboard")
    official.click("a:text-is('竹林苑')")
    check_page(official, "f02-desk-community")
    official.click("a.button:text('成立业主大会筹备组')")
    check_page(official, "f03-desk-form-group")
    official.fill(
        "textarea[name=members]",
        "街道, 李科长, 新华街道办事处, 组长, @official\n业主, 业主6, 2-6\n业主, 业主7, 2-7\n业主, 业主8, 2-8\n"
        "居委会, 陈主任, 竹林社区居委会",
    )
    official.click("form.form button[type=submit]")
    official.wait_for_selector(".flash-success")
    row = official.locator("tbody tr", has_text="业主6")
    username = row.locator("code").nth(0).inner_text()
    password = row.locator("code").nth(1).inner_text()
    assert official.locator("tbody tr").count() == 5
    check_page(official, "f04-desk-group-credentials")
    official.context.close()

    # The owner member signs in for the first time and sets up an authenticator from the key the page shows.
    member = desk(browser)
    member.goto(f"{server}/login")
    member.fill("input[name=username]", username)
    member.fill("input[name=password]", password)
    member.click("button[type=submit].primary")
    member.wait_for_url("**/login/enrol")
    check_page(member, "f05-desk-enrol")
    secret = member.locator("code.secret").inner_text().replace(" ", "")
    ENROLMENTS[username] = Enrolment(secret)
    member.fill("input[name=code]", pyotp.TOTP(secret).at(clock.now()))
    member.click("button[type=submit].primary")
    member.wait_for_selector("text=您的恢复码")
    check_page(member, "f06-desk-recovery-codes")
    member.goto(f"{server}/committee/c/{zhulin.id}/preparatory-group")
    check_page(member, "f07-desk-group")
    member.click("form[action$='/publish'] button")
    member.wait_for_selector(".flash-success")
    assert member.locator("text=竹林苑 业主大会筹备组成员名单").count() == 1

    # The group sets up the election: five seats, nominations for fifteen days from today.
    local = clock.local()
    member.goto(f"{server}/committee/c/{zhulin.id}/elections")
    member.fill("input[name=title]", "竹林苑第一届业主委员会选举")
    member.fill("input[name=seats]", "5")
    member.fill("input[name=alternates]", "0")
    member.fill("input[name=nominations_open_at]", local.strftime("%Y-%m-%dT%H:%M"))
    member.fill("input[name=nominations_close_at]", (local + timedelta(days=15)).strftime("%Y-%m-%dT%H:%M"))
    member.click("form.form button[type=submit].primary")
    check_page(member, "f08-desk-election")
    member.context.close()
    db.session.rollback()
    election = db.session.execute(select(Election).where(Election.community_id == zhulin.id)).scalar_one()

    # Candidates stand: the first from a phone on the public page, four more through the same service.
    phone = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    phone.goto(f"{server}/e/{election.public_id}")
    phone.fill("input[name=n-unit]", "2-1")
    phone.fill("input[name=n-name]", "业主1")
    phone.fill("input[name=n-id_last4]", "0001")
    phone.click("button:text('报名参选')")
    check_page(phone, "f09-phone-stand")
    phone.context.close()
    for n in range(2, 6):
        elections.nominate_self(
            election.id, unit=f"2-{n}", name=f"业主{n}", id_last4=f"{n:04d}", statement="", party_declared=False, ip="t", now=clock.now()
        )
    db.session.rollback()
    assert len(db.session.execute(select(Candidate).where(Candidate.election_id == election.id)).scalars().all()) == 5

    # Day 16: nominations closed, the office vetted every candidate; the group publishes the slate and drafts the assembly.
    clock.move_to(start + timedelta(days=16))
    for candidate in db.session.execute(select(Candidate).where(Candidate.election_id == election.id)).scalars().all():
        elections.vet_candidate(
            actor_for(world.official),
            candidate.id,
            approve=True,
            reason="",
            party_verified=None,
            now=clock.now(),
            cleared=elections.negative_codes(world.community),
        )
    member = desk(browser)
    sign_in(member, server, clock, username, password)
    member.goto(f"{server}/elections/{election.public_id}")
    member.click("form[action$='/publish'] button")
    member.wait_for_selector(".flash-success")
    local = clock.local()
    member.goto(f"{server}/committee/c/{zhulin.id}/sessions")
    member.fill("input[name=title]", "竹林苑首次业主大会")
    member.fill("input[name=opens_at]", (local + timedelta(days=15, hours=1)).strftime("%Y-%m-%dT%H:%M"))
    member.fill("input[name=closes_at]", (local + timedelta(days=22)).strftime("%Y-%m-%dT%H:%M"))
    member.click("form.form button[type=submit]")
    for matter, title, body in (
        ("cn.rules_of_procedure", "通过《竹林苑业主大会议事规则》", "第一条　本规则依据《中华人民共和国民法典》制定。……"),
        ("cn.covenant", "通过《竹林苑管理规约》", "第一条　业主应当遵守法律、法规以及本规约。……"),
    ):
        member.select_option("form[action$='/items'] select[name=matter]", matter)
        member.fill("form[action$='/items'] input[name=title]", title)
        member.fill("form[action$='/items'] textarea[name=body]", body)
        member.click("form[action$='/items'] button")
    member.select_option("form[action$='/elections'] select[name=election]", str(election.id))
    member.click("form[action$='/elections'] button")
    check_page(member, "f10-desk-first-assembly-draft")
    member.click("form[action$='/announce'] button")
    member.wait_for_selector(".flash-success")
    check_page(member, "f11-desk-first-assembly-announced")
    member.context.close()
    db.session.rollback()
    assembly = db.session.execute(select(AssemblySession).where(AssemblySession.community_id == zhulin.id)).scalar_one()
    assert [i.title for i in assembly.items][:2] == ["通过《竹林苑业主大会议事规则》", "通过《竹林苑管理规约》"]
    tokens = tokens_by_holder(assembly.id)

    # Day 31: voting is open; six owners vote from their phones with their letters, for the rules, the covenant and five members.
    clock.move_to(assembly.opens_at + timedelta(hours=1))
    for n in range(1, VOTERS + 1):
        phone = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
        phone.goto(f"{server}/v/{tokens[f'业主{n}']}")
        phone.fill("input[name=digits]", f"{n:04d}")
        phone.click("button[type=submit].primary")
        boxes = phone.locator("input[name^=elect-]")
        boxes.first.wait_for()
        phone.check("input[type=radio][value=agree] >> nth=0")
        phone.check("input[type=radio][value=agree] >> nth=1")
        assert boxes.count() == 5
        for box in boxes.all():
            box.check()
        if n == 1:
            check_page(phone, "f12-phone-ballot")
        phone.click("text=检查我的选择")
        phone.click("text=提交我的表决票")
        phone.wait_for_url("**/receipt")
        if n == 1:
            check_page(phone, "f13-phone-receipt")
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        phone.context.close()

    # Day 38: the window closed and the votes are counted; the group member is still signed in.
    sessions.sync_state(assembly.id, now=assembly.closes_at + timedelta(minutes=1))
    db.session.rollback()
    db.session.refresh(assembly)
    assert assembly.state is SessionState.TALLIED
    # Day 45: the preliminary result's objection period is over, with no objection.
    assert assembly.objections_until is not None
    clock.move_to(assembly.objections_until + timedelta(minutes=5))
    member = desk(browser)
    sign_in(member, server, clock, username, password)
    member.goto(f"{server}/committee/c/{zhulin.id}/preparatory-group")
    assert member.locator("form[action$='/publish']").count() == 0  # published on day 0

    # The official certifies with a fresh code and seats the committee.
    official = desk(browser)
    sign_in(official, server, clock, "official")
    official.click("text=街道办事处")
    official.click("text=竹林苑 · 竹林苑首次业主大会")
    official.check("input[value=certified]")
    check_page(official, "f14-desk-certification")
    official.fill("input[name=code]", code(clock, "official"))
    official.click("text=记录并签署意见")
    official.wait_for_selector("text=您的意见已记录并签名")
    official.goto(f"{server}/elections/{election.public_id}")
    check_page(official, "f15-desk-election-result")
    official.click("form[action$='/seat'] button")
    official.wait_for_selector(".flash-success")
    official.goto(f"{server}/c/zhulin/committee")
    check_page(official, "f16-desk-committee-seated")
    db.session.rollback()
    assert db.session.execute(select(Committee).where(Committee.community_id == zhulin.id)).scalar_one() is not None
    official.goto(f"{server}/committee/c/{zhulin.id}/preparatory-group")  # the official led the group: still signed in
    assert "/login" not in official.url and official.locator("text=解散。").count() == 1
    check_page(official, "f17-desk-group-dissolved")
    official.context.close()

    # The group member's account stops working: the next page sends them to sign in, and the sign-in is refused.
    member.goto(f"{server}/committee/c/{zhulin.id}/sessions")
    assert "/login" in member.url
    member.fill("input[name=username]", username)
    member.fill("input[name=password]", password)
    member.click("button[type=submit].primary")
    assert "/login" in member.url and member.locator("text=登录未通过").count() >= 1
    check_page(member, "f18-desk-member-refused")
    member.context.close()

    # The district's formation rate: one community more, over the same communities.
    reader = desk(browser)
    sign_in(reader, server, clock, "district")
    after = formation_rate(reader, server, "kundulun")
    check_page(reader, "f19-desk-district-after")
    assert after == (before[0] + 1, before[1]), (before, after)
    reader.context.close()
