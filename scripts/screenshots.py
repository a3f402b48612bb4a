"""The README's screenshots, taken of the demo as `make run` seeds it: python scripts/screenshots.py [OUT_DIR]

A fresh database and instance folder in a temporary directory, `flask db upgrade`, `flask demo`, `flask keys
init`, gunicorn on loopback, then Debian's Chromium through Playwright: an owner votes on a 390×844 phone
with a letter the demo prints, the street official signs in (enrolling an authenticator from the key the
page shows), and the public committee and result pages. Writes docs/screenshots/ unless told otherwise.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pyotp
from playwright.sync_api import Page, ViewportSize, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
PHONE = ViewportSize(width=390, height=844)
DESK = ViewportSize(width=1366, height=768)
PASSWORD = "gongzhi-demo-2026"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _flask(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def _shoot(page: Page, out: Path, name: str) -> None:
    page.screenshot(path=str(out / f"{name}.png"), full_page=True)
    print(f"{out / name}.png")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/gongzhi.db",
            "GONGZHI_INSTANCE_PATH": folder,
            "SECRET_KEY": secrets.token_hex(32),
            "GONGZHI_BASE_URL": base,
            "GONGZHI_LANG": "en",
        }
        _flask(env, "db", "upgrade")
        printed = _flask(env, "demo")
        _flask(env, "keys", "init")
        url, _holder, _units, digits = next(line.split() for line in printed.splitlines() if "/v/" in line)
        tallied = re.search(r"梅园小区 2026 年第二次业主大会: tallied, (/s/\S+)", printed)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(
            [str(gunicorn), "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                phone = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
                phone.goto(url)
                phone.fill("input[name=digits]", digits)
                phone.click("button[type=submit].primary")
                for choice in phone.locator("input[type=radio][value=agree]").all():
                    choice.check()
                _shoot(phone, out, "02-ballot")
                phone.click("text=检查我的选择")
                phone.click("text=提交我的表决票")
                phone.wait_for_url("**/receipt")
                _shoot(phone, out, "04-receipt")
                if tallied:
                    phone.goto(base + tallied.group(1))
                    _shoot(phone, out, "31-result-zh")

                desk = browser.new_context(viewport=DESK, locale="zh-CN").new_page()
                desk.goto(f"{base}/c/lanting/committee")
                _shoot(desk, out, "41-committee")
                desk.goto(f"{base}/login")
                desk.fill("input[name=username]", "xinhua-official")
                desk.fill("input[name=password]", PASSWORD)
                desk.click("button[type=submit].primary")
                key = "".join(desk.inner_text("code.secret").split())
                desk.fill("input[name=code]", pyotp.TOTP(key).now())
                desk.click("button[type=submit].primary")
                desk.goto(base + (desk.get_attribute("a[href^='/office/']", "href") or "/office/1"))
                _shoot(desk, out, "22-office-dashboard")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
