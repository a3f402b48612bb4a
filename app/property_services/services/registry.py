"""The city's registry of property-service companies, their contracts with communities and their staff's accounts.

The registry is kept by the street offices of the company's city (and the administrators); a community's contract is
recorded by its own street office. A community has at most one contract in force on any day.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...accounts.models import RoleAssignment, User
from ...accounts.services import hash_password
from ...audit.services import record, scope
from ...communities.models import City, Community, District, StreetOffice, UnitKind
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...formation.services import initial_password
from ...security.actor import Actor
from ...security.permissions import can_keep_company_registry, can_record_contracts, require
from ...security.roles import Role
from ..models import ContractFee, PropertyCompany, ServiceContract
from .common import in_force_on, office_ids_of_city

# The unified social credit code (统一社会信用代码): 18 characters of digits and capital letters but I, O, S, V, Z.
LICENCE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
USERNAME = re.compile(r"^[a-z][a-z0-9_.-]{2,39}$")


@dataclass(frozen=True)
class StaffCredential:
    """A staff account as the official sees it once: the initial password is never shown again."""

    username: str
    password: str


def _text(value: str | None, field: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(field, str(_l("Required.")))
    if len(value) > limit:
        raise RuleViolation(field, str(_l("At most %(max)d characters.", max=limit)))
    return value


def city_of_community(s: Session, community: Community) -> City:
    office = s.get(StreetOffice, community.street_office_id)
    district = s.get(District, office.district_id) if office and office.district_id else None
    if district is None:
        raise RuleViolation("community", str(_l("This community's street office belongs to no district of a city yet.")))
    city = s.get(City, district.city_id)
    assert city is not None
    return city


def load_company(s: Session, company_id: str | int, *, lock: bool = False) -> PropertyCompany:
    query = select(PropertyCompany).where(
        PropertyCompany.public_id == company_id if isinstance(company_id, str) else PropertyCompany.id == company_id
    )
    company = s.scalars(query.with_for_update() if lock else query).first()
    if company is None:
        raise NotFound(str(_l("No such company.")))
    return company


def load_contract(s: Session, contract_id: str, *, lock: bool = False) -> ServiceContract:
    query = select(ServiceContract).where(ServiceContract.public_id == contract_id)
    contract = s.scalars(query.with_for_update() if lock else query).first()
    if contract is None:
        raise NotFound(str(_l("No such contract.")))
    return contract


def parse_day(value: str | date | None, field: str) -> date:
    """A day as a form gives it (``2027-01-01``), or a refusal naming the field."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise RuleViolation(field, str(_l("Give the date as YYYY-MM-DD, such as 2027-01-01."))) from None


def _company_fields(name: str, licence_number: str, address: str, contact_name: str, contact_phone: str) -> dict[str, str]:
    licence = (licence_number or "").strip().upper()
    if not LICENCE.match(licence):
        raise RuleViolation("licence_number", str(_l("The unified social credit code has 18 digits and capital letters.")))
    return {
        "name": _text(name, "name", 200, required=True),
        "licence_number": licence,
        "address": _text(address, "address", 300),
        "contact_name": _text(contact_name, "contact_name", 100),
        "contact_phone": _text(contact_phone, "contact_phone", 30),
    }


def create_company(
    actor: Actor,
    *,
    city_id: int,
    name: str,
    licence_number: str,
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    now: datetime,
) -> PropertyCompany:
    values = _company_fields(name, licence_number, address, contact_name, contact_phone)
    with db.write() as s:
        if s.get(City, city_id) is None:
            raise NotFound(str(_l("No such city.")))
        require(can_keep_company_registry(actor, office_ids_of_city(s, city_id)))
        taken = s.scalars(
            select(PropertyCompany.id).where(PropertyCompany.city_id == city_id, PropertyCompany.licence_number == values["licence_number"])
        ).first()
        if taken:
            raise RuleViolation("licence_number", str(_l("A company with this code is already in the registry.")))
        company = PropertyCompany(public_id=secrets.token_urlsafe(9), city_id=city_id, created_at=now, updated_at=now, **values)
        s.add(company)
        s.flush()
        record(s, actor, "company.create", "property_company", company.public_id, data={"city_id": city_id} | values, now=now)
    return company


