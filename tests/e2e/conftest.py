"""gunicorn serving the test's database and instance folder, for tests that need real processes and sockets."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(app: Flask, target: str = "wsgi:app", *, workers: int = 4, env: dict[str, str] | None = None) -> Iterator[str]:
    """gunicorn serving ``target`` on loopback, on the test's database and instance folder, until the block ends."""
    port = free_port()
    environ = {
        **os.environ,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "GONGZHI_INSTANCE_PATH": app.instance_path,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "LETTER_RATE_LIMIT": "10000 per minute",
        **(env or {}),
    }
    binary = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(binary), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", target],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.DEVNULL,
        # The request log and any traceback go to a file: a pipe nobody reads would fill and stall the workers.
        stderr=(Path(app.instance_path) / "gunicorn.log").open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
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


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    """gunicorn on loopback, on the test's database and instance folder, with production settings."""
    with gunicorn(app) as base:
        yield base


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert shutil.which(CHROMIUM), "browser tests need Debian's Chromium: apt-get install chromium"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.route("**/*", lambda route: route.abort() if not route.request.url.startswith("http://127.0.0.1") else route.continue_())
    yield page
    context.close()
