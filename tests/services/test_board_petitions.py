"""Petitions from the public board, when no session exists: the register's identity check, its lock, and the threshold.

The fixture's register (hand-computed): 1-101 张伟 89.50 m², 1-102 李娜 and 王强
120.00 m² (one voter), 1-103 赵敏 60.00 m², 2-1 … 2-7 业主1 … 业主7 80.00 m²
each: 10 voters, 829.50 m². 20 % is 2 owners and 165.90 m².
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.clock import today_in_china
from app.communities import services as register
from app.communities.identity import LOCK_PERIOD, check_identity
from app.communities.queries import community_roll
from app.db import db, utcnow
from app.domain.errors import RuleViolation
from app.domain.id_digits import MAX_ATTEMPTS
from app.orders.models import Order, OrderKind
from app.voting.models import Petition, PetitionRollLine, PetitionSignature, PetitionStatus
from app.voting.services import MAX_LETTER_ATTEMPTS, petitions
from tests.factories import CLI, World, make_world, register_csv

BASE = ("1,101,89.50,,,,张伟,1234,,", "1,102,120.00,,,,李娜、王强,2345;3456,,", "1,103,60.00,,,,赵敏,0456,,")


def seven(world: World, *extra: str) -> None:
    more = [f"2,{n},80.00,,,,业主{n},{n:04d},," for n in range(1, 8)]
    register.import_register_file(CLI, world.community.id, "r.csv", register_csv(*BASE, *more, *extra))


def check(world: World, unit: str, name: str, last4: str, now=None):  # type: ignore[no-untyped-def]
    with db.write() as s:
        community = s.get(type(world.community), world.community.id)
        person, label = check_identity(s, community, unit=unit, name=name, id_last4=last4, ip="t", now=now or utcnow())
        return person.name, label


def start(world: World, unit: str = "1-101", name: str = "张伟", last4: str = "1234") -> Petition:
    return petitions.start_board_petition(
        world.community.id, unit=unit, name=name, id_last4=last4, title="更换物业", items="解聘物业\n选聘新物业", ip="t", now=utcnow()
    )


def test_the_identity_check_names_the_owner_and_refuses_what_the_register_does_not_hold(app: Flask) -> None:
    world = make_world()
    seven(world)
    assert check(world, "1-101", "张伟", "1234") == ("张伟", "1-101")
    assert check(world, " 1-102 ", "王强", "３４５６") == ("王强", "1-102")  # full-width digits mean the same
    with pytest.raises(RuleViolation, match="no owner of this unit with that name") as wrong_name:
        check(world, "1-101", "张三", "1234")
    assert f"{MAX_ATTEMPTS - 1} tries left" in wrong_name.value.reason
    with pytest.raises(RuleViolation, match="no owner of this unit with that name") as wrong_digits:
        check(world, "1-101", "张伟", "4321")
    assert f"{MAX_ATTEMPTS - 2} tries left" in wrong_digits.value.reason
    with pytest.raises(RuleViolation, match='no unit "9-999"'):
        check(world, "9-999", "张伟", "1234")
    with pytest.raises(RuleViolation, match="not counted"):
        check(world, "1-101", "张伟", "12")
    refused = db.session.execute(select(func.count()).where(AuditEvent.action == "identity.refused")).scalar_one()
    assert refused == 2  # the wrong name and the wrong digits; a unit that does not exist and a slip are told at once
    assert check(world, "1-101", "张伟", "1234") == ("张伟", "1-101")


def test_a_holders_right_answer_does_not_forgive_wrong_guesses_at_a_co_owner(app: Flask) -> None:
    """Else anyone who knows 李娜's details could guess 王强's last four without end, resetting the count between guesses."""
    world = make_world()
    seven(world)
    now = utcnow()
    for _round in range(2):
        for _guess in range(2):
            with pytest.raises(RuleViolation, match="tries left"):
                check(world, "1-102", "王强", "0000", now)
        assert check(world, "1-102", "李娜", "2345", now) == ("李娜", "1-102")
    with pytest.raises(RuleViolation, match="locked for identity checks until"):
        check(world, "1-102", "王强", "0000", now)  # the fifth wrong try, whatever came between
    # Wrong tries fade after a quiet day: a later slip starts a fresh count.
    fresh = now + 2 * LOCK_PERIOD
    with pytest.raises(RuleViolation, match=f"{MAX_ATTEMPTS - 1} tries left"):
        check(world, "1-102", "王强", "0000", fresh)
    with pytest.raises(RuleViolation, match=f"{MAX_ATTEMPTS - 2} tries left"):
        check(world, "1-102", "王强", "0000", fresh + timedelta(hours=1))


def test_a_unit_is_locked_after_as_many_wrong_tries_as_a_letter_and_unlocked_after_the_period(app: Flask) -> None:
    assert MAX_ATTEMPTS == MAX_LETTER_ATTEMPTS
    world = make_world()
    seven(world)
    now = utcnow()
    for attempt in range(1, MAX_ATTEMPTS):
        with pytest.raises(RuleViolation, match=f"{MAX_ATTEMPTS - attempt} tries left"):
            check(world, "1-103", "赵敏", "9999", now)
    with pytest.raises(RuleViolation, match="locked for identity checks until") as locked:
        check(world, "1-103", "赵敏", "9999", now)
    assert "Beijing time" in locked.value.reason  # tests run in English
    with pytest.raises(RuleViolation, match="locked for identity checks until"):
        check(world, "1-103", "赵敏", "0456", now + LOCK_PERIOD - timedelta(minutes=1))  # even the right answer, while locked
    assert check(world, "1-101", "张伟", "1234", now) == ("张伟", "1-101")  # another unit is not locked
    assert db.session.execute(select(func.count()).where(AuditEvent.action == "identity.locked")).scalar_one() == 1
    assert check(world, "1-103", "赵敏", "0456", now + LOCK_PERIOD) == ("赵敏", "1-103")
    with pytest.raises(RuleViolation, match=f"{MAX_ATTEMPTS - 1} tries left"):  # a fresh count after the period
        check(world, "1-103", "赵敏", "9999", now + LOCK_PERIOD)


def test_the_threshold_is_measured_against_the_register_at_the_petitions_start(app: Flask) -> None:
    world = make_world()
    seven(world)
    roll = community_roll(world.community.id)
    petition = start(world)
    assert (petition.roll_area_centi, petition.roll_heads) == (82950, 10)
    assert petition.session_id is None and petition.roll_sha256 == roll.digest()
    assert db.session.execute(select(func.count()).where(PetitionRollLine.petition_id == petition.id)).scalar_one() == 10
    # The register grows afterwards: the petition keeps its roll, and a new owner is not on it.
    register.import_register_file(
        CLI, world.community.id, "r.csv", register_csv(*[f"1,{n},100.00,,,,新业主{n},{n:04d},," for n in range(201, 211)])
    )
    assert community_roll(world.community.id).total_heads == 20
    with pytest.raises(RuleViolation, match="roll this petition was started with"):
        petitions.sign_board_petition(petition.public_id, unit="1-201", name="新业主201", id_last4="0201", ip="t", now=utcnow())
    second = petitions.sign_board_petition(petition.public_id, unit="1-103", name="赵敏", id_last4="0456", ip="t", now=utcnow())
    # 2 of 10 owners (20 %) but 149.50 of 829.50 m² (18.02 %): not yet.
    assert (second.measure.heads_percent, second.measure.area_percent, second.reached) == ("20.00", "18.02", False)
    third = petitions.sign_board_petition(petition.public_id, unit="2-1", name="业主1", id_last4="0001", ip="t", now=utcnow())
    assert third.reached and third.measure.area_percent == "27.67"  # 229.50 of 829.50 m²
    db.session.refresh(petition)
    assert petition.status is PetitionStatus.REACHED
    order = db.session.execute(select(Order).where(Order.petition_id == petition.id)).scalar_one()
    assert order.kind is OrderKind.CONVENE and order.due_on == today_in_china(utcnow()) + timedelta(days=15)
    with pytest.raises(RuleViolation, match="no longer collects"):
        petitions.sign_board_petition(petition.public_id, unit="2-2", name="业主2", id_last4="0002", ip="t", now=utcnow())


def test_one_signature_per_voter_of_the_roll(app: Flask) -> None:
    world = make_world()
    seven(world)
    petition = start(world, "1-102", "李娜", "2345")
    with pytest.raises(RuleViolation, match="already signed"):
        petitions.sign_board_petition(petition.public_id, unit="1-102", name="王强", id_last4="3456", ip="t", now=utcnow())
    with pytest.raises(RuleViolation, match="already signed"):
        petitions.sign_board_petition(petition.public_id, unit="1-102", name="李娜", id_last4="2345", ip="t", now=utcnow())
    with pytest.raises(RuleViolation, match="no owner of this unit"):  # a wrong identity signs nothing
        petitions.sign_board_petition(petition.public_id, unit="1-101", name="张伟", id_last4="0000", ip="t", now=utcnow())
    assert db.session.execute(select(func.count()).select_from(PetitionSignature)).scalar_one() == 1
    assert [p.petition.public_id for p in petitions.open_petitions(world.community.id, utcnow())] == [petition.public_id]


def test_a_board_petition_needs_a_voter_and_a_title(app: Flask) -> None:
    world = make_world()
    seven(world)
    with pytest.raises(RuleViolation, match="title"):
        petitions.start_board_petition(
            world.community.id, unit="1-101", name="张伟", id_last4="1234", title=" ", items="x", ip="t", now=utcnow()
        )
    with pytest.raises(RuleViolation, match="no owner of this unit"):
        start(world, "1-101", "张伟", "9999")
    assert db.session.execute(select(func.count()).select_from(Petition)).scalar_one() == 0
