"""A sealed bulletin reopened for one voter by an upheld objection: the correction, that voter's ballot, a new seal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from app.domain.bulletin import BulletinBroken, recount
from app.domain.receipts import make_correction, make_entry, make_seal, pseudonym, sign_entry
from tests.domain.test_bulletin import CHAIN, KEY, KEYS, SECRET, START

V3 = pseudonym(SECRET, "S1", "v3")
V1 = pseudonym(SECRET, "S1", "v1")
LATER = START + timedelta(days=2)


def correction(chain: list[dict[str, Any]], voter: str, voids: str | None, *, hours: int = 48) -> dict[str, Any]:
    entry = make_correction(
        session="S1", seq=len(chain) + 1, made_at=LATER, voter=voter, voids=voids, until=LATER + timedelta(hours=hours), objection="obj1",
        prev=chain[-1]["hash"],
    )  # fmt: skip
    return sign_entry(entry, KEY)


def ballot(chain: list[dict[str, Any]], voter: str, choices: dict[str, str], *, area: int = 6025, hours: int = 1) -> dict[str, Any]:
    entry = make_entry(
        session="S1", seq=len(chain) + 1, cast_at=LATER + timedelta(hours=hours), voter=voter, area_centi=area, headcount=1,
        choices=choices, supersedes=None, prev=chain[-1]["hash"],
    )  # fmt: skip
    return sign_entry(entry, KEY)


def seal(chain: list[dict[str, Any]]) -> dict[str, Any]:
    at = LATER + timedelta(hours=2)
    head = chain[-1]["hash"]
    return sign_entry(
        make_seal(session="S1", seq=len(chain) + 1, closes_at=START + timedelta(days=1), sealed_at=at, head=head, count=len(chain)), KEY
    )


def v3_entry() -> dict[str, Any]:
    return next(e for e in CHAIN if e["type"] == "ballot" and e["voter"] == V3)


def test_the_voided_ballot_leaves_the_count_and_the_voters_new_ballot_counts() -> None:
    before = recount(CHAIN, KEYS, whole=True)
    chain = [*CHAIN]
    chain.append(correction(chain, V3, v3_entry()["hash"]))
    chain.append(ballot(chain, V3, {"1": "disagree", "2": "disagree"}))
    chain.append(seal(chain))
    after = recount(chain, KEYS, whole=True)
    assert after.ballots == before.ballots == 3
    assert after.sums["1"]["disagree"].heads == before.sums["1"]["disagree"].heads + 1
    assert after.sums["1"]["agree"].heads == before.sums["1"]["agree"].heads - 1


def test_a_window_without_a_ballot_leaves_the_voter_out() -> None:
    chain = [*CHAIN]
    chain.append(correction(chain, V3, v3_entry()["hash"]))
    chain.append(seal(chain))
    assert recount(chain, KEYS, whole=True).ballots == 2


def test_only_the_reopened_voter_casts_after_the_seal_and_only_inside_the_window() -> None:
    with pytest.raises(BulletinBroken, match="comes after the seal"):
        recount([*CHAIN, ballot(CHAIN, V1, {"1": "agree"}, area=8950)], KEYS)
    chain = [*CHAIN]
    chain.append(correction(chain, V3, v3_entry()["hash"]))
    with pytest.raises(BulletinBroken, match="no correction reopening the chain for its voter"):
        recount([*chain, ballot(chain, V1, {"1": "agree"}, area=8950)], KEYS)
    with pytest.raises(BulletinBroken, match="after the end of the voter's extra window"):
        recount([*chain, ballot(chain, V3, {"1": "agree"}, hours=49)], KEYS)
    with pytest.raises(BulletinBroken, match="weights differ from the ballot the correction took out"):
        recount([*chain, ballot(chain, V3, {"1": "agree"}, area=9999)], KEYS)
    unsealed = [*CHAIN[:-1]]
    with pytest.raises(BulletinBroken, match="a correction before the bulletin was sealed"):
        recount([*unsealed, correction(unsealed, V3, v3_entry()["hash"])], KEYS)


def test_a_correction_voids_only_the_voters_counted_ballot() -> None:
    with pytest.raises(BulletinBroken, match="voids an entry that is not the voter's counted ballot"):
        recount([*CHAIN, correction(CHAIN, V1, v3_entry()["hash"])], KEYS)


def test_the_reopened_bulletin_must_be_sealed_again() -> None:
    chain = [*CHAIN]
    chain.append(correction(chain, V3, v3_entry()["hash"]))
    chain.append(ballot(chain, V3, {"1": "agree"}))
    with pytest.raises(BulletinBroken, match="not sealed"):
        recount(chain, KEYS, whole=True)
