"""The JSON API as other systems use it: public reads, an owner's ballot, officials' tokens, and bad input."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.accounts.models import ApiToken
from app.audit.models import AuditEvent
from app.db import db, utcnow
from app.notices.models import Notice
from app.sessions.models import AssemblySession, Ballot, Letter
from tests.factories import World, items, login, make_world, next_code, open_session

PROBLEM = "application/problem+json"


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["status"] == status and body["title"] and "detail" in body
    return body


def make_token(client: FlaskClient, username: str, scopes: list[str], name: str = "城市平台") -> str:
    """Sign in and make a token on the account page, as an official does; returns the secret shown once."""
    login(client, username)
    page = client.post("/account/tokens", data={"name": name, "scopes": scopes, "code": next_code(username)})
    assert page.status_code == 201, page.get_data(as_text=True)
    secret = re.search(r'id="api-token">(gz_[A-Za-z0-9_-]+)<', page.get_data(as_text=True))
    assert secret is not None
    return secret.group(1)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


# The document ------------------------------------------------------------------------------------


def test_the_openapi_document_describes_exactly_the_api_routes(app: Flask, client: FlaskClient) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    documented = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi_document":
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            routed |= {(m, path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == routed
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            names = set(re.findall(r"\{(\w+)\}", path))
            assert {p["name"] for p in op.get("parameters", []) if p["in"] == "path"} == names, (method, path)
            assert any(code.startswith("2") for code in op["responses"]), (method, path)
            for code, answer in op["responses"].items():
                media = "application/json" if code.startswith("2") else PROBLEM
                assert "schema" in answer["content"][media], (method, path, code)
            if method == "post":
                assert op["requestBody"]["content"]["application/json"]["schema"], (method, path)


def test_the_document_is_a_valid_openapi_3_1_schema(app: Flask, client: FlaskClient) -> None:
    import schemathesis

    doc = client.get("/api/v1/openapi.json").get_json()
    schema = schemathesis.openapi.from_dict(doc)  # refuses an invalid document
    assert len(list(schema.get_all_operations())) == sum(len(ops) for ops in doc["paths"].values())


# Public reads ------------------------------------------------------------------------------------


def test_anyone_reads_communities_sessions_and_notices(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, _tokens, _ = open_session(world)
    communities = client.get("/api/v1/communities").get_json()
    assert [c["slug"] for c in communities] == ["lanting", "meiyuan"]
    assert client.get("/api/v1/communities/lanting").get_json()["name"] == "兰亭苑"
    listed = client.get("/api/v1/communities/lanting/sessions").get_json()
    assert [s["id"] for s in listed] == [session.public_id] and listed[0]["state"] == "open"
    detail = client.get(f"/api/v1/sessions/{session.public_id}").get_json()
    assert [i["title"] for i in detail["items"]] == ["续聘", "电梯"]
    assert detail["turnout"]["headcount"] == 0 and detail["roll"]["area"] == "269.50" and detail["result"] is None
    board = client.get("/api/v1/communities/lanting/notices").get_json()
    assert [n["kind"] for n in board] == ["announcement"]
    one = client.get(f"/api/v1/communities/lanting/notices/{board[0]['id']}").get_json()
    assert one["title"] == board[0]["title"] and one["url"].endswith(f"/c/lanting/n/{board[0]['id']}")
    assert client.get("/api/v1/communities/lanting/notices?kind=decision").get_json() == []
    assert client.get("/api/v1/communities/lanting/committee").get_json() is None
    assert client.get("/api/v1/communities/lanting/statements").get_json() == []


def test_drafts_are_not_public(app: Flask, client: FlaskClient) -> None:
    from tests.factories import draft_session

    world = make_world()
    draft = draft_session(world, opens_at=utcnow() + timedelta(days=20), closes_at=utcnow() + timedelta(days=30))
    problem(client.get(f"/api/v1/sessions/{draft.public_id}"), 404)
    assert client.get("/api/v1/communities/lanting/sessions").get_json() == []


def test_unknown_things_are_problem_details(app: Flask, client: FlaskClient) -> None:
    make_world()
    assert problem(client.get("/api/v1/communities/nowhere"), 404)["detail"]
    problem(client.get("/api/v1/no/such/operation"), 404)
    problem(client.delete("/api/v1/communities"), 405)
    body = problem(client.get("/api/v1/communities/lanting/notices?year=soon"), 400)
    assert body["errors"][0]["field"] == "year"
    body = problem(client.get("/api/v1/communities/lanting/notices?kind=gossip"), 400)
    assert body["errors"][0]["field"] == "kind"
    # A parameter the list does not take is refused by name, not ignored; the language is every page's.
    body = problem(client.get("/api/v1/communities/lanting/notices?kinds=decision"), 400)
    assert body["errors"][0]["field"] == "kinds"
    assert client.get("/api/v1/communities/lanting/notices?lang=en&kind=decision").status_code == 200


# An owner's ballot -------------------------------------------------------------------------------


def test_an_owner_casts_through_the_api_and_gets_the_receipt_the_page_offers(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, _ = open_session(world)
    q1, q2 = items(session)
    token = tokens["张伟"]
    letter = client.post(f"/api/v1/letters/{token}", json={"digits": "1234"}).get_json()
    assert letter["holder"] == "张伟" and letter["units"] == ["1-101"] and letter["voting_open"] and letter["receipt"] is None
    assert [i["id"] for i in letter["items"]] == [q1, q2]
    cast = client.post(f"/api/v1/letters/{token}/ballot", json={"digits": "1234", "choices": {q1: "agree"}})
    assert cast.status_code == 201, cast.get_data(as_text=True)
    receipt = cast.get_json()
    assert receipt["choices"] == {q1: "agree", q2: "abstain"} and receipt["type"] == "ballot"
    phone = app.test_client()
    assert phone.post(f"/v/{token}", data={"digits": "1234"}).status_code == 302
    downloaded = json.loads(phone.get(f"/v/{token}/receipt.json").get_data(as_text=True))
    assert downloaded == receipt
    keys = client.get("/api/v1/keys").get_json()["keys"]
    assert [k["alg"] for k in keys if k["key_id"] == receipt["key_id"]] == ["Ed25519"]
    again = client.post(f"/api/v1/letters/{token}", json={"digits": "1234"}).get_json()
    assert again["receipt"] == receipt
    refused = problem(client.post(f"/api/v1/letters/{token}/ballot", json={"digits": "1234", "choices": {q1: "disagree"}}), 422)
    assert refused["errors"][0]["field"] == "ballot"
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar_one() == 1


def test_wrong_digits_count_toward_the_lock_as_on_the_page(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    _session, tokens, _ = open_session(world)
    token = tokens["张伟"]
    body = problem(client.post(f"/api/v1/letters/{token}", json={"digits": "0000"}), 403)
    assert body["errors"][0]["field"] == "digits" and "4" in body["detail"]
    for _ in range(4):
        client.post(f"/api/v1/letters/{token}", json={"digits": "0000"})
    problem(client.post(f"/api/v1/letters/{token}", json={"digits": "1234"}), 403)
    problem(client.post("/api/v1/letters/not-a-letter", json={"digits": "1234"}), 404)


def test_bad_ballots_name_the_field_and_change_nothing(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, _ = open_session(world)
    q1, _q2 = items(session)
    url = f"/api/v1/letters/{tokens['张伟']}/ballot"
    cases = [
        ({"digits": "1234", "choices": {q1: "yes"}}, f"choices.{q1}"),
        ({"digits": "1234", "choices": {q1: 3}}, f"choices.{q1}"),
        ({"digits": "1234", "colour": "red"}, "colour"),
        ({"choices": {q1: "agree"}}, "digits"),
        ({"digits": 1234}, "digits"),
        ({"digits": "1234", "choices": {"999999": "agree"}}, "choices"),  # no such item on this ballot
    ]
    for body, field in cases:
        answer = problem(client.post(url, json=body), 422)
        assert field in [e["field"] for e in answer["errors"]], (body, answer)
    problem(client.post(url, data="{not json", content_type="application/json"), 400)
    problem(client.post(url, data="digits=1234", content_type="application/x-www-form-urlencoded"), 415)
    problem(client.post(url, data=json.dumps({"digits": "1234", "pad": "x" * 70_000}), content_type="application/json"), 413)
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar_one() == 0


# Officials' tokens -------------------------------------------------------------------------------


def test_a_committee_token_drafts_for_its_own_community_only(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    secret = make_token(client, "chair", ["committee"])
    api = app.test_client()  # no cookie: the token alone
    opens = (utcnow() + timedelta(days=20)).isoformat()
    closes = (utcnow() + timedelta(days=30)).isoformat()
    made = api.post(
        "/api/v1/communities/lanting/sessions",
        json={"title": "年度会议", "form": "written", "opens_at": opens, "closes_at": closes},
        headers=bearer(secret),
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    session_id = made.get_json()["id"]
    item = api.post(f"/api/v1/sessions/{session_id}/items", json={"matter": "cn.other", "title": "安装充电桩"}, headers=bearer(secret))
    assert item.status_code == 201 and item.get_json()["kind"] == "question"
    notice = api.post(
        "/api/v1/communities/lanting/notices", json={"kind": "general", "title": "停水通知", "body": "周六停水。"}, headers=bearer(secret)
    )
    assert notice.status_code == 201 and notice.get_json()["state"] == "draft" and notice.get_json()["url"] is None
    problem(
        api.post("/api/v1/communities/meiyuan/notices", json={"kind": "general", "title": "x", "body": "y"}, headers=bearer(secret)), 403
    )
    problem(api.get(f"/api/v1/offices/{world.office.code}/communities", headers=bearer(secret)), 403)  # not its scope
    db.session.rollback()
    actions = set(db.session.execute(select(AuditEvent.action).where(AuditEvent.actor_user_id == world.committee.id)).scalars())
    assert {"api_token.create", "session.create", "notice.draft"} <= actions
    stored = db.session.execute(select(ApiToken)).scalar_one()
    assert secret not in (stored.token_hash, stored.prefix) and stored.last_used_at is not None


def test_the_login_cookie_is_not_a_credential_for_the_api(app: Flask, client: FlaskClient) -> None:
    make_world()
    login(client, "chair")
    body = {"kind": "general", "title": "停水", "body": "周六"}
    problem(client.post("/api/v1/communities/lanting/notices", json=body), 401)
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(Notice)).scalar_one() == 0


def test_revoked_and_unknown_tokens_are_refused(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    secret = make_token(client, "official", ["office"])
    api = app.test_client()
    rows = api.get(f"/api/v1/offices/{world.office.code}/communities", headers=bearer(secret)).get_json()
    assert [r["community"] for r in rows] == ["lanting", "meiyuan"] and "no_committee" in rows[0]["flags"]
    db.session.rollback()
    token_id = db.session.execute(select(ApiToken.id)).scalar_one()
    listed = client.get("/account").get_data(as_text=True)
    assert "<td>代表您的街道办事处：查看总览、下达责令</td>" in listed  # the scope in words, not its code
    page = client.post(f"/account/tokens/{token_id}/revoke", follow_redirects=True).get_data(as_text=True)
    assert "已撤销" in page
    problem(api.get(f"/api/v1/offices/{world.office.code}/communities", headers=bearer(secret)), 401)
    problem(api.get(f"/api/v1/offices/{world.office.code}/communities", headers=bearer("gz_" + "A" * 43)), 401)
    answer = problem(api.get(f"/api/v1/offices/{world.office.code}/communities"), 401)
    assert answer["type"] == "about:blank"
    assert api.get(f"/api/v1/offices/{world.office.code}/communities").headers["WWW-Authenticate"].startswith("Bearer")


def test_an_office_token_orders_with_the_deadline_checked(app: Flask, client: FlaskClient) -> None:
    make_world()
    secret = make_token(client, "official", ["office"])
    api = app.test_client()
    order = {
        "kind": "rectify",
        "subject": "公示账目",
        "body": "请于期限内公示2026年公共收益。",
        "due_on": (utcnow() + timedelta(days=10)).date().isoformat(),
    }
    made = api.post("/api/v1/communities/lanting/orders", json=order, headers=bearer(secret))
    assert made.status_code == 201, made.get_data(as_text=True)
    assert made.get_json()["status"] == "open" and made.get_json()["notice"]
    late = problem(api.post("/api/v1/communities/lanting/orders", json={**order, "due_on": "2020-01-01"}, headers=bearer(secret)), 422)
    assert late["errors"][0]["field"] == "due_on"
    bad = problem(api.post("/api/v1/communities/lanting/orders", json={**order, "due_on": "next week"}, headers=bearer(secret)), 422)
    assert bad["errors"][0]["field"] == "due_on"


def test_tokens_need_a_fresh_code_and_a_scope_the_roles_allow(app: Flask, client: FlaskClient) -> None:
    make_world()
    login(client, "chair")
    wrong = client.post("/account/tokens", data={"name": "x", "scopes": ["committee"], "code": "000000"})
    assert wrong.status_code == 400 and "没有生成令牌" in wrong.get_data(as_text=True)
    wider = client.post("/account/tokens", data={"name": "x", "scopes": ["office"], "code": next_code("chair")})
    assert wider.status_code == 400
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(ApiToken)).scalar_one() == 0
    other = app.test_client()
    login(other, "official")
    assert other.post("/account/tokens/1/revoke").status_code in (302, 404)
    admin = app.test_client()
    login(admin, "admin")
    assert "没有可用于接口的权限范围" in admin.get("/account").get_data(as_text=True)


def _world_with_token(app: Flask, client: FlaskClient) -> tuple[World, str]:
    world = make_world()
    return world, make_token(client, "chair", ["committee"])


def test_a_session_the_api_drafted_is_the_same_the_pages_show(app: Flask, client: FlaskClient) -> None:
    _world, secret = _world_with_token(app, client)
    api = app.test_client()
    opens = (utcnow() + timedelta(days=20)).isoformat()
    closes = (utcnow() + timedelta(days=30)).isoformat()
    bad = problem(
        api.post(
            "/api/v1/communities/lanting/sessions",
            json={"title": "会议", "form": "written", "opens_at": closes, "closes_at": opens},
            headers=bearer(secret),
        ),
        422,
    )
    assert bad["errors"][0]["field"] == "closes_at"
    made = api.post(
        "/api/v1/communities/lanting/sessions",
        json={"title": "会议", "form": "written", "opens_at": opens, "closes_at": closes},
        headers=bearer(secret),
    ).get_json()
    db.session.rollback()
    stored = db.session.execute(select(AssemblySession).where(AssemblySession.public_id == made["id"])).scalar_one()
    assert stored.title == "会议" and client.get(f"/committee/s/{made['id']}").status_code == 200


def test_digits_in_other_scripts_are_wrong_digits_not_a_crash(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    _session, tokens, _ = open_session(world)
    token = tokens["张伟"]
    opened = client.post(f"/api/v1/letters/{token}", json={"digits": "１２３４"})  # full-width, from a phone keyboard
    assert opened.status_code == 200 and opened.get_json()["holder"] == "张伟"
    body = problem(client.post(f"/api/v1/letters/{token}", json={"digits": "一二三四"}), 403)  # not digits: refused, not a try
    assert body["errors"][0]["field"] == "digits" and "不计入尝试次数" in body["detail"]
    page = client.post(f"/v/{token}", data={"digits": "一二三四"})
    assert page.status_code == 200 and "不计入尝试次数" in page.get_data(as_text=True)
    db.session.rollback()
    assert set(db.session.execute(select(Letter.failed_attempts)).scalars()) == {0}


def test_a_stamp_before_the_first_utc_instant_is_the_fields_error_not_a_server_error(app: Flask, client: FlaskClient) -> None:
    _world, secret = _world_with_token(app, client)
    api = app.test_client()
    closes = (utcnow() + timedelta(days=30)).isoformat()
    body = {"title": "会议", "form": "written", "opens_at": "0001-01-01T00:00:00+01:00", "closes_at": closes}
    answer = problem(api.post("/api/v1/communities/lanting/sessions", json=body, headers=bearer(secret)), 422)
    assert answer["errors"][0]["field"] == "opens_at"


def test_a_nul_character_is_refused_everywhere_not_a_server_error(app: Flask, client: FlaskClient) -> None:
    """PostgreSQL refuses NUL in text: the API names the field, pages and addresses answer 400, nothing is written."""
    _world, secret = _world_with_token(app, client)
    api = app.test_client()
    opens = (utcnow() + timedelta(days=20)).isoformat()
    closes = (utcnow() + timedelta(days=30)).isoformat()
    body = {"title": "会议\x00", "form": "written", "opens_at": opens, "closes_at": closes}
    answer = problem(api.post("/api/v1/communities/lanting/sessions", json=body, headers=bearer(secret)), 422)
    assert answer["errors"][0]["field"] == "title"
    assert client.post("/committee/c/1/sessions", data={"title": "会\x00议"}).status_code == 400
    assert client.get("/c/lanting?kind=%00").status_code == 400
    assert client.get("/c/lan%00ting").status_code == 400
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(AssemblySession)).scalar_one() == 0


# The protocol ------------------------------------------------------------------------------------


def test_an_undeclared_method_is_a_405_that_names_the_allowed_ones(app: Flask, client: FlaskClient) -> None:
    make_world()
    refused = client.delete("/api/v1/communities/lanting")
    problem(refused, 405)
    assert {m.strip() for m in refused.headers["Allow"].split(",")} >= {"GET"}
    assert "POST" in client.put("/api/v1/communities/lanting/notices").headers["Allow"]
    page = client.delete("/c/lanting")
    assert page.status_code == 405 and "GET" in page.headers["Allow"]


def test_the_token_that_drafted_a_notice_reads_it_back_at_its_location(app: Flask, client: FlaskClient) -> None:
    make_world()
    secret = make_token(client, "chair", ["committee"])
    api = app.test_client()
    made = api.post(
        "/api/v1/communities/lanting/notices", json={"kind": "general", "title": "停水通知", "body": "周六停水。"}, headers=bearer(secret)
    )
    assert made.status_code == 201
    location = made.headers["Location"]
    assert location.endswith(f"/api/v1/communities/lanting/notices/{made.get_json()['id']}")
    read = api.get(location, headers=bearer(secret))
    assert read.status_code == 200 and read.get_json() == made.get_json()
    problem(api.get(location), 404)  # a draft is not public
    other = make_token(app.test_client(), "official", ["office"])
    problem(api.get(location, headers=bearer(other)), 404)  # nor a token without the committee's rights


def test_a_token_without_rights_on_the_community_is_refused_before_its_body_is_read(app: Flask, client: FlaskClient) -> None:
    make_world()
    secret = make_token(client, "chair", ["committee"])
    api = app.test_client()
    for path in ("/api/v1/communities/meiyuan/notices", "/api/v1/communities/meiyuan/sessions"):
        problem(api.post(path, json={"nonsense": True}, headers=bearer(secret)), 403)
    office = make_token(app.test_client(), "official", ["office"])
    problem(api.post("/api/v1/communities/lanting/notices", json={}, headers=bearer(office)), 403)  # scope first, as before
