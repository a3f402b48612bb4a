"""Reading consultations: a community's, the open ones, one by its public id, how many a year held."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from ...clock import start_of_day
from ...db import db
from ..models import Consultation, ConsultationState


def by_public_id(public_id: str) -> Consultation | None:
    return db.session.execute(select(Consultation).where(Consultation.public_id == public_id)).scalar_one_or_none()


def consultations_of(community_id: int, *, drafts: bool = False) -> list[Consultation]:
    """The community's consultations, open ones first, then the newest; drafts only for the committee."""
    query = select(Consultation).where(Consultation.community_id == community_id)
    if not drafts:
        query = query.where(Consultation.state != ConsultationState.DRAFT)
    rows = list(db.session.execute(query.order_by(Consultation.created_at.desc(), Consultation.id.desc())).scalars())
    order = {ConsultationState.DRAFT: 0, ConsultationState.OPEN: 1, ConsultationState.CLOSED: 2}
    return sorted(rows, key=lambda c: order[c.state])


def open_for(community_id: int, now: datetime | None = None) -> list[Consultation]:
    """The community's consultations taking answers (at ``now``, when given), the soonest to close first."""
    query = select(Consultation).where(Consultation.community_id == community_id, Consultation.state == ConsultationState.OPEN)
    if now is not None:
        query = query.where(Consultation.closes_at > now)
    return list(db.session.execute(query.order_by(Consultation.closes_at, Consultation.id)).scalars())


def held_in(community_id: int, start: date, end: date, *, purpose: str | None = None) -> int:
    """How many consultations the community opened from ``start`` to ``end`` (Beijing days, both included)."""
    query = select(func.count()).where(
        Consultation.community_id == community_id,
        Consultation.opens_at.is_not(None),
        Consultation.opens_at >= start_of_day(start),
        Consultation.opens_at < start_of_day(end + timedelta(days=1)),
    )
    if purpose is not None:
        query = query.where(Consultation.purpose == purpose)
    return int(db.session.execute(query).scalar_one())
