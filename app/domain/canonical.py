"""Canonical JSON and hashing shared by the audit log and the bulletin board."""

from __future__ import annotations

import hashlib
import json
from typing import Any

ZERO_HASH = "0" * 64


# json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False), built once: a recount calls it twice per entry.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(obj: Any) -> bytes:
    """The one serialisation every hash and signature is computed over (DESIGN §4)."""
    return _ENCODER.encode(obj).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def chain_hash(entry: dict[str, Any]) -> str:
    """Hash of an entry that already names its predecessor in ``prev``."""
    return sha256_hex(canonical_json(entry))
