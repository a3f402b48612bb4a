"""Ballot receipts and the bulletin chain (DESIGN §4), readable by programs that share only that text.

An entry is hashed over its canonical JSON; each names the hash of the one
before it (``prev``), so the entries of a session form one chain. A receipt
is the entry with ``hash``, ``key_id`` and ``sig``: an Ed25519 signature over
the canonical JSON of the entry plus ``hash`` and ``key_id``.

Besides ballots, a chain ends with a ``seal`` entry once voting closes: the
head hash and the number of entries before it, signed the same way (its
fields are SEAL_FIELDS; ``sealed_at`` is when it was made). An objection the
street office upholds can reopen a sealed chain for one voter: a
``correction`` entry (CORRECTION_FIELDS) names the voter, the ballot it no
longer counts (``voids``) and the end of the voter's extra window
(``until``); that voter's new ballot, if any, follows, and a new seal closes
the chain again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .canonical import ZERO_HASH, canonical_json, sha256_hex
from .numbers import format_area

ENTRY_FIELDS = ("v", "type", "session", "seq", "cast_at", "voter", "weights", "choices", "supersedes", "prev")
SEAL_FIELDS = ("v", "type", "session", "seq", "closes_at", "sealed_at", "head", "count", "prev")
CORRECTION_FIELDS = ("v", "type", "session", "seq", "made_at", "voter", "voids", "until", "objection", "prev")
FIELDS = {"ballot": ENTRY_FIELDS, "seal": SEAL_FIELDS, "correction": CORRECTION_FIELDS}
SIGNATURE_FIELDS = ("hash", "key_id", "sig")
_STAMP = re.compile(r"\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-6]\dZ")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def pseudonym(secret: bytes, session: str, voter: str) -> str:
    """The voter as the bulletin names them: HMAC-SHA256 of session and voter id under a server secret."""
    return hmac.new(secret, f"{session}:{voter}".encode(), hashlib.sha256).hexdigest()


def make_entry(
    *,
    session: str,
    seq: int,
    cast_at: datetime,
    voter: str,
    area_centi: int,
    headcount: int,
    choices: Mapping[str, str | Sequence[str]],
    supersedes: str | None,
    prev: str | None,
) -> dict[str, Any]:
    return {
        "v": 1,
        "type": "ballot",
        "session": session,
        "seq": seq,
        "cast_at": utc_stamp(cast_at),
        "voter": voter,
        "weights": {"area": format_area(area_centi), "headcount": headcount},
        "choices": {k: (list(v) if not isinstance(v, str) else v) for k, v in choices.items()},
        "supersedes": supersedes,
        "prev": prev or ZERO_HASH,
    }


def make_seal(*, session: str, seq: int, closes_at: datetime, sealed_at: datetime, head: str, count: int) -> dict[str, Any]:
    """The last entry of a closed session's chain: its head hash and the number of ballots."""
    return {
        "v": 1,
        "type": "seal",
        "session": session,
        "seq": seq,
        "closes_at": utc_stamp(closes_at),
        "sealed_at": utc_stamp(sealed_at),
        "head": head,
        "count": count,
        "prev": head,
    }


def make_correction(
    *, session: str, seq: int, made_at: datetime, voter: str, voids: str | None, until: datetime, objection: str, prev: str
) -> dict[str, Any]:
    """After a seal: the upheld objection ``objection`` takes the voter's ballot ``voids`` out of the count and lets
    the voter cast one again until ``until`` (``until`` = ``made_at`` when the committee enters it from paper at once)."""
    return {
        "v": 1,
        "type": "correction",
        "session": session,
        "seq": seq,
        "made_at": utc_stamp(made_at),
        "voter": voter,
        "voids": voids,
        "until": utc_stamp(until),
        "objection": objection,
        "prev": prev,
    }


def fields_of(entry: Mapping[str, Any]) -> tuple[str, ...]:
    return FIELDS.get(entry.get("type"), ENTRY_FIELDS)  # type: ignore[arg-type]


def entry_hash(entry: Mapping[str, Any]) -> str:
    return sha256_hex(canonical_json({k: entry[k] for k in fields_of(entry)}))


def entry_time(entry: Mapping[str, Any]) -> str:
    """When the entry was signed, for the key's validity: the cast, the sealing or the correction."""
    kind = entry.get("type")
    return entry["sealed_at"] if kind == "seal" else entry["made_at"] if kind == "correction" else entry["cast_at"]


