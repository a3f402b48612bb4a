"""Read-only aggregates over the register."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import db
from ..domain.errors import NotFound
from ..domain.roll import Roll, UnitRecord, derive_roll
from ..domain.units import unit_sort_key
from .models import Building, City, Community, District, Holding, HoldingState, Person, StreetOffice, Unit


def register_units(s: Session, community_id: int) -> tuple[list[UnitRecord], str | None]:
    """The community's units as the roll reads them (RULES §2), and its developer's person id."""
    holders: dict[int, set[str]] = defaultdict(set)
    delivered: dict[int, bool] = {}
    for unit_id, person_id, state in s.execute(
        select(Holding.unit_id, Holding.person_id, Holding.state).join(Unit).where(Unit.community_id == community_id)
    ):
        holders[unit_id].add(str(person_id))
        delivered[unit_id] = delivered.get(unit_id, True) and state is HoldingState.DELIVERED
    developer = s.execute(select(Person.id).where(Person.community_id == community_id, Person.is_developer)).scalar()
    records = [
        UnitRecord(
            unit_id=f"{building}-{number}",
            area_centi=area,
            holders=frozenset(holders[unit_id]),
            votes=votes,
            delivered=delivered.get(unit_id, True),
        )
        for unit_id, building, number, area, votes in s.execute(
            select(Unit.id, Building.name, Unit.number, Unit.area_centi, Unit.votes).join(Building).where(Unit.community_id == community_id)
        )
    ]
    return records, None if developer is None else str(developer)


def community_roll(community_id: int) -> Roll:
    """The voters the register gives today (RULES §2)."""
    records, developer = register_units(db.session(), community_id)
    return derive_roll(records, developer=developer)


@dataclass(frozen=True)
class CommunitySummary:
    id: int
    slug: str
    name: str
    address: str
    street_office: str
    units: int


def community_by_slug(slug: str) -> Community:
    """The community of a public address (/c/<slug>); NotFound when there is none."""

    community = db.session.execute(select(Community).where(Community.slug == slug)).scalar_one_or_none()
    if community is None:
        raise NotFound(str(_l("No such community.")))
    return community


def public_community_summaries() -> list[CommunitySummary]:
    s = db.session()
    unit_counts = dict(s.execute(select(Unit.community_id, func.count()).group_by(Unit.community_id)).all())
    rows = s.execute(
        select(Community.id, Community.slug, Community.name, Community.address, StreetOffice.name)
        .join(StreetOffice)
        .order_by(StreetOffice.name, Community.name)
    )
    return [CommunitySummary(i, slug, name, address, office, unit_counts.get(i, 0)) for i, slug, name, address, office in rows]


@dataclass(frozen=True)
class BuildingSummary:
    id: int
    name: str
    units: int
    voting_units: int
    area_centi: int


def building_summaries(community_id: int) -> list[BuildingSummary]:
    s = db.session()
    stmt = (
        select(
            Building.id,
            Building.name,
            func.count(Unit.id),
            func.count(Unit.id).filter(Unit.votes.is_(True)),
            func.coalesce(func.sum(Unit.area_centi).filter(Unit.votes.is_(True)), 0),
        )
        .outerjoin(Unit, Unit.building_id == Building.id)
        .where(Building.community_id == community_id)
        .group_by(Building.id, Building.name)
    )
    # PostgreSQL sums a BIGINT as NUMERIC: back to integer hundredths.
    summaries = [BuildingSummary(i, name, units, voting, int(area)) for i, name, units, voting, area in s.execute(stmt)]
    return sorted(summaries, key=lambda b: unit_sort_key(b.name))


def units_page(community_id: int, *, building_id: int | None, page: int, per_page: int = 50) -> tuple[list[Unit], int]:
    """One page of units in natural order (building, then number: 1-101, 1-201, 1-1001, 2-101, 10-101)."""
    s = db.session()
    labels = select(Unit.id, Building.name, Unit.number).join(Building).where(Unit.community_id == community_id)
    if building_id is not None:
        labels = labels.where(Unit.building_id == building_id)
    # Text order in SQL puts 1-1001 before 1-101; a register's few thousand labels are sorted here instead.
    ordered = sorted(s.execute(labels), key=lambda r: (unit_sort_key(r.name), unit_sort_key(r.number)))
    ids = [r.id for r in ordered[(page - 1) * per_page : page * per_page]]
    by_id = {u.id: u for u in s.execute(select(Unit).where(Unit.id.in_(ids))).scalars()} if ids else {}
    return [by_id[i] for i in ids], len(ordered)


def office_by_code(code: str) -> StreetOffice | None:
    return db.session.execute(select(StreetOffice).where(StreetOffice.code == code)).scalar_one_or_none()


def district_by_code(code: str) -> District | None:
    return db.session.execute(select(District).where(District.code == code)).scalar_one_or_none()


def city_by_code(code: str) -> City | None:
    return db.session.execute(select(City).where(City.code == code)).scalar_one_or_none()


@dataclass(frozen=True)
class OfficeArea:
    """Where a street office sits: its district and that district's city (None until assigned)."""

    district_id: int | None
    city_id: int | None


def area_of_office(office: StreetOffice) -> OfficeArea:
    if office.district_id is None:
        return OfficeArea(None, None)
    district = db.session.get(District, office.district_id)
    return OfficeArea(office.district_id, district.city_id if district else None)
