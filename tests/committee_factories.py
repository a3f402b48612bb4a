"""A seated committee whose members have accounts, for the committee's meetings (services and pages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import create_user
from app.committees import services as committees
from app.committees.models import Meeting
from app.communities import services as register
from app.communities.models import Person
from app.db import db, utcnow
from app.elections import services as elections
from app.elections.models import Committee, Membership
from app.security.actor import Actor, actor_for
from app.security.roles import Role
from tests.factories import CLI, PASSWORD, World, enrol, make_world, register_csv

NAMES = ("周一", "吴二", "郑三", "王四", "冯五")


@dataclass
class Seated:
    world: World
    committee: Committee
    users: dict[str, User]  # by register name; 周一 is the chair
    seats: dict[str, Membership]

    def actor(self, name: str) -> Actor:
        user = db.session.get(User, self.users[name].id)
        assert user is not None
        db.session.refresh(user)
        return actor_for(user)


def seated_committee(*, logins: bool = False) -> Seated:
    """兰亭苑 with five owners seated as its committee (周一 the chair), each with an account of their own.

    ``logins``: the accounts can sign in (a password and an enrolled authenticator), for the pages.
    """
    world = make_world()
    rows = [f"1,{100 + n},90.00,,,,{name},{1000 + n:04d},," for n, name in enumerate(NAMES, start=1)]
    register.import_register_file(CLI, world.community.id, "r.csv", register_csv(*rows))
    users = {}
    for n, name in enumerate(NAMES, start=1):
        person = db.session.execute(select(Person).where(Person.name == name)).scalar_one()
        user = create_user(
            CLI, username=f"m{n}", display_name=name, password=PASSWORD, role=Role.COMMITTEE_MEMBER, community_id=world.community.id
        )
        with db.write() as s:
            s.get(User, user.id).person_id = person.id  # type: ignore[union-attr]
        if logins:
            enrol(user)
        users[name] = user
    members = [{"unit": f"1-{100 + n}", "name": name, "role": "chair" if n == 1 else "member"} for n, name in enumerate(NAMES, start=1)]
    committee = elections.register_sitting_committee(
        actor_for(world.official),
        community_id=world.community.id,
        members=members,
        term_start=date(2025, 1, 1),
        term_end=date(2029, 12, 31),
        now=utcnow() - timedelta(days=30),
    )
    seats = {}
    for m in db.session.execute(select(Membership).where(Membership.committee_id == committee.id)).scalars():
        person = db.session.get(Person, m.person_id)
        assert person is not None
        seats[person.name] = m
    return Seated(world, committee, users, seats)


def held_meeting(seated: Seated, *, starts: datetime | None = None, title: str = "第三次委员会会议") -> Meeting:
    """A meeting the chair convened two days before it began an hour ago."""
    starts = starts or utcnow() - timedelta(hours=1)
    return committees.convene_meeting(
        seated.actor("周一"),
        community_id=seated.world.community.id,
        title=title,
        agenda="1. 电梯维保合同续签",
        place="物业服务中心二楼会议室",
        starts_at=starts,
        now=starts - timedelta(days=2),
    )
