"""A city of two districts and three offices: the figures of each, built through the services, and who may read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from click.testing import CliRunner
from flask import Flask

from app.accounts.models import User
from app.accounts.services import create_user
from app.audit.models import AuditEvent
from app.clock import today_in_china
from app.communities import services as register
from app.communities.models import City, Community, District, StreetOffice
from app.db import db, utcnow
from app.domain.committee import add_years
from app.domain.errors import RuleViolation
from app.elections import services as elections
from app.orders.models import OrderKind
from app.oversight import services as oversight
from app.security.actor import Grant, actor_for, operator
from app.security.permissions import PermissionDenied, can_certify, can_issue_orders, can_oversee, can_run_sessions, can_view_area
from app.security.roles import Role
from tests.factories import CLI, PASSWORD, World, enrol, make_world, register_csv


@dataclass
class Area:
    world: World
    city: City
    east: District  # 东城区: 新华街道 (兰亭苑, 梅园) and 和平街道 (松风苑, 竹林苑)
    west: District  # 西城区: 月坛街道 (青山苑)
    heping: StreetOffice
    yuetan: StreetOffice
    district_official: User
    city_official: User
    now: datetime


def owners(community: Community, n: int = 5) -> None:
    register.add_building(CLI, community.id, "1")
    rows = [f"1,{k},80.00,,,,业主{k},{k:04d},," for k in range(1, n + 1)]
    register.import_register_file(CLI, community.id, "r.csv", register_csv(*rows))


def sitting(community: Community, official: User, *, start: date, end: date, now: datetime) -> None:
    members = [{"unit": f"1-{k}", "name": f"业主{k}", "role": "chair" if k == 1 else "member"} for k in range(1, 6)]
    elections.register_sitting_committee(
        actor_for(official), community_id=community.id, members=members, term_start=start, term_end=end, now=now
    )


def make_area() -> Area:
    """兰亭苑: an owners' committee within its term; 梅园: none; 松风苑: a temporary committee; 竹林苑: a committee
    whose term ended ten days ago, ordered to re-elect by a deadline now past; 青山苑: none."""
    world = make_world()
    now = utcnow()
    today = today_in_china(now)
    city = register.create_city(CLI, code="beijing", name="北京市", rule_profile="cn-beijing")
    east = register.create_district(CLI, city_id=city.id, code="dongcheng", name="东城区")
    west = register.create_district(CLI, city_id=city.id, code="xicheng", name="西城区")
    heping = register.create_street_office(CLI, code="heping", name="和平街道办事处")
    yuetan = register.create_street_office(CLI, code="yuetan", name="月坛街道办事处")
    for office, district in ((world.office, east), (heping, east), (yuetan, west)):
        register.assign_office_to_district(CLI, street_office_id=office.id, district_id=district.id)
    songfeng = register.create_community(CLI, street_office_id=heping.id, slug="songfeng", name="松风苑")
    zhulin = register.create_community(CLI, street_office_id=heping.id, slug="zhulin", name="竹林苑")
    register.create_community(CLI, street_office_id=yuetan.id, slug="qingshan", name="青山苑")
    heping_official = create_user(
        CLI, username="heping-official", display_name="孙科长", password=PASSWORD, role=Role.STREET_OFFICIAL, street_office_id=heping.id
    )
    # 兰亭苑 (buildings 1 and 2 already there): a committee seated a year ago for four years.
    rows = [f"1,{k},80.00,,,,业主{k},{k:04d},," for k in range(1, 6)]
    register.import_register_file(CLI, world.community.id, "r.csv", register_csv(*rows))
    sitting(world.community, world.official, start=today - timedelta(days=365), end=add_years(today, 3), now=now)
    # 松风苑: a temporary management committee of seven, four owners' representatives.
    owners(songfeng, 4)
    members = [{"name": f"业主{k}", "unit": f"1-{k}", "owner_representative": True} for k in range(1, 5)]
    members += [{"name": f"干部{k}", "affiliation": "和平街道办事处", "owner_representative": False} for k in range(1, 4)]
    elections.appoint_temporary(
        actor_for(heping_official), community_id=songfeng.id, members=members, term_end=add_years(today, 1), now=now
    )
    # 竹林苑: seated four years ago, its term ended ten days ago; the re-election order of twenty days ago was due in ten.
    owners(zhulin)
    then = now - timedelta(days=20)
    sitting(zhulin, heping_official, start=add_years(today, -4), end=today - timedelta(days=10), now=then)
    oversight.issue_order(
        actor_for(heping_official),
        community_id=zhulin.id,
        kind=OrderKind.REELECT,
        subject="责令重新选举业主委员会",
        body="任期届满，请于十日内组织换届选举。",
        due_on=today_in_china(then) + timedelta(days=10),
        now=then,
    )
    district_official = create_user(
        CLI, username="district", display_name="周处长", password=PASSWORD, role=Role.DISTRICT_OFFICIAL, district_id=east.id
    )
    city_official = create_user(CLI, username="city", display_name="吴局长", password=PASSWORD, role=Role.CITY_OFFICIAL, city_id=city.id)
    for user in (heping_official, district_official, city_official):
        enrol(user)
    return Area(world, city, east, west, heping, yuetan, district_official, city_official, now)


def pair(report: oversight.AreaReport, name: str) -> tuple[int, int]:
    rate = report.figures.rates()[name]
    return rate.part, rate.whole


def test_the_city_district_and_office_figures_of_the_area(app: Flask) -> None:
    area = make_area()
    city = oversight.city_report(actor_for(area.city_official), area.city, now=area.now)
    assert [d.code for d in city.children] == ["dongcheng", "xicheng"]
    east, west = city.children
    assert [o.code for o in east.children] == ["heping", "xinhua-street"]
    heping, xinhua = east.children
    # 兰亭苑 and 松风苑 (temporary) of five; 竹林苑's committee is past its term.
    assert pair(city, "formation") == (2, 5) and city.figures.formation.rate.percent == "40.00"
    target = city.figures.formation.target
    assert target is not None and (target.year, target.percent) == (2022, "90.00") and city.figures.formation.met is False
    assert pair(east, "formation") == (2, 4) and pair(west, "formation") == (0, 1)
    assert pair(heping, "formation") == (1, 2) and pair(xinhua, "formation") == (1, 2)
    # Every level is measured against the city's target.
    assert xinhua.figures.formation.target == target and west.figures.formation.met is False
    assert pair(city, "reelection_ordered") == (1, 5) and pair(city, "reelection_overdue") == (1, 1)
    assert pair(west, "reelection_overdue") == (0, 0)
    # No preparatory group is kept yet: none of the three communities without a committee has one.
    assert pair(city, "preparatory") == (0, 3) and city.figures.longest_preparatory_days is None
    assert pair(city, "terms_ending") == (0, 1)
    for name in city.figures.rates():
        assert pair(city, name) == tuple(map(sum, zip(pair(east, name), pair(west, name), strict=True)))
    rows = {c.community.slug: c for c in heping.communities}
    assert rows["songfeng"].committee == "temporary" and rows["songfeng"].formed
    # A temporary committee's term shows as the owners' does, and never counts as an owners' term ending.
    assert rows["songfeng"].facts.term_ends_on == add_years(today_in_china(utcnow()), 1)
    assert not rows["songfeng"].facts.term_ending(today_in_china(utcnow()) + timedelta(days=300))
    assert rows["zhulin"].committee == "expired" and not rows["zhulin"].formed and rows["zhulin"].facts.reelection_overdue
    assert [c.community.slug for c in city.communities] == ["songfeng", "zhulin", "lanting", "meiyuan", "qingshan"]


def test_the_office_dashboard_counts_the_temporary_committee_and_not_the_expired_one(app: Flask) -> None:
    area = make_area()
    figures = oversight.figures(oversight.dashboard(area.heping.id, now=area.now))
    assert (figures.formation.part, figures.formation.whole) == (1, 2)


def test_each_official_reads_their_own_area_only(app: Flask) -> None:
    area = make_area()
    district, city, official = actor_for(area.district_official), actor_for(area.city_official), actor_for(area.world.official)
    xinhua = area.world.office
    assert oversight.district_report(district, area.east, now=area.now).figures.communities == 4
    assert oversight.office_report(district, xinhua, now=area.now).code == "xinhua-street"
    assert oversight.office_report(city, area.yuetan, now=area.now).figures.communities == 1
    assert oversight.district_report(city, area.west, now=area.now).code == "xicheng"
    assert oversight.office_report(official, xinhua, now=area.now).figures.formation.target is not None
    for actor, call in (
        (district, lambda a: oversight.district_report(a, area.west, now=area.now)),
        (district, lambda a: oversight.office_report(a, area.yuetan, now=area.now)),
        (district, lambda a: oversight.city_report(a, area.city, now=area.now)),
        (official, lambda a: oversight.district_report(a, area.east, now=area.now)),
        (official, lambda a: oversight.office_report(a, area.heping, now=area.now)),
        (actor_for(area.world.committee), lambda a: oversight.office_report(a, xinhua, now=area.now)),
    ):
        with pytest.raises(PermissionDenied):
            call(actor)


def test_district_and_city_officials_only_read(app: Flask) -> None:
    area = make_area()
    community = area.world.community
    for user in (area.district_official, area.city_official):
        actor = actor_for(user)
        assert can_oversee(actor, area.world.office.id, district_id=area.east.id, city_id=area.city.id)
        assert not can_oversee(actor, area.world.office.id)  # without the office's area, nothing to go by
        assert not can_certify(actor, community) and not can_issue_orders(actor, area.world.office.id)
        assert not can_run_sessions(actor, community)
        with pytest.raises(PermissionDenied):
            oversight.issue_order(
                actor,
                community_id=community.id,
                kind=OrderKind.RECTIFY,
                subject="限期改正",
                body="请改正。",
                due_on=today_in_china(area.now) + timedelta(days=10),
                now=area.now,
            )
    assert not can_view_area(actor_for(area.district_official), district_id=area.west.id, city_id=None)
    assert can_view_area(operator("cli", Grant.city(area.city.id)), district_id=area.west.id, city_id=area.city.id)
    assert can_view_area(operator("cli", Grant.district(area.west.id)), street_office_id=area.yuetan.id, district_id=area.west.id)


def test_cities_districts_and_assignments_are_checked_and_audited(app: Flask) -> None:
    world = make_world()
    with pytest.raises(RuleViolation, match="unknown rule profile"):
        register.create_city(CLI, code="baotou", name="包头市", rule_profile="cn-nowhere")
    city = register.create_city(CLI, code="baotou", name="包头市", rule_profile="cn-baotou")
    with pytest.raises(RuleViolation, match="taken"):
        register.create_city(CLI, code="baotou", name="包头市")
    with pytest.raises(RuleViolation, match="No such city"):
        register.create_district(CLI, city_id=city.id + 1, code="kundulun", name="昆都仑区")
    district = register.create_district(CLI, city_id=city.id, code="kundulun", name="昆都仑区")
    with pytest.raises(PermissionDenied):
        register.assign_office_to_district(actor_for(world.official), street_office_id=world.office.id, district_id=district.id)
    register.assign_office_to_district(CLI, street_office_id=world.office.id, district_id=district.id)
    register.assign_office_to_district(CLI, street_office_id=world.office.id, district_id=district.id)  # no change, no event
    assert db.session.get(StreetOffice, world.office.id).district_id == district.id  # type: ignore[union-attr]
    actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.seq)]
    assert actions.count("city.create") == 1 and actions.count("district.create") == 1
    assert actions.count("street_office.assign_district") == 1
    with pytest.raises(RuleViolation, match="needs a district"):
        create_user(CLI, username="d", display_name="d", password=PASSWORD, role=Role.DISTRICT_OFFICIAL)
    with pytest.raises(RuleViolation, match="needs a city"):
        create_user(CLI, username="c", display_name="c", password=PASSWORD, role=Role.CITY_OFFICIAL)
    user = create_user(CLI, username="c", display_name="c", password=PASSWORD, role=Role.CITY_OFFICIAL, city_id=city.id)
    assert actor_for(user).grants == frozenset({Grant.city(city.id)})


def test_the_commands_create_a_city_a_district_and_assign_an_office(app: Flask) -> None:
    world = make_world()
    runner = CliRunner()
    cli = app.cli
    for args in (
        ["create-city", "baotou", "--name", "包头市", "--profile", "cn-baotou"],
        ["create-district", "kundulun", "--name", "昆都仑区", "--city", "baotou"],
        ["assign-office", "xinhua-street", "--district", "kundulun"],
    ):
        result = runner.invoke(cli, args, obj=None, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["create-district", "x-y-z", "--name", "某区", "--city", "nowhere"]).exit_code != 0
    assert runner.invoke(cli, ["assign-office", "xinhua-street", "--district", "nowhere"]).exit_code != 0
    district = db.session.query(District).filter_by(code="kundulun").one()
    assert db.session.get(StreetOffice, world.office.id).district_id == district.id  # type: ignore[union-attr]
    args = ["create-user", "baotou-city", "--name", "包头市住建局", "--role", "city_official", "--city", str(district.city_id)]
    created = runner.invoke(cli, args, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert created.exit_code == 0, created.output
