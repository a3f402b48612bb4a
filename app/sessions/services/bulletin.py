"""The public bulletin board of a session (DESIGN §4): signed entries appended in the ballot's own transaction.

Every append first locks the session's chain-head row, so concurrent casts
queue on it and each entry names the one before it (DESIGN §7); unique
``(session, seq)`` and ``(session, prev)`` refuse a fork should anything slip.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from ...db import table_of
from ...domain.canonical import ZERO_HASH, canonical_json
from ...domain.errors import RuleViolation
from ...domain.receipts import make_correction, make_entry, make_seal, pseudonym, sign_entry
from ...security.instance import instance_secret
from ...security.keys import signing_keyring
from ..models import AssemblySession, Ballot, BulletinEntry, BulletinHead, RollEntry

_secrets: dict[str, bytes] = {}


def _pseudonym_secret() -> bytes:
    """The key of the voters' pseudonyms, from instance/bulletin.key (read once per process)."""
    path = str(Path(current_app.instance_path) / "bulletin.key")
    if path not in _secrets:
        _secrets[path] = instance_secret(Path(path)).encode()
    return _secrets[path]


def start_chain(s: Session, session_id: int) -> None:
    """The empty chain of a session being announced: its head row exists before any ballot needs to lock it."""
    s.execute(insert(BulletinHead).values(session_id=session_id, seq=0, head=ZERO_HASH))


@dataclass
class ChainHead:
    """The end of a session's chain as the transaction holding it sees it; appends move it."""

    session_id: int
    seq: int
    head: str
    sealed_at: datetime | None


# Built once: every cast runs these inside the write lock, where building a statement costs more than running it.
_heads, _entries = table_of(BulletinHead), table_of(BulletinEntry)
_LOCK_HEAD = select(_heads.c.seq, _heads.c.head, _heads.c.sealed_at).where(_heads.c.session_id == bindparam("session_id")).with_for_update()
_INSERT_ENTRY = insert(_entries)
_MOVE_HEAD = update(_heads).where(_heads.c.session_id == bindparam("session")).values(seq=bindparam("new_seq"), head=bindparam("new_head"))
_SUPERSEDED_HASH = select(_entries.c.hash).where(_entries.c.ballot_id == bindparam("ballot_id"))


def lock_head(s: Session, session_id: int) -> ChainHead:
    """Take the session's chain head for this transaction (SELECT … FOR UPDATE; SQLite's write lock is already held)."""
    row = s.connection().execute(_LOCK_HEAD, {"session_id": session_id}).first()
    if row is None:
        raise RuleViolation("state", str(_l("Voting is not open for this session.")))
    return ChainHead(session_id, row.seq, row.head, row.sealed_at)


def _append(s: Session, head: ChainHead, entry: dict[str, Any], ballot_id: int | None, now: datetime) -> dict[str, Any]:
    ring = signing_keyring(current_app.instance_path, now=now)
    receipt = sign_entry(entry, ring.current, ring.current_id)
    conn = s.connection()
    row = {
        "session_id": head.session_id,
        "seq": entry["seq"],
        "kind": entry["type"],
        "hash": receipt["hash"],
        "prev": entry["prev"],
        "ballot_id": ballot_id,
        "body": canonical_json(receipt).decode(),
    }
    conn.execute(_INSERT_ENTRY, row)
    conn.execute(_MOVE_HEAD, {"session": head.session_id, "new_seq": entry["seq"], "new_head": receipt["hash"]})
    head.seq, head.head = entry["seq"], receipt["hash"]
    return receipt


