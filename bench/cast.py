"""Peak voting hour on one machine: every voter's phone flow over HTTP against gunicorn, and its floor.

A community of N voters (default 10,000) and an open session with three
questions and an election. gunicorn starts on 127.0.0.1 with the production
settings (gunicorn.conf.py). C clients (default 64) replay each voter's flow:
open the letter, confirm the digits, load the ballot, cast, load the receipt.
The casts are timed as one phase of their own, so their throughput compares
with the floor: the same gunicorn settings serving a minimal endpoint that
inserts one row into a table with the same unique constraint and signs it with
Ed25519 (bench/floor_app.py), driven by the same clients, once before the
flows and once after (the ratio uses the mean of the two). Afterwards exactly N
ballots and N chained bulletin entries must exist and the chain must verify.

    python bench/cast.py [--voters 10000] [--clients 64] [--database-url URL]

With --database-url (an empty PostgreSQL database) it runs there; by default on
a new SQLite file. Loopback only; bounded in count and time.
"""

from __future__ import annotations

import argparse
import http.client
import os
import queue
import re
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
DEADLINE_S = 600  # no phase may run longer


@dataclass
class Voter:
    token: str
    digits: str
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""


@dataclass
class Phase:
    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    server_cpu: float = float("nan")  # CPU seconds of gunicorn's workers during the phase
    client_cpu: float = float("nan")  # CPU seconds of this process (the clients) during the phase

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


class Client:
    """One phone's connection: keep-alive HTTP/1.1 to the server, the voter's cookie carried by hand."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, voter: Voter, form: dict[str, str | list[str]] | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in voter.cookies.items())} if voter.cookies else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode()
                break
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                if attempt:
                    raise
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            voter.cookies[name.strip()] = value
        return response.status, text


def workers_cpu(master: int) -> float:
    """CPU seconds (user and system) spent so far by the gunicorn master's current workers."""
    total = 0
    for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_phase(name: str, port: int, clients: int, work: list[Voter], step: Callable[[Client, Voter, Phase], None], master: int) -> Phase:
    phase = Phase(name)
    todo: queue.Queue[Voter] = queue.Queue()
    for voter in work:
        todo.put(voter)
    lock = threading.Lock()
    stop = time.monotonic() + DEADLINE_S

    def worker() -> None:
        client = Client(port)
        local = Phase(name)
        while time.monotonic() < stop:
            try:
                voter = todo.get_nowait()
            except queue.Empty:
                break
            try:
                step(client, voter, local)
            except Exception as exc:
                local.errors.append(f"{type(exc).__name__}: {exc}")
        with lock:
            phase.latencies += local.latencies
            phase.errors += local.errors

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    server, client = workers_cpu(master), own_cpu()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.seconds = time.perf_counter() - started
    phase.server_cpu, phase.client_cpu = workers_cpu(master) - server, own_cpu() - client
    return phase


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1) or found.group(2)


def open_and_confirm(client: Client, voter: Voter, phase: Phase) -> None:
    status, html = client.request("GET", f"/v/{voter.token}", voter)
    if status != 200:
        raise RuntimeError(f"letter page {status}")
    status, _ = client.request("POST", f"/v/{voter.token}", voter, {"csrf_token": csrf_of(html), "digits": voter.digits})
    if status != 302:
        raise RuntimeError(f"confirm {status}")
    status, html = client.request("GET", f"/v/{voter.token}", voter)
    if status != 200 or "elect-" not in html:
        raise RuntimeError(f"ballot page {status}")
    voter.csrf = csrf_of(html)


def cast(choices: dict[str, str | list[str]]) -> Callable[[Client, Voter, Phase], None]:
    def step(client: Client, voter: Voter, phase: Phase) -> None:
        started = time.perf_counter()
        status, _ = client.request("POST", f"/v/{voter.token}/cast", voter, {"csrf_token": voter.csrf, **choices})
        phase.latencies.append(time.perf_counter() - started)
        if status != 302:
            raise RuntimeError(f"cast {status}")

    return step


