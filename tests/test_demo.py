"""The demo tells one consistent story: the logins it prints are the people its pages show, and its letters open."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from app.accounts.models import User
from app.clock import today_in_china
from app.communities.models import Community, Person
from app.db import db
from app.elections.models import Membership
from app.elections.services import current_committee
from app.security.actor import Actor
from app.sessions.models import AssemblySession
from tests.factories import enrol, login


@pytest.fixture
def demo(app: Flask, runner: FlaskCliRunner) -> str:
    result = runner.invoke(args=["demo"], env={"GONGZHI_LANG": "en"})
    assert result.exit_code == 0, result.output
    db.session.rollback()
    return result.output


def test_the_lanting_chair_login_is_the_chair_the_committee_page_names(app: Flask, demo: str) -> None:
    lanting = db.session.execute(select(Community).where(Community.slug == "lanting")).scalar_one()
    login = db.session.execute(select(User).where(User.username == "lanting-chair")).scalar_one()
    committee = current_committee(lanting.id)
    assert committee is not None and login.person_id is not None
    chair = db.session.execute(
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.committee_id == committee.id, Membership.role == "chair")
    ).scalar_one()
    assert chair.id == login.person_id and login.display_name.startswith(chair.name)
    page = app.test_client().get("/c/lanting/committee?lang=en").get_data(as_text=True)
    assert chair.name in page
    assert "Electing the chair and vice chair" not in page  # the seated committee has its chair already


def test_the_sitting_committee_members_took_office_when_its_term_began(app: Flask, demo: str) -> None:
    lanting = db.session.execute(select(Community).where(Community.slug == "lanting")).scalar_one()
    committee = current_committee(lanting.id)
    assert committee is not None
    starts = db.session.execute(select(Membership.started_at).where(Membership.committee_id == committee.id)).scalars().all()
    assert starts and {today_in_china(s) for s in starts} == {committee.term_start}


def test_the_new_logins_reach_their_stages(app: Flask, demo: str) -> None:
    """The group's login signs in with the demo password, enrols an authenticator first, and sees its group; the official's
    orders page leads to the session the office convened; the district's and the city's pages give 7/11 against 90 %."""
    from app.demo import DEMO_PASSWORD

    zhulin = db.session.execute(select(Community).where(Community.slug == "zhulin")).scalar_one()
    xinglin = db.session.execute(select(Community).where(Community.slug == "xinglin")).scalar_one()
    convened = db.session.execute(select(AssemblySession).where(AssemblySession.community_id == xinglin.id)).scalar_one()
    first = app.test_client().post("/login", data={"username": "zhulin-group", "password": DEMO_PASSWORD})
    assert first.status_code == 302 and first.headers["Location"].endswith("/login/enrol")  # no authenticator yet
    users = {u.username: u for u in db.session.execute(select(User)).scalars()}
    pages = {
        "zhulin-group": (f"/committee/c/{zhulin.id}/preparatory-group", "王建国"),
        "xinhua-official": (f"/office/{xinglin.street_office_id}/orders", f"/s/{convened.public_id}"),
        "heping-district": ("/oversight/districts/heping", "7/11 (63.64%)"),
        "demo-city": ("/oversight/cities/demo-city", "target 2022: 90.00%"),
    }
    for username, (path, shown) in pages.items():
        enrol(users[username])
        client = app.test_client()
        login(client, username, DEMO_PASSWORD)
        page = client.get(f"{path}?lang=en")
        assert page.status_code == 200 and shown in page.get_data(as_text=True), (username, path)


def test_every_letter_the_demo_offers_to_try_opens(app: Flask, demo: str) -> None:
    offered = [line.split() for line in demo.splitlines() if "/v/" in line]
    assert len(offered) == 3
    for url, _holder, _units, digits in offered:
        phone = app.test_client()
        path = url[url.index("/v/") :]
        answer = phone.post(path, data={"digits": digits})
        assert answer.status_code == 302 and answer.headers["Location"].endswith(path), (path, answer.status_code)


def test_a_letter_locked_after_the_first_run_is_not_offered_again(app: Flask, runner: FlaskCliRunner, demo: str) -> None:
    url, _holder, _units, digits = next(line.split() for line in demo.splitlines() if "/v/" in line)
    path = url[url.index("/v/") :]
    phone = app.test_client()
    wrong = "1111" if digits != "1111" else "2222"
    for _ in range(5):
        phone.post(path, data={"digits": wrong})
    assert phone.post(path, data={"digits": digits}).status_code != 302  # locked now
    again = runner.invoke(args=["demo"], env={"GONGZHI_LANG": "en"})
    offered = [line.split()[0] for line in again.output.splitlines() if "/v/" in line]
    assert len(offered) == 3 and url not in offered


def test_lanting_has_a_consultation_taking_answers_and_one_whose_summary_is_on_the_board(app: Flask, demo: str) -> None:
    from app.consultations import services as consultations
    from app.consultations.models import ConsultationState

    lanting = db.session.execute(select(Community).where(Community.slug == "lanting")).scalar_one()
    every = consultations.consultations_of(lanting.id)
    # The year's satisfaction survey of 康居物业 is a consultation too, taking answers (its own story below).
    assert [c.state for c in every if c.purpose == "satisfaction"] == [ConsultationState.OPEN]
    shown = [c for c in every if c.purpose == "general"]
    assert [c.state for c in shown] == [ConsultationState.OPEN, ConsultationState.CLOSED]
    live, closed = shown
    assert consultations.summary(live).heads > 0 and closed.summary_notice_id is not None
    assert consultations.summary(closed).heads > 0
    page = app.test_client().get(f"/c/lanting/consultations/{closed.public_id}?lang=en").get_data(as_text=True)
    assert "Owners (headcount)" in page


def test_lanting_committee_held_meetings_with_a_published_and_a_draft_decision(app: Flask, demo: str) -> None:
    from app.committees import services as committees
    from app.committees.models import MeetingState
    from app.db import utcnow

    lanting = db.session.execute(select(Community).where(Community.slug == "lanting")).scalar_one()
    decisions = committees.decisions_of(lanting, now=utcnow())
    assert [d.published for d in decisions] == [False, True] and decisions[0].overdue and not decisions[1].late
    held = committees.held_meetings(lanting)
    assert len(held) == 1 and "5/7" in held[0].minutes.record and "3/7" in held[0].minutes.record
    page = app.test_client().get("/c/lanting/meetings?lang=en").get_data(as_text=True)
    assert held[0].meeting.title in page and decisions[1].notice is not None and f"/n/{decisions[1].notice.public_id}" in page
    _community, _committee, meetings = committees.meetings_for_committee(committees_actor(lanting), lanting.id)
    assert [m.state for m in meetings] == [MeetingState.REQUESTED, MeetingState.CLOSED, MeetingState.CLOSED]


def committees_actor(community: Community) -> Actor:
    from app.demo.actors import as_committee

    return as_committee(community)


def test_meiyuan_s_review_of_last_year_is_on_its_board_and_lanting_s_of_this_year_is_a_draft(app: Flask, demo: str) -> None:
    from app.db import utcnow
    from app.oversight.services import yearly

    year = utcnow().year
    meiyuan = db.session.execute(select(Community).where(Community.slug == "meiyuan")).scalar_one()
    lanting = db.session.execute(select(Community).where(Community.slug == "lanting")).scalar_one()
    last = yearly.view(meiyuan, yearly.committees_of_year(meiyuan.id, year - 1)[0], year - 1, now=utcnow())
    this = yearly.view(lanting, yearly.committees_of_year(lanting.id, year)[0], year, now=utcnow())
    assert last.published and not this.published and this.review is not None and this.review.office_marks == 17
    assert f"yearly review {year - 1}" in demo
    board = app.test_client().get("/c/meiyuan?lang=zh").get_data(as_text=True)
    assert f"委员会 {year - 1} 年度考核" in board


def test_the_property_service_story_holds_together(app: Flask, demo: str) -> None:
    """康居's staff sign in and find 兰亭苑's requests, the escalated elevator among them; the board shows the confirmed
    facts and the figures; last month's list puts 安泰, which never answered 梅园's complaint, on the black list."""
    from app.demo import DEMO_PASSWORD

    lanting = db.session.execute(select(Community).where(Community.slug == "lanting")).scalar_one()
    staff = db.session.execute(select(User).where(User.username == "kangju-staff")).scalar_one()
    enrol(staff)
    client = app.test_client()
    login(client, "kangju-staff", DEMO_PASSWORD)
    queue = client.get(f"/property/c/{lanting.id}/requests?lang=en").get_data(as_text=True)
    assert "Elevator" in queue and "Noise" in queue
    board = app.test_client().get("/c/lanting/property?lang=en").get_data(as_text=True)
    assert "康居物业服务有限公司" in board and "陈立新" in board and "公共照明电费" in board
    lists = app.test_client().get("/cities/demo-city/property-lists?lang=en").get_data(as_text=True)
    black = lists.split('id="black-heading"')[1]
    assert "安泰物业管理有限公司" in black and "steps late on the clock" in black and "康居物业服务有限公司" not in black
    figures = app.test_client().get("/c/lanting/property/requests?lang=en").get_data(as_text=True)
    assert "卫生间" not in figures and "13910001000" not in figures  # counts and times, never the texts