def append_ballot(
    s: Session,
    head: ChainHead,
    session_public_id: str,
    voter: Any,
    ballot: Ballot,
    supersedes: int | None,
    *,
    pseudonym_of_voter: str | None = None,
) -> dict[str, Any]:
    """The ballot's bulletin entry, signed: the owner's receipt. Call with the head locked by ``lock_head``.

    ``voter`` is the roll entry (its id, area_centi and heads); ``supersedes`` the id of the ballot this one replaces;
    ``pseudonym_of_voter``, when the caller computed it before taking the lock, saves doing it inside.
    """
    if head.sealed_at is not None:
        raise RuleViolation("state", str(_l("Voting is not open for this session.")))
    superseded = None
    if supersedes is not None:
        superseded = s.connection().execute(_SUPERSEDED_HASH, {"ballot_id": supersedes}).scalar_one()
    entry = make_entry(
        session=session_public_id,
        seq=head.seq + 1,
        cast_at=ballot.cast_at,
        voter=pseudonym_of_voter or voter_pseudonym(session_public_id, voter.id),
        area_centi=voter.area_centi,
        headcount=voter.heads,
        choices=ballot.choices,
        supersedes=superseded,
        prev=head.head,
    )
    return _append(s, head, entry, ballot.id, ballot.cast_at)


def voter_pseudonym(session_public_id: str, roll_entry_id: int) -> str:
    """The name the bulletin gives a voter of a session."""
    return pseudonym(_pseudonym_secret(), session_public_id, str(roll_entry_id))


def voter_pseudonyms(session_public_id: str) -> Callable[[int], str]:
    """``voter_pseudonym`` for many voters of one session: the secret read once, one-shot HMAC (the same names)."""
    secret, prefix = _pseudonym_secret(), f"{session_public_id}:"
    return lambda roll_entry_id: hmac.digest(secret, f"{prefix}{roll_entry_id}".encode(), "sha256").hex()


def seal(s: Session, session: AssemblySession, *, now: datetime) -> dict[str, Any]:
    """Close the chain: a signed seal with the head hash and the number of entries. Nothing is appended after it."""
    head = lock_head(s, session.id)
    if head.sealed_at is not None:
        raise RuleViolation("state", str(_l("The bulletin of this session is already sealed.")))
    entry = make_seal(
        session=session.public_id, seq=head.seq + 1, closes_at=session.closes_at, sealed_at=now, head=head.head, count=head.seq
    )
    receipt = _append(s, head, entry, None, now)
    s.execute(update(BulletinHead).where(BulletinHead.session_id == session.id).values(sealed_at=now))
    head.sealed_at = now
    return receipt


def append_correction(
    s: Session, session: AssemblySession, roll_entry_id: int, voids: int | None, *, until: datetime, objection: str, now: datetime
) -> dict[str, Any]:
    """Reopen the sealed chain for one voter (an upheld objection): the entry takes ballot ``voids`` out of the count
    and lets the voter cast until ``until``; the chain stays open until ``seal`` closes it again."""
    head = lock_head(s, session.id)
    if head.sealed_at is None and not ever_sealed(s, session.id):
        raise RuleViolation("state", str(_l("The count is not sealed yet.")))
    voided = s.connection().execute(_SUPERSEDED_HASH, {"ballot_id": voids}).scalar_one() if voids is not None else None
    entry = make_correction(
        session=session.public_id,
        seq=head.seq + 1,
        made_at=now,
        voter=voter_pseudonym(session.public_id, roll_entry_id),
        voids=voided,
        until=until,
        objection=objection,
        prev=head.head,
    )
    receipt = _append(s, head, entry, None, now)
    s.execute(update(BulletinHead).where(BulletinHead.session_id == session.id).values(sealed_at=None))
    head.sealed_at = None
    return receipt


# Reading ---------------------------------------------------------------------------------------------


def entries(s: Session, session_id: int) -> list[dict[str, Any]]:
    """Every entry of the session's bulletin, in chain order, as published."""
    rows = s.execute(select(BulletinEntry.body).where(BulletinEntry.session_id == session_id).order_by(BulletinEntry.seq)).scalars()
    return [json.loads(body) for body in rows]


def _commitment(seq: int, digest: str, prev: str) -> dict[str, Any]:
    return {"seq": seq, "hash": digest, "prev": prev}


