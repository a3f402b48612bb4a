"""Objections to a preliminary result in /api/v1 (RULES §6): an owner files and follows theirs with their letter, anyone
reads the counts and the timeline, those running the session answer, the street office decides."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.communities import services as register
from app.db import db, utcnow
from app.domain.lifecycle import SessionState
from app.orders.models import Order
from app.security.actor import actor_for
from app.sessions import services as sessions
from app.sessions.models import AssemblySession
from app.voting import services as voting
from tests.factories import CLI, World, draft_session, items, make_world, open_session, past_session, register_csv, tokens_by_holder
from tests.web.test_api import bearer, make_token, problem
from tests.web.test_api_fund import events, fresh_code

DIGITS = {"张伟": "1234", "李娜": "2345", "王强": "3456", "赵敏": "0456"}


def counted_now(world: World) -> tuple[AssemblySession, dict[str, str], list[str]]:
    """Voting closed a day ago and was counted at its close: the objection period (7 days) runs for six more days.

    张伟 voted, and someone voted with 赵敏's letter; 李娜 and 王强 (1-102) did not."""
    register.import_register_file(
        CLI,
        world.community.id,
        "r.csv",
        register_csv("1,101,89.50,,,,张伟,1234,,", "1,102,120.00,,,,李娜、王强,2345;3456,,", "1,103,60.00,,,,赵敏,0456,,"),
    )
    then = utcnow() - timedelta(days=22)
    session = draft_session(
        world,
        opens_at=then + timedelta(days=15, hours=1),
        closes_at=then + timedelta(days=21),
        items=(("cn.hire_manager", "续聘"), ("cn.use_fund", "电梯")),
    )
    sessions.announce_session(actor_for(world.committee), session.id, now=then)
    tokens = tokens_by_holder(session.id)
    q = items(session)
    for holder in ("张伟", "赵敏"):
        voting.cast_ballot(tokens[holder], {q[0]: "agree", q[1]: "agree"}, ip="t", now=then + timedelta(days=17))
    sessions.sync_state(session.id, now=session.closes_at + timedelta(minutes=1))
    db.session.rollback()
    db.session.refresh(session)
    assert session.state is SessionState.TALLIED and session.objections_until is not None and session.objections_until > utcnow()
    return session, tokens, q


def file(client: FlaskClient, token: str, holder: str, kind: str, statement: str = "我没有投票，投票通知书曾被他人拿走。") -> Any:
    return client.post(f"/api/v1/letters/{token}/objections/new", json={"digits": DIGITS[holder], "kind": kind, "statement": statement})


def mine(client: FlaskClient, token: str, holder: str) -> dict[str, Any]:
    answer = client.post(f"/api/v1/letters/{token}/objections", json={"digits": DIGITS[holder]})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def tokens_for(app: Flask, client: FlaskClient) -> tuple[str, str]:
    return make_token(client, "chair", ["committee"]), make_token(app.test_client(), "official", ["office"])


# The way through: filed in the period, answered, upheld with a new letter, voted again in the window ---------------


