"""Encryption at rest for small secrets (TOTP seeds), with a key kept in instance/."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app


def _key() -> bytes:
    configured = current_app.config.get("SECRETBOX_KEY")
    if configured:
        return configured.encode() if isinstance(configured, str) else configured
    path = Path(current_app.instance_path) / "secretbox.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(Fernet.generate_key())
    return path.read_bytes().strip()


def seal(plaintext: str) -> str:
    return Fernet(_key()).encrypt(plaintext.encode()).decode()


def unseal(token: str) -> str | None:
    """The plaintext, or None when the token was not sealed with this instance's key."""
    try:
        return Fernet(_key()).decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None
