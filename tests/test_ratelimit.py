"""The in-process rate-limit storage counts like limits' memory storage, without starting a thread per hit."""

from __future__ import annotations

import threading
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from app.ratelimit import LocalStorage


def test_local_storage_counts_and_expires_like_memory_storage() -> None:
    storage = storage_from_string("local://")
    assert isinstance(storage, LocalStorage)
    limiter = FixedWindowRateLimiter(storage)
    limit = parse("3/second")
    assert [limiter.hit(limit, "ip") for _ in range(4)] == [True, True, True, False]
    time.sleep(1.05)
    assert limiter.hit(limit, "ip")  # a new window


def test_hits_start_no_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    storage = storage_from_string("local://")
    limiter = FixedWindowRateLimiter(storage)
    limit = parse("1000/minute")
    started = []
    original = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda self: (started.append(self), original(self))[1])
    for n in range(20):
        limiter.hit(limit, f"ip-{n % 5}")
        time.sleep(0.012)  # longer than memory://'s timer, which starts a new thread for nearly every hit
    assert started == []


def test_the_app_limits_letter_attempts_with_it(app: Flask, client: FlaskClient) -> None:
    app.config["LETTER_RATE_LIMIT"] = "2 per minute"
    statuses = [client.post("/v/not-a-letter", data={"digits": "1234"}).status_code for _ in range(3)]
    assert statuses[-1] == 429
