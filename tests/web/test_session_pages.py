"""Owners open their letter on a phone; the committee drafts, announces, re-issues and records proxies."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.communities import services as register
from app.db import db, utcnow
from app.domain.lifecycle import SessionState
from app.security.actor import actor_for
from app.sessions import services
from app.sessions.models import AssemblySession
from app.voting import services as voting
from tests.factories import CLI, World, draft_session, items, login, make_world, open_session, register_csv, tokens_by_holder


def announced(world: World) -> tuple[AssemblySession, dict[str, str]]:
    register.import_register_file(
        CLI, world.community.id, "r.csv", register_csv("1,101,89.50,,,,张伟,1234,,", "1,102,120.00,,,,李娜,2345,,")
    )
    now = utcnow()
    session = draft_session(
        world,
        title="2026年第一次业主大会",
        opens_at=now + timedelta(days=16),
        closes_at=now + timedelta(days=23),
        items=(("cn.hire_manager", "续聘物业服务企业", "合同期三年。"),),
    )
    services.announce_session(actor_for(world.committee), session.id, now=now)
    return session, tokens_by_holder(session.id)


def test_an_owner_opens_the_letter_and_sees_their_record(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    _, tokens = announced(world)
    page = client.get(f"/v/{tokens['张伟']}").get_data(as_text=True)
    assert "确认您的身份" in page and "2026年第一次业主大会" in page
    wrong = client.post(f"/v/{tokens['张伟']}", data={"digits": "9999"}).get_data(as_text=True)
    assert "还可以尝试 4 次" in wrong
    response = client.post(f"/v/{tokens['张伟']}", data={"digits": "1234"})
    assert response.status_code == 302
    voter = client.get(f"/v/{tokens['张伟']}").get_data(as_text=True)
    assert "1-101" in voter and "89.50" in voter and "续聘物业服务企业" in voter and "合同期三年。" in voter
    assert "已公告：表决尚未开始" in voter


def test_a_confirmed_letter_does_not_open_another_owners_letter(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    _, tokens = announced(world)
    client.post(f"/v/{tokens['张伟']}", data={"digits": "1234"})
    assert "确认您的身份" in client.get(f"/v/{tokens['李娜']}").get_data(as_text=True)


def test_five_wrong_tries_show_the_locked_page(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    _, tokens = announced(world)
    for _ in range(4):
        client.post(f"/v/{tokens['李娜']}", data={"digits": "0000"})
    response = client.post(f"/v/{tokens['李娜']}", data={"digits": "0000"})
    assert response.status_code == 403 and "表决通知书已被锁定" in response.get_data(as_text=True)
    assert client.get(f"/v/{tokens['李娜']}").status_code == 403


def test_an_unknown_token_is_a_clear_404(app: Flask, client: FlaskClient) -> None:
    make_world()
    response = client.get("/v/abcdefghijklmnopqrstuvwxyz012345")
    assert response.status_code == 404 and "表决通知书无效" in response.get_data(as_text=True)


def test_letter_pages_never_leak_the_token_as_a_referrer(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    _, tokens = announced(world)
    assert client.get(f"/v/{tokens['张伟']}").headers["Referrer-Policy"] == "no-referrer"


def test_committee_drafts_adds_an_item_and_is_told_about_the_notice_period(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    register.import_register_file(CLI, world.community.id, "r.csv", register_csv("1,101,89.50,,,,张伟,1234,,"))
    login(client, "chair")
    local = utcnow().astimezone(ZoneInfo("Asia/Shanghai"))
    soon = (local + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    later = (local + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    created = client.post(
        f"/committee/c/{world.community.id}/sessions", data={"title": "临时会议", "form": "meeting", "opens_at": soon, "closes_at": later}
    )
    assert created.status_code == 302
    path = created.headers["Location"]
    client.post(f"{path}/items", data={"matter": "cn.use_fund", "title": "更换电梯", "body": "使用维修资金。"})
    page = client.post(f"{path}/announce", follow_redirects=True).get_data(as_text=True)
    assert "更换电梯" in page and "表决最早只能在公告 15 天后开始" in page
    db.session.rollback()  # read what the requests committed
    session = db.session.execute(select(AssemblySession)).scalar_one()
    assert session.state is SessionState.DRAFT
    assert session.opens_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M") == soon


def test_committee_announces_and_reissues_a_letter(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens = announced(world)
    login(client, "chair")
    page = client.get(f"/committee/s/{session.public_id}").get_data(as_text=True)
    assert session.roll_sha256 in page and "尚未打开" in page
    letter = voting.find_letter(tokens["李娜"])
    assert letter is not None
    issued = client.post(f"/committee/letters/{letter.id}/reissue").get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in issued and "/v/" in issued
    assert client.get(f"/v/{tokens['李娜']}").status_code == 404


def test_committee_records_a_proxy_and_gets_its_letter(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, _ = announced(world)
    login(client, "chair")
    data = {"unit": "1-102", "owner": "李娜", "proxy_name": "李小娜", "proxy_id_last4": "5678", "scan_reference": "WT-001"}
    page = client.post(f"/committee/s/{session.public_id}/proxies", data=data).get_data(as_text=True)
    token = page.split("/v/")[1].split("<")[0].strip()
    assert client.post(f"/v/{token}", data={"digits": "5678"}).status_code == 302
    refused = client.post(f"/committee/s/{session.public_id}/proxies", data={**data, "owner": "张伟"}, follow_redirects=True)
    assert "此人不是该房屋的业主" in refused.get_data(as_text=True)


def test_letters_print_as_a4_pages_per_building_and_printing_is_audited(app: Flask, client: FlaskClient) -> None:
    from app.audit.models import AuditEvent

    world = make_world()
    session, tokens = announced(world)
    login(client, "chair")
    page = client.post(f"/committee/s/{session.public_id}/letters/print", data={"building": "1"}).get_data(as_text=True)
    assert page.count('class="letter-page"') == 2
    assert tokens["张伟"] in page and tokens["李娜"] in page and "如何投票" in page and "89.50 平方米" in page
    assert page.count('src="data:image/svg+xml;base64,') == 2
    none = client.post(f"/committee/s/{session.public_id}/letters/print", data={"building": "9"}).get_data(as_text=True)
    assert none.count('class="letter-page"') == 0
    db.session.rollback()
    events = db.session.execute(select(AuditEvent).where(AuditEvent.action == "letters.print").order_by(AuditEvent.seq)).scalars().all()
    assert [e.data for e in events] == [{"building": "1", "letters": 2}, {"building": "9", "letters": 0}]


def letter_rows(page: str) -> list[str]:
    """The committee's letter list, one text per row: units, holder, state."""
    table = page.split("<h2>表决通知书</h2>")[1].split("</table>")[0]
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[:3] for row in table.split("<tr>")[2:]]
    return [" ".join(re.sub(r"<[^>]+>", "", cell).strip() for cell in cells) for cells in rows]