def test_an_objection_is_filed_answered_upheld_with_a_new_letter_and_the_owner_votes_again(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, (q1, q2) = counted_now(world)
    committee, office = tokens_for(app, client)
    owner, api = app.test_client(), app.test_client()
    at = f"/api/v1/sessions/{session.public_id}/objections"

    before = mine(owner, tokens["赵敏"], "赵敏")
    assert before["objections"] == [] and before["until"] == session.objections_until.isoformat().replace("+00:00", "Z")  # type: ignore[union-attr]
    assert set(before["may_file"]) == {"not_mine", "unit_missing", "unit_wrong", "weight_wrong", "count_wrong"}
    assert before["vote_again_until"] is None
    filed = file(owner, tokens["赵敏"], "赵敏", "not_mine")
    assert filed.status_code == 201, filed.get_data(as_text=True)
    objection = filed.get_json()
    assert objection["kind"] == "not_mine" and objection["status"] == "filed" and objection["units"] == ["1-103"]
    assert objection["answer"] is None and objection["decision"] is None and objection["window"] is None and objection["files"] == []
    assert objection["outcomes"] == ["reissue", "paper", "rejected"] and objection["session"] == session.public_id
    public_id = objection["id"]

    # Anyone sees how many of which kind, never who or why.
    seen = api.get(f"/api/v1/sessions/{session.public_id}").get_json()["objections"]
    assert seen["total"] == 1 and seen["by_kind"]["not_mine"] == 1 and seen["by_kind"]["count_wrong"] == 0 and seen["undecided"] == 1
    assert "1-103" not in str(seen) and "通知书" not in str(seen)
    assert [s["step"] for s in seen["timeline"]] == ["closed", "preliminary", "objections_until", "decided", "certified"]
    assert [s["done"] for s in seen["timeline"]] == [True, True, False, False, False] and seen["timeline"][0]["label"]

    # Those running the session list it with its units, and answer.
    (listed,) = api.get(at, headers=bearer(committee)).get_json()
    assert listed["id"] == public_id and listed["units"] == ["1-103"] and listed["statement"].startswith("我没有投票")
    answered = api.post(f"{at}/{public_id}/answer", json={"answer": "线上记录显示该票由赵敏的通知书投出。"}, headers=bearer(committee))
    assert answered.status_code == 200 and answered.get_json()["status"] == "answered" and answered.get_json()["answered_at"]
    assert mine(owner, tokens["赵敏"], "赵敏")["objections"][0]["answer"] == "线上记录显示该票由赵敏的通知书投出。"

    # The street office lists what it must decide, and upholds: the ballot leaves the count, the letter is replaced.
    (waiting,) = api.get(f"/api/v1/offices/{world.office.code}/objections", headers=bearer(office)).get_json()
    assert waiting["id"] == public_id and waiting["community"] == "lanting" and waiting["answer"]
    decided = api.post(
        f"{at}/{public_id}/decision",
        json={"decision": "upheld", "outcome": "reissue", "reasons": "核实：该票由他人持通知书投出。"},
        headers=bearer(office),
    )
    assert decided.status_code == 200, decided.get_data(as_text=True)
    body = decided.get_json()
    assert body["status"] == "upheld" and body["outcome"] == "reissue" and body["letter_reissued"] is True and body["outcome_label"]
    window = body["window"]
    assert window["channel"] == "online" and window["open"] is True and window["closed_at"] is None
    assert api.get(f"/api/v1/offices/{world.office.code}/objections", headers=bearer(office)).get_json() == []

    # The letter that cast it no longer opens; the new one shows the window, and votes in it.
    problem(owner.post(f"/api/v1/letters/{tokens['赵敏']}/objections", json={"digits": "0456"}), 404)
    db.session.rollback()  # what the requests committed
    new = tokens_by_holder(session.id)["赵敏"]
    assert new != tokens["赵敏"]
    followed = mine(owner, new, "赵敏")
    (shown,) = followed["objections"]
    assert shown["window"]["until"] == window["until"] and followed["vote_again_until"] == window["until"]
    assert shown["decision"] == "核实：该票由他人持通知书投出。" and shown["status_label"]
    assert owner.post(f"/api/v1/letters/{new}", json={"digits": "0456"}).get_json()["voting_open"] is True
    cast = owner.post(f"/api/v1/letters/{new}/ballot", json={"digits": "0456", "choices": {q1: "disagree", q2: "agree"}})
    assert cast.status_code == 201, cast.get_data(as_text=True)
    after = mine(owner, new, "赵敏")
    assert after["vote_again_until"] is None and after["objections"][0]["status"] == "settled"
    assert after["objections"][0]["window"]["closed_at"] and after["objections"][0]["window"]["open"] is False
    public = api.get(f"/api/v1/sessions/{session.public_id}").get_json()
    assert public["result"]["items"][0]["disagree"]["heads"] == 1 and public["objections"]["upheld"] == 1
    assert public["objections"]["undecided"] == 0 and public["objections"]["timeline"][3]["done"] is True
    assert (events("objection.file"), events("objection.answer"), events("objection.decide"), events("letter.reissue")) == (1, 1, 1, 1)


# The owner -------------------------------------------------------------------------------------------------------


def test_filing_refusals_name_the_field(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, _q = counted_now(world)
    owner = app.test_client()
    body = problem(file(owner, tokens["张伟"], "张伟", "my_neighbour"), 422)
    assert body["errors"][0]["field"] == "kind"
    body = problem(file(owner, tokens["张伟"], "张伟", "count_wrong", statement=""), 422)
    assert body["errors"][0]["field"] == "statement"
    body = problem(file(owner, tokens["张伟"], "张伟", "count_wrong", statement="   "), 422)
    assert body["errors"][0]["field"] == "statement" and body["type"] == "urn:gongzhi:problem:refused"
    body = problem(file(owner, tokens["张伟"], "张伟", "count_wrong", statement="长" * 2001), 422)
    assert body["errors"][0]["field"] == "statement"
    body = problem(owner.post(f"/api/v1/letters/{tokens['张伟']}/objections/new", json={"kind": "count_wrong", "statement": "x"}), 422)
    assert body["errors"][0]["field"] == "digits"
    # 1-102 has no ballot on record: nothing to say is not theirs.
    body = problem(file(owner, tokens["李娜"], "李娜", "not_mine"), 422)
    assert body["errors"][0]["field"] == "kind"
    assert "not_mine" not in mine(owner, tokens["李娜"], "李娜")["may_file"]
    assert file(owner, tokens["张伟"], "张伟", "weight_wrong", statement="面积应为 98.50").status_code == 201
    body = problem(file(owner, tokens["张伟"], "张伟", "weight_wrong", statement="再说一次"), 422)
    assert body["errors"][0]["field"] == "kind"
    # Wrong digits count toward the lock, as on the page.
    body = problem(file(owner, tokens["张伟"], "李娜", "count_wrong"), 403)
    assert body["errors"][0]["field"] == "digits"
    problem(file(owner, "nonexistent", "张伟", "count_wrong"), 404)
    problem(owner.post(f"/api/v1/letters/{tokens['张伟']}/objections", data="{}"), 415)
    # The co-owner of 1-102 sees what the other holder filed from her own letter; 张伟's own objection is his alone.
    assert file(owner, tokens["李娜"], "李娜", "unit_missing", statement="车位 P-1 未列入").status_code == 201
    assert [o["kind"] for o in mine(owner, tokens["王强"], "王强")["objections"]] == ["unit_missing"]
    assert [o["kind"] for o in mine(owner, tokens["张伟"], "张伟")["objections"]] == ["weight_wrong"]
    assert events("objection.file") == 2
    assert session.public_id


def test_while_voting_is_open_only_a_ballot_not_the_holders_and_after_the_period_nothing(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, _now = open_session(world)
    (q1, _q2) = items(session)
    owner = app.test_client()
    assert mine(owner, tokens["赵敏"], "赵敏")["may_file"] == []
    voting.cast_ballot(tokens["赵敏"], {q1: "agree"}, ip="t", now=utcnow())
    assert mine(owner, tokens["赵敏"], "赵敏")["may_file"] == ["not_mine"]
    body = problem(file(owner, tokens["赵敏"], "赵敏", "count_wrong"), 422)
    assert body["errors"][0]["field"] == "kind"
    assert file(owner, tokens["赵敏"], "赵敏", "not_mine").status_code == 201
    # No result yet: the public sees no objections at all.
    assert app.test_client().get(f"/api/v1/sessions/{session.public_id}").get_json()["objections"] is None


def test_after_the_period_no_objection_is_taken(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, when = past_session(world)
    q1, _q2 = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree"}, ip="t", now=when)
    sessions.sync_state(session.id, now=session.closes_at + timedelta(minutes=1))
    owner = app.test_client()
    assert mine(owner, tokens["张伟"], "张伟")["may_file"] == []
    body = problem(file(owner, tokens["张伟"], "张伟", "count_wrong"), 422)
    assert body["errors"][0]["field"] == "kind"
    seen = app.test_client().get(f"/api/v1/sessions/{session.public_id}").get_json()["objections"]
    assert seen["total"] == 0 and [s["done"] for s in seen["timeline"]] == [True, True, True, False]


# Those running the session ---------------------------------------------------------------------------------------


def test_only_those_running_the_session_list_and_answer(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, _q = counted_now(world)
    committee, office = tokens_for(app, client)
    outsider = make_token(app.test_client(), "outsider", ["committee"])
    public_id = file(app.test_client(), tokens["张伟"], "张伟", "count_wrong", statement="3 张票却显示 3 票同意？").get_json()["id"]
    api = app.test_client()
    at = f"/api/v1/sessions/{session.public_id}/objections"
    problem(api.get(at), 401)
    assert problem(api.get(at, headers=bearer(office)), 403)["type"] == "urn:gongzhi:problem:scope"
    problem(api.get(at, headers=bearer(outsider)), 403)
    # Refused before the body is read, and before the objection is looked up.
    problem(api.post(f"{at}/{public_id}/answer", json={"bad": 1}, headers=bearer(outsider)), 403)
    problem(api.post(f"{at}/nonexistent/answer", json={"answer": "x"}, headers=bearer(outsider)), 403)
    problem(api.post(f"{at}/nonexistent/answer", json={"answer": "x"}, headers=bearer(committee)), 404)
    problem(api.get("/api/v1/sessions/nonexistent/objections", headers=bearer(committee)), 404)
    # The objection under another session's id is not found there.
    other = draft_session(world, title="另一次会议", opens_at=utcnow() + timedelta(days=20), closes_at=utcnow() + timedelta(days=30))
    elsewhere = f"/api/v1/sessions/{other.public_id}/objections"
    problem(api.post(f"{elsewhere}/{public_id}/answer", json={"answer": "x"}, headers=bearer(committee)), 404)
    assert api.get(elsewhere, headers=bearer(committee)).get_json() == []
    body = problem(api.post(f"{at}/{public_id}/answer", json={"answer": ""}, headers=bearer(committee)), 422)
    assert body["errors"][0]["field"] == "answer"
    body = problem(api.post(f"{at}/{public_id}/answer", json={"answer": "  "}, headers=bearer(committee)), 422)
    assert body["errors"][0]["field"] == "answer" and body["type"] == "urn:gongzhi:problem:refused"
    body = problem(api.post(f"{at}/{public_id}/answer", json={"answer": "x", "extra": 1}, headers=bearer(committee)), 422)
    assert body["errors"][0]["field"] == "extra"
    assert api.post(f"{at}/{public_id}/answer", json={"answer": "无误"}, headers=bearer(committee)).status_code == 200
    changed = api.post(f"{at}/{public_id}/answer", json={"answer": "核对纸质与线上记录，计票无误。"}, headers=bearer(committee))
    assert changed.get_json()["answer"] == "核对纸质与线上记录，计票无误。"
    decided = api.post(
        f"{at}/{public_id}/decision", json={"decision": "dismissed", "reasons": "计票与公告板一致。"}, headers=bearer(office)
    )
    assert decided.status_code == 200 and decided.get_json()["status"] == "dismissed" and decided.get_json()["outcome"] is None
    body = problem(api.post(f"{at}/{public_id}/answer", json={"answer": "再改"}, headers=bearer(committee)), 422)
    assert body["errors"][0]["field"] == "answer"
    assert events("objection.answer") == 2


# The street office -----------------------------------------------------------------------------------------------


def test_the_office_decides_with_each_refusal_naming_its_field(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, _q = counted_now(world)
    committee, office = tokens_for(app, client)
    owner, api = app.test_client(), app.test_client()
    count = file(owner, tokens["张伟"], "张伟", "count_wrong", statement="3 张票却显示 3 票同意？").get_json()["id"]
    at = f"/api/v1/sessions/{session.public_id}/objections/{count}/decision"
    problem(api.post(at, json={"decision": "dismissed", "reasons": "x"}), 401)
    assert problem(api.post(at, json={"decision": "dismissed", "reasons": "x"}, headers=bearer(committee)), 403)["type"] == (
        "urn:gongzhi:problem:scope"
    )
    problem(api.get(f"/api/v1/offices/{world.office.code}/objections", headers=bearer(committee)), 403)
    problem(api.get("/api/v1/offices/nowhere/objections", headers=bearer(office)), 404)
    problem(api.post(f"/api/v1/sessions/{session.public_id}/objections/nonexistent/decision", json={}, headers=bearer(office)), 404)

    def refused(body: dict[str, Any]) -> str:
        answer = problem(api.post(at, json=body, headers=bearer(office)), 422)
        return answer["errors"][0]["field"]

    assert refused({"reasons": "x"}) == "decision"
    assert refused({"decision": "maybe", "reasons": "x"}) == "decision"
    assert refused({"decision": "upheld", "reasons": ""}) == "reasons"
    assert refused({"decision": "upheld", "reasons": "   "}) == "reasons"
    assert refused({"decision": "upheld", "reasons": "属实"}) == "outcome"
    # A count objection upheld can only reject the result: no voter's ballot to take out.
    assert refused({"decision": "upheld", "reasons": "属实", "outcome": "reissue"}) == "outcome"
    assert refused({"decision": "upheld", "reasons": "属实", "outcome": "rejected", "code": "123456"}) == "order_due_on"
    today = date.today().isoformat()
    assert refused({"decision": "upheld", "reasons": "属实", "outcome": "rejected", "order_due_on": today, "code": "1"}) == "order_due_on"
    assert refused({"decision": "upheld", "reasons": "属实", "outcome": "rejected", "order_due_on": "2099-02-30"}) == "order_due_on"
    # A day the schema's form allows but the calendar does not hold.
    assert refused({"decision": "upheld", "reasons": "属实", "outcome": "rejected", "order_due_on": "0000-01-01"}) == "order_due_on"
    due = (date.today() + timedelta(days=40)).isoformat()
    failed = events("auth.second_factor_failed")
    assert refused({"decision": "upheld", "reasons": "属实", "outcome": "rejected", "order_due_on": due, "code": "000000"}) == "code"
    assert events("auth.second_factor_failed") == failed + 1  # the wrong code is audited, nothing else changed
    assert events("objection.decide") == 0
    rejected = api.post(
        at,
        json={
            "decision": "upheld",
            "reasons": "计票有误，须重新召集。",
            "outcome": "rejected",
            "order_due_on": due,
            "code": fresh_code("official"),
        },
        headers=bearer(office),
    )
    assert rejected.status_code == 200, rejected.get_data(as_text=True)
    body = rejected.get_json()
    assert body["status"] == "settled" and body["outcome"] == "rejected" and body["window"] is None
    db.session.rollback()  # what the requests committed
    order = db.session.execute(select(Order).where(Order.community_id == world.community.id)).scalar_one()
    assert body["order"] == order.public_id and order.due_on.isoformat() == due
    assert refused({"decision": "dismissed", "reasons": "再议"}) == "decision"  # decided already
    public = api.get(f"/api/v1/sessions/{session.public_id}").get_json()
    assert public["session"]["state"] == "rejected" and public["objections"]["timeline"][-1]["step"] == "rejected"
    assert public["objections"]["upheld"] == 1 and events("objection.decide") == 1


def test_an_objection_made_while_voting_is_open_is_decided_once_the_result_is_published(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, _now = open_session(world)
    q1, _q2 = items(session)
    _committee, office = tokens_for(app, client)
    voting.cast_ballot(tokens["赵敏"], {q1: "agree"}, ip="t", now=utcnow())
    public_id = file(app.test_client(), tokens["赵敏"], "赵敏", "not_mine").get_json()["id"]
    api = app.test_client()
    (waiting,) = api.get(f"/api/v1/offices/{world.office.code}/objections", headers=bearer(office)).get_json()
    assert waiting["id"] == public_id and waiting["status"] == "filed"
    body = problem(
        api.post(
            f"/api/v1/sessions/{session.public_id}/objections/{public_id}/decision",
            json={"decision": "upheld", "outcome": "paper", "reasons": "属实"},
            headers=bearer(office),
        ),
        422,
    )
    assert body["errors"][0]["field"] == "decision"
