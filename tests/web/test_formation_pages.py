"""The preparatory group's pages: the office forms it and sees each account once; a member signs in and works in their community only."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from app.accounts.models import User
from app.db import db, utcnow
from app.formation import services as formation
from app.security.actor import actor_for
from tests.factories import enrol, login, make_world
from tests.services.test_elections import owners_register
from tests.services.test_formation import formed

LINES = "业主, 业主1, 2-1\n业主, 业主2, 2-2\n业主, 业主3, 2-3\n街道, 王芳, 新华街道办事处, 组长\n居委会, 刘洋, 兰亭社区居委会\n"


def test_the_office_forms_the_group_on_its_page_and_a_member_works_in_their_community_until_dissolution(app: Flask) -> None:
    world = make_world()
    owners_register(world)
    office = app.test_client()
    login(office, "official")
    page = office.get(f"/c/{world.community.slug}/committee").get_data(as_text=True)
    assert f"/office/c/{world.community.id}/preparatory-group" in page
    bad = office.post(f"/office/c/{world.community.id}/preparatory-group", data={"members": "业主, 业主1, 2-1\n业主, 业主2, 2-2\n"})
    assert bad.status_code == 200 and "单数" in bad.get_data(as_text=True)
    done = office.post(f"/office/c/{world.community.id}/preparatory-group", data={"members": LINES}).get_data(as_text=True)
    usernames = re.findall(r"<code>(lanting-g\d+-\d)</code>", done)
    passwords = re.findall(r"<td><code>([A-Za-z0-9_-]{16})</code></td>", done)
    assert len(usernames) == 5 and len(passwords) == 5, re.findall(r"class=\"error\"[^<]*<|error\"[^>]*>[^<]*", done)
    db.session.rollback()  # see what the requests committed
    group = formation.open_group(world.community.id)
    assert group is not None
    shown = office.get(f"/committee/c/{world.community.id}/preparatory-group").get_data(as_text=True)
    assert "王芳" in shown and "组长" in shown and passwords[0] not in shown  # the password is shown once only

    member = app.test_client()
    first = formation.latest_group(world.community.id).members[0]  # type: ignore[union-attr]
    account = db.session.get(User, first.user_id)
    assert account is not None
    response = member.post("/login", data={"username": account.username, "password": passwords[0]})
    assert response.headers["Location"].endswith("/login/enrol")  # the authenticator is set up at the first sign-in, as officials do
    enrol(account)
    member = app.test_client()
    login(member, account.username, passwords[0])
    assert world.community.name in member.get("/admin/").get_data(as_text=True)
    assert member.get(f"/admin/c/{world.community.id}").status_code == 200
    assert member.get(f"/committee/c/{world.community.id}/sessions").status_code == 200
    assert member.get(f"/committee/c/{world.other_community.id}/sessions").status_code == 403
    assert member.get(f"/office/c/{world.community.id}/preparatory-group").status_code == 403
    assert member.post(f"/office/preparatory-group/{group.id}/dissolve", data={"reason": "x"}).status_code == 403
    published = member.post(f"/committee/preparatory-group/{group.id}/publish", follow_redirects=True).get_data(as_text=True)
    assert "成员名单已在小区公告栏公布" in published
    office.post(f"/office/preparatory-group/{group.id}/dissolve", data={"reason": "筹备组工作结束"})
    db.session.rollback()
    assert formation.open_group(world.community.id) is None
    # The member's session ended with the role: the next request is sent to sign in.
    after = member.get(f"/committee/c/{world.community.id}/sessions")
    assert after.status_code == 302 and "/login" in after.headers["Location"]


def test_another_offices_official_and_a_committee_of_another_community_are_refused(app: Flask) -> None:
    world = make_world()
    owners_register(world)
    formation.form_group(
        actor_for(world.official),
        world.community.id,
        [{"kind": "owner", "name": f"业主{n}", "unit": f"2-{n}"} for n in range(1, 4)]
        + [
            {"kind": "office", "name": "王芳", "affiliation": "新华街道办事处", "leader": True},
            {"kind": "residents_committee", "name": "刘洋", "affiliation": "居委会"},
        ],
        utcnow(),
    )
    group = formation.open_group(world.community.id)
    assert group is not None
    outsider = app.test_client()
    login(outsider, "outsider")
    assert outsider.get(f"/committee/c/{world.community.id}/preparatory-group").status_code == 403
    assert outsider.post(f"/committee/preparatory-group/{group.id}/publish").status_code == 403
    assert outsider.post(f"/office/preparatory-group/{group.id}/dissolve", data={"reason": "x"}).status_code == 403


def test_the_official_who_leads_the_group_stays_signed_in_when_it_is_dissolved(app: Flask) -> None:
    """Only the group's role ends for an account with other rights: the official is not sent to sign in by their own action."""
    world = make_world()
    owners_register(world)
    office = app.test_client()
    login(office, "official")
    lines = LINES.replace("街道, 王芳, 新华街道办事处, 组长", "街道, 李科长, 新华街道办事处, 组长, @official")
    office.post(f"/office/c/{world.community.id}/preparatory-group", data={"members": lines})
    db.session.rollback()
    group = formation.open_group(world.community.id)
    assert group is not None and any(m.user_id == world.official.id for m in group.members)
    office.post(f"/office/preparatory-group/{group.id}/dissolve", data={"reason": "筹备组工作结束"})
    db.session.rollback()
    assert formation.open_group(world.community.id) is None
    assert office.get(f"/office/{world.office.id}").status_code == 200
    assert office.get(f"/committee/c/{world.community.id}/preparatory-group").status_code == 200


