"""An owner's letter on a phone: the language switch, the digits a Chinese keyboard types, the lock, times, the way back, proxies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.communities import services
from app.db import db, utcnow
from app.security.actor import actor_for
from app.sessions import services as sessions
from app.sessions.models import AssemblySession, Letter
from app.voting import services as voting
from tests.factories import CLI, ItemSpec, World, draft_session, items, login, make_world, open_session, register_csv, tokens_by_holder

BEIJING = ZoneInfo("Asia/Shanghai")


def announce_open(world: World, *, items: tuple[ItemSpec, ...]) -> tuple[AssemblySession, dict[str, str]]:
    """Like ``open_session``, with the given items."""
    services.import_register_file(CLI, world.community.id, "r.csv", register_csv("1,101,89.50,,,,张伟,1234,,"))
    then = utcnow() - timedelta(days=16)
    session = draft_session(world, opens_at=then + timedelta(days=15, hours=1), closes_at=then + timedelta(days=23), items=items)
    sessions.announce_session(actor_for(world.committee), session.id, now=then)
    return session, tokens_by_holder(session.id)


def opened(client: FlaskClient, token: str, digits: str) -> None:
    assert client.post(f"/v/{token}", data={"digits": digits}).status_code == 302


def beijing(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def attempts(token: str) -> Letter:
    db.session.rollback()
    letter = voting.find_letter(token)
    assert letter is not None
    return letter


# 1. The language switch


def test_the_language_switch_keeps_the_letter_open(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    _session, tokens, _ = open_session(world)
    token = tokens["张伟"]
    opened(client, token, "1234")
    page = client.get(f"/v/{token}").get_data(as_text=True)
    assert f'name="next" value="/v/{token}"' in page
    switched = client.post("/lang", data={"lang": "en", "next": f"/v/{token}"})  # no Referer: the policy never sends one
    assert switched.status_code == 302 and switched.headers["Location"] == f"/v/{token}"
    assert "Your vote in this session" in client.get(switched.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "v/x", "/\t/evil.example"]
)
def test_the_language_switch_goes_only_to_a_path_of_this_site(app: Flask, client: FlaskClient, target: str) -> None:
    switched = client.post("/lang", data={"lang": "en", "next": target})
    assert switched.status_code == 302 and switched.headers["Location"] == "/"


# 2. Digits from a Chinese keyboard


def test_full_width_digits_open_the_letter(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    _session, tokens, _ = open_session(world)
    assert client.post(f"/v/{tokens['张伟']}", data={"digits": "１２ ３４"}).status_code == 302


def test_a_malformed_entry_is_refused_with_a_message_and_never_counts_as_a_try(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    _session, tokens, _ = open_session(world)
    token = tokens["张伟"]
    for typed in ("abcd", "一二三四", "12", "12345") * 2:
        page = client.post(f"/v/{token}", data={"digits": typed})
        assert page.status_code == 200 and "不计入尝试次数" in page.get_data(as_text=True), typed
    letter = attempts(token)
    assert letter.failed_attempts == 0 and letter.locked_at is None
    wrong = client.post(f"/v/{token}", data={"digits": "9999"}).get_data(as_text=True)
    assert "还可以尝试 4 次" in wrong
    opened(client, token, "1234")


def test_the_digits_field_offers_the_keyboard_the_digits_need(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    form = client.get(f"/v/{tokens['张伟']}").get_data(as_text=True)  # 1234: digits only
    assert 'inputmode="numeric"' in form
    proxy = sessions.record_proxy(
        actor_for(world.committee), session.id, unit="1-103", owner_name="赵敏", proxy_name="赵小敏",
        proxy_id_last4="987x", scan_reference="WT-1", now=now,
    )  # fmt: skip
    form = client.get(f"/v/{proxy.token}").get_data(as_text=True)  # 987X: a keyboard with X
    assert 'inputmode="text"' in form and 'autocapitalize="characters"' in form
    assert client.post(f"/v/{proxy.token}", data={"digits": "９８７ｘ"}).status_code == 302


# 3. The lock page


def test_the_lock_page_says_who_reissues_letters_and_what_to_bring(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    _session, tokens, _ = open_session(world)
    token = tokens["张伟"]
    for _ in range(5):
        client.post(f"/v/{token}", data={"digits": "9999"})
    page = client.get(f"/v/{token}")
    text = page.get_data(as_text=True)
    assert page.status_code == 403
    assert "兰亭苑业主委员会" in text and 'href="/c/lanting"' in text and 'href="/c/lanting/committee"' in text
    assert "身份证" in text and "不动产权证书" in text


# 4. One time, Beijing time, everywhere a person reads it


def test_the_letter_the_receipt_and_the_bulletin_show_one_beijing_time(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, _ = open_session(world)
    q1, _q2 = items(session)
    token = tokens["张伟"]
    opened(client, token, "1234")
    client.post(f"/v/{token}/cast", data={f"item-{q1}": "agree"})
    receipt = client.get(f"/v/{token}/receipt.json").get_json()
    cast_at = datetime.strptime(receipt["cast_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    shown = f"{beijing(cast_at)} 北京时间"
    letter = client.get(f"/v/{token}").get_data(as_text=True)
    assert shown in letter and f"{beijing(session.opens_at)} 北京时间" in letter
    page = client.get(f"/v/{token}/receipt").get_data(as_text=True)
    visible = page.split('data-receipt="')[0] + page.split('data-keys="')[1].split('"', 1)[1]
    assert beijing(cast_at) in visible and "北京时间" in visible and receipt["cast_at"] not in visible and "UTC" not in visible
    sessions.sync_state(session.id, now=session.closes_at + timedelta(minutes=1))
    bulletin = client.get(f"/s/{session.public_id}/bulletin", query_string={"tracker": receipt["hash"][:16]}).get_data(as_text=True)
    assert beijing(cast_at) in bulletin and "北京时间" in bulletin and "UTC" not in bulletin
    client.post("/lang", data={"lang": "en", "next": f"/v/{token}"})
    assert f"{beijing(cast_at)} Beijing time" in client.get(f"/v/{token}").get_data(as_text=True)


# 5. The way back after casting


def test_checking_choices_is_a_page_of_its_own_and_after_the_cast_it_shows_the_ballot(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, _ = open_session(world)
    q1, q2 = items(session)
    token = tokens["张伟"]
    opened(client, token, "1234")
    checked = client.post(f"/v/{token}/review", data={f"item-{q1}": "agree", f"item-{q2}": "disagree"})
    assert checked.status_code == 303 and checked.headers["Location"] == f"/v/{token}/review"
    review = client.get(f"/v/{token}/review")
    assert "检查您的选择" in review.get_data(as_text=True) and f'name="item-{q2}" value="disagree"' in review.get_data(as_text=True)
    assert review.headers["Cache-Control"] == "no-store"
    cast = client.post(f"/v/{token}/cast", data={f"item-{q1}": "agree", f"item-{q2}": "disagree"})
    assert cast.status_code in (302, 303) and cast.headers["Location"].endswith(f"/v/{token}/receipt")
    back = client.get(f"/v/{token}/review")  # the browser's Back button
    assert back.status_code in (302, 303) and back.headers["Location"] == f"/v/{token}"
    page = client.get(back.headers["Location"]).get_data(as_text=True)
    assert "不能再次提交" in page and "提交我的表决票" not in page


# 6. After the close, for a voter who did not vote


def test_after_the_close_a_voter_who_did_not_vote_is_told_so_and_shown_the_result(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _q2 = items(session)
    voting.cast_ballot(tokens["赵敏"], {q1: "agree"}, ip="t", now=now)
    sessions.sync_state(session.id, now=session.closes_at + timedelta(minutes=1))
    opened(client, tokens["张伟"], "1234")
    page = client.get(f"/v/{tokens['张伟']}").get_data(as_text=True)
    assert "表决已经结束" in page and "您没有在本次会议中投票" in page
    assert f'href="/s/{session.public_id}"' in page


# 7. The items' text, open; the receipt's plain words first


def test_each_items_first_lines_show_open_and_the_full_text_is_one_tap_away(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    body = "续聘甲物业公司，服务期三年。\n物业费标准不变。\n" + "详细条款见附件。" * 40
    _session, tokens = announce_open(world, items=(("cn.hire_manager", "续聘", body),))
    opened(client, tokens["张伟"], "1234")
    page = client.get(f"/v/{tokens['张伟']}").get_data(as_text=True)
    lead, _, rest = page.partition("<details")
    assert "续聘甲物业公司，服务期三年。" in lead and "物业费标准不变。" in lead
    assert "展开全文" in rest and body in rest


def test_the_receipt_leads_with_the_ballot_recorded_and_keeps_the_technical_parts_below(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, _ = open_session(world)
    q1, _q2 = items(session)
    token = tokens["张伟"]
    opened(client, token, "1234")
    client.post(f"/v/{token}/cast", data={f"item-{q1}": "agree"})
    page = client.get(f"/v/{token}/receipt").get_data(as_text=True)
    main = page.split('id="main"')[1]
    order = [main.index(s) for s in ("您的表决票已记录", 'class="tracker"', "供核验的技术信息", "receipt.svg", "下载回执")]
    assert order == sorted(order)


# 8. Proxies


def _proxy(world: World, session_id: int, now: datetime) -> sessions.IssuedLetter:
    return sessions.record_proxy(
        actor_for(world.committee), session_id, unit="1-103", owner_name="赵敏", proxy_name="赵小敏",
        proxy_id_last4="7777", scan_reference="WT-1", now=now,
    )  # fmt: skip


def test_a_proxys_letter_names_the_proxy_and_says_what_becomes_of_the_owners_letter(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, _ = open_session(world)
    login(client, "chair")
    data = {"unit": "1-103", "owner": "赵敏", "proxy_name": "赵小敏", "proxy_id_last4": "7777", "scan_reference": "WT-1"}
    issued = client.post(f"/committee/s/{session.public_id}/proxies", data=data).get_data(as_text=True)
    assert "受托人：赵小敏" in issued and "委托业主：赵敏" in issued and "交给受托人" in issued
    assert "已失效" not in issued and "业主本人的表决通知书仍然有效" in issued
    printed = client.post(f"/committee/s/{session.public_id}/letters/print", data={"building": "1"}).get_data(as_text=True)
    proxy_page = next(p for p in printed.split('<section class="letter-page">') if "赵小敏" in p)
    assert "受托人" in proxy_page and "委托业主" in proxy_page and "业主本人的表决通知书仍然有效" in proxy_page
    # What the pages say is what the code does: the owner's letter still opens.
    owner = app.test_client()
    opened(owner, tokens["赵敏"], "0456")


def test_after_the_proxy_voted_the_owners_letter_says_the_proxy_cast_it(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, _q2 = items(session)
    proxy = _proxy(world, session.id, now)
    voting.cast_ballot(proxy.token, {q1: "agree"}, ip="t", now=now)
    opened(client, tokens["赵敏"], "0456")
    page = client.get(f"/v/{tokens['赵敏']}").get_data(as_text=True)
    assert "由受托人赵小敏" in page and "投出" in page


def test_the_api_opens_a_letter_with_full_width_digits_and_refuses_other_scripts_without_counting(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    _session, tokens, _ = open_session(world)
    token = tokens["张伟"]
    refused = client.post(f"/api/v1/letters/{token}", json={"digits": "一二三四"})
    assert refused.status_code == 403 and refused.get_json()["errors"][0]["field"] == "digits"
    assert attempts(token).failed_attempts == 0
    assert client.post(f"/api/v1/letters/{token}", json={"digits": "１２３４"}).status_code == 200


def test_letters_are_still_found_by_the_service_after_a_malformed_entry(app: Flask) -> None:
    world = make_world()
    _session, tokens, _ = open_session(world)
    status, _letter = voting.confirm_letter(tokens["张伟"], "abcd", ip="t", now=utcnow())
    assert status is voting.LetterStatus.MALFORMED
    assert db.session.execute(select(Letter.failed_attempts).where(Letter.id == attempts(tokens["张伟"]).id)).scalar_one() == 0
