"""The maintenance fund in /api/v1 (RULES §11): projects for anyone, a letter's unit accounts, the committee's
projects, emergencies, costs and accounts, the street office's deadlines and answers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.db import db, utcnow
from app.fund.models.projects import FundProject
from app.fund.services import deposits, emergencies
from app.security.actor import actor_for
from tests.factories import ENROLMENTS, World, decided_item, draft_session, make_world, next_code, open_session
from tests.web.test_api import bearer, make_token, problem

BASE = "/api/v1/communities/lanting/fund"
PROJECT = {"title": "1 号楼外墙", "works": "1 号楼外墙瓷砖脱落修复", "contractor": "建工", "budget": "10000", "units": ["1-101", "1-102"]}


def setup(app: Flask, client: FlaskClient) -> tuple[World, dict[str, str], str, str]:
    """The world with its roll (open_session), the letters, a committee token and an office token."""
    world = make_world()
    _session, letters, _ = open_session(world)
    return world, letters, make_token(client, "chair", ["committee"]), make_token(app.test_client(), "official", ["office"])


def opened(client: FlaskClient, secret: str, **more: Any) -> dict[str, Any]:
    answer = client.post(f"{BASE}/projects", json={**PROJECT, **more}, headers=bearer(secret))
    assert answer.status_code == 201, answer.get_data(as_text=True)
    assert answer.headers["Location"].endswith(f"{BASE}/projects/{answer.get_json()['project']['id']}")
    return answer.get_json()


def decided(world: World, public_id: str) -> None:
    """The project's item passed and certified (the count itself is tested with the sessions)."""
    item_id = decided_item(world, "cn.use_fund")
    with db.write() as s:
        project = s.execute(select(FundProject).where(FundProject.public_id == public_id)).scalar_one()
        project.item_id = item_id


def fresh_code(username: str) -> str:
    """A code the server takes, as a minute after the official signed in and made their token (which spent the present steps)."""
    with db.write() as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one()
        user.totp_last_step = pyotp.TOTP(ENROLMENTS[username].secret).timecode(utcnow()) - 2
    return next_code(username)


def events(name: str) -> int:
    db.session.rollback()  # what the requests committed since this test last read
    return len(db.session.execute(select(AuditEvent).where(AuditEvent.action == name)).scalars().all())


# Public ----------------------------------------------------------------------------------------------------------


def test_anyone_reads_the_projects_and_their_spending(app: Flask, client: FlaskClient) -> None:
    world, _letters, committee, _office = setup(app, client)
    made = opened(client, committee, works_end="2027-05-31", scope_label="1 号楼")
    public_id = made["project"]["id"]
    anyone = app.test_client()
    (row,) = anyone.get(f"{BASE}/projects").get_json()
    assert row["title"] == "1 号楼外墙" and row["units"] == 2 and row["state"] == "applied" and row["scope_label"] == "1 号楼"
    assert row["budget"] == "10000.00" and row["budget_fen"] == 1_000_000 and row["spent"] == "0.00" and row["works_end"] == "2027-05-31"
    one = anyone.get(f"{BASE}/projects/{public_id}").get_json()
    assert one["item"] is None and one["spending_allowed"] is False and one["spending_refusal"] and one["invoices"] == []
    decided(world, public_id)
    assert client.post(f"{BASE}/projects/{public_id}/approve", json={}, headers=bearer(committee)).status_code == 200
    client.post(
        f"{BASE}/projects/{public_id}/invoices",
        json={"date": "2026-11-20", "amount": "2500.5", "voucher": "FP-1"},
        headers=bearer(committee),
    )
    one = anyone.get(f"{BASE}/projects/{public_id}").get_json()
    assert one["spending_allowed"] is True and one["spending_refusal"] is None and one["item"].isdigit()
    (paid,) = one["invoices"]
    assert paid == {
        "date": "2026-11-20",
        "amount": "2500.50",
        "amount_fen": 250_050,
        "voucher": "FP-1",
        "paid_to": "建工",
        "note": "1 号楼外墙",
    }
    assert one["left"] == "7499.50" and one["project"]["spent_fen"] == 250_050
    problem(anyone.get(f"{BASE}/projects/nonexistent"), 404)
    # Another community's project is not found under this one's name.
    problem(anyone.get(f"/api/v1/communities/meiyuan/fund/projects/{public_id}"), 404)
    assert anyone.get("/api/v1/communities/meiyuan/fund/projects").get_json() == []


