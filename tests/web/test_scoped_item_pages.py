"""Scoped items (RULES §9) on the pages: the draft's scope form, the owner's ballot, the result, the published files."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.communities import services as register
from app.db import db, utcnow
from app.sessions import services
from app.sessions.models import AssemblySession, Ballot, Item
from app.voting import services as voting
from tests.factories import CLI, draft_session, login, make_world, register_csv
from tests.services.test_scoped_items import DEVELOPER, RULES_8, SCOPE, scoped_session

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_the_draft_page_adds_an_item_scoped_to_a_building_or_to_typed_units(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    register.import_register_file(CLI, world.community.id, "r.csv", register_csv(*RULES_8, "2,201,70.00,,,,庚,1007,,"))
    then = utcnow()
    session = draft_session(world, opens_at=then + timedelta(days=20), closes_at=then + timedelta(days=25))
    login(client, "chair")
    path = f"/committee/s/{session.public_id}"
    page = client.get(path).get_data(as_text=True)
    assert "仅由部分业主表决" in page and 'name="scope_building" value="2"' in page
    client.post(f"{path}/items", data={"matter": "cn.use_fund", "title": "二号楼外墙", "scope_building": "2"})
    client.post(f"{path}/items", data={"matter": "cn.use_fund", "title": "一单元电梯", "scope_units": "1-101\n1-102，1-104, 1-106"})
    unknown = {"matter": "cn.use_fund", "title": "x", "scope_units": "1-101 9-999"}
    refused = client.post(f"{path}/items", data=unknown, follow_redirects=True)
    assert "9-999" in refused.get_data(as_text=True)
    db.session.rollback()
    building, lift = db.session.execute(select(Item).where(Item.session_id == session.id).order_by(Item.position)).scalars()
    assert (building.scope, building.scope_label) == (["2-201"], "2 号楼")
    assert (lift.scope, lift.scope_label) == (SCOPE, "")
    page = client.get(path).get_data(as_text=True)
    assert "表决范围：2 号楼，共 1 套房屋" in page and "表决范围：部分业主，共 4 套房屋" in page


def test_an_owner_outside_the_scope_does_not_see_the_item_and_a_forged_choice_is_refused(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, whole, scoped, tokens, _now = scoped_session(world)
    assert client.post(f"/v/{tokens['丙']}", data={"digits": "1003"}).status_code == 302
    outside = client.get(f"/v/{tokens['丙']}").get_data(as_text=True)
    assert "公示栏" in outside and "一单元电梯" not in outside
    forged = client.post(f"/v/{tokens['丙']}/cast", data={f"item-{whole.id}": "agree", f"item-{scoped.id}": "agree"})
    assert forged.status_code in (200, 400) and "一单元电梯" not in forged.get_data(as_text=True)
    db.session.rollback()
    assert db.session.execute(select(Ballot).where(Ballot.session_id == session.id)).first() is None
    assert client.post(f"/v/{tokens['丁']}", data={"digits": "1004"}).status_code == 302
    inside = client.get(f"/v/{tokens['丁']}").get_data(as_text=True)
    assert "一单元电梯" in inside and "仅由一单元的业主表决" in inside


def test_the_announcement_and_the_result_show_the_scope_and_anyone_recounts_it_from_the_published_files(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    world = make_world()
    session, whole, scoped, tokens, now = scoped_session(world)
    public = client.get(f"/s/{session.public_id}").get_data(as_text=True)
    assert "表决范围：一单元，共 4 套房屋，4 名表决权人，420.00 平方米" in public
    q = str(scoped.id)
    for name in ("甲", "乙", "丁"):
        voting.cast_ballot(tokens[name], {q: "agree"}, ip="t", now=now)
    voting.cast_ballot(tokens[DEVELOPER], {q: "disagree"}, ip="t", now=now)
    voting.cast_ballot(tokens["丙"], {str(whole.id): "agree"}, ip="t", now=now)
    services.sync_state(session.id, now=now + timedelta(days=30))
    db.session.rollback()
    assembly = db.session.get(AssemblySession, session.id)
    assert assembly is not None and assembly.result is not None
    page = client.get(f"/s/{session.public_id}").get_data(as_text=True)
    assert "表决范围：一单元，共 4 套房屋" in page
    assert "范围内共 420.00 平方米、4 名表决权人：参与表决 420.00 平方米、4 人；同意 270.00 平方米、3 人。" in page
    for name, url in (("b.json", f"/s/{session.public_id}/bulletin.json"), ("r.json", f"/s/{session.public_id}/roll.json")):
        (tmp_path / name).write_bytes(client.get(url).data)
    (tmp_path / "k.json").write_bytes(client.get("/.well-known/gongzhi-keys.json").data)
    args = ("-m", "app.domain", "recount", str(tmp_path / "b.json"), "--keys", str(tmp_path / "k.json"), "--roll")
    recount = run(*args, str(tmp_path / "r.json"))
    assert recount.returncode == 0, recount.stderr
    assert json.loads(recount.stdout) == assembly.result
    decided = next(i for i in assembly.result["items"] if i["id"] == q)
    assert decided["outcome"] == "passed" and decided["scope"] == SCOPE and decided["totals"] == {"area": "420.00", "heads": 4}
    # One scoped voter's area changed in the roll: it no longer adds up to the scope's totals, and the recount refuses it.
    roll = json.loads((tmp_path / "r.json").read_text())
    item = next(i for i in roll["items"] if i["id"] == q)
    voter = next(iter(item["scope"]["voters"]))
    item["scope"]["voters"][voter] = "1.00"
    (tmp_path / "t.json").write_text(json.dumps(roll), encoding="utf-8")
    tampered = run(*args, str(tmp_path / "t.json"))
    assert tampered.returncode == 1 and "scope.totals" in tampered.stderr


def test_the_api_adds_a_scoped_item_names_a_bad_scope_and_lists_the_scope(app: Flask, client: FlaskClient) -> None:
    from tests.web.test_api import bearer, make_token, problem

    world = make_world()
    register.import_register_file(CLI, world.community.id, "r.csv", register_csv(*RULES_8))
    then = utcnow()
    session = draft_session(world, opens_at=then + timedelta(days=20), closes_at=then + timedelta(days=25))
    secret = make_token(client, "chair", ["committee"])
    api = app.test_client()
    url = f"/api/v1/sessions/{session.public_id}/items"
    made = api.post(url, json={"matter": "cn.use_fund", "title": "电梯", "scope": SCOPE, "scope_label": "一单元"}, headers=bearer(secret))
    assert made.status_code == 201, made.get_data(as_text=True)
    assert made.get_json()["scope"] == {"units": SCOPE, "label": "一单元", "totals": None}
    refused = problem(api.post(url, json={"matter": "cn.use_fund", "title": "x", "scope": ["1-101", "9-1"]}, headers=bearer(secret)), 422)
    assert any(e["field"] == "scope" and "9-1" in e["detail"] for e in refused["errors"])
    plain = api.post(url, json={"matter": "cn.other", "title": "公示栏"}, headers=bearer(secret))
    assert plain.get_json()["scope"] is None


def test_the_api_letter_of_an_owner_outside_the_scope_lists_only_their_items(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, whole, scoped, tokens, _now = scoped_session(world)
    outside = client.post(f"/api/v1/letters/{tokens['丙']}", json={"digits": "1003"}).get_json()
    assert [i["id"] for i in outside["items"]] == [str(whole.id)]
    inside = client.post(f"/api/v1/letters/{tokens['丁']}", json={"digits": "1004"}).get_json()
    assert inside["items"][1]["scope"] == {"units": SCOPE, "label": "一单元", "totals": {"area": "420.00", "heads": 4}}
    public = client.get(f"/api/v1/sessions/{session.public_id}").get_json()
    assert [i["scope"] is not None for i in public["items"]] == [False, True]
    cast = client.post(f"/api/v1/letters/{tokens['丙']}/ballot", json={"digits": "1003", "choices": {str(scoped.id): "agree"}})
    assert cast.status_code == 422 and str(scoped.id) in cast.get_data(as_text=True)


def test_printed_letters_list_a_scoped_item_only_on_the_letters_of_its_voters(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, _whole, _scoped, _tokens, _now = scoped_session(world)
    login(client, "chair")
    page = client.post(f"/committee/s/{session.public_id}/letters/print", data={"building": ""}).get_data(as_text=True)
    # Seven letters: 甲, 乙, 丁 and the developer are in the scope; 丙, 戊 and 己 are not.
    assert page.count('class="letter-page"') == 7 and page.count("一单元电梯") == 4 and page.count("公示栏") == 7
