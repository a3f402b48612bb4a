"""Recounting from the bulletin alone: any change to any entry is caught, and the count applies superseding."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.__main__ import main
from app.domain.bulletin import BulletinBroken, PublishedRoll, decide, recount
from app.domain.canonical import ZERO_HASH
from app.domain.receipts import ENTRY_FIELDS, SEAL_FIELDS, PublishedKey, key_id, make_entry, make_seal, pseudonym, sign_entry
from app.domain.result import SessionItem
from app.domain.tally import Weight

KEY = Ed25519PrivateKey.generate()
KEYS = [PublishedKey(key_id(KEY), KEY.public_key(), "2026-01-01T00:00:00Z", None)]
START = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
SECRET = b"server secret"


def build(votes: list[tuple[str, dict[str, str], str]], *, seal: bool = True, key: Ed25519PrivateKey = KEY) -> list[dict[str, Any]]:
    """A signed chain: one entry per (voter, choices, area); a voter's later entry supersedes the earlier."""
    chain: list[dict[str, Any]] = []
    current: dict[str, str] = {}
    for index, (voter, choices, area) in enumerate(votes):
        who = pseudonym(SECRET, "S1", voter)
        entry = make_entry(
            session="S1",
            seq=len(chain) + 1,
            cast_at=START + timedelta(minutes=index),
            voter=who,
            area_centi=int(area.replace(".", "")),
            headcount=1,
            choices=choices,
            supersedes=current.get(who),
            prev=chain[-1]["hash"] if chain else None,
        )
        chain.append(sign_entry(entry, key))
        current[who] = chain[-1]["hash"]
    if seal:
        head = chain[-1]["hash"] if chain else ZERO_HASH
        closes = START + timedelta(days=1)
        chain.append(
            sign_entry(make_seal(session="S1", seq=len(chain) + 1, closes_at=closes, sealed_at=closes, head=head, count=len(chain)), key)
        )
    return chain


VOTES = [
    ("v1", {"1": "agree", "2": "agree"}, "89.50"),
    ("v2", {"1": "disagree", "2": "abstain"}, "120.00"),
    ("v3", {"1": "agree", "2": "disagree"}, "60.25"),
    ("v2", {"1": "agree", "2": "agree"}, "120.00"),  # v2 changes their mind
]
CHAIN = build(VOTES)
ROLL = {
    "session": "S1",
    "profile": "cn-national",
    "roll_sha256": "ab" * 32,
    "totals": {"area": "400.00", "heads": 4},
    "items": [
        {"id": "1", "matter": "cn.rules_of_procedure", "title": "Rules", "position": 1},
        {"id": "2", "matter": "cn.raise_fund", "title": "Lifts", "position": 2},
    ],
    "participation": {"ballots": 3, "units": ["1-101", "1-102", "1-103"]},
}


def test_a_recount_counts_each_voters_newest_ballot_only() -> None:
    count = recount(CHAIN, KEYS)
    assert (count.entries, count.ballots, count.superseded, count.sealed) == (5, 3, 1, True)
    assert count.participating == Weight(26975, 3)
    assert count.sums["1"]["agree"] == Weight(26975, 3)
    assert count.sums["1"]["disagree"] == Weight()
    assert count.sums["2"]["disagree"] == Weight(6025, 1)


def test_with_the_roll_the_recount_decides_every_item() -> None:
    result = decide(recount(CHAIN, KEYS), PublishedRoll.from_json(ROLL))
    assert result["ballots"] == 3
    # 269.75 of 400 m² and 3 of 4 owners took part (2/3 each); all agree to item 1, item 2 (3/4 of the
    # participants needed) has 209.50 m² (77.7 %) but only 2 of 3 owners.
    assert [item["outcome"] for item in result["items"]] == ["passed", "rejected"]
    assert result["items"][0]["participating"] == {"area": "269.75", "heads": 3}


def mutations(chain: list[dict[str, Any]]) -> st.SearchStrategy[tuple[int, str]]:
    pairs = [
        (i, f) for i, e in enumerate(chain) for f in (*(ENTRY_FIELDS if e["type"] == "ballot" else SEAL_FIELDS), "hash", "key_id", "sig")
    ]
    return st.sampled_from(pairs)


