"""The street official's dashboard and review: the queue, the anomalies, and a verdict confirmed with a fresh code."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from app.db import db, utcnow
from app.sessions import services as sessions
from app.voting import services as voting
from tests.factories import items, login, make_world, next_code, open_session, past_session


def test_the_official_reviews_and_certifies_from_the_dashboard(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, now = past_session(world)  # its objection period is over
    q1, _ = items(session)
    voting.cast_ballot(tokens["张伟"], {q1: "agree"}, ip="t", now=now)
    sessions.sync_state(session.id, now=session.closes_at + timedelta(minutes=5))
    db.session.rollback()
    login(client, "official")
    dashboard = client.get(f"/office/{world.office.id}").get_data(as_text=True)
    assert "等待确认的表决结果" in dashboard and session.title in dashboard and "兰亭苑" in dashboard
    review = client.get(f"/office/s/{session.public_id}").get_data(as_text=True)
    assert "需要留意的情况" in review and session.result_sha256 in review  # type: ignore[operator]
    wrong = client.post(f"/office/s/{session.public_id}", data={"verdict": "certified", "code": "000000"}).get_data(as_text=True)
    assert "验证码无效" in wrong
    done = client.post(
        f"/office/s/{session.public_id}", data={"verdict": "certified", "code": next_code("official")}, follow_redirects=True
    )
    page = done.get_data(as_text=True)
    assert "已记录并签名" in page and "&#34;verdict&#34;:&#34;certified&#34;" in page  # the signed statement, shown as text
    assert "表决结果公告" in client.get("/c/lanting").get_data(as_text=True)
    csv = client.get(f"/office/{world.office.id}.csv").get_data(as_text=True)
    assert csv.splitlines()[0].lstrip("\ufeff").startswith("小区,网址标识") and "lanting" in csv


def test_the_official_issues_an_order_that_the_committee_and_the_owners_see(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(client, "official")
    missing = client.post(
        f"/office/{world.office.id}/orders",
        data={"community": world.community.id, "kind": "rectify", "subject": "账目未公示", "body": "请公示。"},
    ).get_data(as_text=True)
    assert "请设定今天之后的期限" in missing
    issued = client.post(
        f"/office/{world.office.id}/orders",
        data={
            "community": world.community.id,
            "kind": "rectify",
            "subject": "账目未公示",
            "body": "请公示 2025 年账目。",
            "due_on": "2099-01-31",
        },
    )
    assert issued.status_code == 302
    assert "账目未公示" in client.get(f"/office/{world.office.id}/orders").get_data(as_text=True)
    assert "责令限期改正：账目未公示" in app.test_client().get("/c/lanting").get_data(as_text=True)
    chair = app.test_client()
    login(chair, "chair")
    assert "街道办事处责令" in chair.get(f"/admin/c/{world.community.id}").get_data(as_text=True)


def test_an_owner_reports_a_ballot_they_did_not_cast_and_the_office_answers(app: Flask, client: FlaskClient) -> None:
    from app.security.actor import actor_for

    world = make_world()
    session, tokens, now = open_session(world)
    q1, _ = items(session)
    # Someone casts a paper ballot for 1-103 behind the owner's back; two committee members confirm it.
    from app.accounts.services import create_user
    from app.security.roles import Role
    from tests.factories import CLI, PASSWORD

    second = create_user(
        CLI, username="m2", display_name="委员", password=PASSWORD, role=Role.COMMITTEE_MEMBER, community_id=world.community.id
    )
    paper = sessions.enter_paper_ballot(
        actor_for(world.committee), session.id, unit="1-103", choices={q1: "agree"}, paper_reference="P-7", now=now
    )
    sessions.confirm_paper_ballot(actor_for(second), paper.id, now=now)
    phone = app.test_client()
    assert phone.post(f"/v/{tokens['赵敏']}", data={"digits": "0456"}).status_code == 302
    assert "这不是我的表决票" in phone.get(f"/v/{tokens['赵敏']}").get_data(as_text=True)
    url = f"/v/{tokens['赵敏']}/objections"
    empty = phone.post(url, data={"kind": "not_mine", "statement": " "}).get_data(as_text=True)
    assert "请简要说明" in empty
    filed = phone.post(url, data={"kind": "not_mine", "statement": "我没有投票，也没有交纸质票。"}, follow_redirects=True)
    page = filed.get_data(as_text=True)
    assert "异议已提交" in page and "等待会议组织方答复" in page
    # During voting only "not mine" can be said; the count itself is objected to once it is published.
    assert "计票结果与表决票不符" not in page
    again = phone.post(url, data={"kind": "not_mine", "statement": "再说一次"}).get_data(as_text=True)
    assert "已就此提出过异议" in again
    login(client, "official")
    assert "待处理的异议" in client.get(f"/office/{world.office.id}").get_data(as_text=True)
    sessions.sync_state(session.id, now=session.closes_at + timedelta(minutes=1))
    review = client.get(f"/office/s/{session.public_id}").get_data(as_text=True)
    assert "1-103" in review and "我没有投票" in review and "业主可在" in review
    (objection,) = voting.objections_of_session(session.id)
    decided = client.post(
        f"/office/objections/{objection.public_id}/decide",
        data={"decision": "upheld", "outcome": "reissue", "reasons": "经核实纸质票签名非本人。"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "您的决定已记录" in decided
    answered = phone.get(f"/v/{tokens['赵敏']}").get_data(as_text=True)
    assert "经核实纸质票签名非本人" in answered and "您可以重新表决" in answered
    # Those running the session print the letter of that voter alone, to hand over while the window runs.
    chair = app.test_client()
    login(chair, "chair")
    assert "打印新的表决通知书" in chair.get(f"/committee/s/{session.public_id}").get_data(as_text=True)
    printed = chair.post(f"/committee/s/{session.public_id}/letters/print", data={}).get_data(as_text=True)
    assert tokens["赵敏"] in printed and tokens["张伟"] not in printed


def test_after_the_period_the_committee_reads_that_it_ended_and_a_replaced_letter_says_why(app: Flask, client: FlaskClient) -> None:
    from app.oversight import services as office
    from app.security.actor import actor_for

    world = make_world()
    session, tokens, when = past_session(world)
    q1, _ = items(session)
    voting.cast_ballot(tokens["赵敏"], {q1: "agree"}, ip="t", now=when)
    sessions.sync_state(session.id, now=session.closes_at + timedelta(minutes=1))
    letter = voting.find_letter(tokens["赵敏"])
    assert letter is not None
    objection = voting.file_objection(letter.id, "not_mine", "不是我投的", ip="t", now=session.closes_at + timedelta(days=1))
    office.decide_objection(actor_for(world.official), objection.id, upheld=True, reasons="属实", outcome="reissue", now=utcnow())
    login(client, "chair")
    page = client.get(f"/committee/s/{session.public_id}").get_data(as_text=True)
    assert "异议期已于" in page and "业主可在" not in page
    replaced = app.test_client().get(f"/v/{tokens['赵敏']}")
    assert replaced.status_code == 404 and "这份通知书已被换发" in replaced.get_data(as_text=True)


def test_a_suspension_order_names_a_seated_member_from_a_list_not_typed(app: Flask, client: FlaskClient) -> None:
    from datetime import date

    from app.elections.models import Membership
    from tests.committee_factories import seated_committee

    seated = seated_committee()
    login(client, "official")
    page = client.get(f"/office/{seated.world.office.id}/orders?lang=en").get_data(as_text=True)
    assert '<option value="冯五">兰亭苑 · 冯五</option>' in page
    sent = client.post(
        f"/office/{seated.world.office.id}/orders",
        data={
            "community": seated.world.community.id, "kind": "suspend", "subject": "暂停冯五履职", "body": "拒不移交资料。",
            "due_on": date(2099, 1, 1).isoformat(), "member": "冯五",
        },
    )  # fmt: skip
    assert sent.status_code == 302
    db.session.rollback()
    assert db.session.get(Membership, seated.seats["冯五"].id).suspended_at is not None  # type: ignore[union-attr]
    # Suspended, the member is no longer offered.
    assert "兰亭苑 · 冯五" not in client.get(f"/office/{seated.world.office.id}/orders").get_data(as_text=True)
