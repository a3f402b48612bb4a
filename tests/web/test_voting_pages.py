"""An owner votes from the phone: open the letter, choose, check, cast, and see the ballot."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.db import db
from app.sessions.models import Ballot
from tests.factories import draft_session, items, make_world, open_session, tokens_by_holder


def opened(client: FlaskClient, token: str, digits: str) -> None:
    assert client.post(f"/v/{token}", data={"digits": digits}).status_code == 302


def test_an_owner_votes_from_the_phone(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, _ = open_session(world)
    q1, q2 = items(session)
    token = tokens["张伟"]
    opened(client, token, "1234")
    form = client.get(f"/v/{token}").get_data(as_text=True)
    assert "表决进行中" in form and f'name="item-{q1}" value="agree"' in form and "检查我的选择" in form
    review = client.post(f"/v/{token}/review", data={f"item-{q1}": "agree", f"item-{q2}": "disagree"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "检查您的选择" in review and "同意" in review and "不同意" in review
    done = client.post(f"/v/{token}/cast", data={f"item-{q1}": "agree", f"item-{q2}": "disagree"}, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "您的表决票已提交" in page and "您的回执" in page and "查验码" in page
    assert 'type="radio"' not in page
    again = client.get(f"/v/{token}").get_data(as_text=True)
    assert "不能再次提交" in again and 'type="radio"' not in again
    db.session.rollback()
    ballot = db.session.execute(select(Ballot)).scalar_one()
    assert ballot.choices == {q1: "agree", q2: "disagree"}


def test_the_same_letter_later_shows_the_ballot_not_a_form(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, _ = open_session(world)
    q1, _q2 = items(session)
    opened(client, tokens["张伟"], "1234")
    client.post(f"/v/{tokens['张伟']}/cast", data={f"item-{q1}": "agree"})
    phone = app.test_client()
    opened(phone, tokens["张伟"], "1234")
    page = phone.get(f"/v/{tokens['张伟']}").get_data(as_text=True)
    assert "您的表决票" in page and 'type="radio"' not in page


def test_change_my_choices_goes_back_to_the_form_with_them_kept(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, _ = open_session(world)
    q1, _q2 = items(session)
    opened(client, tokens["张伟"], "1234")
    page = client.post(f"/v/{tokens['张伟']}/cast", data={f"item-{q1}": "disagree", "change": "1"}).get_data(as_text=True)
    assert f'name="item-{q1}" value="disagree" checked' in page
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar_one() == 0


def test_a_co_owner_whose_partner_voted_is_told_so(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, _ = open_session(world)
    q1, _q2 = items(session)
    opened(client, tokens["王强"], "3456")
    client.post(f"/v/{tokens['王强']}/cast", data={f"item-{q1}": "agree"})
    other = app.test_client()
    opened(other, tokens["李娜"], "2345")
    page = other.get(f"/v/{tokens['李娜']}").get_data(as_text=True)
    assert "您的表决票" in page and 'type="radio"' not in page  # the first cast binds the voter


def test_a_tampered_ballot_form_is_refused_on_the_page(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    _session, tokens, _ = open_session(world)
    opened(client, tokens["张伟"], "1234")
    page = client.post(f"/v/{tokens['张伟']}/cast", data={"item-99999": "agree"}).get_data(as_text=True)
    assert "表决票表单被改动" in page
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar_one() == 0


def test_ballot_steps_need_the_letter_opened_first(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    session, tokens, _ = open_session(world)
    q1, _q2 = items(session)
    assert client.post(f"/v/{tokens['张伟']}/cast", data={f"item-{q1}": "agree"}).status_code == 404
    assert db.session.execute(select(func.count()).select_from(Ballot)).scalar_one() == 0


def test_the_ballot_page_is_light_for_a_slow_phone(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    _session, tokens, _ = open_session(world)
    opened(client, tokens["张伟"], "1234")
    html = client.get(f"/v/{tokens['张伟']}").get_data()
    css = client.get("/static/css/site.css").get_data()
    assert len(html) + len(css) < 100_000
    assert b"<script" not in html


def test_an_owner_sees_their_ballots_in_earlier_sessions(app: Flask, client: FlaskClient) -> None:
    from datetime import timedelta

    from app.db import utcnow
    from app.security.actor import actor_for
    from app.sessions import services
    from app.voting import services as voting

    world = make_world()
    earlier, tokens, now = open_session(world)
    q1, _q2 = items(earlier)
    voting.cast_ballot(tokens["张伟"], {q1: "disagree"}, ip="t", now=now)
    services.sync_state(earlier.id, now=now + timedelta(days=30))
    later = draft_session(
        world,
        title="下一次会议",
        opens_at=utcnow() + timedelta(days=16),
        closes_at=utcnow() + timedelta(days=23),
        items=(("cn.other", "新议题"),),
    )
    services.announce_session(actor_for(world.committee), later.id, now=utcnow())
    token = tokens_by_holder(later.id)["张伟"]
    opened(client, token, "1234")
    page = client.get(f"/v/{token}").get_data(as_text=True)
    assert "您以前参加的会议" in page and "会议" in page and "1. 不同意" in page
    public = client.get(f"/s/{later.public_id}").get_data(as_text=True)
    assert "新议题" in public  # the announcement, with its items, is public


def test_where_revoting_is_allowed_the_owner_changes_the_ballot_and_the_receipt_says_so(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    from tests.factories import revote_profile, use_profile

    profile = revote_profile(tmp_path / "profiles")
    next(profile)
    try:
        world = make_world()
        use_profile(world, "cn-revote")
        session, tokens, _ = open_session(world)
        q1, q2 = items(session)
        token = tokens["张伟"]
        opened(client, token, "1234")
        client.post(f"/v/{token}/cast", data={f"item-{q1}": "disagree"})
        page = client.get(f"/v/{token}").get_data(as_text=True)
        assert "只有最新的表决票计入结果" in page and "修改我的表决票" in page and 'type="radio"' in page
        client.post(f"/v/{token}/cast", data={f"item-{q1}": "agree", f"item-{q2}": "agree"})
        receipt = client.get(f"/v/{token}/receipt.json").get_json()
        assert receipt["choices"][q1] == "agree" and receipt["supersedes"] is not None and receipt["seq"] == 2
        assert "取代了您之前的那张" in client.get(f"/v/{token}/receipt").get_data(as_text=True)
    finally:
        next(profile, None)


def test_the_letter_shows_the_ballot_the_bulletin_signed_not_an_edited_table_row(app: Flask, client: FlaskClient) -> None:
    from sqlalchemy import text

    world = make_world()
    session, tokens, _ = open_session(world)
    q1, q2 = items(session)
    opened(client, tokens["张伟"], "1234")
    client.post(f"/v/{tokens['张伟']}/cast", data={f"item-{q1}": "agree", f"item-{q2}": "agree"})
    db.session.rollback()
    with db.engine.begin() as connection:  # the ballot row changed behind the bulletin's back
        connection.execute(text("UPDATE ballot SET choices = :c"), {"c": f'{{"{q1}": "disagree", "{q2}": "disagree"}}'})
    page = client.get(f"/v/{tokens['张伟']}").get_data(as_text=True)
    shown = page[page.index('<ol class="items">') :]
    shown = shown[: shown.index("</ol>")]
    assert shown.count("choice-agree") == 2 and "choice-disagree" not in shown
