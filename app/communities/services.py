"""Operations on street offices, communities, buildings and the register.

Each public function is one user action: it authorizes the actor, runs in one
write transaction and records an audit event.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ..audit.services import record
from ..db import db
from ..domain.errors import NotFound, RuleViolation
from ..domain.rules import profile_names
from ..security.actor import Actor
from ..security.permissions import can_manage_deployment, can_manage_register, require
from .models import Building, City, Community, District, Holding, HoldingState, Person, PersonKind, StreetOffice, Unit
from .register import MAX_DATA_ROWS, RegisterRow, RowError, parse_register, read_table

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$")


def create_street_office(actor: Actor, *, code: str, name: str) -> StreetOffice:
    require(can_manage_deployment(actor))
    if not _SLUG.match(code):
        raise RuleViolation("code", str(_l("Use 3–60 lowercase letters, digits and hyphens.")))
    with db.write() as s:
        if s.execute(select(StreetOffice.id).where(StreetOffice.code == code)).first():
            raise RuleViolation("code", str(_l("This code is taken.")))
        office = StreetOffice(code=code, name=name.strip())
        s.add(office)
        s.flush()
        record(
            s,
            actor,
            "street_office.create",
            "street_office",
            office.id,
            street_office_id=office.id,
            data={"code": code, "name": office.name},
        )
    return office


def create_city(actor: Actor, *, code: str, name: str, rule_profile: str = "cn-national") -> City:
    """A city, with the rule profile whose yearly targets its figures are measured against."""
    require(can_manage_deployment(actor))
    if not _SLUG.match(code):
        raise RuleViolation("code", str(_l("Use 3–60 lowercase letters, digits and hyphens.")))
    if rule_profile not in profile_names():
        raise RuleViolation("rule_profile", str(_l('unknown rule profile "%(name)s"', name=rule_profile)))
    if not name.strip():
        raise RuleViolation("name", str(_l("Name it.")))
    with db.write() as s:
        if s.execute(select(City.id).where(City.code == code)).first():
            raise RuleViolation("code", str(_l("This code is taken.")))
        city = City(code=code, name=name.strip(), rule_profile=rule_profile)
        s.add(city)
        s.flush()
        record(s, actor, "city.create", "city", city.id, data={"code": code, "name": city.name, "rule_profile": rule_profile})
    return city


def create_district(actor: Actor, *, city_id: int, code: str, name: str) -> District:
    require(can_manage_deployment(actor))
    if not _SLUG.match(code):
        raise RuleViolation("code", str(_l("Use 3–60 lowercase letters, digits and hyphens.")))
    if not name.strip():
        raise RuleViolation("name", str(_l("Name it.")))
    with db.write() as s:
        if s.get(City, city_id) is None:
            raise RuleViolation("city", str(_l("No such city.")))
        if s.execute(select(District.id).where(District.code == code)).first():
            raise RuleViolation("code", str(_l("This code is taken.")))
        district = District(code=code, name=name.strip(), city_id=city_id)
        s.add(district)
        s.flush()
        record(s, actor, "district.create", "district", district.id, data={"code": code, "name": district.name, "city_id": city_id})
    return district


def assign_office_to_district(actor: Actor, *, street_office_id: int, district_id: int | None) -> StreetOffice:
    """Put a street office under a district (or under none); its figures count in the district's and the city's."""
    require(can_manage_deployment(actor))
    with db.write() as s:
        office = s.get(StreetOffice, street_office_id, with_for_update=True)
        if office is None:
            raise NotFound(str(_l("No such street office.")))
        if district_id is not None and s.get(District, district_id) is None:
            raise RuleViolation("district", str(_l("No such district.")))
        before = office.district_id
        if before != district_id:
            office.district_id = district_id
            record(
                s,
                actor,
                "street_office.assign_district",
                "street_office",
                office.id,
                street_office_id=office.id,
                data={"district_id": district_id, "before": before},
            )
    return office


def create_community(
    actor: Actor,
    *,
    street_office_id: int,
    slug: str,
    name: str,
    address: str = "",
    rule_profile: str = "cn-national",
) -> Community:
    require(can_manage_deployment(actor))
    if not _SLUG.match(slug):
        raise RuleViolation("slug", str(_l("Use 3–60 lowercase letters, digits and hyphens.")))
    if rule_profile not in profile_names():
        raise RuleViolation("rule_profile", str(_l('unknown rule profile "%(name)s"', name=rule_profile)))
    with db.write() as s:
        if s.get(StreetOffice, street_office_id) is None:
            raise RuleViolation("street_office", str(_l("No such street office.")))
        if s.execute(select(Community.id).where(Community.slug == slug)).first():
            raise RuleViolation("slug", str(_l("This short name is taken.")))
        community = Community(
            street_office_id=street_office_id, slug=slug, name=name.strip(), address=address.strip(), rule_profile=rule_profile, settings={}
        )
        s.add(community)
        s.flush()
        record(
            s,
            actor,
            "community.create",
            "community",
            community.id,
            community_id=community.id,
            street_office_id=street_office_id,
            data={"slug": slug, "name": community.name, "rule_profile": rule_profile},
        )
    return community


def _community_for_register(s: Session, actor: Actor, community_id: int) -> Community:
    community = s.get(Community, community_id)
    if community is None:
        raise NotFound(str(_l("No such community.")))
    require(can_manage_register(actor, community))
    return community


def add_building(actor: Actor, community_id: int, name: str) -> Building:
    name = name.strip()
    if not name or len(name) > 40:
        raise RuleViolation("name", str(_l("Give the building a name of at most 40 characters.")))
    with db.write() as s:
        community = _community_for_register(s, actor, community_id)
        if s.execute(select(Building.id).where(Building.community_id == community.id, Building.name == name)).first():
            raise RuleViolation("name", str(_l("This building exists already.")))
        building = Building(community_id=community.id, name=name)
        s.add(building)
        s.flush()
        record(
            s,
            actor,
            "building.create",
            "building",
            building.id,
            community_id=community.id,
            street_office_id=community.street_office_id,
            data={"name": name},
        )
    return building


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    persons_created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class RegisterRejected(RuleViolation):
    """The register has invalid rows; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("register", str(_l("%(n)d row(s) have errors; nothing was imported.", n=len(errors))))
        self.errors = errors