# The committee's projects ----------------------------------------------------------------------------------------


def test_the_committee_runs_a_project_from_opening_to_settlement(app: Flask, client: FlaskClient) -> None:
    world, _letters, committee, _office = setup(app, client)
    public_id = opened(client, committee)["project"]["id"]
    window = {"opens_at": utcnow() + timedelta(days=20), "closes_at": utcnow() + timedelta(days=30)}
    draft = draft_session(world, title="维修资金会议", **window)
    at = f"{BASE}/projects/{public_id}"
    put = client.post(f"{at}/session", json={"session_id": draft.public_id}, headers=bearer(committee)).get_json()
    assert put["item"] is not None and put["project"]["state"] == "applied"
    body = problem(client.post(f"{at}/approve", json={}, headers=bearer(committee)), 422)
    assert body["errors"][0]["field"] == "project"  # the item is not decided yet
    decided(world, public_id)
    assert client.post(f"{at}/approve", json={}, headers=bearer(committee)).get_json()["project"]["state"] == "approved"
    started = client.post(f"{at}/start", json={"date": "2027-03-10"}, headers=bearer(committee)).get_json()
    assert started["project"]["state"] == "works" and started["project"]["works_start"] == "2027-03-10"
    booked = client.post(f"{at}/invoices", json={"date": "2026-11-20", "amount": "10000"}, headers=bearer(committee))
    assert booked.status_code == 201 and booked.get_json()["left_fen"] == 0
    # Beyond the budget's remainder: refused naming the amount.
    body = problem(client.post(f"{at}/invoices", json={"date": "2026-11-21", "amount": "0.01"}, headers=bearer(committee)), 422)
    assert body["errors"][0]["field"] == "amount" and "0.00" in body["detail"]
    # Acceptance (with its report) is on the pages only; settling before it is refused.
    body = problem(client.post(f"{at}/settle", json={}, headers=bearer(committee)), 422)
    assert body["errors"][0]["field"] == "project"
    assert events("fund.project_open") == 1 and events("fund.project_invoice") == 1 and events("fund.project_works") == 1


def test_a_project_is_withdrawn_before_its_approval(app: Flask, client: FlaskClient) -> None:
    setup_ = setup(app, client)
    committee = setup_[2]
    public_id = opened(client, committee)["project"]["id"]
    gone = client.post(f"{BASE}/projects/{public_id}/withdraw", json={}, headers=bearer(committee)).get_json()
    assert gone["project"]["state"] == "withdrawn" and gone["spending_refusal"]
    assert events("fund.project_withdrawn") == 1
    problem(client.post(f"{BASE}/projects/{public_id}/withdraw", json={}, headers=bearer(committee)), 422)


def test_bad_project_bodies_name_their_field(app: Flask, client: FlaskClient) -> None:
    _world, _letters, committee, _office = setup(app, client)
    body = problem(client.post(f"{BASE}/projects", json={**PROJECT, "budget": "lots"}, headers=bearer(committee)), 422)
    assert body["errors"][0]["field"] == "budget"
    body = problem(client.post(f"{BASE}/projects", json={**PROJECT, "units": ["9-999"]}, headers=bearer(committee)), 422)
    assert body["errors"][0]["field"] == "units"
    body = problem(client.post(f"{BASE}/projects", json={**PROJECT, "works": "修"}, headers=bearer(committee)), 422)
    assert body["errors"][0]["field"] == "works"
    body = problem(client.post(f"{BASE}/projects", json={k: v for k, v in PROJECT.items() if k != "title"}, headers=bearer(committee)), 422)
    assert body["errors"][0]["field"] == "title"
    public_id = opened(client, committee)["project"]["id"]
    body = problem(
        client.post(f"{BASE}/projects/{public_id}/invoices", json={"date": "soon", "amount": "1"}, headers=bearer(committee)), 422
    )
    assert body["errors"][0]["field"] == "date"
    body = problem(client.post(f"{BASE}/projects/{public_id}/session", json={"session_id": "nope"}, headers=bearer(committee)), 422)
    assert body["errors"][0]["field"] == "session_id"
    problem(client.post(f"{BASE}/projects/{public_id}/approve", data="{}", headers=bearer(committee)), 415)