def edit_company(
    actor: Actor,
    company_id: str,
    *,
    name: str,
    licence_number: str,
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    now: datetime,
) -> PropertyCompany:
    values = _company_fields(name, licence_number, address, contact_name, contact_phone)
    with db.write() as s:
        company = load_company(s, company_id, lock=True)
        require(can_keep_company_registry(actor, office_ids_of_city(s, company.city_id)))
        taken = s.scalars(
            select(PropertyCompany.id).where(
                PropertyCompany.city_id == company.city_id,
                PropertyCompany.licence_number == values["licence_number"],
                PropertyCompany.id != company.id,
            )
        ).first()
        if taken:
            raise RuleViolation("licence_number", str(_l("A company with this code is already in the registry.")))
        for key, value in values.items():
            setattr(company, key, value)
        company.updated_at = now
        record(s, actor, "company.edit", "property_company", company.public_id, data=values, now=now)
    return company


def _fees(fees: Mapping[str, str | int]) -> list[ContractFee]:
    """``{"residential": "1.85", "commercial": "3.20"}`` yuan per m² per month → fen, per kind of unit."""
    kinds = {k.value for k in UnitKind}
    out = []
    for kind, text in fees.items():
        if kind not in kinds:
            raise RuleViolation(f"fees.{kind}", str(_l("Unknown kind of unit.")))
        if text in (None, ""):
            continue
        try:
            cents = Decimal(str(text).strip()) * 100
        except InvalidOperation:
            raise RuleViolation(f"fees.{kind}", str(_l("Give the fee in yuan per m² per month, such as 1.85."))) from None
        fen = int(cents) if cents.is_finite() and cents == cents.to_integral_value() else 0
        if not 0 < fen <= 100_000:
            raise RuleViolation(f"fees.{kind}", str(_l("Give the fee in yuan per m² per month, such as 1.85.")))
        out.append(ContractFee(unit_kind=kind, fen_per_m2_month=fen))
    if not out:
        raise RuleViolation("fees", str(_l("Give the fee standard for at least one kind of unit.")))
    return out


def record_contract(
    actor: Actor,
    *,
    community_id: int,
    company_id: str,
    starts_on: date,
    ends_on: date,
    fees: Mapping[str, str | int],
    scope_text: str = "",
    now: datetime,
) -> ServiceContract:
    """Record the contract under which a company serves a community; refused if it overlaps another contract there."""
    if ends_on < starts_on:
        raise RuleViolation("ends_on", str(_l("The contract cannot end before it starts.")))
    fee_rows = _fees(fees)
    scope_text = _text(scope_text, "scope", 5000)
    with db.write() as s:
        community = s.get(Community, community_id)
        if community is None:
            raise NotFound(str(_l("No such community.")))
        require(can_record_contracts(actor, community))
        company = load_company(s, company_id)
        if company.city_id != city_of_community(s, community).id:
            raise RuleViolation("company", str(_l("The company is registered in another city.")))
        overlapping = s.scalars(
            select(ServiceContract).where(
                ServiceContract.community_id == community.id,
                ServiceContract.starts_on <= ends_on,
                ServiceContract.ends_on >= starts_on,
                (ServiceContract.ended_on.is_(None)) | (ServiceContract.ended_on > starts_on),
            )
        ).first()
        if overlapping is not None:
            raise RuleViolation(
                "starts_on",
                str(
                    _l(
                        "Another contract covers this community from %(start)s to %(end)s.",
                        start=overlapping.starts_on,
                        end=overlapping.ends_on,
                    )
                ),
            )
        contract = ServiceContract(
            public_id=secrets.token_urlsafe(9),
            company_id=company.id,
            community_id=community.id,
            starts_on=starts_on,
            ends_on=ends_on,
            scope=scope_text,
            recorded_by_user_id=actor.user_id,
            recorded_at=now,
            fees=fee_rows,
        )
        s.add(contract)
        s.flush()
        record(
            s,
            actor,
            "contract.record",
            "property_contract",
            contract.public_id,
            **scope(community),
            data={
                "company": company.public_id,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
                "fees": {f.unit_kind: f.fen_per_m2_month for f in fee_rows},
            },
            now=now,
        )
    return contract