def _person_key(name: str, id_last4: str | None) -> tuple[str, str | None]:
    return (name, id_last4)


def check_register(s: Session, community: Community, rows: list[RegisterRow]) -> ImportReport:
    """Check the rows against what the community has; count what an import would do."""
    report = ImportReport()
    buildings = {b.name: b.id for b in s.execute(select(Building).where(Building.community_id == community.id)).scalars()}
    developer = s.execute(select(Person).where(Person.community_id == community.id, Person.is_developer)).scalar_one_or_none()
    developer_name = developer.name if developer else None
    existing = _existing_units(s, community.id)
    for row in rows:
        if row.building not in buildings:
            report.errors.append(
                RowError(row.row, "building", str(_l('unknown building "%(name)s": add it to the community first', name=row.building)))
            )
            continue
        if row.state is HoldingState.UNSOLD:
            named = {h.name for h in row.holders}
            if len(named) > 1:
                report.errors.append(RowError(row.row, "holders", str(_l("an unsold unit is held by the developer alone"))))
                continue
            if named:
                name = next(iter(named))
                if developer_name is None:
                    developer_name = name
                elif name != developer_name:
                    report.errors.append(
                        RowError(row.row, "holders", str(_l('the developer on record is "%(name)s"', name=developer_name)))
                    )
                    continue
            elif developer_name is None:
                report.errors.append(RowError(row.row, "holders", str(_l("name the developer on the first unsold unit"))))
                continue
        if (
            row.state is HoldingState.UNDELIVERED
            and developer_name is None
            and not any(r.state is HoldingState.UNSOLD and r.holders for r in rows)
        ):
            report.errors.append(
                RowError(row.row, "state", str(_l("an undelivered unit votes for the developer: name the developer on an unsold unit")))
            )
            continue
        current = existing.get((buildings[row.building], row.unit))
        if current is None:
            report.created += 1
        elif current.matches(row, developer_name):
            report.unchanged += 1
        else:
            report.updated += 1
    return report