def test_the_community_page_offers_the_office_the_group_form_where_there_is_no_committee(app: Flask) -> None:
    world = make_world()
    office = app.test_client()
    login(office, "official")
    form = f"/office/c/{world.community.id}/preparatory-group"
    assert form in office.get(f"/admin/c/{world.community.id}").get_data(as_text=True)
    chair = app.test_client()
    login(chair, "chair")
    assert form not in chair.get(f"/admin/c/{world.community.id}").get_data(as_text=True)


def test_the_group_page_names_its_members_and_counts_the_days_to_each_deadline(app: Flask) -> None:
    """委员 is a committee's word: the table is the group's members; each deadline says its day and the days left or overdue."""
    world = make_world()
    owners_register(world)
    formed(world, now=utcnow() - timedelta(days=10))  # cn-national: the list by day 7 (overdue), the assembly by day 90
    office = app.test_client()
    login(office, "official")
    page = office.get(f"/committee/c/{world.community.id}/preparatory-group").get_data(as_text=True)
    group = formation.open_group(world.community.id)
    assert group is not None
    deadlines = formation.deadlines(group, now=utcnow())
    assert "<h2>筹备组成员</h2>" in page and "<h2>委员</h2>" not in page
    overdue = (deadlines.today - deadlines.publish_by).days
    left = (deadlines.assemble_by - deadlines.today).days
    assert re.search(rf'<li class="overdue">[^<]*{deadlines.publish_by.isoformat()} 到期，已逾期 {overdue} 天', page), page
    assert f"期限 {deadlines.assemble_by.isoformat()}（还剩 {left} 天）" in page and "尚未" not in page
    english = office.get(f"/committee/c/{world.community.id}/preparatory-group?lang=en").get_data(as_text=True)
    assert "<h2>Group members</h2>" in english
    assert f"overdue since {deadlines.publish_by.isoformat()} ({overdue} days)" in english
    assert f"due {deadlines.assemble_by.isoformat()} ({left} days left)" in english
    group_member = db.session.get(User, group.members[0].user_id)
    assert group_member is not None
    formation.publish_members(actor_for(group_member), group.id, utcnow())
    done = office.get(f"/committee/c/{world.community.id}/preparatory-group?lang=en").get_data(as_text=True)
    assert f"done on {deadlines.today.isoformat()} (3 days late)" in done


def test_a_group_member_finds_their_group_its_sessions_and_elections_from_the_admin_pages(app: Flask) -> None:
    world = make_world()
    owners_register(world)
    _group, credentials = formed(world)
    account = db.session.execute(select(User).where(User.username == credentials[0].username)).scalar_one()
    enrol(account)
    member = app.test_client()
    login(member, account.username, credentials[0].password or "")
    group_page = f'href="/committee/c/{world.community.id}/preparatory-group"'
    sessions = f'href="/committee/c/{world.community.id}/sessions"'
    elections = f'href="/committee/c/{world.community.id}/elections"'
    index = member.get("/admin/").get_data(as_text=True)
    assert group_page in index and sessions in index and elections in index and "您的筹备组" in index
    show = member.get(f"/admin/c/{world.community.id}").get_data(as_text=True)
    assert group_page in show and sessions in show and elections in show and "您是本小区业主大会筹备组的成员" in show
    # The office's official sees the group's page from the community, not addressed as a member.
    office = app.test_client()
    login(office, "official")
    shown = office.get(f"/admin/c/{world.community.id}").get_data(as_text=True)
    assert group_page in shown and "您是本小区业主大会筹备组的成员" not in shown


def test_the_office_is_told_of_an_existing_group_before_it_types_one_and_its_group_page_links_the_public_board(app: Flask) -> None:
    world = make_world()
    owners_register(world)
    office = app.test_client()
    login(office, "official")
    office.post(f"/office/c/{world.community.id}/preparatory-group", data={"members": LINES})
    again = office.get(f"/office/c/{world.community.id}/preparatory-group").get_data(as_text=True)
    assert "已有业主大会筹备组" in again and 'name="members"' not in again
    page = office.get(f"/committee/c/{world.community.id}/preparatory-group").get_data(as_text=True)
    assert f'href="/c/{world.community.slug}"' in page and f"/committee/c/{world.community.id}/notices" not in page


def test_the_dashboard_names_the_group_and_its_passwords_have_no_look_alike_characters(app: Flask) -> None:
    world = make_world()
    owners_register(world)
    _group, credentials = formation.form_group(
        actor_for(world.official),
        world.community.id,
        [{"kind": "owner", "name": f"业主{n}", "unit": f"2-{n}"} for n in (1, 2, 3)]
        + [
            {"kind": "office", "name": "王芳", "affiliation": "新华街道办事处", "leader": True},
            {"kind": "residents_committee", "name": "刘洋", "affiliation": "兰亭社区居委会"},
        ],
        utcnow(),
    )
    assert all(c.password and len(c.password) == 16 and not set(c.password) & set("Il1O0") for c in credentials)
    office = app.test_client()
    login(office, "official")
    page = office.get(f"/office/{world.office.id}").get_data(as_text=True)
    assert f'href="/committee/c/{world.community.id}/preparatory-group">筹备组成立于' in page
