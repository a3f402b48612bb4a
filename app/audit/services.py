"""Recording and verifying audit events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn, TypedDict

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from ..db import Refusal, table_of, utcnow
from ..domain.canonical import ZERO_HASH, chain_hash
from ..domain.errors import DomainError
from ..security.actor import Actor
from ..security.permissions import Scoped
from .models import AuditEvent

# Key of the PostgreSQL advisory lock that serialises appends to the chain.
_AUDIT_LOCK_KEY = 0x6761_7564  # "gaud"

# Built once: every write runs these, and building a statement costs more than running it.
_events = table_of(AuditEvent)
_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:key)")
_LAST_EVENT = select(_events.c.seq, _events.c.hash).order_by(_events.c.seq.desc()).limit(1)
_INSERT_EVENT = insert(_events)


def event_body(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_user_id": event.actor_user_id,
        "actor": event.actor,
        "action": event.action,
        "target": f"{event.target_type}:{event.target_id}",
        "community_id": event.community_id,
        "street_office_id": event.street_office_id,
        "data": event.data,
        "prev": event.prev_hash,
    }


class Scope(TypedDict):
    community_id: int
    street_office_id: int


def scope(community: Scoped) -> Scope:
    """The community and street office an event concerns, as ``record`` takes them: ``**scope(community)``."""
    return {"community_id": community.id, "street_office_id": community.street_office_id}


def record(
    s: Session,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: object,
    *,
    community_id: int | None = None,
    street_office_id: int | None = None,
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Append one event inside the caller's write transaction."""
    # Core on the session's connection: the ORM's per-statement work is needless for these, and every write pays it.
    conn = s.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(_ADVISORY_LOCK, {"key": _AUDIT_LOCK_KEY})
    # On SQLite the write transaction began IMMEDIATE, so no other writer can
    # move the head between this read and the insert.
    head = conn.execute(_LAST_EVENT).first()
    event = AuditEvent(
        seq=(head.seq + 1) if head else 1,
        at=now or utcnow(),
        actor_user_id=actor.user_id,
        actor=actor.label,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        community_id=community_id,
        street_office_id=street_office_id,
        data=data or {},
        prev_hash=head.hash if head else ZERO_HASH,
    )
    event.hash = chain_hash(event_body(event))
    columns = ("seq", "at", "actor_user_id", "actor", "action", "target_type", "target_id", "community_id", "street_office_id")
    values = {name: getattr(event, name) for name in columns}
    conn.execute(_INSERT_EVENT, {**values, "data": event.data, "prev_hash": event.prev_hash, "hash": event.hash})
    return event


def refuse(
    s: Session,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: object,
    error: DomainError,
    *,
    community_id: int | None = None,
    street_office_id: int | None = None,
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> NoReturn:
    """Audit a refused attempt, then refuse: the event is committed with the transaction, ``error`` reaches the caller."""
    record(s, actor, action, target_type, target_id, community_id=community_id, street_office_id=street_office_id, data=data, now=now)
    raise Refusal(error)


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def verify_audit_chain(s: Session) -> ChainBreak | None:
    """Walk the chain in order; return the first break, or None when intact."""
    prev = ZERO_HASH
    expected_seq = 1
    for event in s.execute(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000)).scalars():
        if event.seq != expected_seq:
            return ChainBreak(expected_seq, f"event {expected_seq} is missing")
        if event.prev_hash != prev:
            return ChainBreak(event.seq, "does not link to the event before it")
        if chain_hash(event_body(event)) != event.hash:
            return ChainBreak(event.seq, "its content does not match its hash")
        prev = event.hash
        expected_seq += 1
    return None
