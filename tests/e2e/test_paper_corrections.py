"""A wrong paper ballot entry, set aside in Chromium: each button asks first, and the units can be entered again."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import Browser, Dialog, Page

from app.accounts.services import create_user
from app.security.roles import Role
from tests.e2e.a11y import check_page
from tests.e2e.test_journeys import DESK, login
from tests.factories import CLI, PASSWORD, enrol, make_world, open_session


def enter(page: Page, unit: str, reference: str) -> None:
    page.fill("input[name=unit]", unit)
    page.fill("input[name=paper_reference]", reference)
    for blank in page.locator("form[action$='/paper'] input[type=radio][value=abstain]").all():
        blank.check()  # the paper left every question blank: entered as 弃权 on purpose
    page.click("form[action$='/paper'] button[type=submit]")


def test_a_wrong_entry_is_rejected_or_withdrawn_only_once_the_member_agrees(app: Flask, server: str, browser: Browser) -> None:
    world = make_world()
    enrol(
        create_user(CLI, username="m2", display_name="委员", password=PASSWORD, role=Role.COMMITTEE_MEMBER, community_id=world.community.id)
    )
    session, _, _ = open_session(world)
    chair = browser.new_context(viewport=DESK, locale="zh-CN").new_page()
    login(chair, server, "chair")
    chair.goto(f"{server}/committee/s/{session.public_id}")
    enter(chair, "1-103", "纸-0001")
    assert chair.locator(".pending li").count() == 1

    # The member who entered it withdraws it; dismissing the question leaves it waiting.
    questions: list[str] = []

    def answer(accept: bool):  # type: ignore[no-untyped-def]
        def handle(dialog: Dialog) -> None:
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        return handle

    chair.once("dialog", answer(False))
    chair.click("form[action$='/withdraw'] button")
    assert chair.locator(".pending li").count() == 1 and questions == ["撤回这条录入？它不计入表决，您可以重新录入这张纸质表决票。"]
    chair.once("dialog", answer(True))
    chair.click("form[action$='/withdraw'] button")
    assert "您已撤回录入的纸质表决票" in chair.locator(".flash-success").inner_text() and chair.locator(".pending").count() == 0

    # Entered again, wrongly; a second member rejects it with a reason.
    enter(chair, "1-103", "纸-0001")
    member = browser.new_context(viewport=DESK, locale="zh-CN").new_page()
    login(member, server, "m2")
    member.goto(f"{server}/committee/s/{session.public_id}")
    check_page(member, "15-paper-reject")
    member.fill("form[action$='/reject'] input[name=reason]", "第2项应为同意")
    member.once("dialog", answer(True))
    member.click("form[action$='/reject'] button")
    assert "纸质表决票已退回" in member.locator(".flash-success").inner_text() and member.locator(".pending").count() == 0
    assert questions[-1] == "退回这条录入？它不计入表决，这些房屋可以重新录入。"

    # Entered a third time, right; the second member confirms it once asked.
    enter(chair, "1-103", "纸-0001")
    member.reload()
    member.once("dialog", answer(True))
    member.click("form[action$='/confirm'] button")
    assert "纸质表决票现已计入" in member.locator(".flash-success").inner_text()
