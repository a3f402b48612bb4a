"""From the public board: an owner starts a petition with the register's identity check, a neighbour signs; the office convenes."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from app.clock import today_in_china
from app.communities import services as register
from app.communities.queries import community_roll
from app.db import db, utcnow
from app.orders.models import OrderKind
from app.oversight import services as oversight
from app.security.actor import actor_for
from app.voting.services import petitions
from tests.factories import CLI, login, make_world, register_csv


def test_an_owner_starts_a_petition_from_the_board_and_a_neighbour_signs_it(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    rows = ("1,101,89.50,,,,张伟,1234,,", "1,103,60.00,,,,赵敏,0456,,", *[f"2,{n},80.00,,,,业主{n},{n:04d},," for n in range(1, 15)])
    register.import_register_file(CLI, world.community.id, "r.csv", register_csv(*rows))
    board = client.get("/c/lanting").get_data(as_text=True)
    assert "/c/lanting/petitions/new" in board
    assert client.get("/c/lanting/petitions/new").status_code == 200
    details = {"title": "更换物业", "items": "解聘物业\n选聘新物业", "unit": "1-101", "name": "张伟"}
    wrong = client.post("/c/lanting/petitions/new", data={**details, "id_last4": "9999"})
    assert wrong.status_code == 200 and "再错 4 次" in wrong.get_data(as_text=True)
    started = client.post("/c/lanting/petitions/new", data={**details, "id_last4": "1234"})
    assert started.status_code == 302 and "/c/lanting/petitions/" in started.headers["Location"]
    page = app.test_client().get(started.headers["Location"]).get_data(as_text=True)
    assert community_roll(world.community.id).digest() in page and "张伟" not in page and "选聘新物业" in page
    db.session.rollback()
    (petition,) = petitions.petitions_of_community(world.community.id)
    sign = f"/c/lanting/petitions/{petition.public_id}/sign"
    neighbour = app.test_client()
    refused = neighbour.post(sign, data={"unit": "1-103", "name": "赵敏", "id_last4": "0000"})
    assert refused.status_code == 200 and "再错 4 次" in refused.get_data(as_text=True)
    signed = neighbour.post(sign, data={"unit": "1-103", "name": "赵敏", "id_last4": "0456"})
    assert signed.status_code == 302
    again = neighbour.post(sign, data={"unit": "1-103", "name": "赵敏", "id_last4": "0456"}).get_data(as_text=True)
    assert "已经签过名" in again
    assert f"/c/lanting/petitions/{petition.public_id}#sign" in app.test_client().get("/c/lanting").get_data(as_text=True)


def test_the_office_convenes_an_overdue_order_from_its_orders_page(app: Flask, client: FlaskClient) -> None:
    world = make_world()
    then = utcnow() - timedelta(days=10)
    order = oversight.issue_order(
        actor_for(world.official),
        community_id=world.community.id,
        kind=OrderKind.CONVENE,
        subject="召开临时会议",
        body="限期召开。",
        due_on=today_in_china(then) + timedelta(days=2),
        now=then,
    )
    chair = app.test_client()
    login(chair, "chair")
    assert chair.get(f"/office/orders/{order.public_id}/convene").status_code == 403
    login(client, "official")
    orders_page = client.get(f"/office/{world.office.id}/orders").get_data(as_text=True)
    assert f"/office/orders/{order.public_id}/convene" in orders_page and "召集会议" in orders_page
    assert client.get(f"/office/orders/{order.public_id}/convene").status_code == 200
    opens, closes = utcnow() + timedelta(days=20), utcnow() + timedelta(days=30)
    done = client.post(
        f"/office/orders/{order.public_id}/convene",
        data={
            "title": "临时业主大会",
            "form": "written",
            "opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": closes.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert done.status_code == 302 and "/committee/s/" in done.headers["Location"], done.get_data(as_text=True)
    session_page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "由街道办事处召集" in session_page
    assert "打开街道办事处召集的会议" in client.get(f"/office/{world.office.id}/orders").get_data(as_text=True)
