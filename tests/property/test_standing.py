"""The monthly red and black lists: computed on the first of the month from the month before, at the thresholds'
boundaries; confirmed by a street office of the city (a changed standing needs its reason); a black-listed company
is refused as a fund project's contractor until a later month's confirmed list lifts it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask

from app.accounts.services import create_user
from app.communities import services as register
from app.db import db
from app.domain.errors import RuleViolation
from app.fund.services import projects
from app.property_services.models import ListState, MonthlyStanding, RequestCategory
from app.property_services.services import findings, standing
from app.property_services.services.standing import Decision
from app.security.actor import actor_for
from app.security.permissions import PermissionDenied
from app.security.roles import Role
from tests.factories import CLI, PASSWORD
from tests.property.lists_helpers import held_survey, requests, voters
from tests.property_factories import PropertyWorld, property_world

FEB = date(2027, 2, 1)
MAR = date(2027, 3, 1)
NOW = datetime(2027, 2, 1, 2, 0, tzinfo=UTC)  # 1 February, 10:00 Beijing time: the world is built then
FIRST_OF_MARCH = datetime(2027, 2, 28, 16, 30, tzinfo=UTC)  # 00:30 on 1 March, Beijing time
IN_FEB = datetime(2027, 2, 10, 2, 0, tzinfo=UTC)


def world(units_b: int = 0, **kwargs: object) -> PropertyWorld:
    pw = property_world(now=NOW, **kwargs)  # type: ignore[arg-type]
    if units_b:
        register.add_building(CLI, pw.world.other_community.id, "1")
        voters(pw.world.other_community, ["80.00"] * units_b)
    return pw


def row(pw: PropertyWorld, company_id: int, month: date = FEB) -> MonthlyStanding:
    found = db.session.query(MonthlyStanding).filter_by(company_id=company_id, month=month).one()
    db.session.refresh(found)
    return found


def compute(pw: PropertyWorld, month: date = FEB) -> None:
    standing.compute_month(actor_for(pw.world.official), pw.city.id, month, now=FIRST_OF_MARCH + timedelta(days=40))


@pytest.mark.parametrize(("units", "complaints", "expected"), [(40, 4, "none"), (39, 4, "black")])
def test_black_over_ten_complaints_per_hundred_units(app: Flask, units: int, complaints: int, expected: str) -> None:
    pw = world(units_b=units)
    requests(pw.world.other_community, complaints, filed=IN_FEB)
    requests(pw.world.other_community, 5, filed=IN_FEB, category=RequestCategory.REPAIR)  # repairs are no complaints
    compute(pw)
    got = row(pw, pw.other_company.id)
    assert (got.complaints, got.units, got.steps_due, got.steps_on_time) == (complaints, units, 3 * (complaints + 5), 3 * (complaints + 5))
    assert got.computed == expected and got.reasons == ([] if expected == "none" else ["complaints"])


@pytest.mark.parametrize(("late", "expected"), [(8, "none"), (9, "black")])
def test_black_under_sixty_percent_on_time(app: Flask, late: int, expected: str) -> None:
    # 20 repairs, 60 steps: 8 late requests leave 36 on time (60 %), 9 leave 33 (55 %).
    pw = world()
    requests(pw.community, 20, filed=IN_FEB, category=RequestCategory.REPAIR, late=late)
    compute(pw)
    got = row(pw, pw.company.id)
    assert (got.steps_due, got.steps_on_time) == (60, 60 - 3 * late)
    assert got.computed == expected and (got.reasons == ["late"]) is (expected == "black")


@pytest.mark.parametrize(("late", "satisfied", "expected"), [(1, 9, "red"), (2, 9, "none"), (1, 8, "none")])
def test_red_on_time_ninety_five_percent_and_ninety_percent_satisfied(app: Flask, late: int, satisfied: int, expected: str) -> None:
    # 20 requests: a late one leaves 57 of 60 steps on time (95 %), two leave 54 (90 %); 9 of 10 voters satisfied is 90 %.
    pw = world(register_a=False)
    voters(pw.community, ["80.00"] * 10)
    held_survey(actor_for(pw.world.committee), pw.community, [0] * satisfied + [2] * (10 - satisfied), now=NOW)
    requests(pw.community, 20, filed=IN_FEB, category=RequestCategory.REPAIR, late=late)
    compute(pw)
    got = row(pw, pw.company.id)
    assert (got.satisfaction_num, got.satisfaction_den) == ((9, 10) if satisfied == 9 else (4, 5))
    assert got.computed == expected


def test_a_finding_in_the_month_puts_the_company_on_the_black_list(app: Flask) -> None:
    pw = world()
    official = actor_for(pw.world.official)
    findings.record_finding(official, pw.community.id, text="台账未按规定公示", found_on=date(2027, 2, 27), now=IN_FEB + timedelta(days=20))
    findings.record_finding(official, pw.community.id, text="上月的问题", found_on=date(2027, 1, 31), now=IN_FEB)
    compute(pw)
    got = row(pw, pw.company.id)
    assert (got.findings, got.computed, got.reasons) == (1, "black", ["finding"])
    assert row(pw, pw.other_company.id).computed == "none"
    with pytest.raises(RuleViolation) as future:
        findings.record_finding(official, pw.community.id, text="x", found_on=date(2027, 2, 11), now=IN_FEB)
    assert future.value.field == "found_on"
    for who in (pw.staff, pw.world.committee):
        with pytest.raises(PermissionDenied):
            findings.record_finding(actor_for(who), pw.community.id, text="x", found_on=date(2027, 2, 9), now=IN_FEB)


def test_steps_count_in_the_month_they_fall_due(app: Flask) -> None:
    # Filed on 31 January at 20:00 Beijing time: answered and on site due in January, resolved due in February.
    pw = world()
    requests(pw.community, 1, filed=datetime(2027, 1, 31, 12, 0, tzinfo=UTC), category=RequestCategory.REPAIR)
    compute(pw)
    got = row(pw, pw.company.id)
    assert (got.complaints, got.steps_due, got.steps_on_time) == (0, 1, 1)


def test_the_clock_computes_the_month_before_only_on_the_first_and_once(app: Flask) -> None:
    pw = world()
    requests(pw.community, 2, filed=IN_FEB, late=2)
    assert standing.compute_due(FIRST_OF_MARCH - timedelta(hours=1)) == ""  # 23:30 on 28 February
    assert standing.compute_due(FIRST_OF_MARCH + timedelta(days=1)) == ""  # 2 March
    report = standing.compute_due(FIRST_OF_MARCH)
    assert "2027-02" in report and "2" in report
    assert row(pw, pw.company.id).state is ListState.PROPOSED and row(pw, pw.company.id).computed == "black"
    assert standing.compute_due(FIRST_OF_MARCH + timedelta(minutes=1)) == ""
    assert db.session.query(MonthlyStanding).count() == 2
    # A company registered later that day is computed at the next minute, the others stay as they were.
    registry_official = actor_for(pw.world.official)
    from app.property_services.services import registry

    registry.create_company(registry_official, city_id=pw.city.id, name="新建物业有限公司", licence_number="91140400MA0KX9999C", now=NOW)
    assert "1 company" in standing.compute_due(FIRST_OF_MARCH + timedelta(minutes=2))
    assert db.session.query(MonthlyStanding).count() == 3


def test_the_office_computes_only_a_month_that_is_over(app: Flask) -> None:
    pw = world()
    with pytest.raises(RuleViolation) as refused:
        standing.compute_month(actor_for(pw.world.official), pw.city.id, MAR, now=FIRST_OF_MARCH + timedelta(days=5))
    assert refused.value.field == "month"


def _confirm(pw: PropertyWorld, decisions: list[Decision], month: date = FEB, who: object = None) -> list[MonthlyStanding]:
    actor = actor_for(who or pw.world.official)
    return standing.confirm_month(actor, pw.city.id, month, decisions, now=FIRST_OF_MARCH + timedelta(days=2))


def _decisions(pw: PropertyWorld, month: date = FEB, **changes: tuple[str, str]) -> list[Decision]:
    """The proposed rows, in the page's order, kept as computed except ``changes`` by company name prefix."""
    out = []
    for entry in standing.proposed_rows(pw.city.id, month):
        change = next((v for k, v in changes.items() if entry.company.name.startswith(k)), None)
        out.append(Decision(entry.company.public_id, *(change or (entry.row.computed, ""))))
    return out


