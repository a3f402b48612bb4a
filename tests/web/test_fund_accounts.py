"""The units' fund accounts on the page: the committee's import, reconciliation and exports; the owner's from the letter."""

from __future__ import annotations

import csv
import io

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from app.communities import services as register
from app.db import db
from app.fund.services import deposits
from app.security.actor import actor_for
from tests.factories import CLI, login, make_world, open_session, register_csv

HEADER = "unit,date,amount,reference,payer\n"


def upload(client: FlaskClient, community_id: int, text: str, name: str = "bank.csv") -> tuple[int, str]:
    response = client.post(
        f"/committee/c/{community_id}/fund/accounts/import",
        data={"file": (io.BytesIO(text.encode()), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    return response.status_code, response.get_data(as_text=True)


def test_the_committee_imports_a_deposit_file_sees_the_accounts_and_exports_them(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    register.import_register_file(
        CLI, world.community.id, "r.csv", register_csv("1,101,89.50,,,,张伟,1234,,", "1,102,75.00,,,,李娜,2345,,")
    )
    login(client, "chair")
    page = client.get(f"/committee/c/{world.community.id}/fund/accounts").get_data(as_text=True)
    assert "<code>unit</code>" in page and "<code>reference</code>" in page and "分户账" in page
    status, page = upload(client, world.community.id, HEADER + "1-101,2026-12-01,100.00,,\n9-9-999,2026-12-01,5,,\n")
    assert status == 400 and "第 3 行，unit：" in page and "9-9-999" in page
    db.session.rollback()
    assert deposits.imports(world.community.id) == []
    status, page = upload(client, world.community.id, HEADER + "1-101,2026-12-01,8950.00,B-1,张伟\n1-102,2026-12-02,7500.00,,\n")
    assert status == 200 and "16,450.00" in page and "bank.csv" in page
    assert "分户账与维修资金账目一致" in page and "panel-error" not in page
    status, page = upload(client, world.community.id, HEADER + "1-101,2026-12-01,8950.00,B-1,张伟\n1-102,2026-12-02,7500.00,,\n")
    assert status == 400 and "已导入" in page
    rows = list(csv.reader(io.StringIO(client.get(f"/committee/c/{world.community.id}/fund/accounts.csv").get_data(as_text=True))))
    assert rows[0] == ["\ufeffunit", "area", "deposits", "shares", "balance"]
    assert rows[1] == ["1-101", "89.50", "8950.00", "0.00", "8950.00"]
    xlsx = client.get(f"/committee/c/{world.community.id}/fund/accounts.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet is not None and next(c.value for c in sheet[3]) == "1-102"


def test_a_difference_with_the_ledger_is_shown_with_its_cause(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "chair")
    ledger = f"/committee/c/{world.community.id}/ledgers/maintenance_fund"
    entry = {"day": "2026-12-01", "direction": "income", "amount": "3.21", "category": "interest", "voucher": "INT-1"}
    assert client.post(ledger, data=entry).status_code == 302
    page = client.get(f"/committee/c/{world.community.id}/fund/accounts").get_data(as_text=True)
    assert "panel-error" in page and "INT-1" in page and "3.21" in page


def test_the_owner_sees_their_units_account_from_the_letter_and_no_other(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    _session, tokens, now = open_session(world)
    deposits.import_deposits(
        actor_for(world.committee),
        community_id=world.community.id,
        filename="bank.csv",
        data=(HEADER + "1-101,2026-12-01,8950.00,B-101,\n1-102,2026-12-01,12000.00,B-102,\n").encode(),
        now=now,
    )
    token = tokens["张伟"]  # 1-101
    assert client.get(f"/v/{token}/fund").status_code == 404  # the letter is not opened in this browser yet
    assert client.post(f"/v/{token}", data={"digits": "1234"}).status_code == 302
    letter = client.get(f"/v/{token}").get_data(as_text=True)
    assert f"/v/{token}/fund" in letter
    response = client.get(f"/v/{token}/fund")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "1-101" in page and "8,950.00" in page and "B-101" in page
    assert "1-102" not in page and "12,000.00" not in page and "B-102" not in page
    # Another holder's letter, not opened here, shows nothing.
    assert client.get(f"/v/{tokens['李娜']}/fund").status_code == 404


def test_a_large_register_pages_through_its_accounts(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    rows = [f"2,{n},80.00,,,,业主{n},{n:04d},," for n in range(1, 151)]
    register.import_register_file(CLI, world.community.id, "r.csv", register_csv(*rows))
    login(client, "chair")
    first = client.get(f"/committee/c/{world.community.id}/fund/accounts").get_data(as_text=True)
    second = client.get(f"/committee/c/{world.community.id}/fund/accounts?page=2").get_data(as_text=True)
    assert "<td>2-100</td>" in first and "<td>2-101</td>" not in first and "第 1 页，共 2 页" in first
    assert "<td>2-101</td>" in second and "<td>2-150</td>" in second and "<td>2-1</td>" not in second
