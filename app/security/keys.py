"""The server's Ed25519 signing keys, kept in instance/keys/ (private keys mode 0600, never in the database).

``keys.json`` there lists every key ever used with its validity, so receipts
signed before a rotation keep verifying against the old public key.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..domain.receipts import PublishedKey, key_id, utc_stamp


@dataclass(frozen=True)
class Keyring:
    current: Ed25519PrivateKey
    published: list[PublishedKey]

    @cached_property
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


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One process at a time changes the keys: workers starting together must not create two."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def init_keys(instance_path: str | Path, *, now: datetime) -> tuple[str, bool]:
    """Create the first signing key unless one exists. Returns its key id and whether it is new."""
    folder = _folder(instance_path)
    with _locked(folder):
        if (folder / "keys.json").exists():
            return load_keyring(instance_path).current_id, False
        key = Ed25519PrivateKey.generate()
        kid = key_id(key)
        _write_private(folder / f"{kid}.pem", key)
        _save_index(folder, kid, [PublishedKey(kid, key.public_key(), utc_stamp(now), None)])
    return kid, True


def rotate_keys(instance_path: str | Path, *, now: datetime) -> str:
    """Sign with a new key from now on; the old public key stays listed, valid until now."""
    folder = _folder(instance_path)
    with _locked(folder):
        return _rotate(instance_path, folder, now)


def _rotate(instance_path: str | Path, folder: Path, now: datetime) -> str:
    ring = load_keyring(instance_path)
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


_cache: dict[Path, tuple[tuple[int, int], Keyring]] = {}


def cached_keyring(instance_path: str | Path) -> Keyring:
    """The keyring, read once and again only when ``flask keys rotate`` has replaced it (one stat per call).

    Raises FileNotFoundError while there is no key yet.
    """
    index = _folder(instance_path) / "keys.json"
    stat = index.stat()
    changed = (stat.st_ino, stat.st_mtime_ns)  # keys.json is replaced, never edited in place
    cached = _cache.get(index)
    if cached is None or cached[0] != changed:
        cached = (changed, load_keyring(instance_path))
        _cache[index] = cached
    return cached[1]


def signing_keyring(instance_path: str | Path, *, now: datetime) -> Keyring:
    """The keyring to sign with (``cached_keyring``). Without any key yet, the first one is made here: the first run needs no setup step."""
    try:
        return cached_keyring(instance_path)
    except FileNotFoundError:
        init_keys(instance_path, now=now)
        return cached_keyring(instance_path)