def end_contract(actor: Actor, contract_id: str, *, ended_on: date, now: datetime) -> ServiceContract:
    """End a contract early (termination, a new company chosen by the assembly)."""
    with db.write() as s:
        contract = s.scalars(select(ServiceContract).where(ServiceContract.public_id == contract_id).with_for_update()).first()
        if contract is None:
            raise NotFound(str(_l("No such contract.")))
        community = s.get(Community, contract.community_id)
        assert community is not None
        require(can_record_contracts(actor, community))
        if contract.ended_on is not None:
            raise RuleViolation("contract", str(_l("This contract has already ended.")))
        if not contract.starts_on <= ended_on <= contract.ends_on:
            raise RuleViolation("ended_on", str(_l("The end must fall within the contract's term.")))
        contract.ended_on = ended_on
        record(
            s,
            actor,
            "contract.end",
            "property_contract",
            contract.public_id,
            **scope(community),
            data={"ended_on": ended_on.isoformat()},
            now=now,
        )
    return contract


def add_staff(actor: Actor, company_id: str, *, username: str, display_name: str, now: datetime) -> StaffCredential:
    """An account for one of the company's staff, with an initial password shown once; they enrol an authenticator
    at their first sign-in as every official does."""
    username = (username or "").strip().lower()
    if not USERNAME.match(username):
        raise RuleViolation("username", str(_l("3 to 40 lower-case letters, digits, dots, dashes or underscores, starting with a letter.")))
    display_name = _text(display_name, "display_name", 100, required=True)
    with db.write() as s:
        company = load_company(s, company_id)
        require(can_keep_company_registry(actor, office_ids_of_city(s, company.city_id)))
        if s.scalars(select(User.id).where(User.username == username)).first():
            raise RuleViolation("username", str(_l("This username is taken.")))
        password = initial_password()
        user = User(username=username, display_name=display_name, password_hash=hash_password(password))
        user.roles.append(RoleAssignment(role=Role.PROPERTY_STAFF, company_id=company.id))
        s.add(user)
        s.flush()
        record(
            s,
            actor,
            "user.create",
            "user",
            user.id,
            data={"username": username, "role": Role.PROPERTY_STAFF.value, "company": company.public_id},
            now=now,
        )
    return StaffCredential(username, password)


def staff_of(company_id: int) -> list[User]:
    s = db.session()
    query = select(User).join(RoleAssignment).where(RoleAssignment.role == Role.PROPERTY_STAFF, RoleAssignment.company_id == company_id)
    return list(s.scalars(query.order_by(User.username)))


def companies_of_city(city_id: int) -> list[PropertyCompany]:
    return list(db.session().scalars(select(PropertyCompany).where(PropertyCompany.city_id == city_id).order_by(PropertyCompany.name)))


def contracts_of(community_id: int) -> list[ServiceContract]:
    query = select(ServiceContract).where(ServiceContract.community_id == community_id)
    return list(db.session().scalars(query.order_by(ServiceContract.starts_on.desc())))


def communities_served(company_id: int, day: date) -> list[Community]:
    query = (
        select(Community)
        .join(ServiceContract, ServiceContract.community_id == Community.id)
        .where(ServiceContract.company_id == company_id, in_force_on(day))
        .order_by(Community.name)
    )
    return list(db.session().scalars(query))


@dataclass(frozen=True)
class RegistryRow:
    company: PropertyCompany
    communities: list[Community]  # served under a contract in force on the day


def registry_of_city(city_id: int, day: date) -> list[RegistryRow]:
    """The city's companies, by name, each with the communities it serves on ``day``."""
    return [RegistryRow(company, communities_served(company.id, day)) for company in companies_of_city(city_id)]


def city_of_office(office_id: int) -> City | None:
    """The city whose registry a street office keeps (none while the office belongs to no district)."""
    s = db.session()
    office = s.get(StreetOffice, office_id)
    district = s.get(District, office.district_id) if office and office.district_id else None
    return s.get(City, district.city_id) if district else None
