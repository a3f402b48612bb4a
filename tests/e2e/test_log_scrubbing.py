"""No letter's token in anything gunicorn and the application write to their logs, on a real gunicorn with the
production settings (gunicorn.conf.py), its access log switched on."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from app.db import db, make_engine
from tests.e2e.conftest import ROOT, free_port
from tests.factories import make_world, open_session


def escaping_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The application, but a receipt's QR code fails outside it: the error gunicorn itself reports and logs."""
    if environ["PATH_INFO"].endswith("/receipt.svg"):
        raise RuntimeError(f"drawing {environ['PATH_INFO']} failed")
    from wsgi import app

    return app(environ, start_response)  # type: ignore[no-any-return]


Serve = Callable[[str], str]


@pytest.fixture
def serve(app: Flask) -> Iterator[Serve]:
    """Start gunicorn on the test's database with the given application; its error and access logs go to files."""
    processes: list[subprocess.Popen[bytes]] = []
    instance = Path(app.instance_path)

    def start(application: str) -> str:
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": app.config["DATABASE_URL"],
            "GONGZHI_INSTANCE_PATH": app.instance_path,
            "SECRET_KEY": app.config["SECRET_KEY"],
        }
        command = [str(Path(sys.executable).with_name("gunicorn")), "--workers", "1", "--bind", f"127.0.0.1:{port}"]
        command += ["--access-logfile", str(instance / "access.log"), "--error-logfile", str(instance / "error.log"), application]
        processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                return base
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=20)


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        return err.code


def logs(app: Flask) -> tuple[str, str]:
    time.sleep(0.5)  # gunicorn writes its lines after the answer
    instance = Path(app.instance_path)
    return (instance / "error.log").read_text(encoding="utf-8"), (instance / "access.log").read_text(encoding="utf-8")


def test_a_failing_letter_page_leaves_no_token_in_the_error_or_access_log(app: Flask, serve: Serve) -> None:
    _session, tokens, _ = open_session(make_world())
    token = tokens["张伟"]
    base = serve("wsgi:app")
    assert get(f"{base}/v/{token}") == 200
    # The database loses the letters' table under the running server: every letter page now fails.
    db.session.rollback()  # the test's own read of the letters must not hold the table while it is renamed
    engine = make_engine(app.config["DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE voting_letter RENAME TO voting_letter_away"))
    try:
        assert get(f"{base}/v/{token}/receipt") >= 500
    finally:  # the next test's database starts from every table there is
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE voting_letter_away RENAME TO voting_letter"))
        engine.dispose()
    error_log, access_log = logs(app)
    assert "/v/<token>/receipt" in error_log  # the failure is logged, with the address it happened at
    assert "GET /v/<token>/receipt" in access_log and "GET /v/<token> " in access_log
    assert token not in error_log and token not in access_log


def test_an_error_gunicorn_reports_itself_leaves_no_token_in_its_log(app: Flask, serve: Serve) -> None:
    _session, tokens, _ = open_session(make_world())
    token = tokens["张伟"]
    base = serve("tests.e2e.test_log_scrubbing:escaping_app")
    assert get(f"{base}/v/{token}/receipt.svg") == 500
    error_log, access_log = logs(app)
    assert "Error handling request GET /v/<token>/receipt.svg" in error_log and "RuntimeError: drawing /v/<token>" in error_log
    assert "GET /v/<token>/receipt.svg" in access_log
    assert token not in error_log and token not in access_log
