"""Ballot receipts and the bulletin chain (DESIGN §4), readable by programs that share only that text.

An entry is hashed over its canonical JSON; each names the hash of the one
before it (``prev``), so the entries of a session form one chain. A receipt
is the entry with ``hash``, ``key_id`` and ``sig``: an Ed25519 signature over
the canonical JSON of the entry plus ``hash`` and ``key_id``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .canonical import ZERO_HASH, canonical_json, sha256_hex
from .numbers import format_area

ENTRY_FIELDS = ("v", "type", "session", "seq", "cast_at", "voter", "weights", "choices", "supersedes", "prev")


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


def entry_hash(entry: Mapping[str, Any]) -> str:
    return sha256_hex(canonical_json({k: entry[k] for k in ENTRY_FIELDS}))


def public_raw(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PrivateKey | Ed25519PublicKey | bytes) -> str:
    raw = key if isinstance(key, bytes) else public_raw(key)
    return hashlib.sha256(raw).hexdigest()[:16]


def _signed_part(entry: Mapping[str, Any], digest: str, kid: str) -> bytes:
    return canonical_json({**{k: entry[k] for k in ENTRY_FIELDS}, "hash": digest, "key_id": kid})


def sign_entry(entry: Mapping[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """The receipt: the entry with its hash, the signing key's id and the signature."""
    digest, kid = entry_hash(entry), key_id(key)
    return {**{k: entry[k] for k in ENTRY_FIELDS}, "hash": digest, "key_id": kid, "sig": b64url(key.sign(_signed_part(entry, digest, kid)))}


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

    def as_json(self) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "alg": "Ed25519",
            "public_key": b64url(public_raw(self.public_key)),
            "not_before": self.not_before,
            "not_after": self.not_after,
        }


def verify_receipt(receipt: Mapping[str, Any], keys: Iterable[PublishedKey]) -> str | None:
    """None when the receipt is genuine; otherwise the reason it is not."""
    missing = [f for f in (*ENTRY_FIELDS, "hash", "key_id", "sig") if f not in receipt]
    if missing:
        return f"missing field {missing[0]}"
    if entry_hash(receipt) != receipt["hash"]:
        return "the hash does not match the entry"
    key = next((k for k in keys if k.key_id == receipt["key_id"]), None)
    if key is None:
        return f"unknown key {receipt['key_id']}"
    if key_id(key.public_key) != key.key_id:
        return "the published key does not match its key_id"
    if receipt["cast_at"] < key.not_before or (key.not_after is not None and receipt["cast_at"] > key.not_after):
        return "the key was not valid when the ballot was cast"
    try:
        key.public_key.verify(unb64url(receipt["sig"]), _signed_part(receipt, receipt["hash"], receipt["key_id"]))
    except (InvalidSignature, ValueError):
        return "the signature does not verify"
    return None


def verify_chain(receipts: Sequence[Mapping[str, Any]], keys: Iterable[PublishedKey]) -> tuple[int, str] | None:
    """Check a session's entries in order; the first (seq, reason) that breaks, or None."""
    keys = list(keys)
    prev = ZERO_HASH
    for index, receipt in enumerate(receipts, start=1):
        if receipt.get("seq") != index:
            return index, f"expected entry {index}, found {receipt.get('seq')}"
        if receipt.get("prev") != prev:
            return index, "does not link to the entry before it"
        reason = verify_receipt(receipt, keys)
        if reason:
            return index, reason
        prev = receipt["hash"]
    return None
