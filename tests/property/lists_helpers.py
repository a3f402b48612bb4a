"""What the satisfaction and the lists' tests build: registers of many voters, a survey answered as wanted, and the
service requests of a month (inserted as rows: the filing services are tested with the requests)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select

from app.communities import services as register
from app.communities.models import Community, Unit
from app.consultations.models import Consultation, ConsultationAnswer, ConsultationOption, ConsultationRollLine
from app.consultations.services import close_consultation
from app.db import db
from app.property_services.models import PropertyCompany, RequestCategory, RequestState, SatisfactionSurvey, ServiceRequest
from app.property_services.services import satisfaction
from app.property_services.services.common import contract_in_force
from app.security.actor import Actor
from tests.factories import CLI, register_csv


def voters(community: Community, areas: Sequence[str]) -> None:
    """The community's register: one owner per flat of building 1, with the areas given (``"80.00"``)."""
    rows = [f"1,{101 + n},{area},,,,业主{n + 1},{n + 1:04d},," for n, area in enumerate(areas)]
    register.import_register_file(CLI, community.id, "r.csv", register_csv(*rows))


def answer(survey: SatisfactionSurvey, choices: Sequence[int]) -> None:
    """The roll's voters answer in order: ``choices[n]`` is the n-th voter's option (0 满意, 1 基本满意, 2 不满意)."""
    with db.write() as s:
        consultation = s.get(Consultation, survey.consultation_id)
        assert consultation is not None
        options = list(
            s.scalars(
                select(ConsultationOption)
                .where(ConsultationOption.consultation_id == consultation.id)
                .order_by(ConsultationOption.position)
            )
        )
        lines = list(
            s.scalars(
                select(ConsultationRollLine)
                .where(ConsultationRollLine.consultation_id == consultation.id)
                .order_by(ConsultationRollLine.id)
            )
        )
        for line, choice in zip(lines, choices, strict=False):
            s.add(
                ConsultationAnswer(
                    consultation_id=consultation.id,
                    roll_line_id=line.id,
                    option_id=options[choice].id,
                    area_centi=line.area_centi,
                    heads=line.heads,
                )
            )


def held_survey(
    actor: Actor, community: Community, choices: Sequence[int], *, now: datetime, close: Actor | None = None
) -> SatisfactionSurvey:
    """A survey opened at ``now``, answered with ``choices`` and closed an hour later by ``close`` (or the opener)."""
    survey = satisfaction.open_survey(actor, community.id, closes_on=(now + timedelta(days=20)).date(), now=now)
    answer(survey, choices)
    close_consultation(close or actor, survey.consultation_id, now=now + timedelta(hours=1))
    return survey


def requests(
    community: Community,
    count: int,
    *,
    filed: datetime,
    category: RequestCategory = RequestCategory.COMPLAINT,
    late: int = 0,
    upheld: bool | None = None,
) -> None:
    """``count`` requests filed at ``filed`` against the company serving the community then; the first ``late`` of them
    have every step late (never done), the others every step done on time. Deadlines: 30 minutes, 3 hours, 3 days."""
    with db.write() as s:
        contract = contract_in_force(s, community.id, filed.date())
        assert contract is not None
        unit_id = s.scalars(select(Unit.id).where(Unit.community_id == community.id)).first()
        assert unit_id is not None
        for n in range(count):
            due = (filed + timedelta(minutes=30), filed + timedelta(hours=3), filed + timedelta(days=3))
            done = (None, None, None) if n < late else (due[0], due[1] - timedelta(minutes=5), due[2] - timedelta(hours=1))
            s.add(
                ServiceRequest(
                    public_id=secrets.token_urlsafe(9),
                    community_id=community.id,
                    company_id=contract.company_id,
                    contract_id=contract.id,
                    unit_id=unit_id,
                    category=category,
                    kind="other",
                    text="电梯停运",
                    state=RequestState.FILED if n < late else RequestState.RESOLVED,
                    filed_at=filed,
                    due_acknowledge=due[0],
                    due_on_site=due[1],
                    due_resolve=due[2],
                    acknowledged_at=done[0],
                    on_site_at=done[1],
                    resolved_at=done[2],
                    upheld=upheld,
                )
            )


def company_named(name: str) -> PropertyCompany:
    return db.session.execute(select(PropertyCompany).where(PropertyCompany.name == name)).scalar_one()
