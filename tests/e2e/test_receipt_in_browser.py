"""An owner votes in a real browser (Debian's Chromium) and checks the receipt's signature with WebCrypto."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import Browser, Page

from tests.factories import items, make_world, open_session


def cast_in_browser(page: Page, server: str, token: str) -> None:
    page.goto(f"{server}/v/{token}")
    page.fill("input[name=digits]", "1234")
    page.click("button[type=submit].primary")
    page.check("input[type=radio][value=agree] >> nth=0")
    page.click("text=检查我的选择")
    page.click("text=提交我的表决票")
    page.wait_for_url(f"**/v/{token}/receipt")


def test_the_receipt_verifies_in_the_browser_and_a_changed_one_does_not(app: Flask, server: str, page: Page) -> None:
    world = make_world()
    session, tokens, _ = open_session(world)
    items(session)
    requests: list[str] = []
    cast_in_browser(page, server, tokens["张伟"])
    # The QR code image loads lazily as the page scrolls, and the browser fetches the site's icon when it likes;
    # anything else would be the check calling home.
    page.on("request", lambda request: request.resource_type == "image" or "/favicon" in request.url or requests.append(request.url))
    page.click("#verify-button")
    result = page.locator("#verify-result")
    result.and_(page.locator(".verify-ok")).wait_for(timeout=10_000)
    assert "真实有效" in result.inner_text()
    assert requests == []  # the check asked the server nothing

    # The same page with one choice changed in the receipt it holds: the check must fail.
    page.evaluate(
        """() => {
        const root = document.getElementById('verify');
        root.dataset.receipt = root.dataset.receipt.replace('"agree"', '"disagree"');
    }"""
    )
    page.click("#verify-button")
    result.and_(page.locator(".verify-bad")).wait_for(timeout=10_000)
    assert "无效" in result.inner_text() and "哈希" in result.inner_text()


def test_without_javascript_the_receipt_page_still_gives_the_tracker_and_the_download(app: Flask, server: str, browser: Browser) -> None:
    world = make_world()
    session, tokens, _ = open_session(world)
    items(session)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    cast_in_browser(page, server, tokens["张伟"])
    assert page.locator(".tracker code").inner_text().count(" ") == 3
    assert page.locator("#verify-button").is_hidden()  # no dead button without a script to run it
    with page.expect_download() as download:
        page.click("text=下载回执（JSON 文件）")
    assert download.value.suggested_filename.startswith(f"gongzhi-receipt-{session.public_id}-")
    context.close()