def public_raw(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PrivateKey | Ed25519PublicKey | bytes) -> str:
    raw = key if isinstance(key, bytes) else public_raw(key)
    return hashlib.sha256(raw).hexdigest()[:16]


def _signed_part(entry: Mapping[str, Any], digest: str, kid: str) -> bytes:
    return canonical_json({**{k: entry[k] for k in fields_of(entry)}, "hash": digest, "key_id": kid})


def sign_entry(entry: Mapping[str, Any], key: Ed25519PrivateKey, kid: str | None = None) -> dict[str, Any]:
    """The receipt: the entry with its hash, the signing key's id and the signature."""
    digest, kid = entry_hash(entry), kid or key_id(key)
    body = {k: entry[k] for k in fields_of(entry)}
    return {**body, "hash": digest, "key_id": kid, "sig": b64url(key.sign(_signed_part(body, digest, kid)))}


@dataclass(frozen=True)
class PublishedKey:
    key_id: str
    public_key: Ed25519PublicKey
    not_before: str
    not_after: str | None

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> PublishedKey:
        public = Ed25519PublicKey.from_public_bytes(unb64url(raw["public_key"]))
        return cls(raw["key_id"], public, raw["not_before"], raw.get("not_after"))

    @cached_property
    def genuine(self) -> bool:
        """Whether the key is the one its id names (checked once, not per receipt)."""
        return key_id(self.public_key) == self.key_id

    def as_json(self) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "alg": "Ed25519",
            "public_key": b64url(public_raw(self.public_key)),
            "not_before": self.not_before,
            "not_after": self.not_after,
        }


_hex64 = re.compile(r"[0-9a-f]{64}").fullmatch
# 64 bytes in unpadded base64url: 85 characters of the URL-safe alphabet and a last one without stray bits.
_SIG = re.compile(r"[A-Za-z0-9_-]{85}[AQgw]")
_hex16 = re.compile(r"[0-9a-f]{16}").fullmatch


def _is_hex64(value: Any) -> bool:
    return type(value) is str and _hex64(value) is not None


def _is_stamp(value: Any) -> bool:
    return type(value) is str and _STAMP.fullmatch(value) is not None


def _is_choices(value: Any) -> bool:
    return isinstance(value, Mapping) and all(
        type(v) is str or (type(v) is list and all(type(c) is str for c in v)) for v in value.values()
    )


def _is_weights(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and value.keys() == {"area", "headcount"}
        and type(value["area"]) is str
        and type(value["headcount"]) is int
    )


# Each field's test, in the order a receipt is read; `type(x) is int` also keeps out booleans.
_SHAPES: dict[str, tuple[tuple[str, Any], ...]] = {
    kind: tuple(
        (field, test)
        for field, test in (
            ("v", lambda x: type(x) is int and x == 1),
            ("session", lambda x: type(x) is str and x != ""),
            ("seq", lambda x: type(x) is int and x >= 1),
            ("cast_at", _is_stamp),
            ("voter", _is_hex64),
            ("weights", _is_weights),
            ("choices", _is_choices),
            ("supersedes", lambda x: x is None or _is_hex64(x)),
            ("made_at", _is_stamp),
            ("voids", lambda x: x is None or _is_hex64(x)),
            ("until", _is_stamp),
            ("objection", lambda x: type(x) is str and 0 < len(x) <= 40),
            ("closes_at", _is_stamp),
            ("sealed_at", _is_stamp),
            ("head", _is_hex64),
            ("count", lambda x: type(x) is int and x >= 0),
            ("prev", _is_hex64),
            ("hash", _is_hex64),
            ("key_id", lambda x: type(x) is str and _hex16(x) is not None),
            ("sig", lambda x: type(x) is str),
        )
        if field in fields or field in SIGNATURE_FIELDS
    )
    for kind, fields in FIELDS.items()
}
_EXPECTED = {kind: frozenset((*fields, *SIGNATURE_FIELDS)) for kind, fields in FIELDS.items()}


