"""Realistic test data, built through the same services users call."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pyotp
from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import create_user, enrol_totp
from app.communities import services
from app.communities.models import Community, Person, StreetOffice
from app.db import db, utcnow
from app.security.actor import Grant, actor_for, operator
from app.security.roles import Role
from app.security.secretbox import seal
from app.sessions import services as sessions
from app.sessions.models import AssemblySession, SessionForm

CLI = operator("test", Grant.administrator())
PASSWORD = "correct horse battery"


@dataclass
class Enrolment:
    secret: str
    recovery_codes: list[str] = field(default_factory=list)


# username -> TOTP secret and unused recovery codes, for the login helper
ENROLMENTS: dict[str, Enrolment] = {}


def enrol(user: User) -> Enrolment:
    """Enrol an authenticator for the user, as the enrolment page does."""
    secret = pyotp.random_base32()
    # Enrolled a minute ago, so the steps of the present are all still unused.
    then = utcnow() - timedelta(seconds=60)
    code = pyotp.TOTP(secret).at(then)
    codes = enrol_totp(user.id, user.session_version, seal(secret), code, ip="test", now=then)
    assert codes is not None
    ENROLMENTS[user.username] = Enrolment(secret, codes)
    return ENROLMENTS[user.username]


def next_code(username: str) -> str:
    """A code the server has not seen yet: this step's, the next step's, or else a recovery code."""
    enrolment = ENROLMENTS[username]
    totp = pyotp.TOTP(enrolment.secret)
    db.session.rollback()
    last = db.session.execute(select(User.totp_last_step).where(User.username == username)).scalar_one()
    current = totp.timecode(utcnow())
    step = max(current, (last or 0) + 1)
    if step <= current + 1:
        return totp.generate_otp(step)
    return enrolment.recovery_codes.pop()


@dataclass
class World:
    office: StreetOffice
    community: Community
    other_community: Community
    admin: User
    committee: User
    official: User
    outsider: User


def make_world() -> World:
    office = services.create_street_office(CLI, code="xinhua-street", name="新华街道办事处")
    community = services.create_community(CLI, street_office_id=office.id, slug="lanting", name="兰亭苑")
    other = services.create_community(CLI, street_office_id=office.id, slug="meiyuan", name="梅园")
    for name in ("1", "2"):
        services.add_building(CLI, community.id, name)
    admin = create_user(CLI, username="admin", display_name="管理员", password=PASSWORD, role=Role.ADMINISTRATOR)
    committee = create_user(
        CLI, username="chair", display_name="王主任", password=PASSWORD, role=Role.COMMITTEE_CHAIR, community_id=community.id
    )
    official = create_user(
        CLI, username="official", display_name="李科长", password=PASSWORD, role=Role.STREET_OFFICIAL, street_office_id=office.id
    )
    outsider = create_user(
        CLI, username="outsider", display_name="赵委员", password=PASSWORD, role=Role.COMMITTEE_MEMBER, community_id=other.id
    )
    for user in (admin, committee, official, outsider):
        enrol(user)
    return World(office, community, other, admin, committee, official, outsider)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> None:
    """Sign in with the password, then the second factor."""
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/code"), response.get_data(as_text=True)
    response = client.post("/login/code", data={"code": next_code(username)})
    assert response.status_code == 302, response.get_data(as_text=True)


REGISTER_HEADER = "楼栋,房号,面积,面积来源,类型,计入表决,业主姓名,身份证后四位,电话,状态\n"


def register_csv(*rows: str) -> bytes:
    return (REGISTER_HEADER + "".join(r + "\n" for r in rows)).encode()


ItemSpec = tuple[str, str] | tuple[str, str, str]


def draft_session(
    world: World, *, opens_at: datetime, closes_at: datetime, title: str = "会议", items: tuple[ItemSpec, ...] = ()
) -> AssemblySession:
    """A draft session of community A drafted by its chair, with (matter, title[, body]) items."""
    chair = world.committee
    session = sessions.create_session(
        actor_for(chair),
        community_id=world.community.id,
        title=title,
        form=SessionForm.WRITTEN,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    for matter, item_title, *body in items:
        sessions.add_item(actor_for(chair), session.id, matter=matter, title=item_title, body=body[0] if body else "")
    return session


def tokens_by_holder(session_id: int) -> dict[str, str]:
    """Each current letter's token, by the name of the holder it was issued to."""
    return {
        db.session.get(Person, letter.person_id).name: sessions.letter_token(letter)  # type: ignore[union-attr]
        for letter in sessions.letters_of_session(session_id)
    }