def receipt(client: Client, voter: Voter, phase: Phase) -> None:
    status, html = client.request("GET", f"/v/{voter.token}/receipt", voter)
    if status != 200 or "tracker" not in html:
        raise RuntimeError(f"receipt {status}")


def floor_step(client: Client, voter: Voter, phase: Phase) -> None:
    started = time.perf_counter()
    status, _ = client.request("POST", f"/floor/{voter.digits}", voter, {"voter": voter.token})
    phase.latencies.append(time.perf_counter() - started)
    if status != 201:
        raise RuntimeError(f"floor {status}")


@contextmanager
def gunicorn(app: str, env: dict[str, str]) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    binary = Path(sys.executable).with_name("gunicorn")
    log = (Path(env["GONGZHI_INSTANCE_PATH"]) / f"{app.split(':')[0]}.log").open("w")  # the request log, as in production
    process = subprocess.Popen(
        [str(binary), "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}", app],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    try:
        for _ in range(300):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn did not start; see {log.name}")
        yield port, process
    finally:
        process.terminate()
        process.wait(timeout=30)


class MemoryWatch(threading.Thread):
    """The largest resident set of any worker of the gunicorn master, sampled every 0.2 s."""

    def __init__(self, master: int) -> None:
        super().__init__(daemon=True)
        self.master, self.peak_kib, self.running = master, 0, True

    def run(self) -> None:
        while self.running:
            for child in Path(f"/proc/{self.master}/task/{self.master}/children").read_text().split():
                try:
                    status = Path(f"/proc/{child}/status").read_text()
                except FileNotFoundError:
                    continue
                rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
                self.peak_kib = max(self.peak_kib, rss)
            time.sleep(0.2)


def prepare(url: str, instance: Path, voters: int) -> tuple[list[Voter], dict[str, str | list[str]], str]:
    """The community, its register, the election and the open session; each voter's token and digits."""
    os.environ.update(DATABASE_URL=url, GONGZHI_INSTANCE_PATH=str(instance))
    from app import create_app
    from app.communities import services
    from app.communities.models import AreaSource, HoldingState, Person, UnitKind
    from app.communities.register import Holder, RegisterRow
    from app.db import db, utcnow
    from app.elections import services as elections
    from app.elections.services.slates import add_election_item
    from app.migrate import upgrade
    from app.security.actor import Grant, operator
    from app.security.roles import Role
    from app.sessions import services as sessions
    from app.sessions.models import SessionForm

    app = create_app({"DATABASE_URL": url})  # not the environment: an earlier benchmark in this process may have read it
    bench = operator("bench", Grant.administrator())
    with app.app_context():
        upgrade()
        office = services.create_street_office(bench, code=f"bench-{secrets.token_hex(3)}", name="基准街道")
        community = services.create_community(bench, street_office_id=office.id, slug=f"bench-{secrets.token_hex(3)}", name="基准小区")
        # The committee drafts and announces, the street office vets: one actor with all three grants.
        bench = operator("bench", Grant.administrator(), Grant.committee(community.id, Role.COMMITTEE_CHAIR), Grant.office(office.id))
        per_building = 1000
        for b in range(1, voters // per_building + 2):
            services.add_building(bench, community.id, str(b))
        rows = [
            RegisterRow(n + 2, str(n // per_building + 1), str(n % per_building + 1), 8000 + (n * 37) % 6000, AreaSource.REGISTRY,
                        UnitKind.RESIDENTIAL, True, (Holder(f"业主{n}", f"{n % 10000:04d}", None),), HoldingState.DELIVERED)
            for n in range(voters)
        ]  # fmt: skip
        services.import_register(bench, community.id, rows, source_name="bench")
        now = utcnow()
        start = now - timedelta(days=40)
        election = elections.create_election(
            bench, community_id=community.id, title="业主委员会选举", seats=5, alternates=2,
            nominations_open_at=start, nominations_close_at=start + timedelta(days=10), now=start,
        )  # fmt: skip
        for n in range(7):
            elections.nominate_self(
                election.id, unit=f"1-{n + 1}", name=f"业主{n}", id_last4=f"{n:04d}", statement="", party_declared=False,
                ip="bench", now=start + timedelta(days=1),
            )  # fmt: skip
        db.session.refresh(election)
        for candidate in election.candidates:
            elections.vet_candidate(bench, candidate.id, approve=True, reason="", party_verified=None, now=start + timedelta(days=11))
        elections.publish_slate(bench, election.id, now=start + timedelta(days=11))
        announced = now - timedelta(days=16)
        session = sessions.create_session(
            bench, community_id=community.id, title="基准会议", form=SessionForm.WRITTEN,
            opens_at=announced + timedelta(days=15, hours=1), closes_at=announced + timedelta(days=30),
        )  # fmt: skip
        for title in ("议事规则", "续聘物业", "维修资金"):
            sessions.add_item(bench, session.id, matter="cn.other", title=title)
        item = add_election_item(bench, session.id, election_id=election.id)
        sessions.announce_session(bench, session.id, now=announced)
        sessions.sync_state(session.id, now=now)
        digits = dict(db.session.query(Person.id, Person.id_last4).all())
        work = [Voter(sessions.letter_token(letter), digits[letter.person_id]) for letter in sessions.letters_of_session(session.id)]
        db.session.refresh(election)
        choices: dict[str, str | list[str]] = {f"item-{i.id}": "agree" for i in session.items if i.kind == "question"}
        choices[f"elect-{item.id}"] = [str(c.id) for c in election.candidates[:4]]
        return work, choices, session.public_id


def check(url: str, instance: Path, public_id: str, voters: int) -> tuple[int, int, str]:
    """Ballots, ballot entries, and the recount's verdict on the chain."""
    from sqlalchemy import func, select

    from app import create_app
    from app.db import db
    from app.domain.bulletin import BulletinBroken, recount
    from app.security.keys import load_keyring
    from app.sessions.models import AssemblySession, Ballot, BulletinEntry
    from app.sessions.services.bulletin import entries

    with create_app({"DATABASE_URL": url}).app_context():
        session = db.session.execute(select(AssemblySession).where(AssemblySession.public_id == public_id)).scalar_one()
        ballots = db.session.execute(select(func.count()).select_from(Ballot).where(Ballot.session_id == session.id)).scalar_one()
        chained = db.session.execute(
            select(func.count()).select_from(BulletinEntry).where(BulletinEntry.session_id == session.id, BulletinEntry.kind == "ballot")
        ).scalar_one()
        try:
            counted = recount(entries(db.session(), session.id), load_keyring(str(instance)).published)
            verdict = f"verifies ({counted.ballots} ballots counted)"
        except BulletinBroken as exc:
            verdict = f"BROKEN: {exc}"
    return ballots, chained, verdict


def main(argv: list[str] | None = None) -> list[dict[str, object]]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voters", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 256 or not 1 <= args.voters <= 100_000:
        parser.error("--clients must be 1..256 and --voters 1..100000")
    folder = Path(tempfile.mkdtemp(prefix="gongzhi-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    engine_name = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    try:
        started = time.perf_counter()
        work, choices, public_id = prepare(url, folder, args.voters)
        print(f"prepared {len(work)} letters in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        env = {
            "DATABASE_URL": url, "GONGZHI_INSTANCE_PATH": str(folder), "SECRET_KEY": secrets.token_hex(16),
            "LETTER_RATE_LIMIT": "10000000 per minute",
        }  # fmt: skip
        import floor_app  # noqa: F401  creates the floor's table here, before four workers race to

        def measure_floor(name: str, prefix: str) -> Phase:
            with gunicorn("bench.floor_app:app", env) as (port, process):
                voters = [Voter(f"{prefix}{n}", str(n)) for n in range(len(work))]
                return run_phase(name, port, args.clients, voters, floor_step, process.pid)

        # The floor before and after the flows: this machine's speed drifts, and the mean of the two brackets the casts.
        floor_before = measure_floor("floor, before", "v")
        with gunicorn("wsgi:app", env) as (port, process):
            memory = MemoryWatch(process.pid)
            memory.start()
            opened = run_phase("open, confirm, load", port, args.clients, work, open_and_confirm, process.pid)
            ready = [v for v in work if v.csrf]
            casting = run_phase("cast", port, args.clients, ready, cast(choices), process.pid)
            receipts = run_phase("receipt", port, args.clients, ready, receipt, process.pid)
            memory.running = False
            memory.join()
        for phase in (opened, casting, receipts):
            for error in sorted(set(phase.errors))[:3]:
                print(f"  {phase.name} error: {error}", file=sys.stderr)
        floor_after = measure_floor("floor, after", "w")
        ballots, chained, verdict = check(url, folder, public_id, len(work))
    finally:
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(folder, ignore_errors=True)
    cast_rate = len(casting.latencies) / casting.seconds
    floor_rate = (len(floor_before.latencies) / floor_before.seconds + len(floor_after.latencies) / floor_after.seconds) / 2
    total = opened.seconds + casting.seconds + receipts.seconds
    import multiprocessing

    workers = os.environ.get("WEB_CONCURRENCY", str(2 * multiprocessing.cpu_count()))
    print(f"cast, {len(work)} voters, {args.clients} clients, {engine_name}, gunicorn {workers} workers × "
          f"{os.environ.get('GUNICORN_THREADS', '1')} threads, {multiprocessing.cpu_count()} cores")  # fmt: skip
    print(f"{'phase':<24}{'seconds':>9}{'per s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
          f"{'server cpu':>12}{'client cpu':>12}")  # fmt: skip
    for phase in (floor_before, opened, casting, receipts, floor_after):
        done = len(phase.latencies) if phase.latencies else len(work) - len(phase.errors)
        print(f"{phase.name:<24}{phase.seconds:>9.2f}{done / phase.seconds:>9.0f}{phase.quantile(0.5):>9.1f}"
              f"{phase.quantile(0.95):>9.1f}{phase.quantile(0.99):>9.1f}{len(phase.errors):>8}"
              f"{1000 * phase.server_cpu / len(work):>12.2f}{1000 * phase.client_cpu / len(work):>12.2f}")  # fmt: skip
    print("(server cpu, client cpu: CPU ms per voter in the phase, of gunicorn's workers and of the clients; "
          "the open phase is three requests a voter)")  # fmt: skip
    floor_cpu = (floor_before.server_cpu + floor_after.server_cpu) / 2
    print(f"all voters' flows: {total:.1f} s; cast / floor throughput (the floor's mean): {cast_rate / floor_rate:.2f}; "
          f"a cast costs the workers {casting.server_cpu / floor_cpu:.1f}× a floor request's CPU; "
          f"peak worker RSS {memory.peak_kib / 1024:.0f} MB")  # fmt: skip
    print(f"after: {ballots} ballots, {chained} chained entries (expected {len(work)} each); the chain {verdict}")
    for error in sorted(set(floor_before.errors + floor_after.errors))[:3]:
        print(f"  floor error: {error}")
    return [
        {
            "bench": f"cast ({engine_name})",
            "measure": "cast throughput / floor",
            "value": round(cast_rate / floor_rate, 2),
            "target": ">= 0.50",
        },
        {"bench": f"cast ({engine_name})", "measure": "cast p99 ms", "value": round(casting.quantile(0.99), 1), "target": "< 250"},
        {"bench": f"cast ({engine_name})", "measure": f"{len(work)} voters' flows, s", "value": round(total, 1), "target": "< 60"},
        {"bench": f"cast ({engine_name})", "measure": "peak worker RSS MB", "value": round(memory.peak_kib / 1024), "target": "< 150"},
        {
            "bench": f"cast ({engine_name})",
            "measure": "errors",
            "value": sum(len(p.errors) for p in (opened, casting, receipts, floor_before, floor_after)),
            "target": "0",
        },
    ]


if __name__ == "__main__":
    main()
