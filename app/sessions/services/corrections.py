"""A counted session reopened for one voter: the correction an upheld objection orders (RULES §6).

The street office upholds "this ballot is not mine": a ``correction`` entry
takes the disputed ballot out of the count and opens a short window in which
that voter alone casts again, online with a re-issued letter or on paper
entered by two members. The voter's ballot, or the window's end, closes it;
when no window is open the bulletin is sealed again and the preliminary
result is published corrected. Everything happens inside the caller's
transaction, which holds the chain head.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...communities.models import Community
from ...db import db
from ...domain.errors import RuleViolation
from ...domain.lifecycle import SessionState
from ...domain.rules import get_profile
from ...security.actor import Actor
from ..models import AssemblySession, Ballot, CorrectionWindow
from . import bulletin
from .ballots import supersede
from .counting import recount_corrected

CHANNELS = ("online", "paper")


def open_window(
    s: Session,
    actor: Actor,
    assembly: AssemblySession,
    community: Community,
    *,
    roll_entry_id: int,
    voids: Ballot | None,
    channel: str,
    objection: str,
    now: datetime,
) -> CorrectionWindow:
    """Take ``voids`` out of the count and let the voter cast again for the profile's hours, by ``channel``."""
    if channel not in CHANNELS:
        raise RuleViolation("channel", f"expected one of {', '.join(CHANNELS)}")
    if assembly.state is not SessionState.TALLIED:
        raise RuleViolation("state", str(_l("Only a counted result that is not yet decided can be corrected.")))
    if voids is not None and (voids.session_id != assembly.id or voids.roll_entry_id != roll_entry_id or voids.superseded_at is not None):
        raise RuleViolation("ballot", str(_l("That ballot no longer counts for these units.")))
    if window_of(s, assembly.id, roll_entry_id) is not None:
        raise RuleViolation("state", str(_l("These units already have a window open to vote again.")))
    until = now + timedelta(hours=get_profile(community.rule_profile).settings.objection_recast_hours)
    bulletin.append_correction(s, assembly, roll_entry_id, voids.id if voids else None, until=until, objection=objection, now=now)
    if voids is not None:
        supersede(s, voids.id, now=now)
    window = CorrectionWindow(
        session_id=assembly.id,
        roll_entry_id=roll_entry_id,
        channel=channel,
        voided_ballot_id=voids.id if voids else None,
        objection=objection,
        opened_at=now,
        until=until,
    )
    s.add(window)
    s.flush()
    data = {"objection": objection, "voided": window.voided_ballot_id, "channel": channel, "until": until.isoformat()}
    record(s, actor, "session.reopen", "session", assembly.public_id, **scope(community), now=now, data=data)
    return window


def window_of(s: Session, assembly_id: int, roll_entry_id: int, *, channel: str | None = None) -> CorrectionWindow | None:
    """The voter's open window, if any (and by ``channel`` when given)."""
    query = select(CorrectionWindow).where(
        CorrectionWindow.session_id == assembly_id,
        CorrectionWindow.roll_entry_id == roll_entry_id,
        CorrectionWindow.closed_at.is_(None),
    )
    if channel is not None:
        query = query.where(CorrectionWindow.channel == channel)
    return s.execute(query).scalar_one_or_none()


def open_for(s: Session, assembly_id: int, roll_entry_id: int, channel: str, now: datetime) -> CorrectionWindow | None:
    """The window in which this voter may cast by ``channel`` now; None when there is none or it has ended."""
    window = window_of(s, assembly_id, roll_entry_id, channel=channel)
    return window if window is not None and now < window.until else None


def close_window(s: Session, window: CorrectionWindow, *, ballot_id: int | None, now: datetime) -> None:
    """The voter cast (``ballot_id``) or the window ended; with none left open, seal again and recount."""
    window.closed_at, window.ballot_id = now, ballot_id
    s.flush()
    assembly = s.get(AssemblySession, window.session_id)
    community = s.get(Community, assembly.community_id) if assembly else None
    assert assembly is not None and community is not None
    if not open_windows(s, assembly.id):
        recount_corrected(s, assembly, community, now=now)


def close_due_windows(*, now: datetime, session_id: int | None = None) -> int:
    """Close every window whose time is up (``flask close-due`` and the pages that show the result call this)."""
    query = select(CorrectionWindow.id).where(CorrectionWindow.closed_at.is_(None), CorrectionWindow.until <= now)
    if session_id is not None:
        query = query.where(CorrectionWindow.session_id == session_id)
    due = db.session.execute(query).scalars().all()
    closed = 0
    for window_id in due:
        with db.write() as s:
            window = s.get(CorrectionWindow, window_id)
            assert window is not None
            bulletin.lock_head(s, window.session_id)  # the chain head first, as every append
            s.refresh(window, with_for_update=True)
            assembly = s.get(AssemblySession, window.session_id)
            if window.closed_at is None and assembly is not None and assembly.state is SessionState.TALLIED:
                close_window(s, window, ballot_id=None, now=now)
                closed += 1
    return closed


def close_all(s: Session, assembly: AssemblySession, *, now: datetime) -> None:
    """Before a verdict: every window still open ends now, and the count is sealed again (the office rejects a result
    while a voter's window runs: what it signs is the count without the voided ballot)."""
    windows = (
        s.execute(select(CorrectionWindow).where(CorrectionWindow.session_id == assembly.id, CorrectionWindow.closed_at.is_(None)))
        .scalars()
        .all()
    )
    for window in windows:
        window.closed_at = now
    if windows:
        s.flush()
        community = s.get(Community, assembly.community_id)
        assert community is not None
        recount_corrected(s, assembly, community, now=now)


def open_windows(s: Session, assembly_id: int) -> bool:
    """Whether any voter's window is open (the chain then ends without a seal until it closes)."""
    query = select(CorrectionWindow.id).where(CorrectionWindow.session_id == assembly_id, CorrectionWindow.closed_at.is_(None))
    return s.execute(query.limit(1)).first() is not None


def windows_of_session(assembly_id: int) -> list[CorrectionWindow]:
    return list(
        db.session.execute(
            select(CorrectionWindow).where(CorrectionWindow.session_id == assembly_id).order_by(CorrectionWindow.id)
        ).scalars()
    )
