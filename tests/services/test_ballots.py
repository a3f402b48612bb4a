"""Casting ballots: one current ballot per voter, inside the window, from a valid form."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.db import db
from app.domain.errors import RuleViolation
from app.domain.lifecycle import SessionState
from app.security.actor import actor_for
from app.sessions import services
from app.sessions.models import Ballot, BallotChoice, Channel
from app.voting import services as voting
from tests.factories import items, make_world, open_session, revote_profile, use_profile


def test_a_cast_ballot_records_every_item_and_the_voters_weight(app: Flask) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, q2 = items(session)
    ballot = voting.cast_ballot(tokens["张伟"], {q1: "agree"}, ip="t", now=now)
    assert ballot.choices == {q1: "agree", q2: "abstain"} and ballot.channel is Channel.ONLINE
    rows = db.session.execute(select(BallotChoice.choice, BallotChoice.area_centi).order_by(BallotChoice.item_id)).all()
    assert rows == [("agree", 8950), ("abstain", 8950)]


def test_a_second_cast_is_refused_and_logged(app: Flask) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _ = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree"}, ip="t", now=now)
    with pytest.raises(RuleViolation, match="already been cast"):
        voting.cast_ballot(tokens["张伟"], {q1: "disagree"}, ip="t", now=now)
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar_one() == 1
    assert db.session.execute(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "ballot.duplicate")).scalar_one() == 1


def test_the_first_co_owner_to_cast_binds_the_other(app: Flask) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _ = items(session)
    voting.cast_ballot(tokens["王强"], {q1: "disagree"}, ip="t", now=now)
    with pytest.raises(RuleViolation, match="already been cast"):
        voting.cast_ballot(tokens["李娜"], {q1: "agree"}, ip="t", now=now)


def test_nothing_is_accepted_outside_the_window(app: Flask) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _ = items(session)
    with pytest.raises(RuleViolation, match="not open"):
        voting.cast_ballot(tokens["张伟"], {q1: "agree"}, ip="t", now=now - timedelta(days=2))
    with pytest.raises(RuleViolation, match="not open"):
        voting.cast_ballot(tokens["张伟"], {q1: "agree"}, ip="t", now=now + timedelta(days=30))
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar_one() == 0


@pytest.mark.parametrize("tampered", [{"999": "agree"}, {"ITEM": "yes"}])
def test_a_tampered_form_is_refused_and_audited(app: Flask, tampered: dict[str, str]) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _ = items(session)
    form = {q1 if k == "ITEM" else k: v for k, v in tampered.items()}
    with pytest.raises(RuleViolation, match="form was changed"):
        voting.cast_ballot(tokens["张伟"], form, ip="6.6.6.6", now=now)
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar_one() == 0
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "ballot.tampered")).scalar_one()
    assert event.data == {"ip": "6.6.6.6"}


def test_a_proxy_casts_the_owners_ballot(app: Flask) -> None:
    world = make_world()
    session, _, now = open_session(world)
    q1, _ = items(session)
    proxy = services.record_proxy(
        actor_for(world.committee),
        session.id,
        unit="1-103",
        owner_name="赵敏",
        proxy_name="赵小敏",
        proxy_id_last4="7777",
        scan_reference="WT-1",
        now=now,
    )
    ballot = voting.cast_ballot(proxy.token, {q1: "agree"}, ip="t", now=now)
    assert ballot.channel is Channel.PROXY and ballot.roll_entry_id == proxy.letter.roll_entry_id


def test_racing_casts_for_one_voter_land_exactly_one_ballot(app: Flask) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _ = items(session)
    outcomes: list[str] = []
    start = threading.Barrier(12)

    def cast(token: str) -> None:
        with app.app_context():
            start.wait()
            try:
                voting.cast_ballot(token, {q1: "agree"}, ip="t", now=now)
                outcomes.append("cast")
            except RuleViolation as exc:
                outcomes.append("refused" if "already been cast" in exc.reason else exc.reason)

    threads = [threading.Thread(target=cast, args=(tokens["李娜" if i % 2 else "王强"],)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["cast"] + ["refused"] * 11
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar_one() == 1


def test_closing_tallies_the_ballots_with_the_rule_engine(app: Flask) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, q2 = items(session)
    # Roll: 张伟 89.50, 李娜+王强 120.00, 赵敏 60.00 → 269.50 m², 3 voters.
    voting.cast_ballot(tokens["张伟"], {q1: "agree", q2: "agree"}, ip="t", now=now)
    voting.cast_ballot(tokens["李娜"], {q1: "agree", q2: "disagree"}, ip="t", now=now)
    assert services.sync_state(session.id, now=now + timedelta(days=30)) is SessionState.TALLIED
    db.session.refresh(session)
    result = session.result
    assert result is not None and result["ballots"] == 2 and result["totals"] == {"area": "269.50", "heads": 3}
    first, second = result["items"]
    # participating 209.50/269.50 ≥ 2/3 and 2/3 heads: quorum; q1 all agree → passed
    assert first["participating"] == {"area": "209.50", "heads": 2} and first["outcome"] == "passed"
    # q2: agree 89.50 of 209.50 (not > 1/2) → rejected
    assert second["agree"] == {"area": "89.50", "heads": 1} and second["outcome"] == "rejected"
    assert len(session.result_sha256 or "") == 64
    tally = db.session.execute(select(AuditEvent).where(AuditEvent.action == "session.tally")).scalar_one()
    assert tally.data["result_sha256"] == session.result_sha256
    with pytest.raises(RuleViolation, match="not open"):
        voting.cast_ballot(tokens["赵敏"], {q1: "agree"}, ip="t", now=now + timedelta(days=30))


def test_turnout_counts_participation_without_revealing_choices(app: Flask) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _ = items(session)
    voting.cast_ballot(tokens["赵敏"], {q1: "disagree"}, ip="t", now=now)
    db.session.refresh(session)
    seen = services.turnout(session)
    assert seen.participating.area == 6000 and seen.participating.heads == 1
    assert (seen.area_percent, seen.heads_percent) == ("22.26", "33.33")


@pytest.fixture
def revoting(tmp_path: Path) -> Iterator[None]:
    yield from revote_profile(tmp_path / "profiles")


def test_where_the_profile_allows_revoting_the_newest_ballot_counts_and_the_old_is_kept(app: Flask, revoting: None) -> None:
    world = make_world()
    use_profile(world, "cn-revote")
    session, tokens, now = open_session(world)
    q1, _ = items(session)
    first = voting.cast_ballot(tokens["张伟"], {q1: "disagree"}, ip="t", now=now)
    second = voting.cast_ballot(tokens["张伟"], {q1: "agree"}, ip="t", now=now)
    db.session.rollback()
    ballots = {b.id: b for b in db.session.execute(select(Ballot)).scalars()}
    assert ballots[first.id].superseded_at is not None and ballots[second.id].superseded_at is None
    assert db.session.execute(select(BallotChoice.choice).where(BallotChoice.item_id == int(q1))).scalars().all() == ["agree"]
