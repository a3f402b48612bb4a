"""The committee's meetings, consultations and the street office's oversight in the JSON API: each operation's happy
path, a refusal naming its field, and the 403 of another community's member or a token of the wrong scope."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from app.clock import today_in_china
from app.committees import services as committees
from app.committees.models import Motion
from app.db import db, utcnow
from app.notices import services as notices
from app.oversight import services as oversight
from app.security.actor import actor_for
from tests.committee_factories import Seated, held_meeting, seated_committee
from tests.factories import make_world, open_session
from tests.services.test_elections import PDF
from tests.web.test_api import bearer, make_token, problem

PHONE, ID_NUMBER = "13812345678", "110101199001011234"


def post(client: FlaskClient, path: str, token: str | None = None, **body: Any) -> Any:
    return client.post(f"/api/v1{path}", json=body, headers=bearer(token) if token else {})


def field_of(response: Any, status: int = 422) -> str:
    return problem(response, status)["errors"][0]["field"]


def committee_tokens(app: Flask, *names: str) -> dict[str, str]:
    return {name: make_token(app.test_client(), name, ["committee"]) for name in names}


def soon(**delta: int) -> str:
    return (utcnow() + timedelta(**delta)).isoformat()


# Meetings, motions, minutes -----------------------------------------------------------------------------------


def test_a_meeting_from_its_call_to_its_corrected_minutes(app: Flask, client: FlaskClient) -> None:
    seated = seated_committee(logins=True)
    t = committee_tokens(app, "m1", "m2", "m3", "outsider")
    office = make_token(app.test_client(), "official", ["office"])
    call = {"title": "第四次委员会会议", "agenda": "1. 停车费", "place": "会议室"}

    assert field_of(post(client, "/communities/lanting/meetings", t["m1"], **call, starts_at=soon(hours=-1))) == "starts_at"
    assert post(client, "/communities/lanting/meetings", t["m1"], **call, starts_at=soon(days=3)).get_json()["state"] == "convened"
    asked = post(client, "/communities/lanting/meetings", t["m2"], **call, starts_at=soon(days=3))
    assert asked.status_code == 201 and asked.get_json()["state"] == "requested" and asked.get_json()["requests"] == 1
    assert field_of(post(client, f"/meetings/{asked.get_json()['id']}/support", t["m2"])) == "meeting"  # asked already
    assert post(client, f"/meetings/{asked.get_json()['id']}/support", t["m3"]).get_json()["state"] == "convened"
    problem(post(client, "/communities/lanting/meetings", t["outsider"], **call, starts_at=soon(days=3)), 403)
    problem(post(client, "/communities/lanting/meetings", office, **call, starts_at=soon(days=3)), 403)

    meeting = held_meeting(seated).public_id
    seats = {s["name"]: s["id"] for s in client.get(f"/api/v1/meetings/{meeting}", headers=bearer(t["m1"])).get_json()["seats"]}
    assert client.get(f"/api/v1/meetings/{meeting}", headers=bearer(office)).status_code == 200  # the office reads
    problem(client.get(f"/api/v1/meetings/{meeting}", headers=bearer(t["outsider"])), 403)
    roll = post(client, f"/meetings/{meeting}/attendance", t["m1"], membership_id=seats["吴二"], present=True).get_json()
    assert next(s["present"] for s in roll["seats"] if s["name"] == "吴二") is True
    assert field_of(post(client, f"/meetings/{meeting}/attendance", t["m1"], membership_id=999999, present=True)) == "membership_id"

    assert field_of(post(client, f"/meetings/{meeting}/motions", t["m1"], text="   ")) == "text"
    assert field_of(post(client, f"/meetings/{meeting}/motions", t["m1"], text="同意。", consultation="nonesuch")) == "consultation"
    added = post(client, f"/meetings/{meeting}/motions", t["m1"], text="同意续签电梯维保合同一年。")
    assert added.status_code == 201 and added.get_json()["consultation"] is None
    motion = added.get_json()["id"]
    assert post(client, f"/motions/{motion}/vote", t["m1"], choice="agree").get_json()["agree"] == 1
    assert field_of(post(client, f"/motions/{motion}/vote", t["m1"], choice="agree")) == "member"
    problem(post(client, f"/motions/{motion}/vote", t["outsider"], choice="agree"), 403)
    post(client, f"/motions/{motion}/vote", t["m2"], choice="agree")
    paper = post(client, f"/motions/{motion}/paper-votes", t["m1"], membership_id=seats["郑三"], choice="agree", paper_reference="P-1")
    assert paper.status_code == 201 and paper.get_json()["counts"] is False
    confirm = f"/motions/{motion}/paper-votes/{paper.get_json()['id']}/confirm"
    assert field_of(post(client, confirm, t["m1"])) == "vote"  # not the member who entered it
    assert post(client, confirm, t["m2"]).get_json()["counts"] is True
    problem(post(client, f"/motions/{motion}/paper-votes/nonsense/confirm", t["m2"]), 404)
    closed = post(client, f"/motions/{motion}/close", t["m1"]).get_json()
    assert (closed["state"], closed["agree"], closed["needed"], closed["seats"]) == ("passed", 3, 3, 5)
    assert field_of(post(client, f"/motions/{motion}/close", t["m1"])) == "motion"

    drafted = post(client, f"/motions/{motion}/decision-notice", t["m2"])
    assert drafted.status_code == 201 and drafted.get_json()["kind"] == "decision" and drafted.get_json()["state"] == "draft"
    assert client.get(drafted.headers["Location"], headers=bearer(t["m1"])).get_json()["id"] == drafted.get_json()["id"]
    assert field_of(post(client, f"/motions/{motion}/decision-notice", t["m2"])) == "motion"

    assert post(client, f"/meetings/{meeting}/close", t["m1"]).get_json()["state"] == "closed"
    minutes = post(client, f"/meetings/{meeting}/minutes", t["m1"], notes="讨论了维保费用。")
    assert minutes.status_code == 201 and "周一" in minutes.get_json()["record"]
    assert field_of(post(client, f"/meetings/{meeting}/minutes", t["m1"])) == "meeting"
    minutes_id = minutes.get_json()["id"]
    assert client.get("/api/v1/communities/lanting/meetings").get_json()["held"] == []  # not confirmed yet
    for name in ("m1", "m2"):
        assert post(client, f"/minutes/{minutes_id}/sign", t[name]).get_json()["state"] == "draft"
    assert field_of(post(client, f"/minutes/{minutes_id}/sign", t["m1"])) == "minutes"
    assert post(client, f"/minutes/{minutes_id}/sign", t["m3"]).get_json()["state"] == "confirmed"  # 郑三 voted on paper
    problem(post(client, f"/minutes/{minutes_id}/sign", t["outsider"]), 403)

    record = client.get("/api/v1/communities/lanting/meetings").get_json()
    assert [h["id"] for h in record["held"]] == [meeting] and len(record["upcoming"]) == 2
    assert field_of(post(client, f"/minutes/{minutes_id}/correct", t["m1"], notes="")) == "notes"
    corrected = post(client, f"/minutes/{minutes_id}/correct", t["m1"], notes="更正出席名单。").get_json()
    assert (corrected["version"], corrected["supersedes"], corrected["state"]) == (2, minutes_id, "draft")
    public = client.get(f"/api/v1/communities/lanting/meetings/{meeting}").get_json()
    assert [v["version"] for v in public["versions"]] == [1]  # the correction is public once confirmed
    problem(client.get("/api/v1/communities/meiyuan/meetings/" + meeting), 404)


def passed_and_published(seated: Seated) -> Motion:
    meeting = held_meeting(seated)
    motion = committees.add_motion(seated.actor("周一"), meeting.public_id, text="同意更换小区门禁系统。", now=utcnow())
    for name in ("周一", "吴二", "郑三"):
        committees.cast_vote(seated.actor(name), motion.public_id, choice="agree", now=utcnow())
    committees.close_motion(seated.actor("周一"), motion.public_id, now=utcnow())
    notice = committees.draft_decision_notice(seated.actor("周一"), motion.public_id, now=utcnow())
    notices.publish_notice(seated.actor("周一"), notice.id, now=utcnow())
    notices.confirm_notice(seated.actor("吴二"), notice.id, now=utcnow())
    return motion


def test_the_street_office_revokes_a_published_decision_and_the_public_list_says_so(app: Flask, client: FlaskClient) -> None:
    seated = seated_committee(logins=True)
    motion = passed_and_published(seated)
    office = make_token(app.test_client(), "official", ["office"])
    committee = make_token(app.test_client(), "m1", ["committee"])
    (decision,) = client.get("/api/v1/communities/lanting/decisions").get_json()
    assert (decision["id"], decision["agree"], decision["seats"], decision["revoked"]) == (motion.public_id, 3, 5, False)
    order = {
        "subject": "撤销门禁决定",
        "body": "该决定超出业委会职权。",
        "due_on": (today_in_china(utcnow()) + timedelta(days=10)).isoformat(),
    }

    assert field_of(post(client, "/communities/lanting/orders", office, kind="revoke", **order)) == "motion_id"
    assert field_of(post(client, "/communities/lanting/orders", office, kind="revoke", motion_id="nonesuch", **order)) == "motion_id"
    assert field_of(post(client, "/communities/lanting/orders", office, kind="rectify", motion_id=motion.public_id, **order)) == "motion_id"
    assert field_of(post(client, "/communities/meiyuan/orders", office, kind="revoke", motion_id=motion.public_id, **order)) == "motion_id"
    problem(post(client, "/communities/lanting/orders", committee, kind="revoke", motion_id=motion.public_id, **order), 403)
    issued = post(client, "/communities/lanting/orders", office, kind="revoke", motion_id=motion.public_id, **order)
    assert issued.status_code == 201 and issued.get_json()["kind"] == "revoke"
    (revoked,) = client.get("/api/v1/communities/lanting/decisions").get_json()
    assert (
        revoked["revoked"] is True
        and revoked["order"] == issued.get_json()["id"]
        and revoked["order_notice"] == issued.get_json()["notice"]
    )
    assert field_of(post(client, "/communities/lanting/orders", office, kind="revoke", motion_id=motion.public_id, **order)) == "motion_id"


# Consultations ---------------------------------------------------------------------------------------------------


def test_a_consultation_drafted_opened_answered_both_ways_and_closed(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    _session, letters, _now = open_session(world)
    chair = make_token(app.test_client(), "chair", ["committee"])
    outsider = make_token(app.test_client(), "outsider", ["committee"])
    office = make_token(app.test_client(), "official", ["office"])
    last_day = (today_in_china(utcnow()) + timedelta(days=7)).isoformat()
    ask = {"title": "是否在 1 号楼加装电梯？", "description": "先听取业主意见。", "closes_on": last_day}

    assert field_of(post(client, "/communities/lanting/consultations", chair, **ask, options=["同意", "同意"])) == "options.1"
    assert field_of(post(client, "/communities/lanting/consultations", chair, **ask, options=["同意"])) == "options"
    today = today_in_china(utcnow()).isoformat()
    assert (
        field_of(post(client, "/communities/lanting/consultations", chair, **{**ask, "closes_on": today}, options=["是", "否"]))
        == "closes_on"
    )
    problem(post(client, "/communities/lanting/consultations", outsider, **ask, options=["是", "否"]), 403)
    problem(post(client, "/communities/lanting/consultations", office, **ask, options=["是", "否"]), 403)
    drafted = post(client, "/communities/lanting/consultations", chair, **ask, options=["同意", "不同意", "再议"])
    assert drafted.status_code == 201 and drafted.get_json()["state"] == "draft"
    cid = drafted.get_json()["id"]
    problem(client.get(f"/api/v1/communities/lanting/consultations/{cid}"), 404)
    assert client.get(f"/api/v1/communities/lanting/consultations/{cid}", headers=bearer(chair)).get_json()["state"] == "draft"
    assert client.get("/api/v1/communities/lanting/consultations").get_json() == []

    problem(post(client, f"/consultations/{cid}/open", outsider), 403)
    opened = post(client, f"/consultations/{cid}/open", chair).get_json()
    assert opened["state"] == "open" and opened["participation"]["roll_heads"] == 3 and opened["counts"] is None
    assert field_of(post(client, f"/consultations/{cid}/open", chair)) == "consultation"
    agree, disagree = opened["options"][0]["id"], opened["options"][1]["id"]

    (listed,) = post(client, f"/letters/{letters['张伟']}/consultations", digits="1234").get_json()
    assert (listed["consultation"]["id"], listed["may_answer"], listed["answered"]) == (cid, True, False)
    problem(post(client, f"/letters/{letters['张伟']}/consultations/{cid}", digits="9999", option=agree), 403)
    assert field_of(post(client, f"/letters/{letters['张伟']}/consultations/{cid}", digits="1234", option=999999)) == "option"
    answered = post(client, f"/letters/{letters['张伟']}/consultations/{cid}", digits="1234", option=agree)
    assert answered.status_code == 201 and answered.get_json()["option"]["label"] == "同意"
    assert field_of(post(client, f"/letters/{letters['张伟']}/consultations/{cid}", digits="1234", option=disagree)) == "consultation"
    assert post(client, f"/letters/{letters['张伟']}/consultations", digits="1234").get_json()[0]["answered"] is True

    board = f"/communities/lanting/consultations/{cid}/answers"
    assert field_of(post(client, board, option=disagree, unit="1-103", name="赵敏", id_last4="9999")) == "name"
    assert post(client, board, option=disagree, unit="1-103", name="赵敏", id_last4="0456").status_code == 201
    assert field_of(post(client, board, option=agree, unit="1-103", name="赵敏", id_last4="0456")) == "consultation"
    problem(
        post(client, f"/communities/meiyuan/consultations/{cid}/answers", option=agree, unit="1-102", name="李娜", id_last4="2345"), 404
    )

    live = client.get(f"/api/v1/communities/lanting/consultations/{cid}")
    assert live.get_json()["participation"]["heads"] == 2 and live.get_json()["counts"] is None
    problem(post(client, f"/consultations/{cid}/close", office), 403)
    closed = post(client, f"/consultations/{cid}/close", chair).get_json()
    assert closed["state"] == "closed" and closed["summary_notice"]
    assert field_of(post(client, f"/consultations/{cid}/close", chair)) == "consultation"
    public = client.get(f"/api/v1/communities/lanting/consultations/{cid}")
    counts = {c["label"]: (c["heads"], c["area"]) for c in public.get_json()["counts"]}
    assert counts == {"同意": (1, "89.50"), "不同意": (1, "60.00"), "再议": (0, "0.00")}
    assert "张伟" not in public.get_data(as_text=True) and "赵敏" not in public.get_data(as_text=True)
    assert [c["id"] for c in client.get("/api/v1/communities/lanting/consultations").get_json()] == [cid]


# The street office's findings and term-end audit -------------------------------------------------------------


def test_a_finding_suspends_a_member_is_public_without_numbers_and_is_lifted(app: Flask, client: FlaskClient) -> None:
    seated_committee(logins=True)
    office = make_token(app.test_client(), "official", ["office"])
    committee = make_token(app.test_client(), "m1", ["committee"])
    members = {m["name"]: m["id"] for m in client.get("/api/v1/communities/lanting/committee").get_json()["members"]}
    yesterday = (today_in_china(utcnow()) - timedelta(days=1)).isoformat()
    evidence = f"物业公司催缴记录：自2026年1月起未缴物业费，联系电话{PHONE}，身份证{ID_NUMBER}。"
    finding = {"membership_id": members["王四"], "code": "fee_arrears", "evidence": evidence, "found_on": yesterday}

    assert field_of(post(client, "/communities/lanting/findings", office, **{**finding, "code": "gossip"})) == "code"
    tomorrow = (today_in_china(utcnow()) + timedelta(days=1)).isoformat()
    assert field_of(post(client, "/communities/lanting/findings", office, **{**finding, "found_on": tomorrow})) == "found_on"
    assert field_of(post(client, "/communities/lanting/findings", office, **{**finding, "membership_id": 999999})) == "membership_id"
    problem(post(client, "/communities/lanting/findings", committee, **finding), 403)
    recorded = post(client, "/communities/lanting/findings", office, **finding)
    assert recorded.status_code == 201 and recorded.get_json()["outcome"] == "standing"
    assert next(m for m in client.get("/api/v1/communities/lanting/committee").get_json()["members"] if m["name"] == "王四")["suspended"]
    board = client.get("/api/v1/communities/lanting/findings")
    assert [f["member"] for f in board.get_json()] == ["王四"] and board.get_json()[0]["notice"]
    assert PHONE not in board.get_data(as_text=True) and ID_NUMBER not in board.get_data(as_text=True)

    outcome = f"/findings/{recorded.get_json()['id']}/outcome"
    assert field_of(post(client, outcome, office, outcome="lifted")) == "note"
    assert field_of(post(client, outcome, office, outcome="removed")) == "item_id"
    problem(post(client, outcome, committee, outcome="lifted", note="复核后撤销"), 403)
    lifted = post(client, outcome, office, outcome="lifted", note="复核后撤销").get_json()
    assert lifted["outcome"] == "lifted" and lifted["outcome_notice"]
    assert field_of(post(client, outcome, office, outcome="lifted", note="再次")) == "outcome"
    problem(post(client, "/findings/nonesuch/outcome", office, outcome="lifted", note="x"), 404)


def test_the_term_end_audit_is_drafted_published_and_read_by_anyone(app: Flask, client: FlaskClient) -> None:
    seated = seated_committee(logins=True)
    office = make_token(app.test_client(), "official", ["office"])
    committee = make_token(app.test_client(), "m1", ["committee"])
    problem(client.get("/api/v1/communities/lanting/audit", headers=bearer(office)), 404)
    problem(post(client, "/communities/lanting/audit", committee, covered=["ledgers"]), 403)
    assert field_of(post(client, "/communities/lanting/audit", office, covered=["gossip"])) == "covered.0"
    saved = post(client, "/communities/lanting/audit", office, auditor="诚信会计师事务所", covered=["ledgers", "contracts"])
    assert saved.status_code == 200 and saved.get_json()["state"] == "draft" and saved.get_json()["covered"]["contracts"] is True
    assert field_of(post(client, "/communities/lanting/audit/findings", office, text=" ")) == "text"
    added = post(client, "/communities/lanting/audit/findings", office, text="2025 年公共收益未按季度公示。")
    assert added.status_code == 201 and [f["text"] for f in added.get_json()["findings"]] == ["2025 年公共收益未按季度公示。"]
    assert field_of(post(client, "/communities/lanting/audit/publish", office)) == "report"  # uploaded on the office's page
    assert client.get("/api/v1/communities/lanting/audits").get_json() == []

    report = ("审计报告.pdf", PDF)
    oversight.save_audit(
        actor_for(seated.world.official), seated.committee.id, auditor="诚信会计师事务所", covered=["ledgers"], report=report, now=utcnow()
    )
    problem(post(client, "/communities/lanting/audit/publish", committee), 403)
    published = post(client, "/communities/lanting/audit/publish", office).get_json()
    assert published["state"] == "published" and published["report"]["filename"] == "审计报告.pdf"
    (public,) = client.get("/api/v1/communities/lanting/audits").get_json()
    assert public["id"] == published["id"] and public["notice"] and public["findings"][0]["order"] is None
    assert field_of(post(client, "/communities/lanting/audit", office, covered=["ledgers"])) == "state"
    db.session.rollback()


# The yearly review ------------------------------------------------------------------------------------------------


def test_the_office_marks_and_publishes_a_yearly_review_which_anyone_then_reads(app: Flask, client: FlaskClient) -> None:
    seated = seated_committee(logins=True)
    office = make_token(app.test_client(), "official", ["office"])
    committee = make_token(app.test_client(), "m1", ["committee"])
    this_year = today_in_china(utcnow()).year
    year = this_year - 1  # a year over: the committee sat it from its term's start (2025-01-01)
    card = f"/committees/{seated.committee.id}/reviews/{year}"

    (ranked,) = client.get(f"/api/v1/offices/xinhua-street/reviews?year={year}", headers=bearer(office)).get_json()
    assert ranked["place"] == 1 and ranked["review"]["committee"] == seated.committee.id and ranked["review"]["id"] is None
    assert field_of(client.get(f"/api/v1/offices/xinhua-street/reviews?year={this_year + 1}", headers=bearer(office)), 400) == "year"
    problem(client.get(f"/api/v1/offices/xinhua-street/reviews?year={year}", headers=bearer(committee)), 403)
    problem(client.get(f"/api/v1{card}", headers=bearer(committee)), 403)
    problem(client.get(f"/api/v1/committees/{seated.committee.id}/reviews/2001", headers=bearer(office)), 404)  # it did not sit

    assert field_of(post(client, f"{card}/publish", office)) == "marks"  # no marks yet
    assert field_of(post(client, card, office, marks=5, commended=True)) == "commended"  # only an excellent committee
    assert field_of(post(client, f"/committees/{seated.committee.id}/reviews/2001", office, marks=5)) == "year"
    problem(post(client, card, committee, marks=5), 403)
    saved = post(client, card, office, marks=15, remarks="会议记录规范。")
    assert saved.status_code == 200 and saved.get_json()["office_marks"] == 15 and saved.get_json()["published_at"] is None
    assert client.get("/api/v1/communities/lanting/reviews").get_json() == []
    running = f"/committees/{seated.committee.id}/reviews/{this_year}"
    assert post(client, running, office, marks=15).status_code == 200
    assert field_of(post(client, f"{running}/publish", office)) == "year"  # this year is not over
    published = post(client, f"{card}/publish", office).get_json()
    assert published["published_at"] and published["notice"] and published["remarks"] == "会议记录规范。"
    (public,) = client.get("/api/v1/communities/lanting/reviews").get_json()
    assert (public["id"], public["total"], public["grade"]) == (published["id"], published["total"], published["grade"])
    assert field_of(post(client, card, office, marks=10)) == "year"  # published: final