def page(s: Session, session_id: int, *, sealed: bool, offset: int, limit: int) -> list[dict[str, Any]]:
    """A page of the bulletin: whole entries once sealed; before that each entry's number, hash and link only."""
    if sealed:
        query = select(BulletinEntry.body).where(BulletinEntry.session_id == session_id).order_by(BulletinEntry.seq)
        return [json.loads(body) for body in s.execute(query.offset(offset).limit(limit)).scalars()]
    links = select(BulletinEntry.seq, BulletinEntry.hash, BulletinEntry.prev).where(BulletinEntry.session_id == session_id)
    return [_commitment(*row) for row in s.execute(links.order_by(BulletinEntry.seq).offset(offset).limit(limit))]


def published_json(s: Session, session: AssemblySession, *, sealed: bool) -> str:
    """``/s/<id>/bulletin.json``: the stored canonical entries spliced in as they are, never re-encoded.

    Until the seal, entries are commitments (seq, hash, prev): anyone can watch
    the chain grow and later check the full entries against them, while no
    running count can sway the voters still to vote.
    """
    head = s.get(BulletinHead, session.id)
    meta = {
        "session": session.public_id,
        "title": session.title,
        "sealed": bool(head and head.sealed_at),  # false while a correction has the chain reopened
        "count": head.seq if head else 0,
        "head": head.head if head else ZERO_HASH,
    }
    if sealed:
        bodies = s.execute(select(BulletinEntry.body).where(BulletinEntry.session_id == session.id).order_by(BulletinEntry.seq)).scalars()
        entries = ",".join(bodies)
    else:
        rows = s.execute(
            select(BulletinEntry.seq, BulletinEntry.hash, BulletinEntry.prev)
            .where(BulletinEntry.session_id == session.id)
            .order_by(BulletinEntry.seq)
        )
        entries = ",".join(json.dumps(_commitment(*row), separators=(",", ":")) for row in rows)
    return json.dumps(meta, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"entries":[' + entries + "]}\n"


def receipt_of(s: Session, ballot_id: int) -> dict[str, Any] | None:
    body = s.execute(select(BulletinEntry.body).where(BulletinEntry.ballot_id == ballot_id)).scalar_one_or_none()
    return None if body is None else json.loads(body)


def find_tracker(s: Session, session_id: int, tracker: str) -> dict[str, Any] | None:
    """The entry whose hash begins with the tracker (spaces and case ignored); None if none does."""
    prefix = "".join(tracker.split()).lower()
    if len(prefix) != 16 or any(c not in "0123456789abcdef" for c in prefix):
        return None
    body = s.execute(
        select(BulletinEntry.body).where(BulletinEntry.session_id == session_id, BulletinEntry.hash.startswith(prefix, autoescape=True))
    ).scalar_one_or_none()
    return None if body is None else json.loads(body)


def ever_sealed(s: Session, session_id: int) -> bool:
    """Whether the whole entries are public: once sealed they stay so, even while a correction has reopened the chain."""
    query = select(BulletinEntry.id).where(BulletinEntry.session_id == session_id, BulletinEntry.kind == "seal").limit(1)
    return s.execute(query).first() is not None


def head_of(s: Session, session_id: int) -> BulletinHead | None:
    return s.get(BulletinHead, session_id)


def seal_of(s: Session, session_id: int) -> dict[str, Any] | None:
    """The latest seal: a correction reopens the chain and a new seal closes it again."""
    body = s.execute(
        select(BulletinEntry.body)
        .where(BulletinEntry.session_id == session_id, BulletinEntry.kind == "seal")
        .order_by(BulletinEntry.seq.desc())
        .limit(1)
    ).scalar_one_or_none()
    return None if body is None else json.loads(body)


def participation(s: Session, session_id: int) -> list[str]:
    """Room numbers of every voter whose ballot counts, sorted by room: who voted, never how or when."""
    rows = s.execute(
        select(RollEntry.units)
        .join(Ballot, Ballot.roll_entry_id == RollEntry.id)
        .where(Ballot.session_id == session_id, Ballot.superseded_at.is_(None))
    ).scalars()
    return sorted((unit for units in rows for unit in units), key=_unit_order)


def _unit_order(unit: str) -> tuple[Any, ...]:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in unit.replace("-", " ").split())
