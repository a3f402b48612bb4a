"""The committee's ledger pages: choosing a category, when a period can be locked, imports in either language, upload limits."""

from __future__ import annotations

import io
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from app.clock import today_in_china
from app.db import db, utcnow
from app.domain.ledger import LedgerKind
from app.ledgers import services as ledgers
from app.notices import services as notices
from app.notices.models import NoticeKind
from app.security.actor import actor_for
from tests.factories import login, make_world


def test_a_new_entry_has_no_category_until_one_is_chosen(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "chair")
    books = f"/committee/c/{world.community.id}/ledgers/public_income"
    page = client.get(books).get_data(as_text=True)
    select = page.split('id="category" name="category">')[1].split("</select>")[0]
    first = select.split("<option")[1]
    assert 'value=""' in first and "请选择" in first
    assert "selected" not in select and select.rstrip().endswith('<option value="opening">上期结余</option>')
    missing = client.post(books, data={"day": "2026-03-01", "direction": "income", "amount": "100", "category": ""}).get_data(as_text=True)
    assert "请选择一个类别" in missing and 'aria-invalid="true"' in missing
    db.session.rollback()
    assert ledgers.entries(world.community.id, LedgerKind.PUBLIC_INCOME) == []


def test_a_balance_brought_forward_mid_period_is_refused_on_the_page(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "chair")
    books = f"/committee/c/{world.community.id}/ledgers/public_income"
    entry = {"day": "2026-03-01", "direction": "income", "amount": "100", "category": "parking"}
    assert client.post(books, data=entry).status_code == 302
    late = client.post(books, data={**entry, "day": "2026-07-01", "category": "opening"}).get_data(as_text=True)
    assert "上期结余是账簿的期初数" in late and "2026 已有账目" in late


def test_a_period_is_offered_for_locking_only_once_it_has_ended(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "chair")
    books = f"/committee/c/{world.community.id}/ledgers/public_income"
    today = today_in_china(utcnow())
    client.post(books, data={"day": today.isoformat(), "direction": "income", "amount": "100", "category": "parking"})
    page = client.get(books).get_data(as_text=True)
    year = today.year
    assert "锁定本期并起草账目公示</button>" not in page
    assert f"本期至 {year}-12-31 结束；自 {year + 1}-01-01 起可以锁定" in page
    assert f"（{year}-01-01 至 {year}-12-31）" in page  # the period's own last day, not the day after
    last_year = (today.replace(month=1, day=1) - timedelta(days=1)).isoformat()
    client.post(books, data={"day": last_year, "direction": "income", "amount": "5", "category": "parking"})
    assert "锁定本期并起草账目公示</button>" in client.get(books).get_data(as_text=True)


def test_an_import_reads_the_chinese_headings_the_page_names(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "chair")
    books = f"/committee/c/{world.community.id}/ledgers/public_income"
    assert "列名中英文均可" in client.get(books).get_data(as_text=True)
    text = "日期,收支,金额,类别,对方,凭证号,备注\n2026-01-05,收入,1500,停车费,停车场,P-001,一月\n"
    done = client.post(f"{books}/import", data={"file": (io.BytesIO(text.encode()), "账目.csv")}, follow_redirects=True)
    assert done.status_code == 200 and "已导入 1 条" in done.get_data(as_text=True)


def test_uploads_are_rate_limited(app: Flask, client: FlaskClient) -> None:
    app.config["UPLOAD_RATE_LIMIT"] = "2 per minute"
    world = make_world()
    login(client, "chair")
    books = f"/committee/c/{world.community.id}/ledgers/public_income"
    statuses = [client.post(f"{books}/import", data={"file": (io.BytesIO(b"date\n"), "a.csv")}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    draft = notices.draft_notice(
        actor_for(world.committee), community_id=world.community.id, kind=NoticeKind.GENERAL, title="方案", body="见附件。", now=utcnow()
    )
    attach = f"/committee/n/{draft.public_id}/attach"
    sent = [client.post(attach, data={"file": (io.BytesIO(b"%PDF-1.4\n"), "a.pdf")}).status_code for _ in range(3)]
    assert sent == [302, 302, 429]
