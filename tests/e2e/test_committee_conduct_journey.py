"""The committee's own work and the office's oversight of it, in the browser, in Chinese.

The chair convenes a meeting for the next evening. At the meeting three of the five members vote in the app and
王四 on paper, entered by one member and confirmed by another: the lift contract passes with 3/5 and the parking
fees fail 2–2 with 冯五 absent. The decision notice is drafted from the passed motion, confirmed by a second member
and published on the board. An owner answers the committee's consultation from the board on their phone, with the
register's identity check. The street office records a negative-list finding against 郑三: his next action at the
committee is refused and the public committee page marks him suspended. The office then revokes the published
decision, and the board shows it revoked with the order.

The server runs on a clock the test moves (``clocked`` of the formation journey), so the meeting is held on its day.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from playwright.sync_api import Browser, Page

from app.communities import services as communities
from app.consultations import services as consultations
from app.db import db
from app.elections.models import Membership
from tests.committee_factories import seated_committee
from tests.e2e import test_formation_journey as formation
from tests.e2e.a11y import check_page
from tests.e2e.test_formation_journey import ServerClock, desk, sign_in
from tests.e2e.test_journeys import PHONE
from tests.factories import CLI, register_csv

clocked = formation.clocked  # gunicorn on the clock the test moves

CONTRACT = "续签电梯维保合同，期限两年，年费不超过 4.8 万元。"
PARKING = "地面停车费由每月 150 元调整为 180 元。"
QUESTION = "是否在 1 号楼门厅加装快递柜？"
OWNER = ("2-101", "孙六", "6666")  # unit, name, last four of the ID


def motion(page: Page, number: int):  # type: ignore[no-untyped-def]
    return page.locator(f"section#motion-{number}")


def vote(page: Page, number: int, label: str) -> None:
    page.reload()
    motion(page, number).get_by_role("button", name=label, exact=True).click()
    page.wait_for_selector(".flash-success")


def paper(page: Page, number: int, member: str, label: str, reference: str) -> None:
    section = motion(page, number)
    section.locator("summary").click()
    form = section.locator("form[action$='/paper']")
    form.locator("select[name=membership_id]").select_option(label=member)
    form.locator("select[name=choice]").select_option(label=label)
    form.locator("input[name=paper_reference]").fill(reference)
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".flash-success")


def confirm_paper(page: Page, number: int) -> None:
    page.reload()
    motion(page, number).locator("form[action$='/confirm'] button").click()
    page.wait_for_selector(".flash-success")


def close_vote(page: Page, number: int) -> None:
    page.once("dialog", lambda d: d.accept())
    motion(page, number).locator("form[action$='/close'] button").click()
    page.wait_for_selector(".flash-success")


def test_the_committee_meets_decides_consults_and_the_office_holds_it_to_account(
    app: Flask, clocked: tuple[str, ServerClock], browser: Browser
) -> None:
    server, clock = clocked
    seated = seated_committee(logins=True)
    community = seated.world.community
    unit, name, digits = OWNER
    communities.import_register_file(CLI, community.id, "owner.csv", register_csv(f"2,101,88.00,,,,{name},{digits},,"))

    # Day 0: the chair convenes the meeting for tomorrow at 19:00.
    chair = desk(browser)
    sign_in(chair, server, clock, "m1")
    chair.goto(f"{server}/committee/c/{community.id}/meetings")
    starts = (clock.local() + timedelta(days=1)).replace(hour=19, minute=0, second=0, microsecond=0)
    convene = chair.locator("form[action$='/meetings']")
    convene.locator("input[name=title]").fill("2027 年第二次委员会会议")
    convene.locator("textarea[name=agenda]").fill("1. 电梯维保合同续签\n2. 地面停车费调整")
    convene.locator("input[name=place]").fill("物业服务中心二楼会议室")
    convene.locator("input[name=starts_at]").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    check_page(chair, "c01-desk-convene")
    convene.locator("button[type=submit]").click()
    chair.wait_for_selector(".flash-success")
    meeting_url = chair.url
    assert "/committee/meetings/" in meeting_url
    check_page(chair, "c02-desk-meeting-convened")
    chair.context.close()

    # The meeting begins: the chair takes the roll (冯五 is absent) and puts the two motions.
    clock.move_to(starts.astimezone(clock.now().tzinfo) + timedelta(minutes=5))
    pages: dict[str, Page] = {}
    for username in ("m1", "m2", "m3"):
        pages[username] = desk(browser)
        sign_in(pages[username], server, clock, username)
        pages[username].goto(meeting_url)
    chair, wu, zheng = pages["m1"], pages["m2"], pages["m3"]
    roll = chair.locator("section[aria-labelledby=roll]")
    for member, label in (("周一", "出席"), ("吴二", "出席"), ("郑三", "出席"), ("王四", "出席"), ("冯五", "缺席")):
        roll.locator("tr", has_text=member).get_by_role("button", name=f"{label}：{member}", exact=True).click()
        chair.wait_for_selector(".flash-success")
    for text in (CONTRACT, PARKING):
        chair.locator("form[action$='/motions'] textarea[name=text]").fill(text)
        chair.locator("form[action$='/motions'] button[type=submit]").click()
        chair.wait_for_selector(".flash-success")

    # Motion 1: 周一 and 吴二 agree and 郑三 disagrees in the app; 王四's paper vote agrees, entered by the chair and
    # confirmed by 吴二: 3/5, passed.
    vote(chair, 1, "同意")
    vote(wu, 1, "同意")
    vote(zheng, 1, "不同意")
    chair.reload()
    paper(chair, 1, "王四", "同意", "纸质表决单第 4 号")
    assert "全体委员 2/5 同意" in motion(chair, 1).inner_text()  # the paper vote waits for a second member
    confirm_paper(wu, 1)
    assert "3/5" in motion(wu, 1).inner_text()
    # Motion 2: 周一 and 吴二 agree, 郑三 and (on paper, confirmed by 郑三) 王四 disagree, 冯五 absent: 2–2, failed.
    vote(chair, 2, "同意")
    vote(wu, 2, "同意")
    vote(zheng, 2, "不同意")
    chair.reload()
    paper(chair, 2, "王四", "不同意", "纸质表决单第 5 号")
    confirm_paper(zheng, 2)
    check_page(chair, "c03-desk-meeting-votes")
    chair.reload()
    close_vote(chair, 1)
    close_vote(chair, 2)
    assert motion(chair, 1).locator("h3").inner_text() == "议案 1 · 通过"
    assert "全体委员 3/5 同意" in motion(chair, 1).inner_text()
    assert "同意 2，反对 2，弃权 0。" in motion(chair, 2).inner_text()
    assert motion(chair, 2).locator("h3").inner_text() == "议案 2 · 未通过"
    check_page(chair, "c04-desk-motions-closed")

    # The decision notice from the passed motion: 吴二 drafts and asks, the chair confirms, and it is on the board.
    wu.reload()
    motion(wu, 1).locator("form[action$='/decision'] button").click()
    wu.wait_for_url("**/committee/n/**")
    notice_url = wu.url
    check_page(wu, "c05-desk-decision-draft")
    wu.locator("form[action$='/publish'] button").click()
    wu.wait_for_selector(".flash-success")
    chair.goto(notice_url)
    chair.locator("form[action$='/confirm'] button").click()
    chair.wait_for_selector(".flash-success")
    board = desk(browser)
    board.goto(f"{server}/c/{community.slug}")
    assert board.locator("text=电梯维保合同").count() >= 1
    check_page(board, "c06-board-decision-published")

    # The committee asks the owners; 孙六 answers on the board from their phone with the register's check.
    chair.goto(f"{server}/committee/c/{community.id}/consultations")
    draft = chair.locator("form.form").first
    draft.locator("input[name=title]").fill(QUESTION)
    for n, label in enumerate(("同意加装", "不同意", "再议")):
        draft.locator(f"input[name=options-{n}]").fill(label)
    draft.locator("input[name=closes_on]").fill((clock.local() + timedelta(days=10)).date().isoformat())
    draft.locator("button[type=submit]").first.click()
    chair.wait_for_selector(".flash-success")
    chair.once("dialog", lambda d: d.accept())
    chair.locator("form[action$='/open'] button").click()
    chair.wait_for_selector(".flash-success")
    db.session.rollback()
    (asked,) = consultations.consultations_of(community.id)

    phone = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    phone.goto(f"{server}/c/{community.slug}")
    phone.locator(f"a:has-text('{QUESTION}')").first.click()
    phone.wait_for_url(f"**/consultations/{asked.public_id}")
    form = phone.locator("form[action$='/answer']")
    form.locator("label:has-text('同意加装')").click()
    form.locator("input[name=unit]").fill(unit)
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=id_last4]").fill(digits)
    check_page(phone, "c07-phone-consultation")
    form.locator("button[type=submit]").click()
    phone.wait_for_selector(".flash-success")
    assert "同意加装" in phone.locator(".flash-success").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check_page(phone, "c08-phone-consultation-answered")
    phone.context.close()

    # The minutes are drafted; before 郑三 confirms them, the street office records a finding against him.
    chair.goto(meeting_url)
    chair.once("dialog", lambda d: d.accept())
    chair.locator("form[action$='/close'] button:has-text('结束会议')").click()
    chair.wait_for_selector(".flash-success")
    chair.locator("form[action$='/minutes'] button[type=submit]").click()
    chair.wait_for_selector(".flash-success")
    zheng.goto(meeting_url)
    assert zheng.locator("form[action$='/sign'] button").count() == 1

    official = desk(browser)
    sign_in(official, server, clock, "official")
    official.goto(f"{server}/office/c/{community.id}/findings")
    finding = official.locator("form[enctype='multipart/form-data']")
    finding.locator("select[name=membership_id]").select_option(label="郑三")
    finding.locator("select[name=code]").select_option(index=0)
    finding.locator("textarea[name=evidence]").fill("经核查，该委员拒不执行业主大会关于公共收益公开的决定。")
    check_page(official, "c09-office-finding-form")
    finding.locator("button[type=submit]").click()
    official.wait_for_selector(".flash-success")
    assert "/office/findings/" in official.url
    check_page(official, "c10-office-finding")

    # 郑三's next action is refused, and the public committee page marks him suspended.
    zheng.once("dialog", lambda d: d.accept())
    zheng.locator("form[action$='/sign'] button").click()
    zheng.wait_for_url("**/login**")
    check_page(zheng, "c11-desk-suspended-member-refused")
    assert zheng.locator("form[action$='/sign']").count() == 0
    sign_in(zheng, server, clock, "m3")
    zheng.goto(meeting_url)
    assert zheng.locator("form[action$='/sign']").count() == 0  # the meetings are closed to him, with the reason
    check_page(zheng, "c11b-desk-suspended-member-meeting")
    db.session.rollback()
    assert db.session.get(Membership, seated.seats["郑三"].id).suspended_at is not None  # type: ignore[union-attr]
    board.goto(f"{server}/c/{community.slug}/committee")
    assert "暂停" in board.locator("tr", has_text="郑三").inner_text()
    check_page(board, "c12-board-committee-suspended")

    # The office revokes the published decision; the board shows it revoked with the order.
    official.goto(f"{server}/office/{seated.world.office.id}/orders")
    order = official.locator("form.form")
    order.locator("select[name=community]").select_option(label=community.name)
    order.locator("select[name=kind]").select_option("revoke")
    order.locator("input[name=subject]").fill("撤销续签电梯维保合同的决定")
    order.locator("textarea[name=body]").fill("该决定未经业主大会授权，违反管理规约第十二条，予以撤销。")
    order.locator("input[name=due_on]").fill((clock.local() + timedelta(days=7)).date().isoformat())
    decision = order.locator("select[name=motion_id]")
    assert decision.locator("option").count() == 2  # "—" and the one published decision
    decision.select_option(index=1)
    assert "电梯维保合同" in decision.locator("option:checked").inner_text()
    check_page(official, "c13-office-revoke-order")
    official.once("dialog", lambda d: d.accept())  # "Issue the order? It is published ... at once"
    order.locator("button[type=submit]").click()
    official.wait_for_selector(".flash-success")
    board.goto(f"{server}/c/{community.slug}")
    card = board.locator("li", has_text="业主委员会决定：续签电梯维保合同")
    assert "已被街道办事处责令撤销" in card.inner_text()
    card.get_by_role("link", name="查看责令").click()
    board.wait_for_load_state()
    assert "撤销续签电梯维保合同的决定" in board.locator("h1").inner_text()
    check_page(board, "c14-board-decision-revoked")
