"""The yearly satisfaction survey of the company serving a community (物业服务满意度测评), and the flags it raises.

The survey is a consultation of the owners (purpose "satisfaction"): one answer per voter of the roll, weighed by
area and headcount, with the options 满意 / 基本满意 / 不满意, the first two counting as satisfied. Its result is the
satisfied share of the answers by headcount and by area, exact; the satisfaction the thresholds judge is the LOWER of
the two, so that neither a few large units nor many small ones can carry a company past a threshold. From it and the
year's upheld complaints come the profile's warning and the exit procedure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...clock import start_of_day, today_in_china
from ...communities.models import Community
from ...consultations import services as consultations
from ...consultations.models import Consultation, ConsultationState
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...domain.service_standing import Thresholds, exit_procedure, satisfied_share, warning
from ...elections.services.common import current_committee
from ...security.actor import Actor
from ...security.permissions import can_consult_owners, is_street_official, require
from ..labels import SATISFACTION_OPTIONS, SATISFIED_OPTIONS
from ..models import PropertyCompany, RequestCategory, SatisfactionSurvey, ServiceRequest
from .common import serving_company, thresholds_of

PURPOSE = "satisfaction"


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year as UTC instants: from the start of 1 January to the start of the next, Beijing time."""
    return start_of_day(date(year, 1, 1)), start_of_day(date(year + 1, 1, 1))


def office_may_survey(s: Session, community: Community, today: date) -> bool:
    """Whether the community has no committee in its term, so that its street office runs the survey itself."""
    committee = current_committee(community.id, s)
    return committee is None or committee.term_end < today


def may_open_survey(s: Session, actor: Actor, community: Community, today: date) -> bool:
    """The community's committee (or preparatory group); its street office when it has no committee in its term."""
    if can_consult_owners(actor, community):
        return True
    return is_street_official(actor, community.street_office_id) and office_may_survey(s, community, today)


def open_survey(actor: Actor, community_id: int, *, closes_on: date | None, now: datetime) -> SatisfactionSurvey:
    """Open this year's survey of the company serving the community: the consultation is drafted, opened and announced
    on the board, and the survey recorded, in one transaction. One survey per community, company and year."""
    today = today_in_china(now)
    if closes_on is None:
        raise RuleViolation("closes_on", str(_l("Give the last day on which owners can answer.")))
    if closes_on <= today:
        raise RuleViolation("closes_on", str(_l("The last day to answer must be after today.")))
    if closes_on > today + timedelta(days=90):
        raise RuleViolation("closes_on", str(_l("A survey takes answers for at most 90 days.")))
    with db.write() as s:
        community = s.get(Community, community_id)
        if community is None:
            raise NotFound(str(_l("No such community.")))
        require(may_open_survey(s, actor, community, today))
        company = serving_company(s, community.id, today)
        if company is None:
            raise RuleViolation("community", str(_l("No company serves this community under a contract in force.")))
        held = survey_of(s, community.id, company.id, today.year)
        if held is not None:
            raise RuleViolation("survey", str(_l("This year's survey of %(company)s has already been opened.", company=company.name)))
        with force_locale("zh_CN"):
            title = str(_l("Satisfaction survey %(year)d: %(company)s", year=today.year, company=company.name))
            description = str(
                _l(
                    "How satisfied are you with the service of %(company)s this year? Each voter answers once. "
                    "The result is published by headcount and by area.",
                    company=company.name,
                )
            )
            options = [str(label) for label in SATISFACTION_OPTIONS]
        consultation = consultations.draft_in(
            s, actor, community, title=title, description=description, options=options, closes_on=closes_on, now=now, purpose=PURPOSE
        )
        consultations.open_in(s, actor, consultation, community, now=now)
        survey = SatisfactionSurvey(
            consultation_id=consultation.id,
            community_id=community.id,
            company_id=company.id,
            year=today.year,
            satisfied_options=SATISFIED_OPTIONS,
        )
        s.add(survey)
        s.flush()
        data = {"company": company.public_id, "year": today.year, "consultation": consultation.public_id}
        record(s, actor, "satisfaction.open", "property_satisfaction_survey", survey.id, **scope(community), data=data, now=now)
    return survey


def survey_of(s: Session, community_id: int, company_id: int, year: int) -> SatisfactionSurvey | None:
    return s.scalars(
        select(SatisfactionSurvey).where(
            SatisfactionSurvey.community_id == community_id, SatisfactionSurvey.company_id == company_id, SatisfactionSurvey.year == year
        )
    ).first()


