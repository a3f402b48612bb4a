"""Journeys in Debian's Chromium against gunicorn: an owner on a phone, a street official at a desk, the public board."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlparse

from flask import Flask
from playwright.sync_api import Browser, Page

from app.db import db, utcnow
from app.sessions import services as sessions
from app.sessions.models import AssemblySession
from app.voting import services as voting
from tests.e2e.a11y import check_page
from tests.factories import items, make_world, next_code, open_session, past_session

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 768}
DATA_URI = re.compile(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+")


def weigh(page: Page, url: str) -> tuple[int, set[str]]:
    """Bytes of HTML, CSS and JS a page load takes (inline images left out), and the hosts it asked."""
    sizes: list[int] = []
    hosts: set[str] = set()

    def seen(response) -> None:  # type: ignore[no-untyped-def]
        hosts.add(urlparse(response.url).netloc)
        if response.request.resource_type in ("document", "stylesheet", "script"):
            body = response.body()
            if response.request.resource_type == "document":
                body = DATA_URI.sub("", body.decode()).encode()
            sizes.append(len(body))

    page.on("response", seen)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", seen)
    return sum(sizes), hosts


def test_on_a_phone_the_voting_and_receipt_pages_stay_light_and_local(app: Flask, server: str, browser: Browser) -> None:
    world = make_world()
    session, tokens, _ = open_session(world)
    items(session)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    token = tokens["张伟"]
    page.goto(f"{server}/v/{token}")
    page.fill("input[name=digits]", "1234")
    page.click("button[type=submit].primary")
    voting, voting_hosts = weigh(page, f"{server}/v/{token}")
    assert page.locator("input[type=radio]").count() == 6  # two items, three large choices each
    page.check("input[type=radio][value=agree] >> nth=0")
    page.click("text=检查我的选择")
    page.click("text=提交我的表决票")
    page.wait_for_url(f"**/v/{token}/receipt")
    receipt, receipt_hosts = weigh(page, f"{server}/v/{token}/receipt")
    assert voting < 100_000 and receipt < 100_000, (voting, receipt)
    assert voting_hosts | receipt_hosts == {urlparse(server).netloc}
    # The same letter again: the ballot, never a new form.
    page.goto(f"{server}/v/{token}")
    assert page.locator("input[type=radio]").count() == 0 and page.locator("text=您的表决票").first.is_visible()
    # No part of the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()


def login(page: Page, server: str, username: str) -> None:
    page.goto(f"{server}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit].primary")
    page.fill("input[name=code]", next_code(username))
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/login" not in url)


def test_a_street_official_certifies_with_totp_revokes_a_decision_and_the_board_shows_it(app: Flask, server: str, browser: Browser) -> None:
    world = make_world()
    session, tokens, now = past_session(world)  # counted ten days ago: the objection period is over
    q1, q2 = items(session)
    for holder in ("张伟", "李娜", "赵敏"):
        voting.cast_ballot(tokens[holder], {q1: "agree", q2: "agree"}, ip="t", now=now)
    sessions.sync_state(session.id, now=session.closes_at + timedelta(minutes=1))
    db.session.rollback()
    assembly = db.session.get(AssemblySession, session.id)
    assert assembly is not None and assembly.state.value == "tallied"

    context = browser.new_context(viewport=DESK, locale="zh-CN")
    page = context.new_page()
    login(page, server, "official")
    page.click("text=街道办事处")
    page.click(f"text={assembly.title}")
    page.check("input[value=certified]")
    check_page(page, "20-certification-review")
    page.fill("input[name=code]", next_code("official"))
    page.click("text=记录并签署意见")
    page.wait_for_selector("text=您的意见已记录并签名")

    page.goto(f"{server}/office/{world.office.id}/orders")
    page.select_option("select[name=kind]", "revoke")
    page.fill("input[name=subject]", "续聘决定程序违法")
    page.fill("textarea[name=body]", "经查，续聘议题的表决程序不符合议事规则。")
    page.fill("input[name=due_on]", (utcnow() + timedelta(days=10)).date().isoformat())
    page.fill("input[name=item_id]", q1)
    page.once("dialog", lambda d: d.accept())  # "Issue the order? ..."
    page.click("text=发出并公告")
    page.wait_for_selector("text=已发出，并在小区公告栏公告")
    check_page(page, "21-orders")
    page.goto(f"{server}/office/{world.office.id}")
    check_page(page, "22-office-dashboard")
    context.close()

    public = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    public.goto(f"{server}/c/lanting")
    assert public.locator("text=撤销决定公告：续聘决定程序违法").is_visible()
    assert public.locator(f"text=表决结果公告：{assembly.title}").is_visible()


def test_the_public_board_and_a_result_read_without_login_in_chinese_and_english(app: Flask, server: str, browser: Browser) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _ = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree"}, ip="t", now=now)
    page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    page.goto(f"{server}/c/lanting")
    assert page.locator("h1").inner_text() == "公告栏"
    check_page(page, "30-board-zh")
    page.click(".card h2 a >> nth=0")  # the announcement, the only notice
    assert page.locator("text=表决权名册自本公告起冻结").is_visible()
    page.goto(f"{server}/s/{session.public_id}")
    assert page.locator("h2#turnout-heading").inner_text() == "目前的参与情况"
    check_page(page, "31-result-zh")
    page.click("button[lang=en]")
    page.goto(f"{server}/c/lanting")
    assert page.locator("h1").inner_text() == "Public notice board"
    page.goto(f"{server}/s/{session.public_id}")
    assert page.locator("h2#turnout-heading").inner_text() == "Turnout so far"
    page.goto(f"{server}/s/{session.public_id}/bulletin")
    assert page.locator("h1").inner_text() == "Bulletin board"
    check_page(page, "32-bulletin-en")


def test_a_committee_at_its_desk_announces_prints_enters_paper_and_publishes(app: Flask, server: str, browser: Browser) -> None:
    from zoneinfo import ZoneInfo

    from app.accounts.services import create_user
    from app.db import utcnow
    from app.security.roles import Role
    from tests.factories import CLI, PASSWORD, enrol

    world = make_world()
    enrol(
        create_user(CLI, username="m2", display_name="委员", password=PASSWORD, role=Role.COMMITTEE_MEMBER, community_id=world.community.id)
    )
    open_one, _, _ = open_session(world)
    community = world.community.id
    chair = browser.new_context(viewport=DESK, locale="zh-CN").new_page()
    login(chair, server, "chair")

    # Draft, add an item, announce, print the letters.
    local = utcnow().astimezone(ZoneInfo("Asia/Shanghai"))
    chair.goto(f"{server}/committee/c/{community}/sessions")
    chair.fill("input[name=title]", "2027 年第一次业主大会")
    chair.fill("input[name=opens_at]", (local + timedelta(days=16)).strftime("%Y-%m-%dT%H:%M"))
    chair.fill("input[name=closes_at]", (local + timedelta(days=23)).strftime("%Y-%m-%dT%H:%M"))
    chair.click("form.form button[type=submit]")
    chair.fill("form[action$='/items'] input[name=title]", "续聘物业服务企业")
    chair.click("form[action$='/items'] button")
    check_page(chair, "10-session-draft")
    chair.click("form[action$='/announce'] button")
    assert chair.locator("#roll-heading").is_visible()
    check_page(chair, "11-session-announced")
    chair.click("form[action$='/letters/print'] button")
    assert chair.locator(".letter-page").count() == 4  # one per holder: 李娜 and 王强 each get their own

    # A paper ballot entered by the chair and confirmed by a second member.
    chair.goto(f"{server}/committee/s/{open_one.public_id}")
    chair.fill("input[name=unit]", "1-103")
    chair.fill("input[name=paper_reference]", "纸-0001")
    for blank in chair.locator("form[action$='/paper'] input[type=radio][value=abstain]").all():
        blank.check()  # this paper left every question blank: entered as 弃权 on purpose
    chair.click("form[action$='/paper'] button[type=submit]")
    member = browser.new_context(viewport=DESK, locale="zh-CN").new_page()
    login(member, server, "m2")
    member.goto(f"{server}/committee/s/{open_one.public_id}")
    check_page(member, "12-paper-confirm")
    member.once("dialog", lambda dialog: dialog.accept())  # "Confirm that this entry matches the paper ballot?"
    member.click("form[action*='/committee/paper/'] button")
    assert member.locator(".flash-success").count() == 1

    # A notice, and a statement that the second member confirms.
    chair.goto(f"{server}/committee/c/{community}/notices")
    chair.fill("input[name=title]", "绿化修剪通知")
    chair.fill("textarea[name=body]", "下周二修剪小区树木，请勿停车于树下。")
    chair.click("form.form button[type=submit]")
    chair.click("form[action$='/publish'] button")
    chair.goto(f"{server}/committee/c/{community}/ledgers/public_income")
    chair.fill("input[name=day]", f"{local.year - 1}-06-01")
    chair.fill("input[name=amount]", "1,500.00")
    chair.select_option("select[name=category]", "parking")
    chair.click("form.form button.primary >> nth=-1")
    check_page(chair, "13-ledger")
    chair.click("form[action$='/close'] button")
    member.goto(f"{server}/committee/c/{community}/notices")
    member.click("tbody a >> nth=0")  # the statement waiting for confirmation comes first
    member.click("form[action$='/confirm'] button")
    board = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    board.goto(f"{server}/c/lanting")
    assert board.locator("text=绿化修剪通知").is_visible()
    check_page(board, "14-board-after")
    assert board.locator(f"text=公共收益账目公示（{local.year - 1}）").is_visible()


def too_small(page: Page) -> list[str]:
    """The visible controls shorter than 44 px: a finger's width on a phone."""
    controls = page.locator("input:not([type=radio]):not([type=checkbox]):not([type=hidden]), button, select, textarea, a.button, summary")
    small = []
    for i in range(controls.count()):
        control = controls.nth(i)
        box = control.bounding_box()
        if control.is_visible() and box is not None and box["height"] < 44:
            small.append(f"{control.evaluate('e => e.outerHTML.slice(0, 80)')}: {box['height']:.0f} px")
    return small


