"""The server's Ed25519 signing keys, kept in instance/keys/ (private keys mode 0600, never in the database).

``keys.json`` there lists every key ever used with its validity, so receipts
signed before a rotation keep verifying against the old public key.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..domain.receipts import PublishedKey, key_id, utc_stamp


@dataclass(frozen=True)
class Keyring:
    current: Ed25519PrivateKey
    published: list[PublishedKey]

    @property
    def current_id(self) -> str:
        return key_id(self.current)


def _folder(instance_path: str | Path) -> Path:
    return Path(instance_path) / "keys"


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)


def _save_index(folder: Path, current: str, published: list[PublishedKey]) -> None:
    index = {"current": current, "keys": [k.as_json() for k in published]}
    temporary = folder / "keys.json.tmp"
    temporary.write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    temporary.replace(folder / "keys.json")


def init_keys(instance_path: str | Path, *, now: datetime) -> tuple[str, bool]:
    """Create the first signing key unless one exists. Returns its key id and whether it is new."""
    folder = _folder(instance_path)
    if (folder / "keys.json").exists():
        return load_keyring(instance_path).current_id, False
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    kid = key_id(key)
    _write_private(folder / f"{kid}.pem", key)
    _save_index(folder, kid, [PublishedKey(kid, key.public_key(), utc_stamp(now), None)])
    return kid, True


def rotate_keys(instance_path: str | Path, *, now: datetime) -> str:
    """Sign with a new key from now on; the old public key stays listed, valid until now."""
    ring = load_keyring(instance_path)
    folder = _folder(instance_path)
    key = Ed25519PrivateKey.generate()
    kid = key_id(key)
    _write_private(folder / f"{kid}.pem", key)
    stamp = utc_stamp(now)
    published = [
        PublishedKey(k.key_id, k.public_key, k.not_before, stamp if k.key_id == ring.current_id else k.not_after) for k in ring.published
    ]
    published.append(PublishedKey(kid, key.public_key(), stamp, None))
    _save_index(folder, kid, published)
    return kid


def load_keyring(instance_path: str | Path) -> Keyring:
    folder = _folder(instance_path)
    try:
        index = json.loads((folder / "keys.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"no signing key in {folder}: run `flask keys init`") from None
    private = serialization.load_pem_private_key((folder / f"{index['current']}.pem").read_bytes(), password=None)
    assert isinstance(private, Ed25519PrivateKey)
    return Keyring(private, [PublishedKey.from_json(k) for k in index["keys"]])
