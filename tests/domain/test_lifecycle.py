from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import RuleViolation
from app.domain.lifecycle import ALLOWED, SessionState, check_window, require_transition, state_at

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
S = SessionState


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.DRAFT, S.ANNOUNCED),
        (S.ANNOUNCED, S.OPEN),
        (S.OPEN, S.CLOSED),
        (S.CLOSED, S.TALLIED),
        (S.TALLIED, S.CERTIFIED),
        (S.TALLIED, S.REJECTED),
        (S.CERTIFIED, S.REVOKED),
    ],
)
def test_allowed_transitions(current: SessionState, target: SessionState) -> None:
    require_transition(current, target)


@given(st.sampled_from(SessionState), st.sampled_from(SessionState))
def test_every_other_transition_is_refused(current: SessionState, target: SessionState) -> None:
    if target in ALLOWED[current]:
        require_transition(current, target)
    else:
        with pytest.raises(RuleViolation, match=f"a {current.value} session cannot become {target.value}"):
            require_transition(current, target)


def test_nothing_leaves_rejected_or_revoked_and_nothing_returns_to_draft() -> None:
    assert ALLOWED[S.REJECTED] == ALLOWED[S.REVOKED] == frozenset()
    assert all(S.DRAFT not in targets for targets in ALLOWED.values())


def test_the_clock_opens_and_closes_a_session() -> None:
    opens, closes = NOW + timedelta(days=15), NOW + timedelta(days=22)
    assert state_at(S.ANNOUNCED, opens, closes, opens - timedelta(seconds=1)) is S.ANNOUNCED
    assert state_at(S.ANNOUNCED, opens, closes, opens) is S.OPEN
    assert state_at(S.OPEN, opens, closes, closes - timedelta(seconds=1)) is S.OPEN
    assert state_at(S.OPEN, opens, closes, closes) is S.CLOSED
    assert state_at(S.ANNOUNCED, opens, closes, closes + timedelta(days=1)) is S.CLOSED
    assert state_at(S.DRAFT, opens, closes, closes) is S.DRAFT


def window(opens_in: timedelta, length: timedelta) -> None:
    check_window(now=NOW, opens_at=NOW + opens_in, closes_at=NOW + opens_in + length, notice_days=15, min_days=5, max_days=60)


def test_voting_may_open_fifteen_days_after_the_announcement() -> None:
    window(timedelta(days=15), timedelta(days=5))
    with pytest.raises(RuleViolation, match="15 days after the announcement"):
        window(timedelta(days=15) - timedelta(minutes=1), timedelta(days=7))


def test_the_window_lasts_five_to_sixty_days() -> None:
    window(timedelta(days=20), timedelta(days=60))
    with pytest.raises(RuleViolation, match="at least 5 days"):
        window(timedelta(days=20), timedelta(days=5) - timedelta(seconds=1))
    with pytest.raises(RuleViolation, match="at most 60 days"):
        window(timedelta(days=20), timedelta(days=60, seconds=1))
