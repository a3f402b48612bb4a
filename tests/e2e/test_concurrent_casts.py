"""50 casts for one voter at once, through gunicorn with several worker processes: exactly one lands."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.db import db
from app.sessions.models import Ballot
from tests.factories import items, make_world, open_session

ROOT = Path(__file__).resolve().parents[2]
CASTS = 50


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    """gunicorn on loopback, on the test's database and instance folder, with production settings."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "GONGZHI_INSTANCE_PATH": app.instance_path,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "LETTER_RATE_LIMIT": "10000 per minute",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "--workers", "4", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_fifty_racing_casts_land_one_ballot(app: Flask, server: str) -> None:
    world = make_world()
    session, tokens, _ = open_session(world)
    q1, q2 = items(session)
    token = tokens["张伟"]
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def csrf(html: str) -> str:
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]

    page = browser.open(f"{server}/v/{token}", timeout=10).read().decode()
    confirm = urllib.parse.urlencode({"csrf_token": csrf(page), "digits": "1234"}).encode()
    page = browser.open(f"{server}/v/{token}", data=confirm, timeout=10).read().decode()
    assert 'type="radio"' in page
    body = urllib.parse.urlencode({"csrf_token": csrf(page), f"item-{q1}": "agree", f"item-{q2}": "disagree"}).encode()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
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


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None