def test_only_the_communitys_committee_with_a_committee_token_acts(app: Flask, client: FlaskClient) -> None:
    _world, _letters, committee, office = setup(app, client)
    public_id = opened(client, committee)["project"]["id"]
    outsider = make_token(app.test_client(), "outsider", ["committee"])
    anyone = app.test_client()
    problem(anyone.post(f"{BASE}/projects", json=PROJECT), 401)
    body = problem(anyone.post(f"{BASE}/projects", json=PROJECT, headers=bearer(office)), 403)
    assert body["type"] == "urn:gongzhi:problem:scope"
    # A member of another community's committee: refused before the body is read.
    problem(anyone.post(f"{BASE}/projects", json={"bad": 1}, headers=bearer(outsider)), 403)
    problem(anyone.post(f"{BASE}/projects/{public_id}/withdraw", json={}, headers=bearer(outsider)), 403)
    problem(anyone.get(f"{BASE}/accounts", headers=bearer(outsider)), 403)
    problem(anyone.get(f"{BASE}/reconciliation", headers=bearer(office)), 403)
    # The committee's own project under another community's name: not found there.
    meiyuan = "/api/v1/communities/meiyuan/fund"
    problem(anyone.post(f"{meiyuan}/projects/{public_id}/withdraw", json={}, headers=bearer(outsider)), 404)
    assert events("fund.project_withdrawn") == 0


# Emergencies -----------------------------------------------------------------------------------------------------

EMERGENCY = {"kind": "roof_leak", "works": "1号楼屋面防水层破损，顶层渗漏", "units": ["1"], "scope_label": "1号楼", "estimate": "5000"}


def test_an_emergency_is_applied_for_confirmed_with_a_fresh_code_and_costed(app: Flask, client: FlaskClient) -> None:
    world, _letters, committee, office = setup(app, client)
    answer = client.post(f"{BASE}/emergencies", json=EMERGENCY, headers=bearer(committee))
    assert answer.status_code == 201, answer.get_data(as_text=True)
    applied = answer.get_json()
    assert applied["state"] == "applied" and applied["units"] == ["1-101", "1-102", "1-103"] and applied["estimate"] == "5000.00"
    at = f"{BASE}/emergencies/{applied['id']}"
    # No cost before the office confirms.
    body = problem(client.post(f"{at}/costs", json={"date": "2026-11-22", "amount": "100"}, headers=bearer(committee)), 422)
    assert body["errors"][0]["field"] == "emergency"
    # The office's deadlines list the answer it owes.
    api = app.test_client()
    (due,) = api.get(f"/api/v1/offices/{world.office.code}/fund/deadlines", headers=bearer(office)).get_json()
    assert due["community"] == "lanting" and due["overdue"] is False and due["url"].endswith(f"/office/emergencies/{applied['id']}")
    assert due["due"].endswith("Z")
    # The committee cannot answer; the office needs a fresh code, named when wrong (and the attempt is audited).
    problem(client.post(f"{at}/decision", json={"decision": "confirm", "code": "000000"}, headers=bearer(committee)), 403)
    body = problem(api.post(f"{at}/decision", json={"decision": "confirm", "code": "000000"}, headers=bearer(office)), 422)
    assert body["errors"][0]["field"] == "code"
    body = problem(api.post(f"{at}/decision", json={"decision": "refuse", "code": "123456"}, headers=bearer(office)), 422)
    assert body["errors"][0]["field"] == "reason"
    done = api.post(f"{at}/decision", json={"decision": "confirm", "code": fresh_code("official")}, headers=bearer(office))
    assert done.status_code == 200 and done.get_json()["state"] == "confirmed" and done.get_json()["decided_at"]
    assert events("emergency.confirm") == 1
    assert api.get(f"/api/v1/offices/{world.office.code}/fund/deadlines", headers=bearer(office)).get_json() == []
    problem(api.post(f"{at}/decision", json={"decision": "confirm", "code": "123456"}, headers=bearer(office)), 422)
    costed = client.post(f"{at}/costs", json={"date": "2026-11-22", "amount": "3000", "voucher": "FP-9"}, headers=bearer(committee))
    assert costed.status_code == 201 and costed.get_json()["spent_fen"] == 300_000
    body = problem(client.post(f"{at}/costs", json={"date": "2026-11-23", "amount": "2000.01"}, headers=bearer(committee)), 422)
    assert body["errors"][0]["field"] == "amount"
    # The costs are shared by area among the units: the accounts and the reconciliation show it.
    rows = {a["unit"]: a for a in client.get(f"{BASE}/accounts", headers=bearer(committee)).get_json()}
    assert sum(a["shares_fen"] for a in rows.values()) == 300_000 and rows["1-101"]["balance"].startswith("-")
    check = client.get(f"{BASE}/reconciliation", headers=bearer(committee)).get_json()
    assert check["shares_fen"] == 300_000 and check["ledger_costs_fen"] == 300_000 and check["agrees"] is True


