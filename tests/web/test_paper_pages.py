"""Paper ballots through the pages: one person running the session enters, a second confirms; the texts name who runs it."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.services import create_user
from app.audit.models import AuditEvent
from app.communities import services as register
from app.db import db, utcnow
from app.oversight import services as oversight
from app.security.actor import actor_for
from app.security.roles import Role
from app.sessions import services as sessions
from app.sessions.models import AssemblySession, Ballot, Channel, PaperBallot, SessionForm
from app.voting import services as voting
from tests.factories import CLI, PASSWORD, World, enrol, items, login, make_world, open_session, register_csv
from tests.services.test_elections import owners_register
from tests.services.test_formation import formed, user
from tests.services.test_office_convening import T0, ordered


def test_one_member_enters_another_confirms(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, _, _ = open_session(world)
    q1, q2 = items(session)
    enrol(
        create_user(
            CLI,
            username="member2",
            display_name="陈委员",
            password=PASSWORD,
            role=Role.COMMITTEE_MEMBER,
            community_id=world.community.id,
        )
    )
    login(client, "chair")
    page = client.post(
        f"/committee/s/{session.public_id}/paper",
        data={"unit": "1-103", "paper_reference": "No.0042", f"item-{q1}": "agree", f"item-{q2}": "disagree"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "另一名经办人确认后" in page and "No.0042" in page and "由您录入" in page
    second = app.test_client()
    login(second, "member2")
    page = second.get(f"/committee/s/{session.public_id}").get_data(as_text=True)
    confirm_path = page.split('action="/committee/paper/')[1].split('"')[0]
    done = second.post(f"/committee/paper/{confirm_path}", follow_redirects=True).get_data(as_text=True)
    assert "纸质表决票现已计入" in done
    db.session.rollback()
    ballot = db.session.execute(select(Ballot)).scalar_one()
    assert ballot.channel is Channel.PAPER and ballot.choices == {q1: "agree", q2: "disagree"}


def second_member(world: World) -> None:
    enrol(
        create_user(
            CLI,
            username="member2",
            display_name="陈委员",
            password=PASSWORD,
            role=Role.COMMITTEE_MEMBER,
            community_id=world.community.id,
        )
    )


def enter(client: FlaskClient, session: AssemblySession, unit: str, choices: dict[str, str], reference: str = "No.0042") -> str:
    data = {"unit": unit, "paper_reference": reference, **{f"item-{item}": choice for item, choice in choices.items()}}
    return client.post(f"/committee/s/{session.public_id}/paper", data=data, follow_redirects=True).get_data(as_text=True)


def pending_id(client: FlaskClient, session: AssemblySession) -> int:
    """The paper ballot entered last (what the requests committed)."""
    db.session.rollback()
    return (
        db.session.execute(select(PaperBallot.id).where(PaperBallot.session_id == session.id).order_by(PaperBallot.id.desc()))
        .scalars()
        .first()
    )


def test_a_second_member_rejects_a_wrong_entry_with_a_reason_and_it_is_entered_again(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, _, _ = open_session(world)
    q1, q2 = items(session)
    second_member(world)
    login(client, "chair")
    enter(client, session, "1-103", {q1: "disagree", q2: "agree"})
    assert "已有一张纸质表决票在等待确认" in enter(client, session, "1-103", {q1: "agree", q2: "agree"})
    paper = pending_id(client, session)
    member = app.test_client()
    login(member, "member2")
    page = member.get(f"/committee/s/{session.public_id}").get_data(as_text=True)
    assert f'action="/committee/paper/{paper}/reject"' in page and 'name="reason"' in page and "data-confirm=" in page
    unexplained = member.post(f"/committee/paper/{paper}/reject", data={"reason": " "}, follow_redirects=True).get_data(as_text=True)
    assert "请写明退回的理由" in unexplained and pending_id(client, session) == paper
    rejected = member.post(f"/committee/paper/{paper}/reject", data={"reason": "第1项录成了不同意"}, follow_redirects=True)
    assert "纸质表决票已退回" in rejected.get_data(as_text=True)
    db.session.rollback()
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "paper.reject")).scalar_one()
    assert event.data["reason"] == "第1项录成了不同意" and event.data["units"] == ["1-103"]
    assert "已录入" in enter(client, session, "1-103", {q1: "agree", q2: "agree"}, "No.0042")
    again = pending_id(client, session)
    assert "纸质表决票现已计入" in member.post(f"/committee/paper/{again}/confirm", follow_redirects=True).get_data(as_text=True)
    db.session.rollback()
    assert db.session.execute(select(Ballot)).scalar_one().choices == {q1: "agree", q2: "agree"}


def test_the_member_who_entered_a_ballot_withdraws_it_and_enters_it_again(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, _, _ = open_session(world)
    q1, q2 = items(session)
    login(client, "chair")
    page = enter(client, session, "1-103", {q1: "disagree", q2: "agree"})
    paper = pending_id(client, session)
    assert f'action="/committee/paper/{paper}/withdraw"' in page and f'action="/committee/paper/{paper}/reject"' not in page
    withdrawn = client.post(f"/committee/paper/{paper}/withdraw", follow_redirects=True).get_data(as_text=True)
    assert "您已撤回录入的纸质表决票" in withdrawn and "等待确认" not in withdrawn
    db.session.rollback()
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "paper.withdraw")).scalar_one()
    assert event.target_id == str(paper) and event.data["reference"] == "No.0042"
    assert "已录入" in enter(client, session, "1-103", {q1: "agree", q2: "agree"})


def test_the_author_is_told_a_second_member_must_confirm_and_only_the_author_withdraws(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, _, _ = open_session(world)
    q1, q2 = items(session)
    second_member(world)
    login(client, "chair")
    enter(client, session, "1-103", {q1: "disagree", q2: "agree"})
    paper = pending_id(client, session)
    own = client.post(f"/committee/paper/{paper}/confirm", follow_redirects=True).get_data(as_text=True)
    assert "您录入的表决票须由本次会议的另一名经办人确认" in own
    own_reject = client.post(f"/committee/paper/{paper}/reject", data={"reason": "错了"}, follow_redirects=True).get_data(as_text=True)
    assert "您录入的纸质表决票请撤回" in own_reject
    member = app.test_client()
    login(member, "member2")
    theirs = member.post(f"/committee/paper/{paper}/withdraw", follow_redirects=True).get_data(as_text=True)
    assert "只有录入该纸质表决票的经办人可以撤回" in theirs and pending_id(client, session) == paper
    db.session.rollback()
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action.in_(("paper.reject", "paper.withdraw")))).first() is None


def test_the_pages_speak_english_too(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, _, _ = open_session(world)
    q1, q2 = items(session)
    login(client, "chair")
    client.post("/lang", data={"lang": "en"})
    page = enter(client, session, "1-103", {q1: "disagree", q2: "agree"})
    assert "Withdraw" in page and "Withdraw this entry?" in page
    paper = pending_id(client, session)
    assert "You withdrew the paper ballot" in client.post(f"/committee/paper/{paper}/withdraw", follow_redirects=True).get_data(
        as_text=True
    )


def test_a_paper_ballot_for_a_voter_who_voted_online_names_the_channel_in_chinese(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, now = open_session(world)
    q1, q2 = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree", q2: "agree"}, ip="t", now=now)
    login(client, "chair")
    page = enter(client, session, "1-101", {q1: "disagree", q2: "agree"})
    assert "这些房屋已有表决票（网上投票）" in page and "online" not in page


def test_paper_ballots_waiting_are_listed_by_building_and_number(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    register.import_register_file(
        CLI, world.community.id, "r.csv", register_csv("1,1001,80.00,,,,钱一,1111,,", "1,99,70.00,,,,孙二,2222,,")
    )
    session, _, _ = open_session(world)
    q1, q2 = items(session)
    login(client, "chair")
    for n, unit in enumerate(("1-1001", "1-103", "1-99", "1-101")):
        enter(client, session, unit, {q1: "agree", q2: "agree"}, f"No.{n}")
    page = client.get(f"/committee/s/{session.public_id}").get_data(as_text=True)
    waiting = page.split('class="pending"')[1].split("</ul>")[0].replace('<span class="unit">', "").replace("</span>", "")
    assert [waiting.index(f"<strong>{u}</strong>") for u in ("1-99", "1-101", "1-103", "1-1001")] == sorted(
        waiting.index(f"<strong>{u}</strong>") for u in ("1-99", "1-101", "1-103", "1-1001")
    )


def test_the_member_whose_entry_was_sent_back_reads_why_and_the_paper_form_comes_before_the_letters(
    app: Flask, client: FlaskClient
) -> None:
    world = make_world()
    session, _, _ = open_session(world)
    q1, q2 = items(session)
    second_member(world)
    login(client, "chair")
    enter(client, session, "1-103", {q1: "disagree", q2: "agree"})
    paper = pending_id(client, session)
    member = app.test_client()
    login(member, "member2")
    member.post(f"/committee/paper/{paper}/reject", data={"reason": "第1项录成了不同意"})
    page = client.get(f"/committee/s/{session.public_id}").get_data(as_text=True)
    sent_back = page.index("已退回")
    assert "第1项录成了不同意" in page[sent_back:] and "1-103" in page[sent_back:]
    assert page.index('id="paper-heading"') < page.index("表决通知书</h2>")


def test_a_roll_entrys_units_are_listed_in_number_order_and_never_broken_at_a_hyphen() -> None:
    from app.web import units_text

    assert str(units_text(["1-1108", "1-108", "1-202", "<b>"])) == (
        '<span class="unit">1-108</span>、<span class="unit">1-202</span>、<span class="unit">1-1108</span>、'
        '<span class="unit">&lt;b&gt;</span>'
    )


def test_a_question_left_unmarked_in_the_paper_form_is_a_slip_to_correct_not_an_abstention(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, _, _ = open_session(world)
    q1, _q2 = items(session)
    login(client, "chair")
    page = client.get(f"/committee/s/{session.public_id}").get_data(as_text=True)
    start = page.index(f'action="/committee/s/{session.public_id}/paper"')
    assert " checked" not in page[start : page.index("</form>", start)]  # nothing marked before the member reads the paper
    answer = enter(client, session, "1-103", {q1: "agree"})
    assert "请按纸质表决票填写第 2 项" in answer and "已录入" not in answer


COMMITTEE_WORDS = "由一位业委会委员录入"


def test_the_paper_ballot_texts_name_the_office_for_a_session_it_convened(app: Flask, client: FlaskClient) -> None:
    """The street office runs the session it convened (RULES §10): its officials enter and confirm, not committee members."""
    world = make_world()
    order = ordered(world)
    later = T0 + timedelta(days=6)
    assembly = oversight.convene(
        actor_for(world.official),
        order.id,
        title="临时业主大会",
        opens_at=later + timedelta(days=16),
        closes_at=utcnow() + timedelta(days=5),
        now=later,
    )
    sessions.add_item(actor_for(world.official), assembly.id, matter="cn.hire_manager", title="选聘物业")
    sessions.announce_session(actor_for(world.official), assembly.id, now=later)
    login(client, "official")
    page = client.get(f"/committee/s/{assembly.public_id}").get_data(as_text=True)
    assert "由一名街道办事处工作人员录入业主签名的纸质表决票" in page and COMMITTEE_WORDS not in page
    (item,) = items(db.session.get(AssemblySession, assembly.id))  # type: ignore[arg-type]
    entered = enter(client, assembly, "2-1", {item: "agree"})
    assert (
        "另一名经办人确认后才计入" in entered
        and "需本次会议的另一名经办人确认" in entered
        and "委员" not in entered.split("paper-heading")[1]
    )
    english = client.get(f"/committee/s/{assembly.public_id}?lang=en").get_data(as_text=True)
    assert "One official of the street office types in" in english and "committee member" not in english


def test_the_paper_ballot_texts_name_the_preparatory_group_for_its_members(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    owners_register(world)
    then = utcnow() - timedelta(days=17)
    _group, credentials = formed(world, now=then)
    member = user(credentials[0].username)
    assembly = sessions.create_session(
        actor_for(member),
        community_id=world.community.id,
        title="首次业主大会会议",
        form=SessionForm.WRITTEN,
        opens_at=then + timedelta(days=16),
        closes_at=then + timedelta(days=30),
    )
    sessions.add_item(actor_for(member), assembly.id, matter="cn.rules_of_procedure", title="业主大会议事规则")
    sessions.announce_session(actor_for(member), assembly.id, now=then + timedelta(hours=1))
    enrol(member)
    login(client, member.username, credentials[0].password or "")
    page = client.get(f"/committee/s/{assembly.public_id}").get_data(as_text=True)
    assert "由一名筹备组成员录入业主签名的纸质表决票" in page and COMMITTEE_WORDS not in page
