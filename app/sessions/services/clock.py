"""The session clock: opening and closing on time, as one policy for the command line and every request.

``flask close-due`` runs ``advance_due_sessions`` every minute. A request that
touches a session whose window has started or ended meanwhile brings it up to
the clock first (``sync_state``), so voting never depends on the cron job: the
transition is the clock's own (audited as such), the same one ``close-due``
would make at that instant, and made once. Closing seals the bulletin and
counts in the same transaction, so nothing is accepted after the end.

The order of locks, for every write transaction that takes more than one of
them (PostgreSQL; on SQLite one writer at a time holds the whole database):

1. the session's chain head (``bulletin.lock_head``, FOR UPDATE), which a
   cast, a paper ballot's confirmation and the seal take before anything else;
2. the session row: a ballot's insert takes it FOR KEY SHARE (its foreign
   key), the close FOR NO KEY UPDATE (it changes no key, so a ballot's insert
   need not wait for it either);
3. last, the audit chain's lock, which ``audit.record`` takes.

A close that held the session row or the audit chain while it waited for the
head would deadlock with a cast holding the head and inserting its ballot. So
the close takes the head first, and a cast in flight lands, and is counted,
before it.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...audit.services import record, scope
from ...communities.models import Community
from ...db import db
from ...domain.errors import NotFound
from ...domain.lifecycle import SessionState, require_transition, state_at
from ...security.actor import CLOCK
from ..models import AssemblySession
from . import bulletin, corrections
from .counting import tally


def public_session(public_id: str, *, now: datetime) -> tuple[AssemblySession, SessionState]:
    """A session as the public sees it (never a draft), brought up to the clock first."""
    assembly = db.session.execute(select(AssemblySession).where(AssemblySession.public_id == public_id)).scalar_one_or_none()
    if assembly is None or assembly.state is SessionState.DRAFT:
        raise NotFound(str(_l("No such session.")))
    state = sync_state(assembly.id, now=now)
    if state is SessionState.TALLIED and corrections.close_due_windows(now=now, session_id=assembly.id):
        db.session.expire_all()  # sealed again and recounted: the page shows the corrected count
    db.session.refresh(assembly)
    return assembly, state


def sync_state(assembly_id: int, *, now: datetime) -> SessionState:
    """Move an announced or open session along the clock (lazily, on the next request).

    A session that closes is tallied in the same transaction: nothing can be
    accepted after the end, so the count is final at once.
    """
    assembly = db.session.get(AssemblySession, assembly_id)
    if assembly is None:
        raise NotFound(str(_l("No such session.")))
    target = state_at(assembly.state, assembly.opens_at, assembly.closes_at, now)
    if target is assembly.state:
        return assembly.state
    with db.write() as s:
        if target is SessionState.CLOSED:
            bulletin.lock_head(s, assembly_id)  # first: the order of locks above
        assembly = s.get(AssemblySession, assembly_id, with_for_update={"key_share": True})
        assert assembly is not None
        community = s.get(Community, assembly.community_id)
        assert community is not None
        target = state_at(assembly.state, assembly.opens_at, assembly.closes_at, now)
        while assembly.state is not target:
            step = SessionState.OPEN if assembly.state is SessionState.ANNOUNCED else SessionState.CLOSED
            require_transition(assembly.state, step)
            assembly.state = step
            record(s, CLOCK, f"session.{step.value}", "session", assembly.public_id, **scope(community), now=now)
        if assembly.state is SessionState.CLOSED:
            tally(s, assembly, community, now=now)
    return assembly.state


def advance_due_sessions(*, now: datetime) -> dict[str, int]:
    """Open and close every session whose time has come (``flask close-due``, safe to run every minute)."""
    due = (
        db.session.execute(
            select(AssemblySession.id).where(
                (AssemblySession.state == SessionState.ANNOUNCED) & (AssemblySession.opens_at <= now)
                | (AssemblySession.state == SessionState.OPEN) & (AssemblySession.closes_at <= now)
            )
        )
        .scalars()
        .all()
    )
    counts = {"opened": 0, "closed": 0, "recounted": corrections.close_due_windows(now=now)}
    for assembly_id in due:
        before = db.session.get(AssemblySession, assembly_id)
        was = before.state if before else None
        after = sync_state(assembly_id, now=now)
        if was is SessionState.ANNOUNCED and after in (SessionState.OPEN, SessionState.CLOSED):
            counts["opened"] += 1
        if after in (SessionState.CLOSED, SessionState.TALLIED):
            counts["closed"] += 1
    return counts
