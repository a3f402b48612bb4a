"""Journey 1 on a phone: an owner votes on three items and an election, checks the receipt and finds it on the board."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import Browser

from tests.e2e.a11y import check_page
from tests.e2e.test_journeys import PHONE
from tests.factories import make_world
from tests.services.test_elections import new_election, on_ballot, stand, vet_all


def test_an_owner_votes_on_three_items_and_an_election_with_the_keyboard_and_verifies_the_receipt(
    app: Flask, server: str, browser: Browser
) -> None:
    setup = new_election(make_world())
    for n in range(1, 8):
        stand(setup, n)
    vet_all(setup)
    session, tokens, item, _cand = on_ballot(setup, questions=("通过业主大会议事规则", "续聘物业服务企业", "公开公共收益账目"))
    token = tokens["业主1"]
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    # As a QR scan would: the letter's URL; the owner confirms the digits with the keyboard alone.
    page.goto(f"{server}/v/{token}")
    check_page(page, "01-letter-confirm")
    page.focus("input[name=digits]")
    page.keyboard.type("0001")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"input[name=elect-{item}]")
    check_page(page, "02-ballot")
    for n in range(3):  # agree on the three questions: focus the option and press Space
        page.focus(f"input[type=radio][value=agree] >> nth={n}")
        page.keyboard.press("Space")
    boxes = page.locator(f"input[name=elect-{item}]")
    assert boxes.count() == 7
    counter = page.locator(f"[data-counter-for='{item}']")
    for n in range(5):
        boxes.nth(n).focus()
        page.keyboard.press("Space")
    assert counter.inner_text() == "已选 5 / 5"
    assert boxes.nth(5).is_disabled() and boxes.nth(6).is_disabled()  # no sixth approval for five seats
    boxes.nth(4).focus()
    page.keyboard.press("Space")  # change of mind: the fifth is unticked, the others come back
    assert counter.inner_text() == "已选 4 / 5" and boxes.nth(6).is_enabled()
    page.click("text=检查我的选择")
    names = page.locator("li").filter(has_text="第一届业主委员会选举").inner_text()
    assert "业主1、业主2、业主3、业主4" in names
    check_page(page, "03-review")
    page.click("text=提交我的表决票")
    page.wait_for_url(f"**/v/{token}/receipt")
    check_page(page, "04-receipt")
    page.click("#verify-button")
    page.locator("#verify-result.verify-ok, #verify-result .verify-ok, .verify-ok").first.wait_for(timeout=10_000)
    tracker = page.locator(".tracker code").inner_text().replace(" ", "")
    # The tracker is on the public bulletin board.
    page.goto(f"{server}/s/{session.public_id}/bulletin")
    page.fill("input[name=tracker]", tracker)
    page.keyboard.press("Enter")
    page.wait_for_url("**tracker=*")
    assert "找到" in page.locator("[role=status]").inner_text()
    check_page(page, "05-bulletin")
    # The same letter again shows the ballot, with the approved candidates by name.
    page.goto(f"{server}/v/{token}")
    assert page.locator(f"input[name=elect-{item}]").count() == 0 and "业主1、业主2、业主3、业主4" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()


def test_the_election_and_committee_pages_pass_the_accessibility_check(app: Flask, server: str, browser: Browser) -> None:
    from tests.e2e.test_journeys import DESK, login
    from tests.services.test_elections import certified

    world = make_world()
    setup, _cand = certified(world)
    page = browser.new_context(viewport=DESK, locale="zh-CN").new_page()
    login(page, server, "official")
    page.goto(f"{server}/elections/{setup.election.public_id}")
    check_page(page, "40-election-manage")
    page.click("form[action$='/seat'] button")
    page.goto(f"{server}/c/lanting/committee")
    assert page.locator("text=候补委员（按顺序）").is_visible()
    check_page(page, "41-committee")
    page.goto(f"{server}/committee/c/{world.community.id}/elections")
    check_page(page, "42-elections")
    page.goto(f"{server}/office/c/{world.other_community.id}/temporary")
    check_page(page, "43-temporary-committee")
    phone = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    phone.goto(f"{server}/e/{setup.election.public_id}")
    check_page(phone, "44-election-public")
