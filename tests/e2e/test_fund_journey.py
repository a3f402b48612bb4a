"""Issue #24's acceptance journey: a building's owners decide and pay for their elevator from the maintenance fund.

The committee imports the bank's deposit file and opens "3 号楼电梯更新" for building 3 alone, with a budget; the
project's item goes on a session next to a whole-community item, and the session is announced. In the voting
window the owners of building 3 see the fund item on their phones and pass it; an owner of building 1 does not
see it. After the close the office certifies; the committee records the approval, books the contractor's
invoice and is refused a second one beyond the budget, with the remainder named. An owner of building 3 reads
their share of the invoice, to the fen, and their balance from their letter. Anyone then recounts the scoped
item from the published bulletin, roll and keys with ``python -m app.domain recount``.

The server runs on a clock the test moves (``clocked`` of the formation journey), so each page is used on its day.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from datetime import timedelta
from pathlib import Path

from flask import Flask
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from app.communities import services as communities
from app.communities.models import Building
from app.db import db
from app.domain.lifecycle import SessionState
from app.sessions import services as sessions
from app.sessions.models import AssemblySession
from tests.e2e import test_formation_journey as formation
from tests.e2e.a11y import check_page
from tests.e2e.conftest import ROOT
from tests.e2e.test_formation_journey import ServerClock, code, desk, sign_in
from tests.e2e.test_journeys import PHONE
from tests.factories import CLI, make_world, register_csv, tokens_by_holder

PROJECT = "3 号楼电梯更新"
FUND_ITEM = f"使用维修资金：{PROJECT}"
WHOLE_ITEM = "续聘物业服务企业"
# Holder: (unit, area in m², last four digits of the ID). Building 1 decides the whole-community item only.
OWNERS = {
    "张伟": ("1-101", "89.50", "1234"),
    "李娜": ("1-102", "120.00", "2345"),
    "陈一": ("3-101", "95.20", "0001"),
    "陈二": ("3-102", "110.35", "0002"),
    "陈三": ("3-201", "87.63", "0003"),
}
BUILDING_3 = ("陈一", "陈二", "陈三")
DEPOSIT_YUAN = {"1-101": "30000.00", "1-102": "30000.00", "3-101": "50000.00", "3-102": "50000.00", "3-201": "50000.00"}
BUDGET_FEN = 300_000_00
INVOICE_FEN = 123_456_78
SECOND_FEN = 200_000_00


clocked = formation.clocked  # gunicorn on the clock the test moves


def yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


def centi(area: str) -> int:
    whole, _, part = area.partition(".")
    return int(whole) * 100 + int(part.ljust(2, "0"))


def shares_by_area(cost_fen: int, units: dict[str, str]) -> dict[str, int]:
    """Written out again here, from RULES §11: floors of cost × area / total, the fen left to the largest remainders."""
    areas = {unit: centi(area) for unit, area in units.items()}
    total = sum(areas.values())
    floors = {unit: cost_fen * a // total for unit, a in areas.items()}
    remainders = {unit: cost_fen * a % total for unit, a in areas.items()}
    left = cost_fen - sum(floors.values())
    for unit in sorted(areas, key=lambda u: (-remainders[u], -areas[u], u))[:left]:
        floors[unit] += 1
    assert sum(floors.values()) == cost_fen
    return floors


def phone_letter(browser: Browser, server: str, token: str, digits: str) -> Page:
    page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    page.goto(f"{server}/v/{token}")
    page.fill("input[name=digits]", digits)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"**/v/{token}")
    return page


def test_building_3_decides_and_pays_for_its_elevator_and_anyone_recounts_it(
    app: Flask, clocked: tuple[str, ServerClock], browser: Browser, tmp_path: Path
) -> None:
    server, clock = clocked
    start = clock.now()

    # 兰亭苑 with buildings 1 and 3 on its register (make_world adds 1 and 2; 2 stays empty).
    world = make_world()
    community = world.community.id
    communities.add_building(CLI, community, "3")
    rows = [f"{unit.split('-')[0]},{unit.split('-')[1]},{area},,,,{name},{digits},," for name, (unit, area, digits) in OWNERS.items()]
    communities.import_register_file(CLI, community, "r.csv", register_csv(*rows))
    building_3 = db.session.execute(select(Building).where(Building.community_id == community, Building.name == "3")).scalar_one()

    # Day 0 at the committee's desk: the bank's deposit file, the project for building 3, the session.
    chair = desk(browser)
    sign_in(chair, server, clock, "chair")
    deposits = tmp_path / "deposits.csv"
    paid_on = (clock.local() - timedelta(days=30)).date().isoformat()
    lines = [f"{unit},{paid_on},{amount},YH-{n:04d}\n" for n, (unit, amount) in enumerate(DEPOSIT_YUAN.items())]
    deposits.write_text("房号,日期,金额,凭证号\n" + "".join(lines), encoding="utf-8")
    chair.goto(f"{server}/committee/c/{community}/fund/accounts")
    chair.set_input_files("form[action$='/accounts/import'] input[type=file]", str(deposits))
    chair.click("form[action$='/accounts/import'] button[type=submit]")
    chair.wait_for_selector(".flash-success")
    assert chair.locator("#reconciliation .flash-success").count() == 1  # the accounts and the fund ledger agree

    chair.goto(f"{server}/committee/c/{community}/fund/projects")
    chair.fill("input[name=title]", PROJECT)
    chair.fill("textarea[name=works]", "更换 3 号楼两部客梯的曳引机、控制柜和轿厢，拆除旧梯并通过特种设备检验。")
    chair.check(f"input[name=buildings][value='{building_3.id}']")
    chair.fill("input[name=contractor]", "包头市安达电梯工程有限公司")
    chair.fill("input[name=budget]", yuan(BUDGET_FEN))
    chair.click("form.form button[type=submit].primary")
    chair.wait_for_selector(".flash-success")
    project_url = chair.url
    assert chair.locator("h1").inner_text() == PROJECT
    assert chair.locator("dl.facts", has_text="3 套房屋").count() == 1  # the scope: building 3's three units

    local = clock.local()
    chair.goto(f"{server}/committee/c/{community}/sessions")
    chair.fill("input[name=title]", "2027 年第一次业主大会")
    chair.fill("input[name=opens_at]", (local + timedelta(days=16)).strftime("%Y-%m-%dT%H:%M"))
    chair.fill("input[name=closes_at]", (local + timedelta(days=23)).strftime("%Y-%m-%dT%H:%M"))
    chair.click("form.form button[type=submit]")
    session_url = chair.url
    chair.select_option("form[action$='/items'] select[name=matter]", "cn.hire_manager")
    chair.fill("form[action$='/items'] input[name=title]", WHOLE_ITEM)
    chair.click("form[action$='/items'] button")
    chair.goto(project_url)
    chair.select_option("form[action$='/session'] select[name=session]", label="2027 年第一次业主大会")
    chair.click("form[action$='/session'] button[type=submit]")
    chair.wait_for_selector(".flash-success")
    check_page(chair, "j01-desk-fund-project-on-session")
    chair.goto(session_url)
    assert chair.locator(f"text={FUND_ITEM}").count() >= 1
    chair.click("form[action$='/announce'] button")
    chair.wait_for_selector(".flash-success")
    chair.click("form[action$='/letters/print'] button")
    assert chair.locator(".letter-page").count() == len(OWNERS)
    chair.context.close()

    db.session.rollback()
    assembly = db.session.execute(select(AssemblySession).where(AssemblySession.community_id == community)).scalar_one()
    fund_item = next(i for i in assembly.items if i.scope is not None)
    whole_item = next(i for i in assembly.items if i.scope is None)
    assert fund_item.title == FUND_ITEM and sorted(fund_item.scope) == ["3-101", "3-102", "3-201"]
    tokens = tokens_by_holder(assembly.id)

    # Day 16: voting is open. Building 3's owners see the fund item and pass it (two for, one against);
    # building 1's owners see only the whole-community item.
    clock.move_to(assembly.opens_at + timedelta(hours=1))
    for name, (_unit, _area, digits) in OWNERS.items():
        phone = phone_letter(browser, server, tokens[name], digits)
        phone.locator(f"input[name=item-{whole_item.id}]").first.wait_for()
        phone.check(f"input[name=item-{whole_item.id}][value=agree]")
        if name in BUILDING_3:
            assert phone.locator(f"text={FUND_ITEM}").count() >= 1
            assert phone.locator("text=仅由3 号楼的业主表决。").count() == 1
            assert phone.locator("input[type=radio]").count() == 6
            phone.check(f"input[name=item-{fund_item.id}][value={'disagree' if name == '陈三' else 'agree'}]")
            if name == "陈一":
                check_page(phone, "j02-phone-ballot-building-3")
        else:
            assert PROJECT not in phone.content()
            assert phone.locator("input[type=radio]").count() == 3
            if name == "张伟":
                check_page(phone, "j03-phone-ballot-building-1")
        phone.click("text=检查我的选择")
        phone.click("text=提交我的表决票")
        phone.wait_for_url("**/receipt")
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        phone.context.close()

    # Day 23: the window closed and the votes are counted; the street office certifies with a fresh code.
    clock.move_to(assembly.closes_at + timedelta(minutes=5))
    sessions.sync_state(assembly.id, now=clock.now())
    db.session.rollback()
    db.session.refresh(assembly)
    assert assembly.state is SessionState.TALLIED
    stored = next(i for i in assembly.result["items"] if i["id"] == str(fund_item.id))  # type: ignore[index]
    assert stored["outcome"] == "passed", stored
    scope_area = sum(centi(OWNERS[name][1]) for name in BUILDING_3)
    assert stored["scope"] == sorted(fund_item.scope) and stored["totals"] == {"area": yuan(scope_area), "heads": 3}
    assert stored["agree"] == {"area": yuan(scope_area - centi(OWNERS["陈三"][1])), "heads": 2}

    # Day 30: the preliminary result's objection period is over, with no objection.
    assert assembly.objections_until is not None
    clock.move_to(assembly.objections_until + timedelta(minutes=5))
    official = desk(browser)
    sign_in(official, server, clock, "official")
    official.click("text=街道办事处")
    official.click(f"text=兰亭苑 · {assembly.title}")
    official.check("input[value=certified]")
    official.fill("input[name=code]", code(clock, "official"))
    official.click("text=记录并签署意见")
    official.wait_for_selector("text=您的意见已记录并签名")
    official.context.close()

    # The committee records the approval and books the contractor's first invoice; a second beyond the budget is refused.
    chair = desk(browser)
    sign_in(chair, server, clock, "chair")
    chair.goto(project_url)
    chair.click("form[action$='/approve'] button[type=submit]")
    chair.wait_for_selector(".flash-success")
    invoice_day = clock.local().date().isoformat()
    chair.fill("form[action$='/invoices'] input[name=day]", invoice_day)
    chair.fill("form[action$='/invoices'] input[name=amount]", yuan(INVOICE_FEN))
    chair.fill("form[action$='/invoices'] input[name=voucher]", "NO.04417781")
    chair.click("form[action$='/invoices'] button[type=submit]")
    chair.wait_for_selector(".flash-success")
    left = BUDGET_FEN - INVOICE_FEN
    assert chair.locator(f"text=预算尚余 {yuan(left)} 元").count() == 1
    check_page(chair, "j04-desk-fund-project-invoiced")
    chair.fill("form[action$='/invoices'] input[name=day]", invoice_day)
    chair.fill("form[action$='/invoices'] input[name=amount]", yuan(SECOND_FEN))
    chair.fill("form[action$='/invoices'] input[name=voucher]", "NO.04417782")
    chair.click("form[action$='/invoices'] button[type=submit]")
    refusal = chair.locator(".flash-error")
    refusal.wait_for()
    assert refusal.inner_text().strip() == f"{yuan(SECOND_FEN)} 元超出预算余额：预算 {yuan(BUDGET_FEN)} 元，尚余 {yuan(left)} 元。"
    assert chair.locator(f"text=预算尚余 {yuan(left)} 元").count() == 1  # the page still offers the remainder
    assert chair.locator(f"text=¥{yuan(INVOICE_FEN)}").count() == 1  # spent: the first invoice only
    check_page(chair, "j05-desk-fund-project-refused")
    chair.context.close()

    # An owner of building 3 opens their letter on a phone and reads their share of the invoice and their balance.
    unit, _area, digits = OWNERS["陈二"]
    shares = shares_by_area(INVOICE_FEN, {u: a for name, (u, a, _d) in OWNERS.items() if name in BUILDING_3})
    owner = phone_letter(browser, server, tokens["陈二"], digits)
    owner.click(f"a[href$='/v/{tokens['陈二']}/fund']")
    owner.wait_for_url("**/fund")
    statement = owner.locator("section.panel", has_text=unit)
    row = statement.locator("li.share", has_text=PROJECT)
    assert row.locator("dd.num").all_inner_texts() == [yuan(INVOICE_FEN), yuan(shares[unit])]
    balance = centi(DEPOSIT_YUAN[unit]) - shares[unit]
    assert statement.locator("dd strong").inner_text() == yuan(balance)
    assert owner.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check_page(owner, "j06-phone-fund-account")
    owner.context.close()
    # An owner of building 1 bears none of it.
    unit, _area, digits = OWNERS["张伟"]
    other = phone_letter(browser, server, tokens["张伟"], digits)
    other.goto(f"{server}/v/{tokens['张伟']}/fund")
    assert other.locator("dl.facts dd").all_inner_texts()[1:] == [yuan(centi(DEPOSIT_YUAN[unit])), "0.00", yuan(centi(DEPOSIT_YUAN[unit]))]
    assert PROJECT not in other.content()
    other.context.close()

    # Anyone recounts the session from the published bulletin, roll and keys, and gets the scoped item's result.
    for name, path in (
        ("bulletin.json", f"/s/{assembly.public_id}/bulletin.json"),
        ("roll.json", f"/s/{assembly.public_id}/roll.json"),
        ("keys.json", "/.well-known/gongzhi-keys.json"),
    ):
        (tmp_path / name).write_bytes(urllib.request.urlopen(server + path, timeout=10).read())
    done = subprocess.run(
        [sys.executable, "-m", "app.domain", "recount", "bulletin.json", "--keys", "keys.json", "--roll", "roll.json"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    recounted = json.loads(done.stdout)
    item = next(i for i in recounted["items"] if i["id"] == str(fund_item.id))
    assert item == stored  # outcome, the scope's totals, every count
    assert recounted == assembly.result
    assert clock.now() - start > timedelta(days=23)
