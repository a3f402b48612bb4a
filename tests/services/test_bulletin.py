"""The bulletin board as casting builds it: one signed entry per ballot, in the ballot's transaction, sealed at close."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from app.db import db
from app.domain.bulletin import PublishedRoll, decide, recount
from app.domain.errors import RuleViolation
from app.domain.lifecycle import SessionState
from app.domain.receipts import verify_receipt
from app.security.actor import actor_for
from app.security.keys import load_keyring, rotate_keys
from app.sessions import services
from app.sessions.models import Ballot, BulletinEntry
from app.sessions.services import bulletin
from app.voting import services as voting
from tests.factories import items, make_world, open_session, revote_profile, use_profile


def keys(app: Flask) -> list:  # type: ignore[type-arg]
    return load_keyring(app.instance_path).published


def chain(session_id: int) -> list[dict]:  # type: ignore[type-arg]
    db.session.rollback()
    return bulletin.entries(db.session(), session_id)


def test_each_cast_appends_a_signed_entry_that_is_the_owners_receipt(app: Flask) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, q2 = items(session)
    ballot = voting.cast_ballot(tokens["李娜"], {q1: "agree"}, ip="t", now=now)
    voting.cast_ballot(tokens["张伟"], {q1: "disagree", q2: "agree"}, ip="t", now=now)
    entries = chain(session.id)
    assert [e["seq"] for e in entries] == [1, 2]
    receipt = bulletin.receipt_of(db.session(), ballot.id)
    assert receipt == entries[0]
    assert receipt["weights"] == {"area": "120.00", "headcount": 1}  # the voter's, not the holder's share
    assert receipt["choices"] == {q1: "agree", q2: "abstain"} and receipt["session"] == session.public_id
    assert verify_receipt(receipt, keys(app)) is None
    assert recount(entries, keys(app)).ballots == 2
    # The voter is a pseudonym: the same voter, not the same letter, and nothing of the person.
    assert len(receipt["voter"]) == 64 and "李娜" not in str(receipt)


def test_a_refused_cast_leaves_no_entry(app: Flask) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _ = items(session)
    voting.cast_ballot(tokens["王强"], {q1: "agree"}, ip="t", now=now)
    with pytest.raises(RuleViolation):
        voting.cast_ballot(tokens["李娜"], {q1: "agree"}, ip="t", now=now)
    assert len(chain(session.id)) == 1


@pytest.fixture
def revoting(tmp_path: Path) -> Iterator[None]:
    yield from revote_profile(tmp_path / "profiles")


def test_a_revote_supersedes_the_voters_entry_and_the_recount_counts_only_the_newest(app: Flask, revoting: None) -> None:
    world = make_world()
    use_profile(world, "cn-revote")
    session, tokens, now = open_session(world)
    q1, _ = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "disagree"}, ip="t", now=now)
    voting.cast_ballot(tokens["赵敏"], {q1: "agree"}, ip="t", now=now)
    voting.cast_ballot(tokens["张伟"], {q1: "agree"}, ip="t", now=now)
    first, _, third = chain(session.id)
    assert third["supersedes"] == first["hash"] and third["voter"] == first["voter"]
    count = recount(chain(session.id), keys(app))
    assert (count.ballots, count.superseded) == (2, 1)
    assert count.sums[q1]["agree"].heads == 2 and count.sums[q1]["disagree"].heads == 0


def test_a_confirmed_paper_ballot_enters_the_bulletin_and_a_pending_one_does_not(app: Flask) -> None:
    from app.accounts.services import create_user
    from app.security.roles import Role

    world = make_world()
    second = create_user(
        actor_for(world.admin),
        username="m2",
        display_name="委员",
        password="x" * 12,
        role=Role.COMMITTEE_MEMBER,
        community_id=world.community.id,
    )
    session, _, now = open_session(world)
    q1, _ = items(session)
    paper = services.enter_paper_ballot(
        actor_for(world.committee), session.id, unit="1-103", choices={q1: "agree"}, paper_reference="P-1", now=now
    )
    assert chain(session.id) == []
    services.confirm_paper_ballot(actor_for(second), paper.id, now=now)
    (entry,) = chain(session.id)
    assert entry["weights"] == {"area": "60.00", "headcount": 1} and entry["choices"][q1] == "agree"


def test_closing_seals_the_chain_and_the_recount_of_the_bulletin_is_the_servers_result(app: Flask) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, q2 = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree", q2: "agree"}, ip="t", now=now)
    voting.cast_ballot(tokens["李娜"], {q1: "agree", q2: "disagree"}, ip="t", now=now)
    closed = now + timedelta(days=30)
    assert services.sync_state(session.id, now=closed) is SessionState.TALLIED
    entries = chain(session.id)
    seal = entries[-1]
    assert seal["type"] == "seal" and seal["count"] == 2 and seal["head"] == entries[1]["hash"]
    assert bulletin.seal_of(db.session(), session.id) == seal
    db.session.refresh(session)
    roll = PublishedRoll.from_json(services.published_roll(session))
    assert decide(recount(entries, keys(app)), roll) == session.result
    with pytest.raises(RuleViolation, match="not open"):
        voting.cast_ballot(tokens["赵敏"], {q1: "agree"}, ip="t", now=closed)
    assert len(chain(session.id)) == 3
    assert bulletin.participation(db.session(), session.id) == ["1-101", "1-102"]


def test_receipts_signed_before_a_rotation_still_verify_and_new_ones_use_the_new_key(app: Flask) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _ = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree"}, ip="t", now=now)
    new = rotate_keys(app.instance_path, now=now + timedelta(seconds=1))
    voting.cast_ballot(tokens["赵敏"], {q1: "agree"}, ip="t", now=now + timedelta(seconds=2))
    first, second = chain(session.id)
    assert first["key_id"] != new and second["key_id"] == new
    assert recount([first, second], keys(app)).ballots == 2


def test_the_database_refuses_to_change_or_delete_an_entry(app: Flask) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _ = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree"}, ip="t", now=now)
    for statement in ("UPDATE bulletin_entry SET body = '{}'", "DELETE FROM bulletin_entry"):
        with pytest.raises(DatabaseError, match="append-only"), db.write() as s:
            s.execute(text(statement))
    assert len(chain(session.id)) == 1


def test_concurrent_casts_by_many_voters_never_fork_the_chain(app: Flask) -> None:
    world = make_world()
    session, tokens, now = open_session(world, more_voters=36)
    q1, q2 = items(session)
    voters = [tokens[f"业主{n}"] for n in range(1, 37)]
    start = threading.Barrier(len(voters))
    failures: list[str] = []

    def cast(token: str, n: int) -> None:
        with app.app_context():
            start.wait()
            try:
                voting.cast_ballot(token, {q1: ("agree", "disagree")[n % 2], q2: "abstain"}, ip="t", now=now)
            except Exception as exc:  # any failure is the finding
                failures.append(repr(exc))

    threads = [threading.Thread(target=cast, args=(token, n)) for n, token in enumerate(voters)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    entries = chain(session.id)
    count = recount(entries, keys(app))
    assert [e["seq"] for e in entries] == list(range(1, 37)) and count.ballots == 36
    assert count.sums[q1]["agree"].heads == 18
    assert db.session.execute(select(func.count()).select_from(BulletinEntry)).scalar_one() == 36
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar_one() == 36
