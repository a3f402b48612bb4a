"""Operations: backup and restore, and verifying every hash chain the database holds.

A backup is a folder: the database (SQLite's online backup API, or ``pg_dump``
in its custom format on PostgreSQL) and the instance secrets without which the
data is of no use: the signing keys, the bulletin's pseudonym key, the letters'
key and the session secret.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, make_url, select
from sqlalchemy.orm import Session

from .db import db
from .domain.lifecycle import SessionState

SECRETS = ("keys", "bulletin.key", "letter.key", "secret_key")


class OpsError(Exception):
    """Something the operator must fix; the message says what."""


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise OpsError("the database is in memory; there is nothing to back up")
    return Path(database)


def _libpq(url: str) -> str:
    """The URL as pg_dump and pg_restore take it (no SQLAlchemy driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def backup(url: str, instance: Path, destination: Path) -> list[str]:
    """Write the database and the instance secrets into a new folder; returns what was written."""
    if destination.exists() and any(destination.iterdir()):
        raise OpsError(f"{destination} is not empty")
    destination.mkdir(parents=True, exist_ok=True)
    destination.chmod(0o700)
    written = []
    if make_url(url).get_backend_name() == "sqlite":
        target = destination / "database.sqlite3"
        with sqlite3.connect(_sqlite_path(url)) as source, sqlite3.connect(target) as copy:
            source.backup(copy)  # consistent while the application keeps writing
        written.append(target.name)
    else:
        target = destination / "database.pgdump"
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq(url)])
        written.append(target.name)
    target.chmod(0o600)
    for name in SECRETS:
        source_path = instance / name
        if source_path.is_dir():
            shutil.copytree(source_path, destination / name)
        elif source_path.is_file():
            shutil.copy2(source_path, destination / name)
        else:
            continue
        written.append(name)
    return written


def restore(url: str, instance: Path, source: Path) -> list[str]:
    """Restore a backup folder into an empty database and an instance folder without secrets of its own."""
    if inspect(db.engine).get_table_names():
        raise OpsError("the target database is not empty; restore only into a new, empty database")
    clashes = [name for name in SECRETS if (instance / name).exists() and name != "secret_key"]
    if clashes:
        raise OpsError(f"{instance} already holds {', '.join(clashes)}; restore into a new instance folder")
    restored = []
    db.engine.dispose()
    if make_url(url).get_backend_name() == "sqlite":
        dump = source / "database.sqlite3"
        if not dump.is_file():
            raise OpsError(f"{dump} is missing: not a backup of a SQLite database")
        with sqlite3.connect(dump) as copy, sqlite3.connect(_sqlite_path(url)) as target:
            copy.backup(target)
    else:
        dump = source / "database.pgdump"
        if not dump.is_file():
            raise OpsError(f"{dump} is missing: not a backup of a PostgreSQL database")
        _run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_libpq(url)}", str(dump)])
    restored.append(dump.name)
    instance.mkdir(parents=True, exist_ok=True)
    for name in SECRETS:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, instance / name)
        elif path.is_file():
            shutil.copy2(path, instance / name)
        else:
            continue
        restored.append(name)
    return restored


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError:
        raise OpsError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)") from None
    except subprocess.CalledProcessError as exc:
        raise OpsError(f"{command[0]} failed: {exc.stderr.strip()[:500]}") from None


@dataclass(frozen=True)
class Finding:
    chain: str  # "audit log" or "bulletin of session <id>"
    ok: bool
    detail: str


