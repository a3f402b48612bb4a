"""50 casts for one voter at once, through gunicorn with several worker processes: exactly one lands."""

from __future__ import annotations

import http.cookiejar
import json
import re
import threading
import urllib.parse
import urllib.request
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from app.db import db
from app.domain.bulletin import recount
from app.domain.receipts import PublishedKey
from app.sessions import services
from app.sessions.models import Ballot, BulletinEntry
from tests.factories import items, make_world, open_session

CASTS = 50
VOTERS = 30


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def confirmed_browser(server: str, token: str, digits: str) -> tuple[urllib.request.OpenerDirector, str]:
    """A browser that has opened the letter; returns it and the ballot form's CSRF token."""
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = browser.open(f"{server}/v/{token}", timeout=10).read().decode()
    confirm = urllib.parse.urlencode({"csrf_token": csrf(page), "digits": digits}).encode()
    page = browser.open(f"{server}/v/{token}", data=confirm, timeout=10).read().decode()
    assert 'type="radio"' in page
    return browser, csrf(page)


def test_fifty_racing_casts_land_one_ballot(app: Flask, server: str) -> None:
    world = make_world()
    session, tokens, _ = open_session(world)
    q1, q2 = items(session)
    token = tokens["张伟"]
    browser, form_csrf = confirmed_browser(server, token, "1234")
    body = urllib.parse.urlencode({"csrf_token": form_csrf, f"item-{q1}": "agree", f"item-{q2}": "disagree"}).encode()
    cookie = "; ".join(f"{c.name}={c.value}" for c in cookie_jar(browser))
    start = threading.Barrier(CASTS)
    answers: list[str] = []

    def cast() -> None:
        request = urllib.request.Request(f"{server}/v/{token}/cast", data=body, headers={"Cookie": cookie})
        opener = urllib.request.build_opener(NoRedirect)
        start.wait()
        try:
            response = opener.open(request, timeout=30)
            text = response.read().decode()
            answers.append("refused" if "已经提交，不能更改" in text else f"other {response.status}")
        except urllib.error.HTTPError as error:
            answers.append("cast" if error.code == 302 else f"error {error.code}")

    threads = [threading.Thread(target=cast) for _ in range(CASTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == ["cast"] + ["refused"] * (CASTS - 1)
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar_one() == 1
    assert db.session.execute(select(func.count()).select_from(BulletinEntry)).scalar_one() == 1


def cookie_jar(browser: urllib.request.OpenerDirector) -> http.cookiejar.CookieJar:
    handler = next(h for h in browser.handlers if isinstance(h, urllib.request.HTTPCookieProcessor))
    return handler.cookiejar


def test_voters_casting_at_once_in_several_processes_leave_one_unbroken_chain(app: Flask, server: str) -> None:
    world = make_world()
    session, tokens, now = open_session(world, more_voters=VOTERS)
    q1, _q2 = items(session)
    ready = []
    for n in range(1, VOTERS + 1):
        browser, form_csrf = confirmed_browser(server, tokens[f"业主{n}"], f"{n:04d}")
        choice = ("agree", "disagree", "abstain")[n % 3]
        ready.append((browser, tokens[f"业主{n}"], urllib.parse.urlencode({"csrf_token": form_csrf, f"item-{q1}": choice}).encode()))
    start = threading.Barrier(VOTERS)
    statuses: list[int] = []

    def cast(browser: urllib.request.OpenerDirector, token: str, body: bytes) -> None:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookie_jar(browser)), NoRedirect)
        start.wait()
        try:
            opener.open(f"{server}/v/{token}/cast", data=body, timeout=60)
            statuses.append(200)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)

    threads = [threading.Thread(target=cast, args=args) for args in ready]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302] * VOTERS
    services.sync_state(session.id, now=now + timedelta(days=30))
    published = json.loads(urllib.request.urlopen(f"{server}/s/{session.public_id}/bulletin.json", timeout=10).read())
    keys = [PublishedKey.from_json(k) for k in json.loads(urllib.request.urlopen(f"{server}/.well-known/gongzhi-keys.json").read())["keys"]]
    count = recount(published["entries"], keys)
    assert count.sealed and count.ballots == VOTERS and count.entries == VOTERS + 1
    assert count.sums[q1]["agree"].heads == VOTERS // 3


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None