def test_bad_emergency_bodies_and_other_offices_are_refused(app: Flask, client: FlaskClient) -> None:
    world, _letters, committee, office = setup(app, client)
    body = problem(client.post(f"{BASE}/emergencies", json={**EMERGENCY, "kind": "meteor"}, headers=bearer(committee)), 422)
    assert body["errors"][0]["field"] == "kind"
    body = problem(client.post(f"{BASE}/emergencies", json={**EMERGENCY, "units": ["9"]}, headers=bearer(committee)), 422)
    assert body["errors"][0]["field"] == "units"
    body = problem(client.post(f"{BASE}/emergencies", json={**EMERGENCY, "estimate": "-1"}, headers=bearer(committee)), 422)
    assert body["errors"][0]["field"] == "estimate"
    applied = client.post(f"{BASE}/emergencies", json=EMERGENCY, headers=bearer(committee)).get_json()
    api = app.test_client()
    body = problem(
        api.post(f"{BASE}/emergencies/{applied['id']}/decision", json={"decision": "maybe", "code": "1"}, headers=bearer(office)), 422
    )
    assert body["errors"][0]["field"] == "decision"
    problem(api.post(f"/api/v1/communities/meiyuan/fund/emergencies/{applied['id']}/decision", json={}, headers=bearer(office)), 404)
    problem(api.get("/api/v1/offices/nowhere/fund/deadlines", headers=bearer(office)), 404)
    problem(api.get(f"/api/v1/offices/{world.office.code}/fund/deadlines", headers=bearer(committee)), 403)


# The owner with their letter -------------------------------------------------------------------------------------


def test_an_owner_reads_their_units_accounts_with_their_letter(app: Flask, client: FlaskClient) -> None:
    world, letters, committee, _office = setup(app, client)
    data = "unit,date,amount,reference,payer\n1-101,2026-11-05,8950.00,YH-1,张伟\n1-102,2026-11-05,12000.00,YH-2,李娜\n".encode()
    deposits.import_deposits(actor_for(world.committee), community_id=world.community.id, filename="d.csv", data=data, now=utcnow())
    applied = client.post(f"{BASE}/emergencies", json=EMERGENCY, headers=bearer(committee)).get_json()
    application = emergencies.by_public_id(actor_for(world.official), applied["id"])[0]
    emergencies.decide(actor_for(world.official), application.id, confirm=True, reason="", totp_code=fresh_code("official"), now=utcnow())
    client.post(f"{BASE}/emergencies/{applied['id']}/costs", json={"date": "2026-11-22", "amount": "2695"}, headers=bearer(committee))
    owner = app.test_client()
    (unit,) = owner.post(f"/api/v1/letters/{letters['张伟']}/fund", json={"digits": "1234"}).get_json()
    assert unit["unit"] == "1-101" and unit["deposits"][0]["amount"] == "8950.00" and unit["deposits"][0]["reference"] == "YH-1"
    (share,) = unit["shares"]
    assert share["emergency"] is True and share["title"] and share["cost"] == "2695.00"
    assert unit["balance_fen"] == 895_000 - share["amount_fen"] and unit["deposits_total"] == "8950.00"
    body = problem(owner.post(f"/api/v1/letters/{letters['张伟']}/fund", json={"digits": "9999"}), 403)
    assert body["errors"][0]["field"] == "digits"
    problem(owner.post("/api/v1/letters/nonexistent/fund", json={"digits": "1234"}), 404)
    body = problem(owner.post(f"/api/v1/letters/{letters['张伟']}/fund", json={}), 422)
    assert body["errors"][0]["field"] == "digits"