def test_the_office_confirms_the_computed_list_or_another_standing_with_its_reason(app: Flask) -> None:
    pw = world()
    requests(pw.community, 2, filed=IN_FEB, late=2)  # 康居: black (late, and 50 complaints per 100 units)
    compute(pw)
    # 安泰 (the first row by name) set to red without a reason: refused, naming the row.
    with pytest.raises(RuleViolation) as refused:
        _confirm(pw, _decisions(pw, 安泰=("red", "  ")))
    assert refused.value.field == "rows-0-reason" and "安泰物业管理有限公司" in refused.value.reason
    with pytest.raises(RuleViolation) as bad:
        _confirm(pw, _decisions(pw, 安泰=("gold", "")))
    assert bad.value.field == "rows-0-standing"
    with pytest.raises(RuleViolation) as partial:
        _confirm(pw, _decisions(pw)[:1])
    assert partial.value.field == "rows" and "康居" in partial.value.reason
    assert all(e.row.state is ListState.PROPOSED for e in standing.month_rows(pw.city.id, FEB))
    assert standing.published_months(pw.city.id) == []
    _confirm(pw, _decisions(pw, 安泰=("red", "业主评价显著提高")))
    listed = standing.published_list(pw.city.id, FEB)
    assert [e.company.name for e in listed.red] == ["安泰物业管理有限公司"] and listed.red[0].reasons == ["业主评价显著提高"]
    assert [e.company.name for e in listed.black] == ["康居物业服务有限公司"]
    assert listed.black[0].reasons == ["办理环节超时", "每百户投诉量超标"]
    assert standing.published_months(pw.city.id) == [FEB]
    kept = row(pw, pw.company.id)
    assert (kept.standing, kept.office_reason, kept.confirmed_by_office_id) == ("black", "", pw.world.office.id)
    # Once confirmed, nothing is waiting; recomputing leaves the confirmed list as it is.
    with pytest.raises(RuleViolation) as again:
        _confirm(pw, _decisions(pw))
    assert again.value.field == "month"
    requests(pw.community, 30, filed=IN_FEB)
    compute(pw)
    assert row(pw, pw.company.id).complaints == 2


