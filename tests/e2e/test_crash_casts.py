"""Workers killed with SIGKILL in the middle of a few hundred casts lose no acknowledged ballot.

Every voter replays the phone's flow against gunicorn over the JSON API: open
the letter with the ID digits, then cast. While the casts run, worker
processes are killed one at a time (gunicorn's master starts a new one each
time). A request cut off by a kill is sent again, as a phone would, until it
gets an answer. The server acknowledges a ballot by answering with its
receipt; a retried cast told "already cast" landed before the kill cut the
answer off, and the letter then shows its receipt. After the close, every
acknowledged receipt must be on the sealed bulletin, each voter must have
exactly one ballot, `flask audit verify` must pass, and the public recount of
the published files must give the published result.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from app.db import db
from app.domain.bulletin import recount
from app.domain.receipts import PublishedKey, verify_receipt
from app.sessions import services
from app.sessions.models import Ballot
from tests.factories import items, make_world, open_session

from .conftest import ROOT

VOTERS = 240
CLIENTS = 12
KILLS = 5
DEADLINE_S = 120  # the casts give up after this: a stuck server fails the test instead of hanging it


@dataclass
class Voter:
    token: str
    digits: str
    choices: dict[str, str]
    receipt: dict[str, Any] | None = None  # the receipt the server answered the cast with
    landed_unanswered: dict[str, Any] | None = None  # "already cast" on a retry: the letter's receipt
    retries: int = 0


@dataclass
class Tally:
    interrupted: int = 0  # requests cut off by a kill and sent again
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def children(pid: int) -> list[int]:
    """The process's child processes, from /proc (every thread's list: a child belongs to the thread that forked it)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return found


def gunicorn_master(port: int) -> int:
    """The gunicorn master the server fixture started on the port: a child of this process."""
    for pid in children(os.getpid()):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except FileNotFoundError:
            continue
        if any(b"gunicorn" in part for part in command) and f"127.0.0.1:{port}".encode() in command:
            return pid
    raise AssertionError(f"no gunicorn master on port {port} among this process's children")


class Phone:
    """One client: a fresh connection for each request (sync workers close it), each request retried until answered."""

    def __init__(self, port: int, tally: Tally, stop: float) -> None:
        self.port, self.tally, self.stop = port, tally, stop

    def post(self, path: str, body: dict[str, Any], voter: Voter) -> tuple[int, Any]:
        payload = json.dumps(body)
        while True:
            if time.monotonic() > self.stop:
                raise TimeoutError(f"no answer to {path} within {DEADLINE_S} s")
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                connection.request("POST", path, body=payload, headers={"Content-Type": "application/json"})
                response = connection.getresponse()
                return response.status, json.loads(response.read())
            except (OSError, http.client.HTTPException, json.JSONDecodeError):
                # The worker died with the request: no answer, or half of one. The phone tries again.
                with self.tally.lock:
                    self.tally.interrupted += 1
                voter.retries += 1
                time.sleep(0.05)
            finally:
                connection.close()

    def open_letter(self, voter: Voter) -> dict[str, Any]:
        status, body = self.post(f"/api/v1/letters/{urllib.parse.quote(voter.token)}", {"digits": voter.digits}, voter)
        if status != 200:
            raise RuntimeError(f"opening the letter answered {status}: {body}")
        return dict(body)

    def cast(self, voter: Voter) -> None:
        path = f"/api/v1/letters/{urllib.parse.quote(voter.token)}/ballot"
        retries = voter.retries
        status, body = self.post(path, {"digits": voter.digits, "choices": voter.choices}, voter)
        if status == 201:
            voter.receipt = body
            return
        already = status == 422 and [e["field"] for e in body.get("errors", [])] == ["ballot"]
        if not already or voter.retries == retries:
            raise RuntimeError(f"the cast answered {status}: {body}")
        # The first attempt landed and its answer was lost with the worker: the letter shows that ballot's receipt.
        voter.landed_unanswered = self.open_letter(voter)["receipt"]
        if voter.landed_unanswered is None:
            raise RuntimeError("the cast was refused as already cast, but the letter shows no receipt")


def run_all(port: int, voters: list[Voter], step: str, tally: Tally) -> None:
    todo: queue.Queue[Voter] = queue.Queue()
    for voter in voters:
        todo.put(voter)
    stop = time.monotonic() + DEADLINE_S

    def client() -> None:
        phone = Phone(port, tally, stop)
        while True:
            try:
                voter = todo.get_nowait()
            except queue.Empty:
                return
            try:
                if step == "open":
                    phone.open_letter(voter)
                else:
                    phone.cast(voter)
            except Exception as exc:
                with tally.lock:
                    tally.unexpected.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