def test_on_a_phone_the_letter_survives_the_language_switch_and_back_after_casting(app: Flask, server: str, browser: Browser) -> None:
    world = make_world()
    session, tokens, _ = open_session(world)
    items(session)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    token = tokens["张伟"]
    page.goto(f"{server}/v/{token}")
    assert page.locator("input[name=digits]").get_attribute("inputmode") == "numeric"
    assert too_small(page) == []
    page.fill("input[name=digits]", "１２３４")  # a Chinese keyboard's full-width digits
    page.click("button[type=submit].primary")
    page.wait_for_url(f"**/v/{token}")
    # The language switch keeps the letter open, both ways.
    page.click("button[lang=en]")
    page.wait_for_url(f"**/v/{token}")
    assert page.locator("#you-heading").inner_text() == "Your vote in this session"
    page.click("button[lang=zh-CN]")
    page.wait_for_url(f"**/v/{token}")
    assert page.locator("#you-heading").inner_text() == "您在本次会议中的表决权"
    assert too_small(page) == []
    page.check("input[type=radio][value=agree] >> nth=0")
    page.click("text=检查我的选择")
    page.wait_for_url(f"**/v/{token}/review")
    page.click("text=提交我的表决票")
    page.wait_for_url(f"**/v/{token}/receipt")
    assert page.locator("h1").inner_text() == "您的表决票已记录"
    assert too_small(page) == []
    # Back after casting: no offer to post the form again, and no live cast button; the ballot.
    page.go_back()
    page.wait_for_url(f"**/v/{token}")
    assert page.locator("text=不能再次提交").is_visible()
    assert page.locator("text=提交我的表决票").count() == 0 and page.locator("input[type=radio]").count() == 0
    page.goto(f"{server}/s/{session.public_id}/bulletin")
    assert too_small(page) == [], "the bulletin's tracker search"
    context.close()