def _existing_units(s: Session, community_id: int) -> dict[tuple[int, str], UnitSignature]:
    """(building id, unit number) -> what the register holds for that unit now."""
    holders: dict[int, list[tuple[str, str | None, str]]] = defaultdict(list)
    phones: dict[int, dict[tuple[str, str | None], str | None]] = defaultdict(dict)
    stmt = (
        select(Holding.unit_id, Person.name, Person.id_last4, Person.phone, Holding.state)
        .join(Person, Person.id == Holding.person_id)
        .where(Person.community_id == community_id)
    )
    for unit_id, name, last4, phone, state in s.execute(stmt):
        holders[unit_id].append((name, last4, state.value))
        phones[unit_id][(name, last4)] = phone
    result = {}
    for unit in s.execute(select(Unit).where(Unit.community_id == community_id)).scalars():
        fields = (unit.area_centi, unit.area_source.value, unit.kind.value, unit.votes, tuple(sorted(holders[unit.id], key=str)))
        result[(unit.building_id, unit.number)] = UnitSignature(fields, phones[unit.id])
    return result


@dataclass(frozen=True)
class UnitSignature:
    fields: tuple[object, ...]
    phones: dict[tuple[str, str | None], str | None]

    def matches(self, row: RegisterRow, developer_name: str | None) -> bool:
        """True when importing the row would change nothing (a blank phone keeps the one on record)."""
        holders = [(h.name, h.id_last4, row.state.value) for h in row.holders]
        if row.state is HoldingState.UNSOLD and not holders and developer_name:
            holders = [(developer_name, None, row.state.value)]
        fields = (row.area_centi, row.area_source.value, row.kind.value, row.votes, tuple(sorted(holders, key=str)))
        return fields == self.fields and all(h.phone is None or self.phones.get((h.name, h.id_last4)) == h.phone for h in row.holders)


def preview_register(actor: Actor, community_id: int, rows: list[RegisterRow]) -> ImportReport:
    """What an import would do, without writing anything."""
    s = db.session()
    community = _community_for_register(s, actor, community_id)
    try:
        return check_register(s, community, rows)
    finally:
        s.rollback()


def import_register(
    actor: Actor,
    community_id: int,
    rows: list[RegisterRow],
    *,
    source_name: str = "",
    source_bytes: bytes = b"",
) -> ImportReport:
    """Create or update units by number, all or nothing. Holdings of updated units are replaced."""
    with db.write() as s:
        community = _community_for_register(s, actor, community_id)
        report = check_register(s, community, rows)
        if report.errors:
            raise RegisterRejected(report.errors)
        _apply_register(s, community, rows, report)
        record(
            s,
            actor,
            "register.import",
            "community",
            community.id,
            community_id=community.id,
            street_office_id=community.street_office_id,
            data={
                "file": source_name,
                "sha256": hashlib.sha256(source_bytes).hexdigest(),
                "rows": len(rows),
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "persons_created": report.persons_created,
            },
        )
    return report