class Killer(threading.Thread):
    """SIGKILLs one worker each time another sixth of the voters has an answer, and waits for its replacement."""

    def __init__(self, master: int, voters: list[Voter]) -> None:
        super().__init__(daemon=True)
        self.master, self.voters, self.running = master, voters, True
        self.killed: list[int] = []

    def answered(self) -> int:
        return sum(1 for v in self.voters if v.receipt is not None or v.landed_unanswered is not None)

    def run(self) -> None:
        chooser = random.Random(22)
        for n in range(1, KILLS + 1):
            while self.running and self.answered() < n * len(self.voters) // (KILLS + 1):
                time.sleep(0.01)
            if not self.running:
                return
            workers = children(self.master)
            victim = chooser.choice(workers)
            os.kill(victim, signal.SIGKILL)
            self.killed.append(victim)
            while self.running and (victim in children(self.master) or len(children(self.master)) < len(workers)):
                time.sleep(0.01)  # the master reaps it and forks the replacement


def fetch(port: int, path: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        assert response.status == 200, (path, response.status)
        return response.read()
    finally:
        connection.close()


def test_killed_workers_lose_no_acknowledged_ballot_and_the_recount_agrees(app: Flask, server: str, tmp_path: Path) -> None:
    port = int(server.rsplit(":", 1)[1])
    master = gunicorn_master(port)
    world = make_world()
    session, tokens, now = open_session(world, more_voters=VOTERS)
    q1, q2 = items(session)
    voters = [
        Voter(tokens[f"业主{n}"], f"{n:04d}", {q1: ("agree", "disagree", "abstain")[n % 3], q2: "agree"}) for n in range(1, VOTERS + 1)
    ]

    tally = Tally()
    run_all(port, voters, "open", tally)
    assert tally.unexpected == []
    killer = Killer(master, voters)
    killer.start()
    started = time.monotonic()
    run_all(port, voters, "cast", tally)
    cast_seconds = time.monotonic() - started
    killer.running = False
    killer.join(timeout=30)
    assert tally.unexpected == [], tally.unexpected[:5]
    assert len(killer.killed) == KILLS, f"only {len(killer.killed)} workers were killed during the casts"
    assert tally.interrupted > 0, "no request was cut off by a kill: the test did not test anything"
    acknowledged = [v.receipt for v in voters if v.receipt is not None]
    unanswered = [v.landed_unanswered for v in voters if v.landed_unanswered is not None]  # each voter has one or the other
    assert len(acknowledged) + len(unanswered) == VOTERS

    # The clock closes the session and seals the bulletin.
    services.sync_state(session.id, now=now + timedelta(days=30))
    bulletin = json.loads(fetch(port, f"/s/{session.public_id}/bulletin.json"))
    assert bulletin["sealed"]
    ballots = [e for e in bulletin["entries"] if e["type"] == "ballot"]
    by_hash = {e["hash"]: e for e in ballots}
    missing = [r["seq"] for r in acknowledged if by_hash.get(r["hash"]) != r]
    assert missing == [], f"acknowledged receipts not on the sealed bulletin: entries {missing}"
    assert [r["seq"] for r in unanswered if by_hash.get(r["hash"]) != r] == []
    assert len(ballots) == VOTERS and len({e["voter"] for e in ballots}) == VOTERS
    db.session.rollback()
    stored = db.session.execute(
        select(func.count(), func.count(func.distinct(Ballot.roll_entry_id))).where(Ballot.session_id == session.id)
    )
    assert tuple(stored.one()) == (VOTERS, VOTERS)

    keys_json = fetch(port, "/.well-known/gongzhi-keys.json")
    keys = [PublishedKey.from_json(k) for k in json.loads(keys_json)["keys"]]
    assert [r["seq"] for r in acknowledged if verify_receipt(r, keys)] == []
    counted = recount(bulletin["entries"], keys)
    assert counted.ballots == VOTERS
    assert counted.sums[q1]["agree"].heads == VOTERS // 3 and counted.sums[q2]["agree"].heads == VOTERS

    # The public recount of the published files gives the published result.
    files = {"bulletin.json": f"/s/{session.public_id}/bulletin.json", "roll.json": f"/s/{session.public_id}/roll.json"}
    for name, path in files.items():
        (tmp_path / name).write_bytes(fetch(port, path))
    (tmp_path / "keys.json").write_bytes(keys_json)
    recounted = subprocess.run(
        [sys.executable, "-m", "app.domain", "recount", "bulletin.json", "--keys", "keys.json", "--roll", "roll.json"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert recounted.returncode == 0, recounted.stderr
    published = json.loads(fetch(port, f"/api/v1/sessions/{session.public_id}"))["result"]
    assert json.loads(recounted.stdout) == published

    env = {
        **os.environ,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "GONGZHI_INSTANCE_PATH": app.instance_path,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "GONGZHI_LANG": "en",
    }
    verified = subprocess.run(
        [str(Path(sys.executable).with_name("flask")), "--app", "app", "audit", "verify"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stdout + verified.stderr
    print(
        f"{VOTERS} casts in {cast_seconds:.1f} s with {KILLS} workers killed: {tally.interrupted} requests cut off and sent again, "
        f"{len(unanswered)} ballots landed whose answer was lost"
    )
