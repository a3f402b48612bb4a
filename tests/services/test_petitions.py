"""Petitions for an extraordinary session: owners sign with their letters; at 20 % of area and of owners the committee must convene."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.clock import today_in_china
from app.db import db, utcnow
from app.domain.errors import RuleViolation
from app.orders.models import Order, OrderKind
from app.security.actor import actor_for
from app.sessions import services as sessions
from app.voting.models import PetitionSignature, PetitionStatus
from app.voting.services import petitions
from tests.factories import World, draft_session, make_world, open_session, tokens_by_holder
from tests.services.test_elections import owners_register


def announced(world: World, owners: int = 10) -> dict[str, str]:
    """Ten owners of 80.00 m² each on the frozen roll: two of them are exactly 20 % of the area and of the owners."""
    owners_register(world, owners)
    now = utcnow()
    session = draft_session(world, opens_at=now + timedelta(days=16), closes_at=now + timedelta(days=25), items=(("cn.other", "议题"),))
    sessions.announce_session(actor_for(world.committee), session.id, now=now)
    return tokens_by_holder(session.id)


def test_the_petition_reaches_the_threshold_exactly_at_twenty_percent_and_orders_the_committee_to_convene(app: Flask) -> None:
    world = make_world()
    tokens = announced(world)
    now = utcnow()
    petition = petitions.start_petition(tokens["业主1"], title="罢免物业", items="解聘物业服务企业\n选聘新物业", ip="t", now=now)
    progress = petitions.progress_of(petition)
    assert (progress.measure.area_percent, progress.measure.heads_percent, progress.reached) == ("10.00", "10.00", False)
    done = petitions.sign_petition(tokens["业主2"], petition.public_id, ip="t", now=now)
    assert done.measure.area_percent == "20.00" and done.measure.heads_percent == "20.00" and done.reached
    db.session.rollback()
    db.session.refresh(petition)
    assert petition.status is PetitionStatus.REACHED
    order = db.session.execute(select(Order).where(Order.petition_id == petition.id)).scalar_one()
    assert order.kind is OrderKind.CONVENE and order.due_on == today_in_china(now) + timedelta(days=15)
    with pytest.raises(RuleViolation, match="no longer collects"):
        petitions.sign_petition(tokens["业主3"], petition.public_id, ip="t", now=now)


def test_both_measures_must_reach_twenty_percent(app: Flask) -> None:
    world = make_world()
    _session, tokens, now = open_session(world, more_voters=6)  # 9 voters, 749.50 m²: 20 % is 1.8 owners and 149.90 m²
    petition = petitions.start_petition(tokens["张伟"], title="更换物业", items="解聘物业", ip="t", now=now)
    second = petitions.sign_petition(tokens["赵敏"], petition.public_id, ip="t", now=now)
    # Two of nine owners (22.22 %) but 149.50 m² of 749.50 (19.95 %): not yet.
    assert second.measure.heads_met and not second.measure.area_met and not second.reached
    third = petitions.sign_petition(tokens["业主1"], petition.public_id, ip="t", now=now)
    assert third.reached


def test_a_voter_signs_once_whichever_holders_letter_is_used(app: Flask) -> None:
    world = make_world()
    _session, tokens, now = open_session(world, more_voters=10)
    petition = petitions.start_petition(tokens["张伟"], title="更换物业", items="解聘物业", ip="t", now=now)
    petitions.sign_petition(tokens["李娜"], petition.public_id, ip="t", now=now)
    with pytest.raises(RuleViolation, match="already signed"):
        petitions.sign_petition(tokens["王强"], petition.public_id, ip="t", now=now)  # the co-owner of 1-102
    with pytest.raises(RuleViolation, match="already signed"):
        petitions.sign_petition(tokens["张伟"], petition.public_id, ip="t", now=now)
    assert db.session.execute(select(func.count()).select_from(PetitionSignature)).scalar_one() == 2


def test_a_petition_closes_unsigned_after_its_days(app: Flask) -> None:
    world = make_world()
    _session, tokens, now = open_session(world, more_voters=10)
    petition = petitions.start_petition(tokens["张伟"], title="更换物业", items="解聘物业", ip="t", now=now)
    later = now + timedelta(days=31)
    assert petitions.petition_status(petition, later) is PetitionStatus.EXPIRED
    with pytest.raises(RuleViolation, match="no longer collects"):
        petitions.sign_petition(tokens["赵敏"], petition.public_id, ip="t", now=later)
    with pytest.raises(RuleViolation, match="title"):
        petitions.start_petition(tokens["赵敏"], title=" ", items="x", ip="t", now=now)