def verify_chains(instance: Path) -> list[Finding]:
    """The audit log's chain, then every session's bulletin against the published keys; in that order."""
    from .audit.services import verify_audit_chain
    from .domain.receipts import verify_chain
    from .security.keys import load_keyring
    from .sessions.models import AssemblySession, BulletinEntry, BulletinHead
    from .sessions.services import bulletin

    s = db.session()
    s.rollback()  # read what is committed now, not an older snapshot
    findings = []
    broken = verify_audit_chain(s)
    findings.append(Finding("audit log", broken is None, "intact" if broken is None else f"event {broken.seq}: {broken.reason}"))
    counted_states = (SessionState.TALLIED, SessionState.CERTIFIED, SessionState.REJECTED, SessionState.REVOKED)
    sessions = s.execute(
        select(AssemblySession.id, AssemblySession.public_id)
        .where(AssemblySession.id.in_(select(BulletinEntry.session_id).distinct()) | AssemblySession.state.in_(counted_states))
        .order_by(AssemblySession.id)
    ).all()
    keys = load_keyring(str(instance)).published if sessions else []
    for session_id, public_id in sessions:
        entries = bulletin.entries(s, session_id)
        head = s.get(BulletinHead, session_id)
        problem = verify_chain(entries, keys)
        if problem is None and head is not None and entries and (head.seq, head.head) != (len(entries), entries[-1]["hash"]):
            problem = (len(entries), "the chain's head on record does not match its last entry")
        if problem is None:
            problem = _against_the_bulletin(s, session_id, entries)
        name = f"bulletin of session {public_id}"
        findings.append(
            Finding(name, problem is None, f"{len(entries)} entries" if problem is None else f"entry {problem[0]}: {problem[1]}")
        )
    return findings


def _against_the_announcement(s: Session, assembly: Any) -> tuple[int, str] | None:
    """Each scoped item's frozen roll (the rows the count weighs) against the SHA-256 its announcement recorded."""
    from .audit.models import AuditEvent
    from .sessions.services import bulletin, scopes

    if all(item.scope is None for item in assembly.items):
        return None
    event = s.execute(
        select(AuditEvent).where(AuditEvent.action == "session.announce", AuditEvent.target_id == assembly.public_id)
    ).scalar_one_or_none()
    recorded = (event.data or {}).get("scopes", {}) if event is not None else {}
    now = scopes.scope_digests(s, assembly, bulletin.voter_pseudonyms(assembly.public_id))
    for item_id, digest in now.items():
        if recorded.get(item_id) != digest:
            return 1, f"the scope's roll of item {item_id} is not the one its announcement recorded"
    return None


def _against_the_bulletin(s: Session, session_id: int, entries: list[dict[str, Any]]) -> tuple[int, str] | None:
    """The session's ballot tables, stored result, seal and tally event, each against its (genuine) bulletin."""
    from .audit.models import AuditEvent
    from .communities.models import Community
    from .domain.canonical import canonical_json, sha256_hex
    from .sessions.models import AssemblySession
    from .sessions.services import corrections, counting

    assembly = s.get(AssemblySession, session_id)
    assert assembly is not None
    scoped = _against_the_announcement(s, assembly)
    if scoped is not None:
        return scoped
    items = counting.session_items(assembly, s)
    count, differs = counting.disagreement(s, assembly, items)
    if differs is not None or count is None:
        assert differs is not None
        return differs.seq, differs.reason
    if assembly.state in (SessionState.DRAFT, SessionState.ANNOUNCED, SessionState.OPEN, SessionState.CLOSED):
        return None
    after = len(entries) + 1
    if not entries or entries[-1]["type"] != "seal":
        if assembly.state is SessionState.TALLIED and corrections.open_windows(s, assembly.id):
            return None  # reopened for a voter an upheld objection names: the tables were checked, the seal follows
        return after, f"the session is {assembly.state.value} but its bulletin has no seal"
    seal = entries[-1]
    community = s.get(Community, assembly.community_id)
    assert community is not None
    result = counting.result_of(assembly, community, count, items)
    if assembly.result is not None and assembly.result.get("profile") != result["profile"]:
        result["profile"] = assembly.result.get("profile")  # the profile in force at the close
    if assembly.result != result or assembly.result_sha256 != sha256_hex(canonical_json(assembly.result)):
        return seal["seq"], "the stored result is not the bulletin's (or not its own hash)"
    # The count the audit log recorded last: the tally at the close, or the recount after a correction.
    event = s.execute(
        select(AuditEvent)
        .where(AuditEvent.action.in_(["session.tally", "session.recount"]), AuditEvent.target_id == assembly.public_id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if event is None:
        return seal["seq"], "the audit log holds no tally of the session"
    tallied = event.data
    if (tallied.get("bulletin_head"), tallied.get("ballots"), tallied.get("result_sha256")) != (
        seal["head"],
        count.ballots,
        assembly.result_sha256,
    ):
        return seal["seq"], "the seal, the ballots counted or the result differ from the tally in the audit log"
    return None
