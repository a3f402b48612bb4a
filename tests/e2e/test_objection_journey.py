"""The objections issue's acceptance journey: an owner files "this is not my ballot" during the period on the phone,
the office upholds it, the owner sees the answer, then the office certifies.

A session of 兰亭苑 was counted at its close; someone else had cast 赵敏's ballot with her letter. While the
preliminary result is published she objects from that letter on her phone, with a photo; the committee answers at
its desk. The street official sees the objection on the dashboard, is refused a verdict while the period runs and
then while the objection is undecided, and upholds it with a new letter. 赵敏's old letter stops working; with the
new one she reads each step of her objection and votes again in her window, and the office certifies the
corrected result.

The server runs on a clock the test moves (``clocked`` of the formation journey), so each page is used on its
day. Set-up (the roll, the other ballots, the count) goes through services; every step a person takes is a page.
"""

from __future__ import annotations

import struct
import zlib
from datetime import timedelta
from pathlib import Path

from flask import Flask
from playwright.sync_api import Browser, Page

from app.db import db
from app.domain.lifecycle import SessionState
from app.sessions import services as sessions
from app.sessions.models import AssemblySession, Letter
from app.voting import services as voting
from tests.e2e import test_formation_journey as formation
from tests.e2e.a11y import ARTIFACTS, check_page
from tests.e2e.test_formation_journey import ServerClock, code, desk, sign_in
from tests.e2e.test_journeys import PHONE
from tests.factories import items, make_world, open_session

clocked = formation.clocked  # gunicorn on the clock the test moves

REASON = "我没有在网上投票。表决通知书放在信箱里曾被人拿走，后来才塞回来。"
ANSWER = "核对投票记录：该票于投票期内用赵敏的通知书在网上投出，物业门岗登记显示当天信箱被撬。"
DECISION = "经核实，该票由他人持赵敏的表决通知书投出，不是赵敏本人的意思。"


