"""Two committee members enter and confirm a paper ballot through the pages."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.services import create_user
from app.db import db
from app.security.roles import Role
from app.sessions.models import Ballot, Channel
from tests.factories import CLI, PASSWORD, enrol, items, login, make_world, open_session


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
    assert "另一位业委会委员确认后" in page and "No.0042" in page and "由您录入" in page
    second = app.test_client()
    login(second, "member2")
    page = second.get(f"/committee/s/{session.public_id}").get_data(as_text=True)
    confirm_path = page.split('action="/committee/paper/')[1].split('"')[0]
    done = second.post(f"/committee/paper/{confirm_path}", follow_redirects=True).get_data(as_text=True)
    assert "纸质表决票现已计入" in done
    db.session.rollback()
    ballot = db.session.execute(select(Ballot)).scalar_one()
    assert ballot.channel is Channel.PAPER and ballot.choices == {q1: "agree", q2: "disagree"}
