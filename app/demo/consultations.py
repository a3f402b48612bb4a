"""The demo's consultations in 兰亭苑: one taking answers, with a few given on the board, and one closed whose summary is
on the board (answered in its time, closed by the clock at the end of its last day)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..clock import today_in_china
from ..communities.models import Community, Person
from ..communities.queries import community_roll
from ..consultations import services as consultations
from ..consultations.models import Consultation
from ..db import db, utcnow
from ..domain.errors import RuleViolation
from ..security.actor import actor_for

OPEN_TITLE = "是否在小区东门增设快递柜？"
OPEN_OPTIONS = ("同意增设，放在东门内侧", "同意增设，放在地下车库入口", "不同意增设")
CLOSED_TITLE = "2027 年春节期间小区装饰布置方案"
CLOSED_OPTIONS = ("沿用往年灯笼布置", "增加主干道彩灯", "节俭从简，不作布置")


def seed_consultations(community: Community) -> Iterator[str]:
    titles = set(db.session.execute(select(Consultation.title).where(Consultation.community_id == community.id)).scalars())
    if not titles & {OPEN_TITLE, CLOSED_TITLE}:
        _seed(community)
    path = f"/c/{community.slug}/consultations"
    yield _("%(name)s: consultations, one taking answers and one with its summary, %(path)s", name=community.name, path=path)


def _owners(community: Community, count: int, skip: int = 0) -> list[tuple[str, str, str]]:
    """(unit, name, last four ID characters) of a holder of each of ``count`` voters, from the register."""
    found = []
    for voter in community_roll(community.id).voters[skip:]:
        person = db.session.get(Person, int(sorted(voter.holders)[0])) if voter.holders else None
        if person is not None and not person.is_developer and person.id_last4:
            found.append((voter.units[0], person.name, person.id_last4))
        if len(found) == count:
            break
    return found


def _answer(c: Consultation, owners: list[tuple[str, str, str]], picks: list[int], now: datetime) -> None:
    labels = [o.id for o in c.options]
    for (unit, name, last4), pick in zip(owners, picks, strict=False):
        try:
            consultations.answer_by_identity(c.public_id, labels[pick], unit=unit, name=name, id_last4=last4, ip="demo", now=now)
        except RuleViolation:  # a unit the register shares with one already answered: its voter answered once
            continue


def _seed(community: Community) -> None:
    now = utcnow()
    chair = actor_for(db.session.execute(select(User).where(User.username == "lanting-chair")).scalar_one())
    earlier = now - timedelta(days=40)
    closed = consultations.draft_consultation(
        chair,
        community_id=community.id,
        title=CLOSED_TITLE,
        description="春节布置费用从公共收益中列支，业委会想先了解业主的意愿。",
        options=CLOSED_OPTIONS,
        closes_on=today_in_china(earlier) + timedelta(days=10),
        now=earlier,
    )
    closed = consultations.open_consultation(chair, closed.id, now=earlier)
    _answer(closed, _owners(community, 12), [0, 1, 1, 0, 2, 1, 1, 0, 1, 2, 1, 1], earlier + timedelta(days=2))
    consultations.close_due(closed.closes_at + timedelta(minutes=5))

    opened_at = now - timedelta(days=3)
    current = consultations.draft_consultation(
        chair,
        community_id=community.id,
        title=OPEN_TITLE,
        description="多位业主反映快递堆放在门岗，业委会拟与物业协商增设快递柜，先征询业主意见；结果供业委会决定时参考。",
        options=OPEN_OPTIONS,
        closes_on=today_in_china(now) + timedelta(days=11),
        now=opened_at,
    )
    current = consultations.open_consultation(chair, current.id, now=opened_at)
    _answer(current, _owners(community, 5, skip=20), [0, 1, 0, 2, 0], opened_at + timedelta(days=1))