def png(width: int = 4, height: int = 4) -> bytes:
    """A small grey PNG, as a phone's photo of a torn letter box would be (in miniature)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\0" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def phone_letter(browser: Browser, server: str, token: str, digits: str) -> Page:
    page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    page.goto(f"{server}/v/{token}")
    page.fill("input[name=digits]", digits)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"**/v/{token}")
    return page


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def certify(page: Page, clock: ServerClock) -> None:
    """The verdict form at the foot of the review page: certify, with a fresh code (not the objection form's code field)."""
    form = page.locator("form:has(input[name=verdict])")
    form.locator("input[value=certified]").check()
    form.locator("input[name=code]").fill(code(clock, "official"))
    form.locator("button[type=submit]").click()


def refusal(page: Page) -> str:
    """Why the verdict was refused: the objection period or the objections, shown as the page's message."""
    error = page.locator(".flash-error").first
    error.wait_for()
    return error.inner_text().strip()


def test_an_owner_objects_that_a_ballot_is_not_hers_the_office_upholds_it_she_votes_again_and_it_is_certified(
    app: Flask, clocked: tuple[str, ServerClock], browser: Browser, tmp_path: Path
) -> None:
    server, clock = clocked
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # Set-up: 张伟 and 李娜 voted; 赵敏's letter was taken from her letter box and used. The session is counted at
    # its close, a week from now, and its preliminary result published, open to objections for 7 days (cn-national).
    # Everything happens after today: the authenticators were set up today and never go back.
    world = make_world()
    session, tokens, when = open_session(world)
    q1, q2 = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree", q2: "agree"}, ip="t", now=when)
    voting.cast_ballot(tokens["李娜"], {q1: "agree", q2: "agree"}, ip="t", now=when)
    voting.cast_ballot(tokens["赵敏"], {q1: "agree", q2: "agree"}, ip="t", now=when)
    sessions.sync_state(session.id, now=session.closes_at + timedelta(minutes=1))
    db.session.rollback()
    db.session.refresh(session)
    assert session.state is SessionState.TALLIED and session.result["ballots"] == 3  # type: ignore[index]
    tallied, until = session.tallied_at, session.objections_until
    assert tallied is not None and until == tallied + timedelta(days=7)
    photo = tmp_path / "信箱.png"
    photo.write_bytes(png())

    # Two hours after the count, on her phone: 赵敏 opens her letter and objects that the ballot is not hers.
    clock.move_to(tallied + timedelta(hours=2))
    owner = phone_letter(browser, server, tokens["赵敏"], "0456")
    form = owner.locator("form[action$='/objections']")
    owner.click("summary:text('对计票提出异议')")
    assert owner.locator("#objections-heading").inner_text() == "对计票的异议"
    owner.select_option("select#kind", "not_mine")
    assert owner.locator("select#kind option:checked").inner_text() == "记录在我房屋名下的表决票不是我投的"
    owner.fill("textarea#statement", REASON)
    owner.set_input_files("input#files", str(photo))
    fits(owner)
    check_page(owner, "o01-phone-letter-objection-form")
    form.locator("button[type=submit]").click()
    owner.wait_for_selector(".flash-success")
    assert "异议已提交" in owner.locator(".flash-success").inner_text()
    card = owner.locator("#objections-heading ~ .card")
    assert card.locator("h3").inner_text() == "记录在我房屋名下的表决票不是我投的"
    assert REASON in card.inner_text() and card.locator("a", has_text="信箱.png").count() == 1
    assert "等待会议组织方答复" in card.inner_text()
    fits(owner)
    check_page(owner, "o02-phone-letter-objection-filed")
    owner.context.close()

    # The next day at the committee's desk: the chair reads the objection and the photo, and answers.
    clock.move_to(tallied + timedelta(days=1))
    chair = desk(browser)
    sign_in(chair, server, clock, "chair")
    chair.goto(f"{server}/committee/s/{session.public_id}")
    card = chair.locator(".card[id^=objection-]")
    assert "1-103" in card.locator("h3").inner_text() and REASON in card.inner_text()
    shown = chair.request.get(server + (card.locator("a", has_text="信箱.png").get_attribute("href") or ""))
    assert shown.status == 200 and shown.headers["content-type"] == "image/png" and shown.body() == photo.read_bytes()
    card.locator("textarea[name=answer]").fill(ANSWER)
    card.locator("button[type=submit]").click()
    chair.wait_for_selector(".flash-success")
    assert ANSWER in chair.locator(".card[id^=objection-]").inner_text()
    chair.screenshot(path=str(ARTIFACTS / "o03-desk-committee-answered.png"), full_page=True)
    chair.context.close()
    # 赵敏 looks again that evening: the answer is there, and the office decides next.
    clock.move_to(tallied + timedelta(days=1, hours=8))
    owner = phone_letter(browser, server, tokens["赵敏"], "0456")
    steps = owner.locator("#objections-heading ~ .card ol.steps li")
    assert ANSWER in steps.nth(1).inner_text() and steps.nth(2).get_attribute("class") == "current"
    assert steps.nth(2).inner_text() == "由街道办事处决定是否成立。"
    owner.context.close()

    # Two days after the count, at the office's desk: the objection is on the dashboard; a verdict is refused
    # while owners may still object.
    clock.move_to(tallied + timedelta(days=2))
    objection = voting.objections_of_session(session.id)[0]
    official = desk(browser)
    sign_in(official, server, clock, "official")
    official.click("text=街道办事处")
    waiting = official.locator("section[aria-labelledby=objections-heading]")
    assert waiting.locator("h2").inner_text() == "待处理的异议"
    assert "记录在我房屋名下的表决票不是我投的" in waiting.inner_text()
    official.screenshot(path=str(ARTIFACTS / "o04-desk-office-dashboard.png"), full_page=True)
    waiting.locator("a", has_text=session.title).click()
    official.wait_for_url(f"**/office/s/{session.public_id}*")
    assert "确认前需处理的异议：1 项。" in official.locator("section[aria-labelledby=period-heading]").inner_text()
    certify(official, clock)
    assert refusal(official).startswith("业主可在 ") and "前对初步统计结果提出异议" in refusal(official)
    official.context.close()

    # The period is over: a verdict is refused, naming the objection; the official reads it and upholds it with a new letter.
    clock.move_to(until + timedelta(hours=1))
    official = desk(browser)
    sign_in(official, server, clock, "official")
    official.goto(f"{server}/office/s/{session.public_id}")
    period = official.locator("section[aria-labelledby=period-heading]").inner_text()
    assert "异议期已于" in period and "确认前需处理的异议：1 项。" in period
    certify(official, clock)
    assert refusal(official) == f"请先处理业主的异议：{objection.public_id}。"
    card = official.locator(f"#objection-{objection.public_id}")
    assert card.locator("input[name=code]").input_value() == ""  # the verdict's spent code is not carried into the decision
    text = card.inner_text()
    assert REASON in text and ANSWER in text and "1-103" in text and card.locator("a", has_text="信箱.png").count() == 1
    outcome = card.locator("select[name=outcome]")
    assert outcome.locator("option").all_inner_texts() == [
        "该票不再计入；业主在限定时间内重新在线表决（投出该票的通知书作废换发）",
        "该票不再计入；由两名委员在限定时间内录入业主的纸质表决票",
        "不予确认表决结果，责令重新召集业主大会",
    ]
    card.locator("select[name=decision]").select_option("upheld")
    outcome.select_option("reissue")
    card.locator("textarea[name=reasons]").fill(DECISION)
    check_page(official, "o05-desk-office-review-objection")
    official.once("dialog", lambda d: d.accept())  # "Record this decision? It cannot be changed ..."
    card.locator("button[type=submit]").click()
    official.wait_for_selector(".flash-success")
    assert "打印新通知书" in official.locator(".flash-success").inner_text()
    card = official.locator(f"#objection-{objection.public_id}")
    assert "街道办事处认定成立" in card.inner_text() and DECISION in card.inner_text()
    assert "尚在落实的已成立异议：1 项。" in official.locator("section[aria-labelledby=period-heading]").inner_text()
    certify(official, clock)
    assert refusal(official) == f"已成立的异议尚在落实中（该业主的补充表决时间未结束）：{objection.public_id}。"
    check_page(official, "o06-desk-office-review-upheld")
    official.context.close()

    # The committee prints 赵敏's new letter from its session page and hands it to her.
    chair = desk(browser)
    sign_in(chair, server, clock, "chair")
    chair.goto(f"{server}/committee/s/{session.public_id}")
    decided = chair.locator(f"#objection-{objection.public_id}").inner_text()
    assert f"街道办事处认定成立：{DECISION}" in decided and "该票不再计入；业主在限定时间内重新在线表决" in decided
    assert "该业主重新表决的时限至" in decided
    chair.screenshot(path=str(ARTIFACTS / "o07-desk-committee-after-decision.png"), full_page=True)
    chair.click("button:has-text('打印新的表决通知书')")
    chair.wait_for_selector(".letter-page")
    assert chair.locator(".letter-page").count() == 1 and "重新表决截止" in chair.locator(".letter-page").inner_text()
    new_token = chair.locator(".letter-page p.url").inner_text().rsplit("/v/", 1)[1].strip()
    chair.context.close()
    db.session.rollback()
    objection = voting.objection_by_public_id(objection.public_id)  # type: ignore[assignment]
    assert objection is not None and objection.reissued_letter_id is not None
    reissued = db.session.get(Letter, objection.reissued_letter_id)
    assert reissued is not None and sessions.letter_token(reissued) == new_token

    # Three hours later, on her phone: the old letter no longer opens; the new one shows every step and her window.
    clock.move_to(until + timedelta(hours=4))
    old = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    response = old.goto(f"{server}/v/{tokens['赵敏']}")
    assert response is not None and response.status == 404
    assert old.locator("h1").inner_text() == "这份表决通知书无效"
    old.screenshot(path=str(ARTIFACTS / "o08-phone-old-letter.png"), full_page=True)
    old.context.close()

    owner = phone_letter(browser, server, new_token, "0456")
    steps = owner.locator("#objections-heading ~ .card ol.steps li")
    assert steps.count() == 4
    texts = steps.all_inner_texts()
    assert f"：{REASON}" in texts[0] and ANSWER in texts[1]
    assert texts[2].startswith("街道办事处认定成立") and texts[2].endswith(f"北京时间)：{DECISION}")
    assert texts[3].startswith("该票不再计入；业主在限定时间内重新在线表决")
    window = owner.locator("section[aria-labelledby=window-heading]")
    assert window.locator("h2").inner_text() == "您可以重新表决"
    assert owner.locator("h2:text-is('您的表决票')").count() == 0  # the ballot that was not hers is no longer shown as hers
    assert owner.locator("input[type=radio]").count() == 6
    assert owner.locator("form[action$='/objections']").count() == 0  # the period is over
    fits(owner)
    check_page(owner, "o09-phone-letter-upheld-vote-again")
    owner.check(f"input[name=item-{q1}][value=disagree]")
    owner.check(f"input[name=item-{q2}][value=agree]")
    owner.click("text=检查我的选择")
    owner.click("text=提交我的表决票")
    owner.wait_for_url("**/receipt")
    fits(owner)
    owner.screenshot(path=str(ARTIFACTS / "o10-phone-receipt-again.png"), full_page=True)
    owner.goto(f"{server}/v/{new_token}")
    assert owner.locator("section[aria-labelledby=window-heading]").count() == 0
    assert owner.locator("#objections-heading ~ .card ol.steps li").count() == 4
    owner.context.close()

    # The corrected preliminary result counts her own ballot; the office certifies it.
    db.session.rollback()
    assembly = db.session.get(AssemblySession, session.id)
    assert assembly is not None and assembly.result is not None
    assert assembly.result["ballots"] == 3 and assembly.result["items"][0]["disagree"]["heads"] == 1
    clock.move_to(until + timedelta(hours=4, minutes=10))
    official = desk(browser)
    sign_in(official, server, clock, "official")
    official.goto(f"{server}/office/s/{session.public_id}")
    assert "可以作出确认决定。" in official.locator("section[aria-labelledby=period-heading]").inner_text()
    assert "已成立并落实" in official.locator(f"#objection-{objection.public_id}").inner_text()
    certify(official, clock)
    official.wait_for_selector("text=您的意见已记录并签名")
    official.screenshot(path=str(ARTIFACTS / "o11-desk-office-certified.png"), full_page=True)
    official.context.close()
    db.session.rollback()
    assert db.session.get(AssemblySession, session.id).state is SessionState.CERTIFIED  # type: ignore[union-attr]