def shape_error(receipt: Any) -> str | None:
    """Why a receipt is not even well-formed (a missing, unexpected or mistyped field), or None."""
    if not isinstance(receipt, Mapping):
        return "not a JSON object"
    kind = receipt.get("type")
    if kind not in FIELDS:
        return f"unknown type {kind!r}"
    if receipt.keys() != _EXPECTED[kind]:
        missing = [f for f in (*FIELDS[kind], *SIGNATURE_FIELDS) if f not in receipt]
        if missing:
            return f"missing field {missing[0]}"
        return f"unexpected field {sorted(set(receipt) - _EXPECTED[kind])[0]}"
    for field, test in _SHAPES[kind]:
        if not test(receipt[field]):
            return f"malformed field {field}"
    return None


_PREV = b',"prev":"'


def signed_bytes(kind: str, entry_bytes: bytes, body: dict[str, Any], digest: str, kid: str) -> bytes:
    """The canonical JSON of the entry plus ``hash`` and ``key_id``, from the entry's own canonical JSON.

    In a ballot, sorted keys put both right before the top-level ``prev``: its
    ``,"prev":"`` is the last in the text, as a raw quote cannot occur inside a
    JSON string and no field after it (a shape-checked ``weights``) has that
    key. Splicing there saves a recount one encoding per entry; seals are
    encoded in full.
    """
    if kind == "ballot":
        at = entry_bytes.rfind(_PREV) + 1
        return b"".join((entry_bytes[:at], b'"hash":"', digest.encode(), b'","key_id":"', kid.encode(), b'",', entry_bytes[at:]))
    return canonical_json({**body, "hash": digest, "key_id": kid})


def verify_receipt(receipt: Mapping[str, Any], keys: Iterable[PublishedKey]) -> str | None:
    """None when the receipt is genuine; otherwise the reason it is not."""
    malformed = shape_error(receipt)
    if malformed:
        return malformed
    body = {k: receipt[k] for k in FIELDS[receipt["type"]]}
    entry_bytes = canonical_json(body)
    if sha256_hex(entry_bytes) != receipt["hash"]:
        return "the hash does not match the entry"
    key = next((k for k in keys if k.key_id == receipt["key_id"]), None)
    if key is None:
        return f"unknown key {receipt['key_id']}"
    if not key.genuine:
        return "the published key does not match its key_id"
    signed_at = entry_time(receipt)
    if signed_at < key.not_before or (key.not_after is not None and signed_at > key.not_after):
        return "the key was not valid when the entry was signed"
    try:
        sig = receipt["sig"]
        # One signature, one spelling: 64 bytes are 86 characters, the last carrying no stray bits.
        if _SIG.fullmatch(sig) is None:
            raise ValueError("not canonical base64url")
        signature = unb64url(sig)
        key.public_key.verify(signature, signed_bytes(receipt["type"], entry_bytes, body, receipt["hash"], receipt["key_id"]))
    except (InvalidSignature, ValueError):
        return "the signature does not verify"
    return None


def verify_chain(receipts: Sequence[Mapping[str, Any]], keys: Iterable[PublishedKey]) -> tuple[int, str] | None:
    """Check a session's entries in order; the first (seq, reason) that breaks, or None.

    Every entry is signed, numbered from 1 and names the hash before it; a
    seal states the head and count truly, and only a correction may follow it.
    """
    keys = list(keys)
    prev = ZERO_HASH
    session = None
    sealed = False  # some entry before is a seal
    for index, receipt in enumerate(receipts, start=1):
        if not isinstance(receipt, Mapping):
            return index, "not a JSON object"
        if receipt.get("seq") != index:
            return index, f"expected entry {index}, found {receipt.get('seq')}"
        if receipt.get("prev") != prev:
            return index, "does not link to the entry before it"
        reason = verify_receipt(receipt, keys)
        if reason:
            return index, reason
        if session is None:
            session = receipt["session"]
        elif receipt["session"] != session:
            return index, f"belongs to session {receipt['session']}, not {session}"
        kind = receipt["type"]
        if kind == "correction" and not sealed:
            return index, "a correction before the bulletin was sealed"
        if kind == "seal":
            sealed = True
            after = receipts[index] if index < len(receipts) else None
            if after is not None and (not isinstance(after, Mapping) or after.get("type") != "correction"):
                return index + 1, "comes after the seal"
            if receipt["count"] != index - 1:
                return index, f"the seal counts {receipt['count']} entries, the chain has {index - 1}"
            if receipt["head"] != prev:
                return index, "the seal's head is not the hash of the entry before it"
        prev = receipt["hash"]
    return None


def tracker(digest: str) -> str:
    """The receipt's tracker: the first 16 hex digits of its hash, in groups of four for reading aloud."""
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))
