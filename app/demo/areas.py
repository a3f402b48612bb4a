"""The areas above the street office: a city whose profile sets the yearly targets, its district, and a second office."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..clock import today_in_china
from ..communities import services
from ..communities.models import City, Community, District, StreetOffice
from ..db import db, utcnow
from ..oversight.services import area_figures
from .actors import DEMO, as_office
from .committees import committee_line, register_owners, took_office_when_the_term_began
from .registers import meiyuan_register

CITY_CODE, CITY_NAME = "demo-city", "示范市"
DISTRICT_CODE, DISTRICT_NAME = "heping", "和平区"
SECOND_OFFICE_CODE, SECOND_OFFICE_NAME = "dongfeng", "东风街道办事处"

# 东风街道's small communities (24 flats each): one in each state of the formation figure.
DONGFENG = (
    ("chunhui", "春晖园", "东风路 12 号", 401),  # an owners' committee within its term
    ("qiushi", "秋实苑", "东风路 30 号", 402),  # a temporary management committee
    ("dongqing", "冬青里", "冬青巷 5 号", 403),  # no committee
)


@dataclass(frozen=True)
class Areas:
    city: City
    district: District
    second_office: StreetOffice


def seed_areas(office: StreetOffice) -> Areas:
    """示范市 (Beijing's targets) over 和平区, which holds 新华街道 and 东风街道."""
    s = db.session()
    city = s.execute(select(City).where(City.code == CITY_CODE)).scalar_one_or_none()
    if city is None:
        city = services.create_city(DEMO, code=CITY_CODE, name=CITY_NAME, rule_profile="cn-beijing")
    district = s.execute(select(District).where(District.code == DISTRICT_CODE)).scalar_one_or_none()
    if district is None:
        district = services.create_district(DEMO, city_id=city.id, code=DISTRICT_CODE, name=DISTRICT_NAME)
    second = s.execute(select(StreetOffice).where(StreetOffice.code == SECOND_OFFICE_CODE)).scalar_one_or_none()
    if second is None:
        second = services.create_street_office(DEMO, code=SECOND_OFFICE_CODE, name=SECOND_OFFICE_NAME)
    for each in (office, second):
        if each.district_id != district.id:
            services.assign_office_to_district(DEMO, street_office_id=each.id, district_id=district.id)
            db.session.refresh(each)
    return Areas(city, district, second)


def seed_second_office(areas: Areas) -> Iterator[str]:
    """东风街道's communities: a committee within its term, a temporary committee, and none."""
    from ..elections import services as elections

    now = utcnow()
    today = today_in_china(now)
    communities = {}
    for slug, name, address, seed in DONGFENG:
        community = db.session.execute(select(Community).where(Community.slug == slug)).scalar_one_or_none()
        if community is None:
            community = services.create_community(
                DEMO, street_office_id=areas.second_office.id, slug=slug, name=name, address=address, rule_profile="cn-beijing"
            )
            services.add_building(DEMO, community.id, "1")
            services.import_register(DEMO, community.id, meiyuan_register(seed, floors=6), source_name="demo")
        communities[slug] = community
    chunhui, qiushi = communities["chunhui"], communities["qiushi"]
    if elections.current_committee(chunhui.id) is None:
        members = register_owners(chunhui, 5)
        committee = elections.register_sitting_committee(
            as_office(chunhui),
            community_id=chunhui.id,
            term_start=date(2025, 4, 1),
            term_end=date(2030, 3, 31),
            now=now,
            members=[{"unit": u, "name": p.name, "role": "chair" if i == 0 else "member"} for i, (u, p) in enumerate(members)],
        )
        took_office_when_the_term_began(committee)
    if elections.current_committee(qiushi.id) is None:
        team = [{"name": p.name, "unit": u, "owner_representative": True} for u, p in register_owners(qiushi, 4)]
        team += [
            {"name": "孙丽萍", "affiliation": SECOND_OFFICE_NAME, "owner_representative": False},
            {"name": "马建军", "affiliation": "秋实社区居民委员会", "owner_representative": False},
            {"name": "高红梅", "affiliation": "秋实物业服务中心", "owner_representative": False},
        ]
        elections.appoint_temporary(as_office(qiushi), community_id=qiushi.id, members=team, term_end=today + timedelta(days=300), now=now)
    for community in communities.values():
        yield committee_line(community, now=now)


def figure_lines(areas: Areas) -> Iterator[str]:
    """The formation rate of the district and of the city, each against the city's target of the year, with its page."""
    now = utcnow()
    for report, path in (
        (area_figures.district_report(DEMO, areas.district, now=now), f"/oversight/districts/{areas.district.code}"),
        (area_figures.city_report(DEMO, areas.city, now=now), f"/oversight/cities/{areas.city.code}"),
    ):
        figure = report.figures.formation
        numbers = {"name": report.name, "part": figure.rate.part, "whole": figure.rate.whole, "percent": figure.rate.percent or "0"}
        if figure.target is None:
            yield _("%(name)s: formation rate %(part)d/%(whole)d (%(percent)s%%), %(path)s", **numbers, path=path)
        else:
            yield _(
                "%(name)s: formation rate %(part)d/%(whole)d (%(percent)s%%), target %(target)s%% (%(year)d), %(path)s",
                **numbers,
                target=figure.target.percent,
                year=figure.target.year,
                path=path,
            )
