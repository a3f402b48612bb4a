"""The yearly satisfaction survey: a consultation of the owners, its satisfied share by headcount and by area (the
lower one judged), the profile's warning under 80 % and the exit procedure past 20 upheld complaints under 50 %."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest
from flask import Flask

from app.communities import services as register
from app.consultations.models import Consultation, ConsultationState
from app.db import db
from app.domain.errors import RuleViolation
from app.elections import services as elections
from app.notices import services as notices
from app.property_services.models import RequestCategory
from app.property_services.services import satisfaction
from app.security.actor import actor_for
from app.security.permissions import PermissionDenied
from tests.committee_factories import NAMES
from tests.factories import CLI, register_csv
from tests.property.lists_helpers import answer, held_survey, requests, voters
from tests.property_factories import property_world

NOW = datetime(2027, 6, 1, 2, 0, tzinfo=UTC)  # 10:00 Beijing time


def test_the_committee_opens_the_years_survey_of_its_company_as_a_consultation(app: Flask) -> None:
    pw = property_world(profile="cn-baotou", now=NOW)
    chair = actor_for(pw.world.committee)
    survey = satisfaction.open_survey(chair, pw.community.id, closes_on=date(2027, 6, 20), now=NOW)
    consultation = db.session.get(Consultation, survey.consultation_id)
    assert consultation is not None
    assert consultation.purpose == "satisfaction" and consultation.state is ConsultationState.OPEN
    assert [o.label for o in consultation.options] == ["满意", "基本满意", "不满意"]
    assert "康居物业服务有限公司" in consultation.title and "2027" in consultation.title
    assert (survey.company_id, survey.year, survey.satisfied_options) == (pw.company.id, 2027, 2)
    assert any("满意度" in n.title for n in notices.board(pw.community.id))
    with pytest.raises(RuleViolation) as again:
        satisfaction.open_survey(chair, pw.community.id, closes_on=date(2027, 6, 20), now=NOW)
    assert again.value.field == "survey" and "康居物业服务有限公司" in again.value.reason


@pytest.mark.parametrize(("closes_on", "field"), [(None, "closes_on"), (date(2027, 6, 1), "closes_on"), (date(2027, 9, 30), "closes_on")])
def test_the_survey_needs_a_last_day_after_today_within_ninety_days(app: Flask, closes_on: date | None, field: str) -> None:
    pw = property_world(now=NOW)
    with pytest.raises(RuleViolation) as refused:
        satisfaction.open_survey(actor_for(pw.world.committee), pw.community.id, closes_on=closes_on, now=NOW)
    assert refused.value.field == field


def test_the_street_office_opens_it_only_where_no_committee_sits(app: Flask) -> None:
    pw = property_world(now=NOW)
    official = actor_for(pw.world.official)
    # 兰亭苑 has no seated committee: its office runs the survey.
    satisfaction.open_survey(official, pw.community.id, closes_on=date(2027, 6, 20), now=NOW)
    # 梅园 has one in its term: the office may not.
    other = pw.world.other_community
    rows = [f"1,{101 + n},80.00,,,,{name},{n + 1:04d},," for n, name in enumerate(NAMES)]
    register.add_building(CLI, other.id, "1")
    register.import_register_file(CLI, other.id, "r.csv", register_csv(*rows))
    members = [{"unit": f"1-{101 + n}", "name": name, "role": "chair" if n == 0 else "member"} for n, name in enumerate(NAMES)]
    elections.register_sitting_committee(
        official, community_id=other.id, members=members, term_start=date(2025, 1, 1), term_end=date(2029, 12, 31), now=NOW
    )
    with pytest.raises(PermissionDenied):
        satisfaction.open_survey(official, other.id, closes_on=date(2027, 6, 20), now=NOW)
    for outsider in (pw.staff, pw.other_staff, pw.world.committee):  # staff of either company; another community's chair
        with pytest.raises(PermissionDenied):
            satisfaction.open_survey(actor_for(outsider), other.id, closes_on=date(2027, 6, 20), now=NOW)
    satisfaction.open_survey(actor_for(pw.world.outsider), other.id, closes_on=date(2027, 6, 20), now=NOW)  # its own committee


def test_the_satisfaction_judged_is_the_lower_of_the_shares_by_headcount_and_by_area(app: Flask) -> None:
    pw = property_world(now=NOW, register_a=False)
    voters(pw.community, ["200.00", "50.00", "50.00", "50.00", "50.00"])
    chair = actor_for(pw.world.committee)
    # The four small flats are satisfied (or fairly), the large one is not: 4 of 5 by headcount, 200 of 400 m² by area.
    survey = held_survey(chair, pw.community, [2, 0, 1, 0, 1], now=NOW)
    (result,) = satisfaction.surveys_of(pw.community.id)
    assert result.closed and result.survey.id == survey.id
    assert (result.by_heads, result.by_area, result.satisfaction) == (Fraction(4, 5), Fraction(1, 2), Fraction(1, 2))
    flags = satisfaction.flags_of(pw.community, NOW + timedelta(days=1))
    assert flags is not None and flags.warning and not flags.exit_procedure


def test_an_open_survey_shows_no_share_and_raises_no_flag(app: Flask) -> None:
    pw = property_world(now=NOW)
    survey = satisfaction.open_survey(actor_for(pw.world.committee), pw.community.id, closes_on=date(2027, 6, 20), now=NOW)
    answer(survey, [2, 2, 2, 2])
    (result,) = satisfaction.surveys_of(pw.community.id)
    assert not result.closed and result.satisfaction is None
    assert satisfaction.flags_of(pw.community, NOW) is None


@pytest.mark.parametrize(("satisfied", "warned"), [(79, True), (80, False)])
def test_the_warning_is_under_eighty_percent(app: Flask, satisfied: int, warned: bool) -> None:
    pw = property_world(profile="cn-baotou", now=NOW, register_a=False)
    voters(pw.community, ["80.00"] * 100)
    held_survey(actor_for(pw.world.committee), pw.community, [0] * (satisfied - 40) + [1] * 40 + [2] * (100 - satisfied), now=NOW)
    flags = satisfaction.flags_of(pw.community, NOW + timedelta(days=1))
    assert flags is not None and flags.result.satisfaction == Fraction(satisfied, 100)
    assert flags.warning is warned


@pytest.mark.parametrize(("upheld", "satisfied", "exit_"), [(21, 49, True), (20, 49, False), (21, 50, False)])
def test_the_exit_procedure_needs_more_than_twenty_upheld_complaints_and_under_half_satisfied(
    app: Flask, upheld: int, satisfied: int, exit_: bool
) -> None:
    pw = property_world(profile="cn-baotou", now=NOW, register_a=False)
    voters(pw.community, ["80.00"] * 100)
    chair = actor_for(pw.world.committee)
    held_survey(chair, pw.community, [0] * satisfied + [2] * (100 - satisfied), now=NOW)
    requests(pw.community, upheld, filed=datetime(2027, 3, 2, 2, 0, tzinfo=UTC), upheld=True)
    # Neither a complaint not upheld, nor a repair, nor last year's upheld complaint counts.
    requests(pw.community, 3, filed=datetime(2027, 3, 2, 2, 0, tzinfo=UTC), upheld=False)
    requests(pw.community, 2, filed=datetime(2027, 3, 2, 2, 0, tzinfo=UTC), upheld=True, category=RequestCategory.REPAIR)
    requests(pw.community, 1, filed=datetime(2026, 12, 31, 15, 59, tzinfo=UTC), upheld=True)  # 23:59 on 31 December
    flags = satisfaction.flags_of(pw.community, NOW + timedelta(days=1))
    assert flags is not None and flags.upheld == upheld
    assert flags.exit_procedure is exit_ and flags.warning