@dataclass(frozen=True)
class SurveyResult:
    """A survey's result: the satisfied share of the answers by headcount and by area (None while it is open or
    when nobody answered). ``satisfaction`` is the lower of the two: the one the thresholds judge."""

    survey: SatisfactionSurvey
    consultation: Consultation
    company: PropertyCompany
    closed: bool
    satisfied_heads: int
    answered_heads: int
    satisfied_area_centi: int
    answered_area_centi: int

    @property
    def by_heads(self) -> Fraction | None:
        return satisfied_share(self.satisfied_heads, self.answered_heads) if self.closed else None

    @property
    def by_area(self) -> Fraction | None:
        return satisfied_share(self.satisfied_area_centi, self.answered_area_centi) if self.closed else None

    @property
    def satisfaction(self) -> Fraction | None:
        shares = [share for share in (self.by_heads, self.by_area) if share is not None]
        return min(shares) if shares else None


def result_of(s: Session, survey: SatisfactionSurvey) -> SurveyResult:
    consultation = s.get(Consultation, survey.consultation_id)
    company = s.get(PropertyCompany, survey.company_id)
    assert consultation is not None and company is not None
    counts = consultations.summary(consultation, s)
    satisfied = [o for o in counts.options if o.position < survey.satisfied_options]
    return SurveyResult(
        survey,
        consultation,
        company,
        consultation.state is ConsultationState.CLOSED,
        sum(o.heads for o in satisfied),
        counts.heads,
        sum(o.area_centi for o in satisfied),
        counts.area_centi,
    )


def closed_results(s: Session, *, company_id: int, year: int, before: datetime) -> list[SurveyResult]:
    """The company's surveys of ``year`` closed before ``before``, in every community (the month's lists read them)."""
    surveys = s.scalars(
        select(SatisfactionSurvey)
        .join(Consultation, Consultation.id == SatisfactionSurvey.consultation_id)
        .where(
            SatisfactionSurvey.company_id == company_id,
            SatisfactionSurvey.year == year,
            Consultation.state == ConsultationState.CLOSED,
            Consultation.closed_at < before,
        )
    )
    return [result_of(s, survey) for survey in surveys]


def upheld_in_year(s: Session, community_id: int, company_id: int, year: int) -> int:
    """The complaints filed in ``year`` in the community against the company that its street office upheld."""
    start, end = year_bounds(year)
    return int(
        s.scalar(
            select(func.count(ServiceRequest.id)).where(
                ServiceRequest.community_id == community_id,
                ServiceRequest.company_id == company_id,
                ServiceRequest.category == RequestCategory.COMPLAINT,
                ServiceRequest.upheld.is_(True),
                ServiceRequest.filed_at >= start,
                ServiceRequest.filed_at < end,
            )
        )
        or 0
    )


@dataclass(frozen=True)
class Flags:
    """What the latest closed survey of the serving company says, against the profile's thresholds."""

    result: SurveyResult
    upheld: int  # upheld complaints filed in the survey's year
    thresholds: Thresholds

    @property
    def year(self) -> int:
        return self.result.survey.year

    @property
    def warning(self) -> bool:
        return warning(self.result.satisfaction, self.thresholds)

    @property
    def exit_procedure(self) -> bool:
        return exit_procedure(self.upheld, self.result.satisfaction, self.thresholds)


def flags_of(community: Community, now: datetime, s: Session | None = None) -> Flags | None:
    """The flags of the company serving the community today: from its latest closed survey there (None without one)."""
    s = s or db.session()
    company = serving_company(s, community.id, today_in_china(now))
    if company is None:
        return None
    survey = s.scalars(
        select(SatisfactionSurvey)
        .join(Consultation, Consultation.id == SatisfactionSurvey.consultation_id)
        .where(
            SatisfactionSurvey.community_id == community.id,
            SatisfactionSurvey.company_id == company.id,
            Consultation.state == ConsultationState.CLOSED,
        )
        .order_by(SatisfactionSurvey.year.desc())
    ).first()
    if survey is None:
        return None
    return Flags(result_of(s, survey), upheld_in_year(s, community.id, company.id, survey.year), thresholds_of(community.rule_profile))


def surveys_of(community_id: int) -> list[SurveyResult]:
    """The community's surveys, the newest year first."""
    s = db.session()
    rows = s.scalars(
        select(SatisfactionSurvey).where(SatisfactionSurvey.community_id == community_id).order_by(SatisfactionSurvey.year.desc())
    )
    return [result_of(s, survey) for survey in rows]


def sync_surveys(community_id: int, now: datetime) -> None:
    """Bring the community's open surveys up to the clock (a survey past its last day closes with its summary)."""
    ids = db.session().scalars(
        select(Consultation.id)
        .join(SatisfactionSurvey, SatisfactionSurvey.consultation_id == Consultation.id)
        .where(SatisfactionSurvey.community_id == community_id, Consultation.state == ConsultationState.OPEN)
    )
    for consultation_id in list(ids):
        consultations.sync(consultation_id, now=now)
