"""The fund's pages: a project opened from the committee's form, refused fields shown on it, its steps and the board's view;
the ledger page that no longer spends the fund, and the public-income caps on it."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from app.db import db, utcnow
from app.fund.models.projects import FundProject, ProjectState
from app.fund.services import projects
from app.security.actor import actor_for
from tests.factories import decided_item, login, make_world
from tests.services.test_fund_projects import building, registered


def test_the_committee_opens_a_project_from_its_page_and_the_board_shows_it(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    registered(world)
    login(client, "chair")
    page = f"/committee/c/{world.community.id}/fund/projects"
    assert "还没有维修资金使用项目" in client.get(page).get_data(as_text=True)
    form = {"title": "1 号楼电梯更新", "works": "更换 1 号楼两台电梯的曳引机和控制柜", "contractor": "迅达电梯", "budget": "480,000"}
    missing = client.post(page, data=form).get_data(as_text=True)
    assert "请勾选涉及的楼栋" in missing and 'aria-invalid="true"' in missing
    db.session.rollback()
    assert db.session.query(FundProject).count() == 0
    done = client.post(page, data={**form, "buildings": str(building(world, "1"))})
    assert done.status_code == 302, done.get_data(as_text=True)
    db.session.rollback()
    project = db.session.query(FundProject).one()
    shown = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "1 号楼" in shown and "480,000.00" in shown and "请先起草一次会议" in shown
    # The board: anyone reads the project, its scope, its budget and what it has spent.
    anonymous = app.test_client()
    listed = anonymous.get("/c/lanting/fund").get_data(as_text=True)
    assert "1 号楼电梯更新" in listed and "已申请：待业主表决" in listed
    public = anonymous.get(f"/c/lanting/fund/projects/{project.public_id}").get_data(as_text=True)
    assert "迅达电梯" in public and "尚未登记发票" in public and "登记发票" not in public.replace("尚未登记发票", "")


def test_an_invoice_over_the_budget_is_refused_on_the_page_with_the_remainder(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    registered(world)
    chair = actor_for(world.committee)
    project = projects.open_project(
        chair, community_id=world.community.id, title="1 号楼电梯更新", works="更换 1 号楼两台电梯的曳引机",
        contractor="迅达电梯", budget="1,000", buildings=[building(world, "1")], now=utcnow(),
    )  # fmt: skip
    with db.write() as s:
        s.get(FundProject, project.id).item_id = decided_item(world, "cn.use_fund")  # type: ignore[union-attr]
    login(client, "chair")
    page = f"/committee/fund/projects/{project.id}"
    assert "登记批准" in client.get(page).get_data(as_text=True)
    client.post(f"{page}/approve")
    db.session.rollback()
    assert db.session.get(FundProject, project.id).state is ProjectState.APPROVED  # type: ignore[union-attr]
    assert client.post(f"{page}/invoices", data={"day": "2026-11-20", "amount": "600"}).status_code == 302
    refused = client.post(f"{page}/invoices", data={"day": "2026-11-21", "amount": "500"}, follow_redirects=True).get_data(as_text=True)
    assert "500.00 元超出预算余额：预算 1,000.00 元，尚余 400.00 元" in refused


def test_the_fund_ledger_page_sends_spending_to_its_projects_and_public_income_shows_its_caps(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "chair")
    fund = f"/committee/c/{world.community.id}/ledgers/maintenance_fund"
    page = client.get(fund).get_data(as_text=True)
    assert "维修资金使用项目" in page and "紧急使用" in page and "分户账" in page
    typed = client.post(fund, data={"day": "2026-03-01", "direction": "expense", "amount": "100", "category": "repairs"}).get_data(
        as_text=True
    )
    assert "不能直接记入账目" in typed
    income = f"/committee/c/{world.community.id}/ledgers/public_income"
    rules = decided_item(world, "cn.rules_of_procedure")
    added = client.post(
        f"{income}/authorisations",
        data={"authorisation-category": "repairs", "authorisation-cap": "30,000", "authorisation-item": str(rules)},
    )
    assert added.status_code == 302
    shown = client.get(income).get_data(as_text=True)
    assert "议事规则授权的支出" in shown and "30,000.00" in shown and f"第 {rules} 号议题" in shown
    wrong = client.post(
        f"{income}/authorisations",
        data={"authorisation-category": "staff", "authorisation-cap": "100", "authorisation-item": str(decided_item(world, "cn.other"))},
    )
    assert wrong.status_code == 400 and "不是制定和修改业主大会议事规则" in wrong.get_data(as_text=True)
