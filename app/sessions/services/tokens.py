"""Voting-letter tokens: 192 random-looking bits derived from a per-letter nonce under an instance key.

The database keeps the nonce and the token's SHA-256; the key stays in instance/.
Whoever reads the database alone cannot vote with a letter.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from pathlib import Path

from flask import current_app

from ...security.instance import instance_secret


def _key() -> bytes:
    configured = current_app.config.get("LETTER_KEY")
    if configured:
        return configured.encode()
    return instance_secret(Path(current_app.instance_path) / "letter.key").encode()


def new_nonce() -> str:
    return secrets.token_hex(16)


def token_for(nonce: str, key: bytes | None = None) -> str:
    digest = hmac.new(key or _key(), nonce.encode(), hashlib.sha256).digest()[:24]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def letter_key() -> bytes:
    return _key()
