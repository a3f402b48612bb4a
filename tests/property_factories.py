"""A city with two property-service companies: 康居物业 serves 兰亭苑 (A), 安泰物业 serves 梅园 (B), each with a
staff account ("staff", "staff_b"), on the Changzhi clock (30 minutes, 3 hours, 3 working days)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.clock import today_in_china
from app.communities import services as register
from app.communities.models import City, Community, District
from app.db import db, utcnow
from app.property_services.models import PropertyCompany, ServiceContract
from app.property_services.services import registry
from app.security.actor import actor_for
from tests.factories import CLI, PASSWORD, World, enrol, make_world, register_csv

LICENCE_A = "91140400MA0KX1234A"
LICENCE_B = "91140400MA0KX5678B"

# 兰亭苑's register: four flats of building 1, the first two with phones.
REGISTER_A = (
    "1,101,89.50,,,,张伟,1234,13800000001,",
    "1,102,75.00,,,,李娜,2345,13800000002,",
    "1,201,89.50,,,,王强,3456,,",
    "1,202,75.00,,,,刘敏,4567,,",
)


@dataclass
class PropertyWorld:
    world: World
    city: City
    district: District
    company: PropertyCompany  # serves A
    other_company: PropertyCompany  # serves B
    contract: ServiceContract
    other_contract: ServiceContract
    staff: User
    other_staff: User

    @property
    def community(self) -> Community:
        return self.world.community


def _set_password(username: str) -> User:
    with db.write() as s:
        from app.accounts.services import hash_password

        user = s.scalars(select(User).where(User.username == username)).one()
        user.password_hash = hash_password(PASSWORD)
    return db.session.get(User, user.id)  # type: ignore[return-value]


def property_world(*, profile: str = "cn-changzhi", now: datetime | None = None, register_a: bool = True) -> PropertyWorld:
    now = now or utcnow()
    world = make_world()
    city = register.create_city(CLI, code="changzhi", name="长治市", rule_profile=profile)
    district = register.create_district(CLI, city_id=city.id, code="luzhou", name="潞州区")
    register.assign_office_to_district(CLI, street_office_id=world.office.id, district_id=district.id)
    with db.write() as s:
        for community_id in (world.community.id, world.other_community.id):
            s.get(Community, community_id).rule_profile = profile  # type: ignore[union-attr]
    if register_a:
        register.import_register_file(CLI, world.community.id, "a.csv", register_csv(*REGISTER_A))
    company, other, contract, other_contract, staff = serve(world, city, now)
    return PropertyWorld(world, city, district, company, other, contract, other_contract, staff[0], staff[1])


def serve(world: World, city: City, now: datetime) -> tuple[PropertyCompany, PropertyCompany, ServiceContract, ServiceContract, list[User]]:
    """The city's two companies, 康居物业 serving the world's community and 安泰物业 the other one under contracts from a
    year ago to two years ahead, and their staff's accounts "staff" and "staff_b" (enrolled, with the test password)."""
    official = actor_for(world.official)
    company = registry.create_company(
        official, city_id=city.id, name="康居物业服务有限公司", licence_number=LICENCE_A, contact_phone="0355-1234567", now=now
    )
    other = registry.create_company(official, city_id=city.id, name="安泰物业管理有限公司", licence_number=LICENCE_B, now=now)
    today = today_in_china(now)
    term = {"starts_on": today - timedelta(days=365), "ends_on": today + timedelta(days=730)}
    contract = registry.record_contract(
        official, community_id=world.community.id, company_id=company.public_id, fees={"residential": "1.85"}, now=now, **term
    )
    other_contract = registry.record_contract(
        official, community_id=world.other_community.id, company_id=other.public_id, fees={"residential": "2.10"}, now=now, **term
    )
    staff = []
    for username, firm in (("staff", company), ("staff_b", other)):
        registry.add_staff(official, firm.public_id, username=username, display_name=f"{firm.name[:2]}客服", now=now)
        user = _set_password(username)
        enrol(user)
        staff.append(user)
    return company, other, contract, other_contract, staff
