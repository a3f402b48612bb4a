"""Consultations in the browser: the chair drafts (errors under the field or option row), opens and closes; owners
answer on their phone from the board or from their letter, once; the public sees participation, then the counts."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from app.clock import today_in_china
from app.consultations import services as consultations
from app.consultations.models import Consultation, ConsultationState
from app.db import db, utcnow
from app.notices.services import public_id_of
from tests.factories import World, items, login, make_world, open_session


def english(client: FlaskClient) -> FlaskClient:
    client.post("/lang", data={"lang": "en"})
    return client


def draft_form(title: str, options: list[str], closes_on: str) -> dict[str, str]:
    data = {"title": title, "description": "先听取业主意见。", "closes_on": closes_on}
    data |= {f"options-{n}": label for n, label in enumerate(options)}
    return data


def drafted_and_opened(app: Flask, world: World, chair: FlaskClient) -> Consultation:
    day = (today_in_china(consultations_now()) + timedelta(days=7)).isoformat()
    saved = chair.post(
        f"/committee/c/{world.community.id}/consultations", data=draft_form("是否加装电梯？", ["同意", "不同意", "再议"], day)
    )
    assert saved.status_code == 302
    db.session.rollback()
    (c,) = consultations.consultations_of(world.community.id, drafts=True)
    assert chair.post(f"/committee/consultations/{c.public_id}/open").status_code == 302
    db.session.rollback()
    return db.session.get(Consultation, c.id)  # type: ignore[return-value]


def consultations_now() -> datetime:
    return utcnow()


def test_the_draft_form_names_the_field_and_the_option_row(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    login(english(client), "chair")
    page = client.get(f"/committee/c/{world.community.id}/consultations").get_data(as_text=True)
    assert "No consultation yet." in page and "Option 10" in page
    day = (today_in_china(consultations_now()) + timedelta(days=7)).isoformat()
    repeated = client.post(f"/committee/c/{world.community.id}/consultations", data=draft_form("问题", ["甲", "乙", "甲"], day))
    text = repeated.get_data(as_text=True)
    assert repeated.status_code == 200 and 'id="options-2-error"' in text and "Option 3 repeats option 1." in text
    one = client.post(f"/committee/c/{world.community.id}/consultations", data=draft_form("问题", ["甲"], day)).get_data(as_text=True)
    assert "Give at least 2 options to choose from." in one
    today = today_in_china(consultations_now()).isoformat()
    late = client.post(f"/committee/c/{world.community.id}/consultations", data=draft_form("问题", ["甲", "乙"], today))
    assert 'id="closes_on-error"' in late.get_data(as_text=True)
    db.session.rollback()
    assert consultations.consultations_of(world.community.id, drafts=True) == []
    # Nothing is on the board before it opens.
    assert "问题" not in client.get("/c/lanting/consultations").get_data(as_text=True)


def test_owners_answer_once_from_the_board_and_from_the_letter_and_the_counts_wait_for_the_close(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    _session, tokens, _now = open_session(world)
    chair = english(app.test_client())
    login(chair, "chair")
    c = drafted_and_opened(app, world, chair)
    assert c.state is ConsultationState.OPEN
    options = {o.label: o.id for o in c.options}
    board = english(app.test_client())
    assert "是否加装电梯？" in board.get("/c/lanting").get_data(as_text=True)
    page = board.get(f"/c/lanting/consultations/{c.public_id}").get_data(as_text=True)
    assert "Your answer cannot be changed once it is sent." in page and "0 of 3 voters have answered" in page

    # On the board, with the register's details: a wrong try is said under the name; then the answer, once.
    answer = f"/c/lanting/consultations/{c.public_id}/answer"
    wrong = board.post(answer, data={"option": options["同意"], "unit": "1-103", "name": "赵敏", "id_last4": "0000"})
    assert wrong.status_code == 200 and 'id="name-error"' in wrong.get_data(as_text=True)
    unchosen = board.post(answer, data={"unit": "1-103", "name": "赵敏", "id_last4": "0456"}).get_data(as_text=True)
    assert "Choose one of the options." in unchosen
    done = board.post(answer, data={"option": options["同意"], "unit": "1-103", "name": "赵敏", "id_last4": "0456"})
    assert done.status_code == 302
    confirmed = board.get(done.headers["Location"]).get_data(as_text=True)
    assert "Your answer &#34;同意&#34; is recorded. It cannot be changed." in confirmed or "Your answer &quot;同意&quot;" in confirmed
    again = board.post(answer, data={"option": options["再议"], "unit": "1-103", "name": "赵敏", "id_last4": "0456"})
    assert "already answered this consultation" in again.get_data(as_text=True)

    # From the letter: while the ballot is before the voter its page is the ballot alone; once cast, it lists the
    # consultation; the co-owner's letter then shows it answered.
    phone = english(app.test_client())
    assert phone.post(f"/v/{tokens['李娜']}", data={"digits": "2345"}).status_code == 302
    link = f"/v/{tokens['李娜']}/consultations/{c.public_id}"
    assert link not in phone.get(f"/v/{tokens['李娜']}").get_data(as_text=True)
    q1, q2 = items(_session)
    assert phone.post(f"/v/{tokens['李娜']}/cast", data={f"item-{q1}": "agree", f"item-{q2}": "agree"}).status_code == 302
    letter = phone.get(f"/v/{tokens['李娜']}").get_data(as_text=True)
    assert link in letter
    form = phone.get(link)
    assert form.status_code == 200 and form.headers["Cache-Control"] == "no-store"
    answered = phone.post(link, data={"option": options["不同意"]})
    assert answered.status_code == 302 and answered.headers["Location"].endswith(f"/v/{tokens['李娜']}")
    co_owner = english(app.test_client())
    assert co_owner.post(f"/v/{tokens['王强']}", data={"digits": "3456"}).status_code == 302
    assert "Your units have answered." in co_owner.get(f"/v/{tokens['王强']}").get_data(as_text=True)
    assert "An answer cannot be changed." in co_owner.get(f"/v/{tokens['王强']}/consultations/{c.public_id}").get_data(as_text=True)
    # Someone else's browser, with the token but without the digits, is not let in.
    assert app.test_client().get(link).status_code == 404

    # While open: participation only, no counts by option, for everyone.
    live = board.get(f"/c/lanting/consultations/{c.public_id}").get_data(as_text=True)
    assert "2 of 3 voters have answered (66.67%), holding 180.00 of 269.50 m²" in live and "Owners (headcount)" not in live
    committee = chair.get(f"/committee/consultations/{c.public_id}").get_data(as_text=True)
    assert "Owners (headcount)" not in committee

    # The chair closes it: the counts by area and headcount, and never who answered what.
    assert chair.post(f"/committee/consultations/{c.public_id}/close").status_code == 302
    closed = board.get(f"/c/lanting/consultations/{c.public_id}").get_data(as_text=True)
    assert "Owners (headcount)" in closed and "60.00" in closed and "120.00" in closed
    for private in ("1-102", "1-103", "赵敏", "李娜", "王强"):
        assert private not in closed
    db.session.rollback()
    notice = db.session.get(Consultation, c.id).summary_notice_id  # type: ignore[union-attr]
    summary = board.get(f"/c/lanting/n/{public_id_of(notice)}")
    assert f"/c/lanting/n/{public_id_of(notice)}" in closed and summary.status_code == 200
    for private in ("1-102", "1-103", "赵敏", "李娜", "王强"):
        assert private not in summary.get_data(as_text=True)
    late = english(app.test_client())
    assert late.post(f"/v/{tokens['张伟']}", data={"digits": "1234"}).status_code == 302
    assert f"/consultations/{c.public_id}" not in late.get(f"/v/{tokens['张伟']}").get_data(as_text=True)
    assert "closed and takes no more answers" in late.get(f"/v/{tokens['张伟']}/consultations/{c.public_id}").get_data(as_text=True)