def changed(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return "f" * 64
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value[:-1] + ("0" if value[-1] != "0" else "1")
    if isinstance(value, dict):
        first = sorted(value)[0]
        return {**value, first: changed(value[first])}
    raise AssertionError(value)


@settings(max_examples=150)
@given(mutations(CHAIN))
def test_changing_any_field_of_any_entry_is_caught_at_that_entry(where: tuple[int, str]) -> None:
    index, field = where
    tampered = copy.deepcopy(CHAIN)
    tampered[index][field] = changed(tampered[index][field])
    with pytest.raises(BulletinBroken) as broken:
        recount(tampered, KEYS)
    assert broken.value.seq in (index, index + 1)  # the entry itself, or a seq edit announces itself one earlier


@given(st.permutations(range(len(CHAIN))))
def test_reordering_entries_is_caught(order: list[int]) -> None:
    if order == sorted(order):
        return
    with pytest.raises(BulletinBroken):
        recount([CHAIN[i] for i in order], KEYS)


@pytest.mark.parametrize("gone", range(len(CHAIN)))
def test_deleting_any_entry_is_caught(gone: int) -> None:
    if gone == len(CHAIN) - 1:
        assert not recount(CHAIN[:gone], KEYS).sealed  # an unsealed bulletin says so; the result page needs the seal
        return
    with pytest.raises(BulletinBroken) as broken:
        recount(CHAIN[:gone] + CHAIN[gone + 1 :], KEYS)
    assert broken.value.seq == gone + 1


def test_inserting_an_entry_signed_by_the_real_key_still_breaks_the_chain() -> None:
    forged = copy.deepcopy(CHAIN[:2])
    extra = make_entry(
        session="S1",
        seq=3,
        cast_at=START,
        voter="cd" * 32,
        area_centi=100,
        headcount=1,
        choices={"1": "agree"},
        supersedes=None,
        prev=CHAIN[1]["hash"],
    )
    forged.append(sign_entry(extra, KEY))
    forged.extend(CHAIN[2:])
    with pytest.raises(BulletinBroken) as broken:
        recount(forged, KEYS)
    assert broken.value.seq == 4


def test_a_chain_signed_by_another_key_is_refused_by_key_id() -> None:
    other = Ed25519PrivateKey.generate()
    with pytest.raises(BulletinBroken, match=f"unknown key {key_id(other)}"):
        recount(build(VOTES, key=other), KEYS)
    swapped = [PublishedKey(KEYS[0].key_id, other.public_key(), "2026-01-01T00:00:00Z", None)]
    with pytest.raises(BulletinBroken, match="does not match its key_id"):
        recount(CHAIN, swapped)


def test_a_second_ballot_that_does_not_supersede_the_first_is_a_double_vote() -> None:
    chain = build(VOTES[:3])[:-1]
    who = pseudonym(SECRET, "S1", "v1")
    again = make_entry(
        session="S1",
        seq=4,
        cast_at=START,
        voter=who,
        area_centi=8950,
        headcount=1,
        choices={"1": "disagree"},
        supersedes=None,
        prev=chain[-1]["hash"],
    )
    chain.append(sign_entry(again, KEY))
    with pytest.raises(BulletinBroken, match="entry 4: a second ballot of the voter of entry 1"):
        recount(chain, KEYS)


def test_nothing_may_follow_the_seal_and_the_seal_must_count_truly() -> None:
    with pytest.raises(BulletinBroken, match="entry 6: comes after the seal"):
        recount([*CHAIN, CHAIN[0]], KEYS)
    chain = build(VOTES, seal=False)
    closes = START + timedelta(days=1)
    lying = make_seal(session="S1", seq=5, closes_at=closes, sealed_at=closes, head=chain[-1]["hash"], count=3)
    with pytest.raises(BulletinBroken, match="entry 5: the seal counts 3 entries, the chain has 4"):
        recount([*chain, sign_entry(lying, KEY)], KEYS)


def test_a_ballot_naming_an_item_not_on_the_roll_is_named() -> None:
    with pytest.raises(BulletinBroken, match=r"entry 1: choices\.1 names no item"):
        recount(CHAIN, KEYS, items=[SessionItem("2", "cn.hire_manager", "q", 1)])


def write(tmp_path: Path, name: str, obj: Any) -> str:
    path = tmp_path / name
    path.write_text(obj if isinstance(obj, str) else json.dumps(obj), encoding="utf-8")
    return str(path)


def keys_file(tmp_path: Path) -> str:
    return write(tmp_path, "keys.json", {"keys": [k.as_json() for k in KEYS]})


def test_the_command_line_recounts_and_names_the_broken_entry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys = keys_file(tmp_path)
    assert main(["recount", write(tmp_path, "b.json", {"entries": CHAIN}), "--keys", keys, "--roll", write(tmp_path, "r.json", ROLL)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == decide(recount(CHAIN, KEYS), PublishedRoll.from_json(ROLL))
    tampered = copy.deepcopy(CHAIN)
    tampered[2]["choices"]["1"] = "disagree"
    assert main(["recount", write(tmp_path, "t.json", {"entries": tampered}), "--keys", keys]) == 1
    assert capsys.readouterr().err.strip().endswith("BROKEN at entry 3: the hash does not match the entry")


def test_the_command_line_verifies_a_receipt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys = keys_file(tmp_path)
    assert main(["verify-receipt", write(tmp_path, "r.json", CHAIN[1]), "--keys", keys]) == 0
    assert f"entry 2 of session S1, tracker {CHAIN[1]['hash'][:4]} " in capsys.readouterr().out
    forged = {**CHAIN[1], "sig": CHAIN[0]["sig"]}
    assert main(["verify-receipt", write(tmp_path, "f.json", forged), "--keys", keys]) == 1
    assert "NOT VALID: the signature does not verify" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("receipt", "keys", "message"),
    [
        ("{not json", None, "not JSON"),
        ("[]", None, "NOT VALID: not a JSON object"),
        (None, "{}", 'keys.json: expected {"keys": [...]}'),
        (None, json.dumps({"keys": [{"key_id": "x", "public_key": "!!"}]}), "keys[0] is not an Ed25519 key"),
    ],
)
def test_bad_files_exit_1_naming_what_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], receipt: str | None, keys: str | None, message: str
) -> None:
    receipt_path = write(tmp_path, "r.json", receipt if receipt is not None else json.dumps(CHAIN[0]))
    keys_path = write(tmp_path, "keys.json", keys) if keys is not None else keys_file(tmp_path)
    assert main(["verify-receipt", receipt_path, "--keys", keys_path]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_malformed_roll_names_its_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roll = {**ROLL, "totals": {"area": "4.001", "heads": 4}}
    bulletin = write(tmp_path, "b.json", {"entries": CHAIN})
    assert main(["recount", bulletin, "--keys", keys_file(tmp_path), "--roll", write(tmp_path, "r.json", roll)]) == 1
    assert "totals.area: more than two decimals" in capsys.readouterr().err


ELECTION_ROLL = {
    "session": "S1",
    "profile": "cn-party50",
    "roll_sha256": "cd" * 32,
    "totals": {"area": "300.00", "heads": 3},
    "items": [
        {"id": "1", "matter": "cn.hire_manager", "title": "Manager", "position": 1},
        {
            "id": "2",
            "matter": "cn.elect_committee",
            "title": "Committee",
            "position": 2,
            "kind": "election",
            "seats": 1,
            "alternates": 1,
            "candidates": [{"id": "7", "party": True}, {"id": "8", "party": False}],
        },
    ],
}


def test_a_recount_decides_an_election_as_the_case_format_does() -> None:
    chain = build(
        [
            ("v1", {"1": "agree", "2": ["7"]}, "100.00"),
            ("v2", {"1": "agree", "2": ["7", "8"][:1]}, "100.00"),
            ("v3", {"1": "disagree", "2": "abstain"}, "100.00"),
        ]
    )
    roll = PublishedRoll.from_json(ELECTION_ROLL)
    result = decide(recount(chain, KEYS, items=roll.items), roll)
    election = result["items"][1]
    assert election["kind"] == "election" and election["elected"] == ["7"] and election["alternates"] == []
    assert election["candidates"][0]["approvals"] == {"area": "200.00", "heads": 2}
    assert election["party_check"] == {
        "members": 1,
        "party_members": 1,
        "share": "1",
        "percent": "100.00",
        "target": {"share": "1/2", "min": 3},
        "met": False,
    }
    # Without the roll the list choices still mark the item as an election, and the sums agree.
    bare = recount(chain, KEYS)
    assert bare.sums["2"]["7"] == Weight(20000, 2) and bare.sums["2"]["abstain"] == Weight(10000, 1)


def test_a_recount_refuses_approvals_the_slate_does_not_allow() -> None:
    roll = PublishedRoll.from_json(ELECTION_ROLL)
    too_many = build([("v1", {"2": ["7", "8"]}, "100.00")])
    with pytest.raises(BulletinBroken, match=r"entry 1: choices\.2 2 approvals for 1 seats"):
        recount(too_many, KEYS, items=roll.items)
    unknown = build([("v1", {"2": ["9"]}, "100.00")])
    with pytest.raises(BulletinBroken, match=r'entry 1: choices\.2 unknown candidate "9"'):
        recount(unknown, KEYS, items=roll.items)
    on_question = build([("v1", {"1": ["7"]}, "100.00")])
    with pytest.raises(BulletinBroken, match=r"entry 1: choices\.1 approves candidates on a question"):
        recount(on_question, KEYS, items=roll.items)


def recount_file(tmp: Path, chain: list[dict[str, Any]], roll: dict[str, Any] | None = None) -> tuple[int, str]:
    """What ``python -m app.domain recount`` says of a bulletin: its exit status and its one line on standard error."""
    import contextlib
    import io

    args = ["recount", write(tmp, "b.json", {"entries": chain}), "--keys", keys_file(tmp)]
    if roll is not None:
        args += ["--roll", write(tmp, "r.json", roll)]
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        status = main(args)
    return status, err.getvalue()


VOTE = st.tuples(
    st.sampled_from(["v1", "v2", "v3", "v4"]),
    st.fixed_dictionaries({"1": st.sampled_from(["agree", "disagree", "abstain"]), "2": st.sampled_from(["agree", "abstain"])}),
    st.sampled_from(["60.00", "89.50", "120.00"]),
)


def consistent(votes: list[tuple[str, dict[str, str], str]]) -> list[tuple[str, dict[str, str], str]]:
    """Each voter keeps one weight, as a roll entry does."""
    area: dict[str, str] = {}
    return [(v, c, area.setdefault(v, a)) for v, c, a in votes]


@settings(max_examples=40, deadline=None)
@given(st.lists(VOTE, min_size=1, max_size=8).map(consistent))
def test_a_bulletin_cut_after_any_entry_is_refused_and_only_the_whole_sealed_one_counts(
    votes: list[tuple[str, dict[str, str], str]],
) -> None:
    chain = build(votes)
    assert recount(chain, KEYS, whole=True).sealed
    for cut in range(len(chain)):
        with pytest.raises(BulletinBroken) as broken:
            recount(chain[:cut], KEYS, whole=True)
        assert broken.value.seq == cut + 1 if cut else broken.value.seq == 0


@pytest.mark.parametrize("cut", range(len(CHAIN) + 1))
def test_the_command_line_refuses_a_bulletin_cut_after_any_entry(tmp_path: Path, cut: int) -> None:
    status, err = recount_file(tmp_path, CHAIN[:cut], ROLL)
    if cut == len(CHAIN):
        assert status == 0, err
        return
    assert status == 1
    if cut:
        assert f"BROKEN at entry {cut + 1}: the bulletin is not sealed" in err
    else:
        assert "BROKEN at entry 0: the bulletin has no entries" in err


def test_a_sealed_bulletin_with_fewer_ballots_than_the_participation_list_is_refused(tmp_path: Path) -> None:
    shorter = build(VOTES[:2])  # sealed by the real key, but one voter of the list is missing
    status, err = recount_file(tmp_path, shorter, ROLL)
    assert status == 1
    assert "participation.ballots: the participation list has 3 ballots, the bulletin counts 2" in err


def test_a_seal_that_does_not_match_the_published_head_is_refused(tmp_path: Path) -> None:
    published = {"session": "S1", "sealed": True, "count": len(CHAIN) + 1, "head": "ab" * 32, "entries": CHAIN}
    args = ["recount", write(tmp_path, "b.json", published), "--keys", keys_file(tmp_path)]
    assert main(args) == 1