def open_session(world: World, *, more_voters: int = 0) -> tuple[AssemblySession, dict[str, str], datetime]:
    """A session announced 16 days ago (so voting is open now), and each holder's letter token.

    The roll: 张伟 (1-101), 李娜 and 王强 (1-102), 赵敏 (1-103), then ``more_voters``
    owners 业主1, 业主2, … of flats 2-1, 2-2, … with 80.00 m² each.
    """
    more = [f"2,{n},80.00,,,,业主{n},{n % 10000:04d},," for n in range(1, more_voters + 1)]
    services.import_register_file(
        CLI,
        world.community.id,
        "r.csv",
        register_csv("1,101,89.50,,,,张伟,1234,,", "1,102,120.00,,,,李娜、王强,2345;3456,,", "1,103,60.00,,,,赵敏,0456,,", *more),
    )
    then = utcnow() - timedelta(days=16)
    session = draft_session(
        world,
        opens_at=then + timedelta(days=15, hours=1),
        closes_at=then + timedelta(days=23),
        items=(("cn.hire_manager", "续聘"), ("cn.use_fund", "电梯")),
    )
    sessions.announce_session(actor_for(world.committee), session.id, now=then)
    return session, tokens_by_holder(session.id), utcnow()


def past_session(world: World) -> tuple[AssemblySession, dict[str, str], datetime]:
    """The roll of ``open_session``, voting from 18 to 10 days ago: once counted at its close, its objection period
    (7 days) is over now, so it can be certified with a code of the current minute. Returns a moment of its window."""
    services.import_register_file(
        CLI,
        world.community.id,
        "r.csv",
        register_csv("1,101,89.50,,,,张伟,1234,,", "1,102,120.00,,,,李娜、王强,2345;3456,,", "1,103,60.00,,,,赵敏,0456,,"),
    )
    then = utcnow() - timedelta(days=40)
    session = draft_session(
        world,
        opens_at=then + timedelta(days=22),
        closes_at=then + timedelta(days=30),
        items=(("cn.hire_manager", "续聘"), ("cn.use_fund", "电梯")),
    )
    sessions.announce_session(actor_for(world.committee), session.id, now=then)
    return session, tokens_by_holder(session.id), then + timedelta(days=25)


def revote_profile(folder: Path) -> Iterator[None]:
    """Run with the test community on a copy of cn-national that lets owners change their ballot until the close."""
    import json
    import shutil

    from app.domain import rules

    shutil.copytree(rules.PROFILE_DIR, folder)
    (folder / "cn-revote.json").write_text(json.dumps({"extends": "cn-national", "settings": {"revote": True}}), encoding="utf-8")
    original = rules.PROFILE_DIR
    rules.PROFILE_DIR = folder
    rules.get_profile.cache_clear()
    try:
        yield
    finally:
        rules.PROFILE_DIR = original
        rules.get_profile.cache_clear()


def use_profile(world: World, name: str) -> None:
    with db.write() as s:
        s.get(Community, world.community.id).rule_profile = name  # type: ignore[union-attr]


def items(session: AssemblySession) -> list[str]:
    db.session.refresh(session)
    return [str(i.id) for i in session.items]


def decided_item(
    world: World,
    matter: str,
    *,
    outcome: str = "passed",
    verdict: str | None = "certified",
    revoked: bool = False,
    community: Community | None = None,
) -> int:
    """An item of a counted session with ``outcome``, and the office's ``verdict`` (None: not yet certified).

    For the services that cite a decision (the ledgers, the fund): the count and certification themselves are
    tested end to end in test_certification and the journeys.
    """
    from app.domain.lifecycle import SessionState
    from app.sessions.models import Certification, Item, Verdict

    where = community or world.community
    now = utcnow()
    with db.write() as s:
        session = AssemblySession(
            public_id=secrets.token_urlsafe(9),
            community_id=where.id,
            title="已计票的会议",
            form=SessionForm.WRITTEN,
            state=SessionState.TALLIED,
            opens_at=now - timedelta(days=10),
            closes_at=now - timedelta(days=1),
            tallied_at=now - timedelta(days=1),
        )
        s.add(session)
        s.flush()
        item = Item(session_id=session.id, position=1, kind="question", matter=matter, title="事项", body="")
        s.add(item)
        s.flush()
        session.result = {"items": [{"id": str(item.id), "outcome": outcome}]}
        if verdict is not None:
            s.add(
                Certification(
                    session_id=session.id,
                    verdict=Verdict(verdict),
                    official_user_id=world.official.id,
                    decided_at=now,
                    statement="{}",
                    key_id="test",
                    signature="test",
                )
            )
        if revoked:
            item.revoked_at = now
        return item.id
