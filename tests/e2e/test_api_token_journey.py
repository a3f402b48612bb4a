"""An official makes an API token in the browser; another system uses it over HTTP until it is revoked."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from flask import Flask
from playwright.sync_api import Browser

from tests.e2e.a11y import check_page
from tests.e2e.test_journeys import PHONE, login
from tests.factories import make_world, next_code


def call(url: str, token: str) -> tuple[int, str, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers.get_content_type(), json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers.get_content_type(), json.loads(refused.read())


def test_an_official_makes_a_token_on_the_phone_and_revokes_it(app: Flask, server: str, browser: Browser) -> None:
    world = make_world()
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    login(page, server, "official")
    page.goto(f"{server}/account")
    check_page(page, "50-account-tokens")
    page.fill("#token-name", "市级平台")
    page.check("input[name=scopes][value=office]")
    page.fill("#token-code", next_code("official"))
    page.click("button:has-text('生成令牌')")
    secret = page.locator("#api-token").inner_text()
    assert secret.startswith("gz_")
    check_page(page, "51-token-created")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    dashboard = f"{server}/api/v1/offices/{world.office.code}/communities"
    status, _kind, rows = call(dashboard, secret)
    assert status == 200 and [r["community"] for r in rows] == ["lanting", "meiyuan"]

    page.goto(f"{server}/account")
    assert page.locator("text=市级平台").is_visible()
    page.click("button:has-text('撤销')")
    page.wait_for_selector("text=已撤销")
    status, kind, problem = call(dashboard, secret)
    assert status == 401 and kind == "application/problem+json" and problem["status"] == 401
    context.close()