def _apply_register(s: Session, community: Community, rows: list[RegisterRow], report: ImportReport) -> None:
    buildings = {b.name: b.id for b in s.execute(select(Building).where(Building.community_id == community.id)).scalars()}
    units = {(u.building_id, u.number): u for u in s.execute(select(Unit).where(Unit.community_id == community.id)).scalars()}
    persons = {_person_key(p.name, p.id_last4): p for p in s.execute(select(Person).where(Person.community_id == community.id)).scalars()}
    developer = next((p for p in persons.values() if p.is_developer), None)
    existing = _existing_units(s, community.id)

    def person_for(name: str, id_last4: str | None, phone: str | None, *, is_developer: bool = False) -> Person:
        key = _person_key(name, id_last4)
        person = persons.get(key)
        if person is None:
            person = Person(
                community_id=community.id,
                name=name,
                id_last4=id_last4,
                phone=phone,
                is_developer=is_developer,
                kind=PersonKind.ORGANISATION if is_developer else PersonKind.PERSON,
            )
            s.add(person)
            persons[key] = person
            report.persons_created += 1
        elif phone and person.phone != phone:
            person.phone = phone
        return person

    replaced: list[int] = []
    new_holdings: list[tuple[Unit, Person, HoldingState]] = []
    for row in rows:
        building_id = buildings[row.building]
        unit = units.get((building_id, row.unit))
        if unit is not None and existing[(building_id, row.unit)].matches(row, developer.name if developer else None):
            continue
        if unit is None:
            unit = Unit(community_id=community.id, building_id=building_id, number=row.unit)
            s.add(unit)
            units[(building_id, row.unit)] = unit
        else:
            replaced.append(unit.id)
        unit.area_centi = row.area_centi
        unit.area_source = row.area_source
        unit.kind = row.kind
        unit.votes = row.votes
        if row.state is HoldingState.UNSOLD:
            if developer is None:
                first = row.holders[0]
                developer = person_for(first.name, first.id_last4, first.phone, is_developer=True)
            new_holdings.append((unit, developer, row.state))
        else:
            for h in row.holders:
                new_holdings.append((unit, person_for(h.name, h.id_last4, h.phone), row.state))

    for start in range(0, len(replaced), 500):
        s.execute(delete(Holding).where(Holding.unit_id.in_(replaced[start : start + 500])))
    s.flush()  # new units and persons get their ids
    if new_holdings:
        s.execute(
            insert(Holding),
            [{"unit_id": unit.id, "person_id": person.id, "state": state} for unit, person, state in new_holdings],
        )


@dataclass(frozen=True)
class FlaggedRow:
    """A data row with problems, as the preview sets it apart from the good ones."""

    row: int
    label: str
    errors: list[RowError]


@dataclass
class RegisterCheck:
    """A register file read and checked: rows, row errors and what an import would do."""

    rows: list[RegisterRow]
    report: ImportReport
    # Rows below the header holding anything, good or not (title, header and empty rows are not counted).
    data_rows: int = 0
    labels: dict[int, str] = field(default_factory=dict)

    @property
    def good_rows(self) -> list[RegisterRow]:
        """The rows without any problem, in file order."""
        flagged = {e.row for e in self.report.errors}
        return [r for r in self.rows if r.row not in flagged]

    @property
    def flagged_rows(self) -> list[FlaggedRow]:
        """Each row with problems once, in file order, with its problems."""
        by_row: dict[int, list[RowError]] = defaultdict(list)
        for error in self.report.errors:
            by_row[error.row].append(error)
        return [FlaggedRow(row, self.labels.get(row, ""), errors) for row, errors in sorted(by_row.items())]


def check_register_file(actor: Actor, community_id: int, filename: str, data: bytes, *, max_rows: int = MAX_DATA_ROWS) -> RegisterCheck:
    """Read and check a register file without writing (the preview): every problem, in row order."""
    parsed = parse_register(read_table(filename, data), max_rows=max_rows)
    report = preview_register(actor, community_id, parsed.rows)
    report.errors = sorted(parsed.errors + report.errors, key=lambda e: (e.row, e.column))
    return RegisterCheck(parsed.rows, report, parsed.data_rows, parsed.labels)


def import_register_file(actor: Actor, community_id: int, filename: str, data: bytes, *, max_rows: int = MAX_DATA_ROWS) -> ImportReport:
    """Import a register file, all or nothing: any bad row and nothing is written."""
    check = check_register_file(actor, community_id, filename, data, max_rows=max_rows)
    if check.report.errors:
        raise RegisterRejected(check.report.errors)
    return import_register(actor, community_id, check.rows, source_name=filename, source_bytes=data)
