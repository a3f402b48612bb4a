"""The owner's receipt, the public bulletin and the recount, as people and programs reach them over HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from app.communities.models import Community
from app.db import db
from app.domain.canonical import canonical_json
from app.domain.receipts import tracker
from app.sessions import services
from app.sessions.models import AssemblySession
from app.voting import services as voting
from tests.factories import items, make_world, open_session

ROOT = Path(__file__).resolve().parents[2]


def opened(client: FlaskClient, token: str, digits: str) -> None:
    assert client.post(f"/v/{token}", data={"digits": digits}).status_code == 302


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


def modules(svg: bytes) -> list[list[bool]]:
    """The dark modules an SVG drawn by app.qr paints, read back from its path of horizontal runs."""
    import re
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg)
    size = int(root.get("viewBox", "").split()[2])
    grid = [[False] * size for _ in range(size)]
    dark = root.findall("{http://www.w3.org/2000/svg}path")[1].get("d", "")
    for x, y, width in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", dark):
        for dx in range(int(width)):
            grid[int(y)][int(x) + dx] = True
    return grid


def reference_modules(text: str) -> list[list[bool]]:
    """The same text encoded by the qrcode library itself, with the mask and border app.qr uses."""
    import qrcode

    from app.qr import BORDER, MASK

    code = qrcode.QRCode(border=BORDER, mask_pattern=MASK)
    code.add_data(text)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def test_casting_lands_on_the_receipt_which_downloads_and_verifies_offline(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    world = make_world()
    session, tokens, _ = open_session(world)
    q1, q2 = items(session)
    token = tokens["张伟"]
    opened(client, token, "1234")
    cast = client.post(f"/v/{token}/cast", data={f"item-{q1}": "agree", f"item-{q2}": "disagree"})
    assert cast.status_code == 302 and cast.headers["Location"].endswith(f"/v/{token}/receipt")
    page = client.get(cast.headers["Location"]).get_data(as_text=True)
    download = client.get(f"/v/{token}/receipt.json")
    receipt = download.get_json()
    assert "您的表决票已提交" in page and "您的回执" in page and tracker(receipt["hash"]) in page
    assert f'src="/v/{token}/receipt.svg"' in page and "/static/js/verify-receipt.js" in page and "<script>" not in page
    assert "attachment" in download.headers["Content-Disposition"] and receipt["choices"] == {q1: "agree", q2: "disagree"}
    svg = client.get(f"/v/{token}/receipt.svg")
    assert svg.mimetype == "image/svg+xml" and modules(svg.data) == reference_modules(canonical_json(receipt).decode())
    (tmp_path / "r.json").write_bytes(download.data)
    (tmp_path / "keys.json").write_bytes(client.get("/.well-known/gongzhi-keys.json").data)
    ours = run("-m", "app.domain", "verify-receipt", str(tmp_path / "r.json"), "--keys", str(tmp_path / "keys.json"))
    assert ours.returncode == 0 and f"tracker {tracker(receipt['hash'])}" in ours.stdout, ours.stderr
    theirs = run("tests/independent/verify_receipt.py", str(tmp_path / "r.json"), str(tmp_path / "keys.json"))
    assert (theirs.returncode, theirs.stdout.strip()) == (0, "OK"), theirs.stderr
    forged = {**receipt, "choices": {q1: "disagree", q2: "disagree"}}
    (tmp_path / "f.json").write_text(json.dumps(forged), encoding="utf-8")
    refused = run("-m", "app.domain", "verify-receipt", str(tmp_path / "f.json"), "--keys", str(tmp_path / "keys.json"))
    assert refused.returncode == 1 and "the hash does not match the entry" in refused.stderr and "Traceback" not in refused.stderr
    assert run("tests/independent/verify_receipt.py", str(tmp_path / "f.json"), str(tmp_path / "keys.json")).returncode == 1


def test_the_voter_page_links_to_the_receipt_and_nobody_else_gets_it(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, _ = open_session(world)
    q1, _ = items(session)
    opened(client, tokens["张伟"], "1234")
    assert client.get(f"/v/{tokens['张伟']}/receipt").status_code == 404  # nothing cast yet
    client.post(f"/v/{tokens['张伟']}/cast", data={f"item-{q1}": "agree"})
    assert f"/v/{tokens['张伟']}/receipt" in client.get(f"/v/{tokens['张伟']}").get_data(as_text=True)
    stranger = app.test_client()
    assert stranger.get(f"/v/{tokens['张伟']}/receipt.json").status_code == 404  # the letter was never opened there


def test_while_open_the_bulletin_shows_commitments_and_finds_a_tracker(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _ = items(session)
    ballot = voting.cast_ballot(tokens["张伟"], {q1: "disagree"}, ip="t", now=now)
    voting.cast_ballot(tokens["赵敏"], {q1: "agree"}, ip="t", now=now)
    from app.sessions.services import bulletin

    receipt = bulletin.receipt_of(db.session(), ballot.id)
    assert receipt is not None
    published = client.get(f"/s/{session.public_id}/bulletin.json").get_json()
    assert published["sealed"] is False and published["count"] == 2
    assert published["entries"][0] == {"seq": 1, "hash": receipt["hash"], "prev": receipt["prev"]}
    assert "choices" not in json.dumps(published)
    page = client.get(f"/s/{session.public_id}/bulletin", query_string={"tracker": tracker(receipt["hash"]).upper()}).get_data(as_text=True)
    assert "已找到：第 1 条记录" in page and "反对" not in page and "不同意" not in page
    missing = client.get(f"/s/{session.public_id}/bulletin", query_string={"tracker": "0000 0000 0000 0000"}).get_data(as_text=True)
    assert "没有带此查验码的记录" in missing
    nonsense = client.get(f"/s/{session.public_id}/bulletin", query_string={"tracker": "%' OR 1=1"}).get_data(as_text=True)
    assert "没有带此查验码的记录" in nonsense


def test_after_close_the_result_shows_the_seal_and_who_voted_and_anyone_can_recount_it(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, q2 = items(session)
    voting.cast_ballot(tokens["赵敏"], {q1: "agree", q2: "agree"}, ip="t", now=now)
    voting.cast_ballot(tokens["张伟"], {q1: "agree", q2: "disagree"}, ip="t", now=now)
    services.sync_state(session.id, now=now + timedelta(days=30))
    db.session.rollback()
    db.session.refresh(session)
    result_page = client.get(f"/s/{session.public_id}").get_data(as_text=True)
    published = client.get(f"/s/{session.public_id}/bulletin.json").get_json()
    seal = published["entries"][-1]
    assert published["sealed"] is True and seal["type"] == "seal" and seal["count"] == 2
    assert seal["head"] in result_page and "参与表决的房屋" in result_page
    participation = client.get(f"/s/{session.public_id}/participation").get_data(as_text=True)
    assert "1-101、1-103" in participation and "1-102" not in participation
    assert "同意" in client.get(f"/s/{session.public_id}/bulletin").get_data(as_text=True)
    for name, url in (("b.json", f"/s/{session.public_id}/bulletin.json"), ("r.json", f"/s/{session.public_id}/roll.json")):
        (tmp_path / name).write_bytes(client.get(url).data)
    (tmp_path / "k.json").write_bytes(client.get("/.well-known/gongzhi-keys.json").data)
    recount = run(
        "-m", "app.domain", "recount", str(tmp_path / "b.json"), "--keys", str(tmp_path / "k.json"), "--roll", str(tmp_path / "r.json")
    )
    assert recount.returncode == 0, recount.stderr
    assert json.loads(recount.stdout) == session.result


def test_the_demos_closed_session_recounts_to_the_servers_result(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    assert runner.invoke(args=["demo"]).exit_code == 0
    db.session.rollback()
    meiyuan = db.session.execute(select(Community).where(Community.slug == "meiyuan")).scalar_one()
    closed = db.session.execute(select(AssemblySession).where(AssemblySession.community_id == meiyuan.id)).scalar_one()
    public = closed.public_id
    for name, url in (
        ("b.json", f"/s/{public}/bulletin.json"),
        ("r.json", f"/s/{public}/roll.json"),
        ("k.json", "/.well-known/gongzhi-keys.json"),
    ):
        (tmp_path / name).write_bytes(client.get(url).data)
    recount = run(
        "-m", "app.domain", "recount", str(tmp_path / "b.json"), "--keys", str(tmp_path / "k.json"), "--roll", str(tmp_path / "r.json")
    )
    assert recount.returncode == 0, recount.stderr
    assert json.loads(recount.stdout) == closed.result and closed.result and closed.result["ballots"] > 30
    entries = json.loads((tmp_path / "b.json").read_text())["entries"]
    first = entries[0]
    (tmp_path / "one.json").write_text(json.dumps(first), encoding="utf-8")
    theirs = run("tests/independent/verify_receipt.py", str(tmp_path / "one.json"), str(tmp_path / "k.json"))
    assert theirs.stdout.strip() == "OK"
    # Any edit to the downloaded bulletin is named by its entry.
    victim = entries[5]
    (tmp_path / "t.json").write_text((tmp_path / "b.json").read_text().replace(victim["voter"], "0" * 64), encoding="utf-8")
    broken = run("-m", "app.domain", "recount", str(tmp_path / "t.json"), "--keys", str(tmp_path / "k.json"))
    assert broken.returncode == 1 and f"BROKEN at entry {victim['seq']}" in broken.stderr
