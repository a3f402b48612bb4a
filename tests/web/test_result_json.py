"""/s/<id>/result.json: the result as counted, its SHA-256, the seal, and the street office's signed verdict."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from app.db import db, utcnow
from app.domain.canonical import canonical_json, sha256_hex
from app.domain.receipts import PublishedKey, unb64url
from app.oversight import services as office
from app.security.actor import actor_for
from app.sessions import services as sessions
from app.sessions.models import Verdict
from app.voting import services as voting
from tests.factories import items, make_world, next_code, past_session


def test_the_result_file_carries_the_preliminary_count_then_the_signed_certification(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, when = past_session(world)
    q1, q2 = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree", q2: "disagree"}, ip="t", now=when)
    sessions.sync_state(session.id, now=session.closes_at + timedelta(minutes=1))
    db.session.rollback()
    preliminary = client.get(f"/s/{session.public_id}/result.json").get_json()
    assert preliminary["state"] == "tallied" and preliminary["final"] is False and preliminary["certification"] is None
    assert preliminary["result_sha256"] == sha256_hex(canonical_json(preliminary["result"]))
    bulletin = client.get(f"/s/{session.public_id}/bulletin.json").get_json()
    assert preliminary["seal"] == bulletin["entries"][-1]["hash"]
    office.decide(actor_for(world.official), session.id, verdict=Verdict.CERTIFIED, reasons="", code=next_code("official"), now=utcnow())
    final = client.get(f"/s/{session.public_id}/result.json").get_json()
    assert final["final"] is True
    signed = final["certification"]
    statement = {k: v for k, v in signed.items() if k not in ("key_id", "sig")}
    assert statement["result_sha256"] == final["result_sha256"] and statement["seal"] == final["seal"]
    keys = [PublishedKey.from_json(k) for k in client.get("/.well-known/gongzhi-keys.json").get_json()["keys"]]
    key = next(k for k in keys if k.key_id == signed["key_id"])
    key.public_key.verify(unb64url(signed["sig"]), canonical_json(statement))  # raises if it does not verify
