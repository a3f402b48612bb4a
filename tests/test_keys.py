"""Signing keys live in instance/keys/, private files mode 0600; rotation keeps old public keys listed."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from flask.testing import FlaskCliRunner

from app.domain.receipts import PublishedKey, key_id, make_entry, sign_entry, verify_receipt
from app.security.keys import load_keyring


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the commands' English wording (the command line speaks Chinese unless GONGZHI_LANG=en)."""
    monkeypatch.setenv("GONGZHI_LANG", "en")


def test_keys_init_creates_a_private_key_only_the_owner_can_read(app: Flask, runner: FlaskCliRunner) -> None:
    first = runner.invoke(args=["keys", "init"])
    assert first.exit_code == 0 and first.output.startswith("created signing key ")
    kid = first.output.split()[-1]
    pem = Path(app.instance_path) / "keys" / f"{kid}.pem"
    assert stat.S_IMODE(pem.stat().st_mode) == 0o600
    again = runner.invoke(args=["keys", "init"])
    assert again.output.strip() == f"kept signing key {kid}"


def test_rotation_signs_with_the_new_key_and_keeps_the_old_one_valid_until_then(app: Flask, runner: FlaskCliRunner) -> None:
    runner.invoke(args=["keys", "init"])
    old = load_keyring(app.instance_path)
    rotated = runner.invoke(args=["keys", "rotate"])
    assert rotated.exit_code == 0
    ring = load_keyring(app.instance_path)
    assert ring.current_id != old.current_id and rotated.output.strip() == f"now signing with {ring.current_id}"
    listed = {k.key_id: k for k in ring.published}
    assert listed[old.current_id].not_after is not None and listed[ring.current_id].not_after is None


def test_the_published_keys_verify_receipts(app: Flask, runner: FlaskCliRunner) -> None:
    runner.invoke(args=["keys", "init"])
    ring = load_keyring(app.instance_path)
    client = app.test_client()
    published = client.get("/.well-known/gongzhi-keys.json").json
    assert [k["alg"] for k in published["keys"]] == ["Ed25519"]
    keys = [PublishedKey.from_json(k) for k in published["keys"]]
    from datetime import UTC, datetime

    receipt = sign_entry(
        make_entry(
            session="s",
            seq=1,
            cast_at=datetime.now(UTC),
            voter="0" * 64,
            area_centi=100,
            headcount=1,
            choices={},
            supersedes=None,
            prev=None,
        ),
        ring.current,
    )
    assert verify_receipt(receipt, keys) is None
    assert verify_receipt(sign_entry(dict(receipt), Ed25519PrivateKey.generate()), keys) is not None
    assert keys[0].key_id == key_id(ring.current)


def test_rotate_without_a_key_says_what_to_do(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 1 and "flask keys init" in result.output