def test_only_the_citys_street_offices_confirm_and_compute(app: Flask) -> None:
    pw = world()
    compute(pw)
    city = register.create_city(CLI, code="datong", name="大同市")
    district = register.create_district(CLI, city_id=city.id, code="pingcheng", name="平城区")
    office = register.create_street_office(CLI, code="xinjian", name="新建街道办事处")
    register.assign_office_to_district(CLI, street_office_id=office.id, district_id=district.id)
    stranger = create_user(
        CLI, username="datong", display_name="大同科长", password=PASSWORD, role=Role.STREET_OFFICIAL, street_office_id=office.id
    )
    city_official = create_user(
        CLI, username="city", display_name="市住建局", password=PASSWORD, role=Role.CITY_OFFICIAL, city_id=pw.city.id
    )
    for who in (stranger, city_official, pw.staff, pw.other_staff, pw.world.committee, pw.world.outsider):
        with pytest.raises(PermissionDenied):
            _confirm(pw, _decisions(pw), who=who)
        with pytest.raises(PermissionDenied):
            standing.compute_month(actor_for(who), pw.city.id, FEB, now=FIRST_OF_MARCH + timedelta(days=2))
    assert all(e.row.state is ListState.PROPOSED for e in standing.month_rows(pw.city.id, FEB))


def _open_project(pw: PropertyWorld, contractor: str) -> None:
    projects.open_project(
        actor_for(pw.world.committee),
        community_id=pw.community.id,
        title="1 号楼屋面防水",
        works="1 号楼屋面防水层整体翻修",
        contractor=contractor,
        budget="80,000",
        units="1-101",
        now=FIRST_OF_MARCH + timedelta(days=3),
    )


def test_a_black_listed_company_is_no_fund_projects_contractor_until_a_later_list_lifts_it(app: Flask) -> None:
    pw = world(units_b=10)
    requests(pw.world.other_community, 3, filed=IN_FEB, late=3)  # 安泰: late and 30 complaints per 100 units
    compute(pw)
    # Proposed is not published: nothing is refused yet.
    _open_project(pw, "安泰物业管理有限公司")
    _confirm(pw, _decisions(pw))
    for contractor in ("安泰物业管理有限公司", " 安泰物业 管理有限公司（维修部）", "统一社会信用代码 91140400ma0kx5678b"):
        with pytest.raises(RuleViolation) as refused:
            _open_project(pw, contractor)
        assert refused.value.field == "contractor"
        assert "安泰物业管理有限公司" in refused.value.reason and "2027-02" in refused.value.reason
        assert "办理环节超时" in refused.value.reason
    _open_project(pw, "康居物业服务有限公司")
    # March is computed but not confirmed: still refused; once March is confirmed (neither list), it is lifted.
    standing.compute_month(actor_for(pw.world.official), pw.city.id, MAR, now=datetime(2027, 4, 2, 2, 0, tzinfo=UTC))
    with pytest.raises(RuleViolation):
        _open_project(pw, "安泰物业管理有限公司")
    standing.confirm_month(actor_for(pw.world.official), pw.city.id, MAR, _decisions(pw, MAR), now=datetime(2027, 4, 2, 3, 0, tzinfo=UTC))
    assert row(pw, pw.other_company.id, MAR).standing == "none"
    _open_project(pw, "安泰物业管理有限公司")


def test_the_office_may_black_list_against_the_computed_standing_and_the_refusal_gives_its_reason(app: Flask) -> None:
    pw = world()
    compute(pw)
    _confirm(pw, _decisions(pw, 安泰=("black", "拒不整改消防隐患")))
    with pytest.raises(RuleViolation) as refused:
        _open_project(pw, "安泰物业管理有限公司")
    assert "拒不整改消防隐患" in refused.value.reason
