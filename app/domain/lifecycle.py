"""Session states and the transitions between them (DESIGN §3, issue flows 2-6).

draft → announced → open → closed → tallied → certified | rejected; a certified
or tallied session can later be revoked by a street office order.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from .errors import RuleViolation


class SessionState(enum.Enum):
    DRAFT = "draft"
    ANNOUNCED = "announced"
    OPEN = "open"
    CLOSED = "closed"
    TALLIED = "tallied"
    CERTIFIED = "certified"
    REJECTED = "rejected"
    REVOKED = "revoked"


ALLOWED: dict[SessionState, frozenset[SessionState]] = {
    SessionState.DRAFT: frozenset({SessionState.ANNOUNCED}),
    SessionState.ANNOUNCED: frozenset({SessionState.OPEN}),
    SessionState.OPEN: frozenset({SessionState.CLOSED}),
    SessionState.CLOSED: frozenset({SessionState.TALLIED}),
    SessionState.TALLIED: frozenset({SessionState.CERTIFIED, SessionState.REJECTED, SessionState.REVOKED}),
    SessionState.CERTIFIED: frozenset({SessionState.REVOKED}),
    SessionState.REJECTED: frozenset(),
    SessionState.REVOKED: frozenset(),
}


def require_transition(current: SessionState, target: SessionState) -> None:
    if target not in ALLOWED[current]:
        raise RuleViolation("state", f"a {current.value} session cannot become {target.value}")


def state_at(state: SessionState, opens_at: datetime, closes_at: datetime, now: datetime) -> SessionState:
    """The state the clock has moved an announced or open session to; server time decides."""
    if state is SessionState.ANNOUNCED and now >= opens_at:
        state = SessionState.OPEN
    if state is SessionState.OPEN and now >= closes_at:
        state = SessionState.CLOSED
    return state


def check_window(*, now: datetime, opens_at: datetime, closes_at: datetime, notice_days: int, min_days: int, max_days: int) -> None:
    """The notice period and the window bounds of the rule profile (RULES §3)."""
    if opens_at < now + timedelta(days=notice_days):
        earliest = (now + timedelta(days=notice_days)).strftime("%Y-%m-%d %H:%M")
        raise RuleViolation("opens_at", f"voting may open {notice_days} days after the announcement at the earliest ({earliest} UTC)")
    length = closes_at - opens_at
    if length < timedelta(days=min_days):
        raise RuleViolation("closes_at", f"the voting window must last at least {min_days} days")
    if length > timedelta(days=max_days):
        raise RuleViolation("closes_at", f"the voting window may last at most {max_days} days")