def test_the_letter_list_says_who_has_voted(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, q2 = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree", q2: "agree"}, ip="t", now=now)
    assert client.post(f"/v/{tokens['赵敏']}", data={"digits": "0456"}).status_code == 302
    login(client, "chair")
    rows = letter_rows(client.get(f"/committee/s/{session.public_id}").get_data(as_text=True))
    assert "1-101 张伟 已投票" in rows and "1-103 赵敏 已打开" in rows and "1-102 李娜 尚未打开" in rows


def test_the_letter_list_sorts_units_by_building_and_number(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    register.import_register_file(
        CLI, world.community.id, "r.csv", register_csv("1,1001,80.00,,,,钱一,1111,,", "1,99,70.00,,,,孙二,2222,,")
    )
    session, _, _ = open_session(world)
    login(client, "chair")
    rows = letter_rows(client.get(f"/committee/s/{session.public_id}").get_data(as_text=True))
    assert [row.split()[0] for row in rows] == ["1-99", "1-101", "1-102", "1-102", "1-103", "1-1001"]


def test_a_date_before_the_first_utc_instant_is_the_fields_error_not_a_server_error(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "chair")
    answer = client.post(
        f"/committee/c/{world.community.id}/sessions",
        data={"title": "临时会议", "form": "meeting", "opens_at": "0001-01-01T00:00", "closes_at": "0001-01-02T00:00"},
    )
    assert answer.status_code == 200 and "请填写 1900 年至 9999 年之间的日期" in answer.get_data(as_text=True)
