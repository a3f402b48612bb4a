"""What the consultation's stages share: loading one for its committee, the closing day, the counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...clock import today_in_china
from ...communities.models import Community
from ...db import db
from ...domain.errors import NotFound
from ...security.actor import Actor
from ...security.permissions import can_consult_owners, require
from ..models import Consultation, ConsultationAnswer, ConsultationOption


def for_committee(s: Session, actor: Actor, consultation_id: int) -> tuple[Consultation, Community]:
    """The consultation, locked for the write, and its community, for those who may run it."""
    consultation = s.get(Consultation, consultation_id, with_for_update=True)
    if consultation is None:
        raise NotFound(str(_l("No such consultation.")))
    community = s.get(Community, consultation.community_id)
    assert community is not None
    require(can_consult_owners(actor, community))
    return consultation, community


def closing_day(consultation: Consultation) -> date:
    """The last day answers are taken: a consultation closes at the end of it (Beijing time)."""
    return today_in_china(consultation.closes_at - timedelta(microseconds=1))


def is_due(consultation: Consultation, now: datetime) -> bool:
    return now >= consultation.closes_at


@dataclass(frozen=True)
class OptionCount:
    option_id: int
    position: int
    label: str
    area_centi: int
    heads: int


@dataclass(frozen=True)
class Summary:
    """The counts of a consultation by option, by area (hundredths of m², exact) and headcount, against its roll."""

    consultation: Consultation
    options: tuple[OptionCount, ...]
    area_centi: int  # answered
    heads: int
    roll_area_centi: int
    roll_heads: int

    @property
    def area_share(self) -> Fraction:
        return Fraction(self.area_centi, self.roll_area_centi) if self.roll_area_centi else Fraction(0)

    @property
    def heads_share(self) -> Fraction:
        return Fraction(self.heads, self.roll_heads) if self.roll_heads else Fraction(0)


def summary(consultation: Consultation, s: Session | None = None) -> Summary:
    """Each option's answers by area and headcount, and the participation against the roll the consultation opened with."""
    s = s or db.session()
    rows = s.execute(
        select(
            ConsultationOption.id,
            ConsultationOption.position,
            ConsultationOption.label,
            func.coalesce(func.sum(ConsultationAnswer.area_centi), 0),
            func.coalesce(func.sum(ConsultationAnswer.heads), 0),
        )
        .outerjoin(ConsultationAnswer, ConsultationAnswer.option_id == ConsultationOption.id)
        .where(ConsultationOption.consultation_id == consultation.id)
        .group_by(ConsultationOption.id, ConsultationOption.position, ConsultationOption.label)
        .order_by(ConsultationOption.position)
    ).all()
    options = tuple(OptionCount(int(i), int(p), str(label), int(area), int(heads)) for i, p, label, area, heads in rows)
    return Summary(
        consultation,
        options,
        sum(o.area_centi for o in options),
        sum(o.heads for o in options),
        consultation.roll_area_centi or 0,
        consultation.roll_heads or 0,
    )
