"""Property services in the JSON API: the board's service, figures and lists for anyone; owners' requests with their
letter or the register's identity check; the company's queue, steps and facts (scope "property"), the committee's
confirmation, watch and survey (scope "committee"), the street office's registry, contracts, ledger, judgement,
findings and lists (scope "office"). A company's staff reach only the communities their company serves."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from app.clock import today_in_china
from app.db import db, utcnow
from app.property_services.models import Escalation
from app.property_services.services import request_filing as filing
from app.property_services.services import requests as steps
from app.property_services.services.standing import month_label, previous_month
from app.security.actor import actor_for
from app.sessions import services as sessions
from tests.factories import draft_session, tokens_by_holder
from tests.property_factories import PropertyWorld, property_world
from tests.web.test_api import bearer, make_token, problem

API = "/api/v1"


def letter_tokens(pw: PropertyWorld) -> dict[str, str]:
    then = utcnow() - timedelta(days=16)
    session = draft_session(
        pw.world, opens_at=then + timedelta(days=15, hours=1), closes_at=then + timedelta(days=23), items=(("cn.hire_manager", "续聘"),)
    )
    sessions.announce_session(actor_for(pw.world.committee), session.id, now=then)
    return tokens_by_holder(session.id)


def tokens(app: Flask) -> dict[str, dict[str, str]]:
    made = {
        "staff": make_token(app.test_client(), "staff", ["property"]),
        "staff_b": make_token(app.test_client(), "staff_b", ["property"]),
        "chair": make_token(app.test_client(), "chair", ["committee"]),
        "outsider": make_token(app.test_client(), "outsider", ["committee"]),
        "official": make_token(app.test_client(), "official", ["office"]),
    }
    return {who: bearer(secret) for who, secret in made.items()}


def file_as_zhang(pw: PropertyWorld, category: str = "repair", **more: Any) -> str:
    filed = filing.file_by_identity(
        pw.community.id,
        unit="1-101",
        name="张伟",
        id_last4="1234",
        category=category,
        kind="leak",
        text="卫生间漏水",
        ip="-",
        now=more.get("now", utcnow()),
    )
    return filed.public_id


def fields_of(body: dict[str, Any]) -> set[str]:
    return {e["field"] for e in body.get("errors", [])}


def refused(response: Any, field: str, status: int = 422) -> dict[str, Any]:
    body = problem(response, status)
    assert field in fields_of(body), body
    return body


# The public ----------------------------------------------------------------------------------------------------


def test_the_board_shows_the_company_its_contract_and_the_confirmed_facts(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    t = tokens(app)
    shown = client.get(f"{API}/communities/lanting/property").get_json()
    assert shown["company"]["name"] == "康居物业服务有限公司" and shown["company"]["contact_phone"] == "0355-1234567"
    assert shown["contract"]["fees"] == [{"unit_kind": "residential", "yuan_per_m2_month": "1.85", "fen_per_m2_month": 185}]
    assert shown["contract"]["in_force"] is True and shown["facts"] is None
    assert problem(client.get(f"{API}/communities/nowhere/property"), 404)

    facts = {
        "manager_name": "赵经理",
        "manager_phone": "13900000000",
        "contractors": [{"kind": "elevator", "name": "奥的斯", "phone": "0355-7654321"}],
        "utility_costs": [{"period": "2026-11", "item": "公共照明", "amount": "1280.50", "basis": "按面积分摊"}],
    }
    # A row's refusal names its member, counted from 0 as the body's list is.
    bad = {**facts, "contractors": [{"kind": "elevator", "name": "奥的斯", "phone": "call me"}]}
    refused(client.post(f"{API}/communities/lanting/property/facts", json=bad, headers=t["staff"]), "contractors.0.phone")
    refused(
        client.post(
            f"{API}/communities/lanting/property/facts",
            json={**facts, "utility_costs": [{"period": "2026-11", "item": "电", "amount": "-1", "basis": "面积"}]},
            headers=t["staff"],
        ),
        "utility_costs.0.amount",
    )
    # Another company's staff cannot submit for 兰亭苑; a committee's token has not the scope.
    assert problem(client.post(f"{API}/communities/lanting/property/facts", json=facts, headers=t["staff_b"]), 403)
    assert problem(client.post(f"{API}/communities/lanting/property/facts", json=facts, headers=t["chair"]), 403)
    assert problem(client.post(f"{API}/communities/lanting/property/facts", json=facts), 401)
    submitted = client.post(f"{API}/communities/lanting/property/facts", json=facts, headers=t["staff"])
    assert submitted.status_code == 201, submitted.get_data(as_text=True)
    version = submitted.get_json()
    assert version["version"] == 1 and version["state"] == "submitted" and len(version["contractors"]) == 1
    assert version["utility_costs"][0]["total"] == "1280.50"
    refused(client.post(f"{API}/communities/lanting/property/facts", json=facts, headers=t["staff"]), "facts")

    # The versions: the committee and the office read all, the serving company its own, the other company none of 兰亭苑.
    for who in ("chair", "official", "staff"):
        listed = client.get(f"{API}/communities/lanting/property/facts", headers=t[who])
        assert [v["version"] for v in listed.get_json()] == [1], who
    assert problem(client.get(f"{API}/communities/lanting/property/facts", headers=t["staff_b"]), 403)

    # The committee confirms; the board shows it. The staff and another committee may not confirm.
    assert problem(client.post(f"{API}/communities/lanting/property/facts/1/confirm", json={}, headers=t["staff"]), 403)
    assert problem(client.post(f"{API}/communities/lanting/property/facts/1/confirm", json={}, headers=t["outsider"]), 403)
    assert problem(client.post(f"{API}/communities/lanting/property/facts/9/confirm", json={}, headers=t["chair"]), 404)
    assert problem(client.post(f"{API}/communities/lanting/property/facts/x/confirm", json={}, headers=t["chair"]), 404)
    confirmed = client.post(f"{API}/communities/lanting/property/facts/1/confirm", json={}, headers=t["chair"])
    assert confirmed.status_code == 200 and confirmed.get_json()["state"] == "confirmed"
    refused(client.post(f"{API}/communities/lanting/property/facts/1/return", json={"reason": "错"}, headers=t["chair"]), "facts")
    shown = client.get(f"{API}/communities/lanting/property").get_json()
    assert shown["facts"]["manager_name"] == "赵经理" and shown["facts"]["version"] == 1

    # A second version goes back with the committee's reason.
    client.post(f"{API}/communities/lanting/property/facts", json={**facts, "manager_name": "钱经理"}, headers=t["staff"])
    refused(client.post(f"{API}/communities/lanting/property/facts/2/return", json={"reason": ""}, headers=t["chair"]), "reason")
    returned = client.post(f"{API}/communities/lanting/property/facts/2/return", json={"reason": "电话不对"}, headers=t["chair"])
    assert returned.get_json()["state"] == "returned" and returned.get_json()["return_reason"] == "电话不对"
    assert client.get(f"{API}/communities/lanting/property").get_json()["facts"]["version"] == 1
    assert pw.company is not None


def test_the_figures_count_and_time_without_names_or_units(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    file_as_zhang(pw, "complaint")
    figures = client.get(f"{API}/communities/lanting/property/requests/figures")
    assert figures.status_code == 200
    body = figures.get_json()
    assert body["total"] == 1 and body["by_category"] == {"complaint": 1, "repair": 0} and body["served"] is True
    assert body["by_kind"][0]["kind"] == "leak" and body["by_kind"][0]["states"]["filed"] == 1
    assert [d["step"] for d in body["deadlines"]] == ["acknowledge", "on_site", "resolve"]
    text = figures.get_data(as_text=True)
    assert "张伟" not in text and "1-101" not in text
    assert problem(client.get(f"{API}/communities/nowhere/property/requests/figures"), 404)


# Owners ----------------------------------------------------------------------------------------------------------


def test_an_owner_files_follows_and_rates_with_their_letter(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    letters = letter_tokens(pw)
    token = letters["张伟"]
    ask = {"digits": "1234", "category": "repair", "kind": "leak", "text": "卫生间漏水"}
    assert problem(client.post(f"{API}/letters/{token}/property/requests", json={"digits": "9999"}), 403)
    assert problem(client.post(f"{API}/letters/nonexistent/property/requests", json={"digits": "1234"}), 404)
    refused(client.post(f"{API}/letters/{token}/property/requests/new", json={**ask, "kind": "dragons"}), "kind")
    refused(client.post(f"{API}/letters/{token}/property/requests/new", json={**ask, "contact_phone": "电话"}), "contact_phone")
    refused(client.post(f"{API}/letters/{token}/property/requests/new", json={**ask, "unit": "1-202"}), "unit")
    filed = client.post(f"{API}/letters/{token}/property/requests/new", json=ask)
    assert filed.status_code == 201, filed.get_data(as_text=True)
    request = filed.get_json()
    assert request["unit"] == "1-101" and request["state"] == "filed" and request["contact_phone"] == "13800000001"
    number = request["id"]

    listed = client.post(f"{API}/letters/{token}/property/requests", json={"digits": "1234"}).get_json()
    assert listed["units"] == ["1-101"] and [r["id"] for r in listed["requests"]] == [number]
    assert "leak" in {k["kind"] for k in listed["kinds"]}
    # Another holder's letter does not see 1-101's requests, nor rate them.
    other = client.post(f"{API}/letters/{letters['李娜']}/property/requests", json={"digits": "2345"}).get_json()
    assert other["requests"] == []
    rate = {"digits": "2345", "rating": 5}
    assert problem(client.post(f"{API}/letters/{letters['李娜']}/property/requests/{number}/rating", json=rate), 404)

    refused(client.post(f"{API}/letters/{token}/property/requests/{number}/rating", json={"digits": "1234", "rating": 4}), "rating")
    staff = actor_for(pw.staff)
    steps.acknowledge(staff, number, now=utcnow())
    steps.arrive_on_site(staff, number, now=utcnow())
    steps.resolve(staff, number, resolution="更换了水管", now=utcnow())
    refused(client.post(f"{API}/letters/{token}/property/requests/{number}/rating", json={"digits": "1234", "rating": 6}), "rating")
    rated = client.post(f"{API}/letters/{token}/property/requests/{number}/rating", json={"digits": "1234", "rating": 4, "comment": "好"})
    assert rated.status_code == 200 and rated.get_json()["rating"] == 4 and rated.get_json()["state"] == "closed"
    refused(client.post(f"{API}/letters/{token}/property/requests/{number}/rating", json={"digits": "1234", "rating": 4}), "rating")


def test_an_owner_files_looks_up_and_rates_with_the_identity_check(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    who = {"unit": "1-101", "name": "张伟", "id_last4": "1234"}
    ask = {**who, "category": "complaint", "kind": "cleaning", "text": "垃圾未清运"}
    refused(client.post(f"{API}/communities/lanting/property/requests", json={**ask, "id_last4": "0000"}), "name")
    refused(client.post(f"{API}/communities/lanting/property/requests", json={**ask, "unit": "9-999"}), "unit")
    refused(client.post(f"{API}/communities/lanting/property/requests", json={**ask, "text": ""}), "text")
    assert problem(client.post(f"{API}/communities/lanting/property/requests", data=ask), 415)
    filed = client.post(f"{API}/communities/lanting/property/requests", json=ask)
    assert filed.status_code == 201, filed.get_data(as_text=True)
    number = filed.get_json()["id"]
    shown = client.post(f"{API}/communities/lanting/property/requests/{number}/lookup", json=who)
    assert shown.status_code == 200 and shown.get_json()["category"] == "complaint"
    neighbour = {"unit": "1-102", "name": "李娜", "id_last4": "2345"}
    refused(client.post(f"{API}/communities/lanting/property/requests/{number}/lookup", json=neighbour), "request_id")
    refused(client.post(f"{API}/communities/lanting/property/requests/{number}/rating", json={**neighbour, "rating": 5}), "request_id")
    refused(client.post(f"{API}/communities/lanting/property/requests/{number}/rating", json={**who, "rating": 5}), "rating")
    staff = actor_for(pw.staff)
    for step in (steps.acknowledge, steps.arrive_on_site):
        step(staff, number, now=utcnow())
    steps.resolve(staff, number, resolution="已清运", now=utcnow())
    rated = client.post(f"{API}/communities/lanting/property/requests/{number}/rating", json={**who, "rating": 2})
    assert rated.status_code == 200 and rated.get_json()["rating"] == 2


# The company's staff ---------------------------------------------------------------------------------------------


def test_the_staff_answer_their_companys_requests_in_order_and_only_theirs(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    t = tokens(app)
    number = file_as_zhang(pw)
    mine = client.get(f"{API}/property/communities", headers=t["staff"]).get_json()
    assert [(c["company"]["name"], [m["slug"] for m in c["communities"]]) for c in mine] == [("康居物业服务有限公司", ["lanting"])]
    theirs = client.get(f"{API}/property/communities", headers=t["staff_b"]).get_json()
    assert [m["slug"] for m in theirs[0]["communities"]] == ["meiyuan"]
    assert problem(client.get(f"{API}/property/communities", headers=t["official"]), 403)
    assert problem(client.get(f"{API}/property/communities"), 401)

    queue = client.get(f"{API}/communities/lanting/property/queue", headers=t["staff"]).get_json()
    assert [r["id"] for r in queue] == [number] and queue[0]["unit"] == "1-101"
    assert client.get(f"{API}/communities/meiyuan/property/queue", headers=t["staff_b"]).get_json() == []
    assert problem(client.get(f"{API}/communities/lanting/property/queue", headers=t["staff_b"]), 403)
    assert problem(client.get(f"{API}/communities/lanting/property/queue", headers=t["chair"]), 403)

    # One request: its company's staff, the committee and the office read it; the other company does not.
    for who in ("staff", "chair", "official"):
        assert client.get(f"{API}/property/requests/{number}", headers=t[who]).status_code == 200, who
    assert problem(client.get(f"{API}/property/requests/{number}", headers=t["staff_b"]), 403)
    assert problem(client.get(f"{API}/property/requests/{number}", headers=t["outsider"]), 403)
    assert problem(client.get(f"{API}/property/requests/nonexistent", headers=t["staff"]), 404)

    acknowledge = f"{API}/property/requests/{number}/acknowledge"
    assert problem(client.post(acknowledge, json={}, headers=t["staff_b"]), 403)
    assert problem(client.post(acknowledge, json={}, headers=t["official"]), 403)
    assert problem(client.post(acknowledge, json={}), 401)
    refused(client.post(f"{API}/property/requests/{number}/on-site", json={}, headers=t["staff"]), "step")
    refused(client.post(f"{API}/property/requests/{number}/follow-up", json={"note": "满意"}, headers=t["staff"]), "note")
    done = client.post(acknowledge, json={}, headers=t["staff"])
    assert done.status_code == 200 and done.get_json()["state"] == "acknowledged"
    refused(client.post(acknowledge, json={}, headers=t["staff"]), "step")
    assert client.post(f"{API}/property/requests/{number}/on-site", json={}, headers=t["staff"]).get_json()["state"] == "on_site"
    refused(client.post(f"{API}/property/requests/{number}/resolve", json={"resolution": ""}, headers=t["staff"]), "resolution")
    resolved = client.post(f"{API}/property/requests/{number}/resolve", json={"resolution": "更换了水管"}, headers=t["staff"])
    assert resolved.get_json()["state"] == "resolved" and resolved.get_json()["resolution"] == "更换了水管"
    assert [s["status"] for s in resolved.get_json()["steps"]] == ["on_time"] * 3
    followed = client.post(f"{API}/property/requests/{number}/follow-up", json={"note": "业主满意"}, headers=t["staff"])
    assert followed.get_json()["follow_up_note"] == "业主满意"
    refused(client.post(f"{API}/property/requests/{number}/follow-up", json={"note": "再次"}, headers=t["staff"]), "note")
    assert [e["action"] for e in followed.get_json()["events"]] == ["filed", "acknowledged", "on_site", "resolved", "follow_up"]


# The committee ---------------------------------------------------------------------------------------------------


def escalated(pw: PropertyWorld) -> tuple[str, int]:
    """A complaint of 1-101 filed four hours ago, its acknowledgement and on-site visit escalated."""
    number = file_as_zhang(pw, "complaint", now=utcnow() - timedelta(hours=4))
    steps.escalate_due(utcnow())
    escalation = db.session.query(Escalation).order_by(Escalation.id).first()
    assert escalation is not None
    return number, escalation.id


def test_the_committee_follows_the_requests_notes_escalations_and_opens_the_survey(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    t = tokens(app)
    number, escalation = escalated(pw)
    listed = client.get(f"{API}/communities/lanting/property/requests", headers=t["chair"]).get_json()
    assert [r["id"] for r in listed] == [number] and listed[0]["escalated"] == ["acknowledge", "on_site"]
    assert client.get(f"{API}/communities/lanting/property/requests", headers=t["official"]).status_code == 200
    for who in ("outsider", "staff"):
        assert problem(client.get(f"{API}/communities/lanting/property/requests", headers=t[who]), 403)
    rows = client.get(f"{API}/communities/lanting/property/escalations", headers=t["chair"]).get_json()
    assert {r["step"] for r in rows} == {"acknowledge", "on_site"} and all(r["request"] == number for r in rows)
    assert problem(client.get(f"{API}/communities/lanting/property/escalations", headers=t["outsider"]), 403)

    noted = f"{API}/communities/lanting/property/escalations/{escalation}/committee-noted"
    assert problem(client.post(noted, json={}, headers=t["outsider"]), 403)
    assert problem(client.post(noted, json={}, headers=t["official"]), 403)
    assert problem(client.post(f"{API}/communities/lanting/property/escalations/999999/committee-noted", json={}, headers=t["chair"]), 404)
    assert problem(
        client.post(f"{API}/communities/meiyuan/property/escalations/{escalation}/committee-noted", json={}, headers=t["outsider"]), 404
    )
    answer = client.post(noted, json={}, headers=t["chair"]).get_json()
    assert answer["noted_by_committee_at"] and answer["noted_by_office_at"] is None
    # The office's own note, in its own list.
    office_noted = f"{API}/communities/lanting/property/escalations/{escalation}/office-noted"
    assert problem(client.post(office_noted, json={}, headers=t["chair"]), 403)
    assert client.post(office_noted, json={}, headers=t["official"]).get_json()["noted_by_office_at"]

    survey = f"{API}/communities/lanting/property/satisfaction-survey"
    today = today_in_china(utcnow())
    refused(client.post(survey, json={"closes_on": today.isoformat()}, headers=t["chair"]), "closes_on")
    assert problem(client.post(survey, json={"closes_on": (today + timedelta(days=14)).isoformat()}, headers=t["outsider"]), 403)
    opened = client.post(survey, json={"closes_on": (today + timedelta(days=14)).isoformat()}, headers=t["chair"])
    assert opened.status_code == 201, opened.get_data(as_text=True)
    assert opened.get_json()["year"] == today.year and opened.get_json()["company"] == pw.company.public_id
    consultation = opened.get_json()["consultation"]
    assert client.get(f"{API}/communities/lanting/consultations/{consultation}").status_code == 200
    refused(client.post(survey, json={"closes_on": (today + timedelta(days=14)).isoformat()}, headers=t["chair"]), "survey")


# The street office -----------------------------------------------------------------------------------------------


def test_the_office_keeps_the_registry_and_the_contracts(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    t = tokens(app)
    listed = client.get(f"{API}/cities/changzhi/property/companies", headers=t["official"]).get_json()
    assert [(c["name"], [m["slug"] for m in c["communities"]]) for c in listed] == [
        ("安泰物业管理有限公司", ["meiyuan"]),
        ("康居物业服务有限公司", ["lanting"]),
    ]
    assert {s["username"] for s in listed[1]["staff"]} == {"staff"}
    for who in ("staff", "chair"):
        assert problem(client.get(f"{API}/cities/changzhi/property/companies", headers=t[who]), 403)
    assert problem(client.get(f"{API}/cities/nowhere/property/companies", headers=t["official"]), 404)

    new = {"name": "宏远物业", "licence_number": "91140400MA0KX9999C", "contact_phone": "0355-1111111"}
    refused(
        client.post(f"{API}/cities/changzhi/property/companies", json={**new, "licence_number": "123"}, headers=t["official"]),
        "licence_number",
    )
    refused(
        client.post(
            f"{API}/cities/changzhi/property/companies", json={**new, "licence_number": pw.company.licence_number}, headers=t["official"]
        ),
        "licence_number",
    )
    made = client.post(f"{API}/cities/changzhi/property/companies", json=new, headers=t["official"])
    assert made.status_code == 201 and made.get_json()["communities"] == []
    company = made.get_json()["id"]
    edited = client.post(f"{API}/property/companies/{company}", json={**new, "address": "长治市潞州区英雄中路1号"}, headers=t["official"])
    assert edited.get_json()["address"] == "长治市潞州区英雄中路1号"
    assert problem(client.post(f"{API}/property/companies/nonexistent", json=new, headers=t["official"]), 404)
    refused(
        client.post(f"{API}/property/companies/{company}/staff", json={"username": "X!", "display_name": "客服"}, headers=t["official"]),
        "username",
    )
    refused(
        client.post(f"{API}/property/companies/{company}/staff", json={"username": "staff", "display_name": "客服"}, headers=t["official"]),
        "username",
    )
    account = client.post(
        f"{API}/property/companies/{company}/staff", json={"username": "hongyuan", "display_name": "宏远客服"}, headers=t["official"]
    )
    assert account.status_code == 201 and account.get_json()["username"] == "hongyuan" and len(account.get_json()["password"]) >= 10
    assert problem(
        client.post(f"{API}/property/companies/{company}/staff", json={"username": "other1", "display_name": "x"}, headers=t["chair"]), 403
    )

    contracts = client.get(f"{API}/communities/lanting/property/contracts", headers=t["official"]).get_json()
    assert [c["id"] for c in contracts] == [pw.contract.public_id] and contracts[0]["in_force"]
    assert problem(client.get(f"{API}/communities/lanting/property/contracts", headers=t["chair"]), 403)
    today = today_in_china(utcnow())
    later = {
        "company": company,
        "starts_on": (today + timedelta(days=800)).isoformat(),
        "ends_on": (today + timedelta(days=1500)).isoformat(),
    }
    terms = {**later, "fees": {"residential": "2.00"}}
    overlapping = {**terms, "starts_on": today.isoformat()}
    refused(client.post(f"{API}/communities/lanting/property/contracts", json=overlapping, headers=t["official"]), "starts_on")
    refused(
        client.post(f"{API}/communities/lanting/property/contracts", json={**terms, "company": "nonexistent"}, headers=t["official"]),
        "company",
    )
    refused(
        client.post(f"{API}/communities/lanting/property/contracts", json={**terms, "fees": {"residential": "abc"}}, headers=t["official"]),
        "fees.residential",
    )
    refused(
        client.post(f"{API}/communities/lanting/property/contracts", json={**terms, "fees": {"garden": "1"}}, headers=t["official"]),
        "fees.garden",
    )
    recorded = client.post(f"{API}/communities/lanting/property/contracts", json=terms, headers=t["official"])
    assert recorded.status_code == 201, recorded.get_data(as_text=True)
    assert recorded.get_json()["in_force"] is False and recorded.get_json()["company"]["id"] == company

    end = f"{API}/property/contracts/{pw.contract.public_id}/end"
    assert problem(client.post(end, json={"ended_on": today.isoformat()}, headers=t["staff"]), 403)
    refused(client.post(end, json={"ended_on": (today + timedelta(days=5000)).isoformat()}, headers=t["official"]), "ended_on")
    ended = client.post(end, json={"ended_on": today.isoformat()}, headers=t["official"])
    assert ended.status_code == 200 and ended.get_json()["ended_on"] == today.isoformat() and not ended.get_json()["in_force"]
    refused(client.post(end, json={"ended_on": today.isoformat()}, headers=t["official"]), "ended_on")
    # No company serves 兰亭苑 now: its staff lose the queue, the board says so.
    assert problem(client.get(f"{API}/communities/lanting/property/queue", headers=t["staff"]), 403)
    assert client.get(f"{API}/communities/lanting/property").get_json()["company"] is None


def test_the_office_reads_the_ledger_judges_complaints_and_records_findings(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    t = tokens(app)
    complaint = file_as_zhang(pw, "complaint")
    repair = file_as_zhang(pw, "repair")
    ledger = client.get(f"{API}/communities/lanting/property/ledger", headers=t["official"]).get_json()
    assert [r["id"] for r in ledger] == [complaint, repair]
    for who in ("chair", "staff"):
        assert len(client.get(f"{API}/communities/lanting/property/ledger", headers=t[who]).get_json()) == 2, who
    for who in ("staff_b", "outsider"):
        assert problem(client.get(f"{API}/communities/lanting/property/ledger", headers=t[who]), 403)

    judge = f"{API}/property/requests/{complaint}/judgement"
    assert problem(client.post(judge, json={"upheld": True}, headers=t["chair"]), 403)
    refused(client.post(judge, json={"upheld": "yes"}, headers=t["official"]), "upheld")
    refused(client.post(f"{API}/property/requests/{repair}/judgement", json={"upheld": True}, headers=t["official"]), "upheld")
    judged = client.post(judge, json={"upheld": True}, headers=t["official"])
    assert judged.status_code == 200 and judged.get_json()["upheld"] is True

    findings = f"{API}/communities/lanting/property/findings"
    today = today_in_china(utcnow())
    refused(
        client.post(findings, json={"text": "台账缺失", "found_on": (today + timedelta(days=1)).isoformat()}, headers=t["official"]),
        "found_on",
    )
    refused(client.post(findings, json={"text": "台账缺失", "found_on": "2000-01-01"}, headers=t["official"]), "found_on")
    assert problem(client.post(findings, json={"text": "台账缺失", "found_on": today.isoformat()}, headers=t["chair"]), 403)
    recorded = client.post(findings, json={"text": "台账缺失", "found_on": today.isoformat()}, headers=t["official"])
    assert recorded.status_code == 201 and recorded.get_json()["company"] == pw.company.public_id
    assert [f["text"] for f in client.get(findings, headers=t["official"]).get_json()] == ["台账缺失"]
    assert problem(client.get(findings, headers=t["chair"]), 403)


def test_the_office_computes_and_confirms_a_months_lists_and_anyone_reads_them(app: Flask, client: FlaskClient) -> None:
    property_world()
    t = tokens(app)
    month = month_label(previous_month(today_in_china(utcnow())))
    empty = client.get(f"{API}/cities/changzhi/property-lists").get_json()
    assert empty["months"] == [] and empty["latest"] is None
    assert problem(client.get(f"{API}/cities/changzhi/property-lists/{month}"), 404)
    assert problem(client.get(f"{API}/cities/changzhi/property-lists/not-a-month"), 404)
    assert problem(client.get(f"{API}/cities/nowhere/property-lists"), 404)

    this_month = month_label(today_in_china(utcnow()))
    refused(client.post(f"{API}/cities/changzhi/property-lists/{this_month}/compute", json={}, headers=t["official"]), "month")
    assert problem(client.post(f"{API}/cities/changzhi/property-lists/{month}/compute", json={}, headers=t["chair"]), 403)
    computed = client.post(f"{API}/cities/changzhi/property-lists/{month}/compute", json={}, headers=t["official"]).get_json()
    assert computed["waiting"] == 2 and [r["state"] for r in computed["rows"]] == ["proposed", "proposed"]
    assert client.get(f"{API}/cities/changzhi/property-lists/{month}/standings", headers=t["official"]).get_json() == computed
    assert problem(client.get(f"{API}/cities/changzhi/property-lists/{month}/standings", headers=t["staff"]), 403)

    rows = [{"company": r["company"]["id"], "standing": r["computed"]} for r in computed["rows"]]
    confirm = f"{API}/cities/changzhi/property-lists/{month}/confirm"
    other = "black" if rows[0]["standing"] != "black" else "red"
    refused(client.post(confirm, json={"rows": [{**rows[0], "standing": other}, rows[1]]}, headers=t["official"]), "rows.0.reason")
    refused(client.post(confirm, json={"rows": rows[:1]}, headers=t["official"]), "rows")
    assert problem(client.post(confirm, json={"rows": rows}, headers=t["staff"]), 403)
    decided = [{**rows[0], "standing": "black", "reason": "台账造假"}, rows[1]]
    confirmed = client.post(confirm, json={"rows": decided}, headers=t["official"]).get_json()
    assert confirmed["waiting"] == 0 and confirmed["rows"][0]["standing"] == "black"
    refused(client.post(confirm, json={"rows": rows}, headers=t["official"]), "month")

    published = client.get(f"{API}/cities/changzhi/property-lists").get_json()
    assert published["months"] == [month] and [e["company"]["id"] for e in published["latest"]["black"]] == [rows[0]["company"]]
    assert published["latest"]["black"][0]["reasons"] == ["台账造假"]
    assert client.get(f"{API}/cities/changzhi/property-lists/{month}").get_json() == published["latest"]


def test_answers_to_a_token_or_a_post_are_never_cached(app: Flask, client: FlaskClient) -> None:
    pw = property_world()
    staff = make_token(app.test_client(), "staff", ["property"])
    queue = client.get("/api/v1/communities/lanting/property/queue", headers=bearer(staff))
    assert queue.status_code == 200 and queue.headers["Cache-Control"] == "no-store"
    lookup = client.post(
        "/api/v1/communities/lanting/property/requests/20270101-ABCDEF/lookup", json={"unit": "1-101", "name": "张伟", "id_last4": "1234"}
    )
    assert lookup.headers["Cache-Control"] == "no-store"
    public = client.get("/api/v1/communities/lanting/property")
    assert public.status_code == 200 and "no-store" not in public.headers.get("Cache-Control", "")
    assert pw.company.name in public.get_data(as_text=True)
