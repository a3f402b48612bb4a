"""Receipts and the bulletin chain, as DESIGN §4 specifies them."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from app.domain.receipts import (
    ENTRY_FIELDS,
    PublishedKey,
    b64url,
    entry_hash,
    key_id,
    make_entry,
    pseudonym,
    public_raw,
    sign_entry,
    verify_chain,
    verify_receipt,
)

KEY = Ed25519PrivateKey.generate()
PUBLISHED = PublishedKey(key_id(KEY), KEY.public_key(), "2026-01-01T00:00:00Z", None)
WHEN = datetime(2026, 11, 22, 8, 30, 5, tzinfo=UTC)


def entry(seq: int = 1, prev: str | None = None, **changes: object) -> dict[str, object]:
    base = make_entry(
        session="s1",
        seq=seq,
        cast_at=WHEN,
        voter="ab" * 32,
        area_centi=8950,
        headcount=1,
        choices={"7": "agree", "8": "abstain"},
        supersedes=None,
        prev=prev,
    )
    return {**base, **changes}


def test_the_entry_is_hashed_over_the_canonical_json_of_design_section_4() -> None:
    e = entry()
    text = (
        '{"cast_at":"2026-11-22T08:30:05Z","choices":{"7":"agree","8":"abstain"},"prev":"' + "0" * 64 + '",'
        '"seq":1,"session":"s1","supersedes":null,"type":"ballot","v":1,"voter":"' + "ab" * 32 + '",'
        '"weights":{"area":"89.50","headcount":1}}'
    )
    assert entry_hash(e) == hashlib.sha256(text.encode()).hexdigest()


def test_key_id_is_the_first_16_hex_of_the_sha256_of_the_raw_public_key() -> None:
    assert key_id(KEY) == hashlib.sha256(public_raw(KEY)).hexdigest()[:16]
    assert len(public_raw(KEY)) == 32


def test_a_signed_receipt_verifies_and_carries_the_entry() -> None:
    receipt = sign_entry(entry(), KEY)
    assert verify_receipt(receipt, [PUBLISHED]) is None
    assert set(receipt) == {*ENTRY_FIELDS, "hash", "key_id", "sig"}
    assert "=" not in receipt["sig"]  # base64url without padding
    assert json.loads(json.dumps(receipt)) == receipt  # plain JSON all the way


@given(st.sampled_from([f for f in ENTRY_FIELDS if f not in ("type", "v")]))
def test_changing_any_field_breaks_the_receipt(field: str) -> None:
    receipt = sign_entry(entry(), KEY)
    tampered = dict(receipt)
    tampered[field] = {
        "v": 2,
        "session": "s2",
        "seq": 2,
        "cast_at": "2026-11-22T08:30:06Z",
        "voter": "cd" * 32,
        "weights": {"area": "89.51", "headcount": 1},
        "choices": {"7": "disagree", "8": "abstain"},
        "supersedes": "f" * 64,
        "prev": "e" * 64,
    }[field]
    assert verify_receipt(tampered, [PUBLISHED]) == "the hash does not match the entry"
    rehashed = {**tampered, "hash": entry_hash(tampered)}
    assert verify_receipt(rehashed, [PUBLISHED]) == "the signature does not verify"


def test_an_unknown_version_or_type_is_named_not_guessed() -> None:
    receipt = sign_entry(entry(), KEY)
    assert verify_receipt({**receipt, "v": 2}, [PUBLISHED]) == "malformed field v"
    assert verify_receipt({**receipt, "type": "vote"}, [PUBLISHED]) == "unknown type 'vote'"
    assert verify_receipt({**receipt, "extra": 1}, [PUBLISHED]) == "unexpected field extra"
    assert verify_receipt({**receipt, "seq": "1"}, [PUBLISHED]) == "malformed field seq"
    assert verify_receipt([receipt], [PUBLISHED]) == "not a JSON object"  # type: ignore[arg-type]


def test_another_servers_key_is_refused() -> None:
    other = Ed25519PrivateKey.generate()
    receipt = sign_entry(entry(), other)
    assert verify_receipt(receipt, [PUBLISHED]) == f"unknown key {key_id(other)}"
    forged = {**receipt, "key_id": PUBLISHED.key_id}
    assert verify_receipt(forged, [PUBLISHED]) == "the signature does not verify"


def test_a_retired_key_does_not_verify_ballots_cast_after_its_end() -> None:
    retired = PublishedKey(PUBLISHED.key_id, PUBLISHED.public_key, "2026-01-01T00:00:00Z", "2026-06-30T23:59:59Z")
    assert verify_receipt(sign_entry(entry(), KEY), [retired]) == "the key was not valid when the entry was signed"


def test_published_keys_round_trip_through_their_json() -> None:
    as_json = PUBLISHED.as_json()
    assert as_json["alg"] == "Ed25519" and as_json["public_key"] == b64url(public_raw(KEY))
    again = PublishedKey.from_json(as_json)
    assert verify_receipt(sign_entry(entry(), KEY), [again]) is None


def chain(n: int) -> list[dict[str, object]]:
    receipts, prev = [], None
    for seq in range(1, n + 1):
        receipt = sign_entry(entry(seq=seq, prev=prev, voter=f"{seq:064x}"), KEY)
        receipts.append(receipt)
        prev = receipt["hash"]
    return receipts


def test_a_chain_verifies_and_any_removal_or_reordering_is_found() -> None:
    receipts = chain(5)
    assert verify_chain(receipts, [PUBLISHED]) is None
    assert verify_chain(receipts[:2] + receipts[3:], [PUBLISHED]) == (3, "expected entry 3, found 4")
    swapped = [receipts[0], receipts[2], receipts[1], *receipts[3:]]
    assert verify_chain(swapped, [PUBLISHED])[0] == 2  # type: ignore[index]


def test_a_forked_chain_is_found() -> None:
    receipts = chain(3)
    fork = sign_entry(entry(seq=3, prev=receipts[0]["hash"], voter="9" * 64), KEY)  # type: ignore[arg-type]
    assert verify_chain([*receipts[:2], fork], [PUBLISHED]) == (3, "does not link to the entry before it")


def test_pseudonyms_differ_per_session_and_need_the_secret() -> None:
    a = pseudonym(b"secret", "s1", "voter-7")
    assert a == pseudonym(b"secret", "s1", "voter-7") and len(a) == 64
    assert a != pseudonym(b"secret", "s2", "voter-7") and a != pseudonym(b"other", "s1", "voter-7")


@pytest.mark.parametrize("missing", ["sig", "prev", "weights"])
def test_a_receipt_missing_a_field_says_which(missing: str) -> None:
    receipt = sign_entry(entry(), KEY)
    del receipt[missing]
    assert verify_receipt(receipt, [PUBLISHED]) == f"missing field {missing}"


choice_keys = st.text(alphabet=st.sampled_from([*'prev",:{}[]\\hashkey_id0123', "\u2028", "é"]), max_size=12)


@given(
    choices=st.dictionaries(choice_keys, st.one_of(choice_keys, st.lists(choice_keys, max_size=3)), max_size=5),
    session=st.text(max_size=12).filter(bool),
    supersedes=st.none() | st.just("f" * 64),
)
def test_the_signed_bytes_a_recount_splices_are_exactly_the_canonical_json(choices: dict, session: str, supersedes: str | None) -> None:  # type: ignore[type-arg]
    """Even with item ids and options that spell "prev" or quotes, the splice equals encoding in full."""
    from app.domain.canonical import canonical_json
    from app.domain.receipts import signed_bytes

    e = entry(choices=choices, session=session, supersedes=supersedes)
    body = {k: e[k] for k in ENTRY_FIELDS}
    digest, kid = entry_hash(e), "0123456789abcdef"
    assert signed_bytes("ballot", canonical_json(body), body, digest, kid) == canonical_json({**body, "hash": digest, "key_id": kid})
    receipt = sign_entry(e, KEY)
    assert verify_receipt(receipt, [PUBLISHED]) is None


def test_a_signature_has_one_spelling_only() -> None:
    # Standard base64 decodes to the same bytes as base64url; a receipt must still spell its signature one way.
    receipt = next(r for r in (sign_entry(entry(seq=n), KEY) for n in range(1, 100)) if {"-", "_"} & set(r["sig"]))
    assert verify_receipt(receipt, [PUBLISHED]) is None
    standard = receipt["sig"].replace("-", "+").replace("_", "/")
    assert verify_receipt({**receipt, "sig": standard}, [PUBLISHED]) == "the signature does not verify"
    assert verify_receipt({**receipt, "sig": receipt["sig"] + "=="}, [PUBLISHED]) == "the signature does not verify"
