"""The demo's property services: 康居物业 serves 兰亭苑 and 安泰物业 serves 梅园小区 under contracts the office recorded;
兰亭苑's board shows the service's facts its committee confirmed; owners' requests in every state of the clock (one
answered on time and rated, one escalated past its deadlines, one just filed); last month's list confirmed by the office
(安泰 on the black list for a complaint nobody answered) and 兰亭苑's satisfaction survey taking answers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..accounts.services import hash_password
from ..clock import today_in_china
from ..communities.models import City, Community
from ..db import db, utcnow
from ..property_services.models import PropertyCompany
from ..property_services.services import facts, registry, request_filing, requests, satisfaction, standing
from ..security.actor import Actor, Grant, operator
from .actors import DEMO, DEMO_PASSWORD, as_committee, as_office
from .consultations import _owners

KANGJU = ("康居物业服务有限公司", "91110105MA01KANG1X", "和平区新华路 280 号", "陈经理", "010-64001234")
ANTAI = ("安泰物业管理有限公司", "91110105MA01ANTA2Y", "和平区梅园路 3 号", "周经理", "010-64005678")
STAFF = (("kangju-staff", "赵敏（康居物业客服）"), ("antai-staff", "钱磊（安泰物业客服）"))


def seed_property(city: City, lanting: Community, meiyuan: Community) -> Iterator[str]:
    s = db.session()
    company = s.execute(select(PropertyCompany).where(PropertyCompany.licence_number == KANGJU[1])).scalar_one_or_none()
    if company is None:
        _seed(city, lanting, meiyuan)
    yield _("%(name)s: property service, %(path)s", name=lanting.name, path=f"/c/{lanting.slug}/property")
    yield "  " + _("owners' requests and their times: %(path)s", path=f"/c/{lanting.slug}/property/requests")
    yield "  " + _("the city's red and black lists: %(path)s", path=f"/cities/{city.code}/property-lists")
    for username, display in STAFF:
        yield f"  {username:<18} {'property_staff':<20} {display}"


def _staff_account(company: PropertyCompany, username: str, display: str, now: datetime) -> None:
    registry.add_staff(DEMO, company.public_id, username=username, display_name=display, now=now)
    with db.write() as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one()
        user.password_hash = hash_password(DEMO_PASSWORD)


def _seed(city: City, lanting: Community, meiyuan: Community) -> None:
    now = utcnow()
    today = today_in_china(now)
    firms = []
    for name, licence, address, contact, phone in (KANGJU, ANTAI):
        firms.append(
            registry.create_company(
                DEMO,
                city_id=city.id,
                name=name,
                licence_number=licence,
                address=address,
                contact_name=contact,
                contact_phone=phone,
                now=now - timedelta(days=400),
            )
        )
    kangju, antai = firms
    term = {"starts_on": date(today.year - 1, 1, 1), "ends_on": date(today.year + 1, 12, 31)}
    registry.record_contract(
        as_office(lanting),
        community_id=lanting.id,
        company_id=kangju.public_id,
        fees={"residential": "1.85", "commercial": "3.20", "parking": "0.60"},
        scope_text="共用部位及共用设施设备的维修养护；公共区域保洁、绿化养护；秩序维护与门岗；车辆停放管理；电梯、消防设施委托专业单位维保。",
        now=now - timedelta(days=400),
        **term,
    )
    registry.record_contract(
        as_office(meiyuan),
        community_id=meiyuan.id,
        company_id=antai.public_id,
        fees={"residential": "1.50"},
        scope_text="公共区域保洁、绿化养护、秩序维护；共用设施设备日常维修。",
        now=now - timedelta(days=400),
        **term,
    )
    for company, (username, display) in zip(firms, STAFF, strict=True):
        _staff_account(company, username, display, now)

    staff = operator("demo", Grant.staff(kangju.id))
    period = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    version = facts.submit_facts(
        staff,
        lanting.id,
        manager_name="陈立新",
        manager_phone="13910001000",
        contractors=[
            {"kind": "elevator", "name": "迅达电梯（中国）有限公司北京分公司", "phone": "010-65001111"},
            {"kind": "fire", "name": "北京安消消防技术服务有限公司", "phone": "010-65002222"},
            {"kind": "cleaning", "name": "洁美保洁服务有限公司", "phone": "13911112222"},
        ],
        utility_costs=[
            {"period": period, "item": "公共照明电费", "amount": "1,286.40", "basis": "按建筑面积分摊"},
            {"period": period, "item": "电梯运行电费", "amount": "3,905.00", "basis": "按所在楼栋建筑面积分摊"},
            {"period": period, "item": "二次供水电费", "amount": "842.75", "basis": "按建筑面积分摊"},
        ],
        now=now - timedelta(days=3),
    )
    facts.confirm_facts(as_committee(lanting), lanting.id, version.version, now=now - timedelta(days=2))

    _requests(lanting, meiyuan, staff, now)
    _last_months_list(city, lanting, now)
    satisfaction.open_survey(as_committee(lanting), lanting.id, closes_on=today + timedelta(days=14), now=now - timedelta(days=1))


def _requests(lanting: Community, meiyuan: Community, kangju: Actor, now: datetime) -> None:
    owners = _owners(lanting, 3, skip=40)
    first_of_month = today_in_china(now).replace(day=1)
    last_month = datetime.combine(first_of_month - timedelta(days=20), datetime.min.time()).replace(hour=2, tzinfo=now.tzinfo)

    def file(community: Community, who: tuple[str, str, str], at: datetime, category: str, kind: str, text: str) -> str:
        unit, name, last4 = who
        filed = request_filing.file_by_identity(
            community.id, unit=unit, name=name, id_last4=last4, category=category, kind=kind, text=text, ip="demo", now=at
        )
        return filed.public_id

    # Last month in 兰亭苑: a leaking pipe answered, attended and resolved on time, rated and visited again.
    leak = file(lanting, owners[0], last_month, "repair", "leak", "卫生间顶部水管接口渗水，楼下邻居天花板已有水渍，请尽快派人查看。")
    requests.acknowledge(kangju, leak, now=last_month + timedelta(minutes=12))
    requests.arrive_on_site(kangju, leak, now=last_month + timedelta(hours=1, minutes=40))
    requests.resolve(kangju, leak, resolution="更换老化的水管接口与密封圈，试水 30 分钟无渗漏。", now=last_month + timedelta(hours=5))
    unit, name, last4 = owners[0]
    request_filing.rate_by_identity(
        lanting.id,
        leak,
        unit=unit,
        name=name,
        id_last4=last4,
        rating=5,
        comment="维修师傅很专业，处理及时。",
        ip="demo",
        now=last_month + timedelta(days=1),
    )
    requests.record_follow_up(kangju, leak, note="电话回访，业主表示满意，楼下天花板已干。", now=last_month + timedelta(days=3))

    # Last month in 梅园小区: a complaint 安泰 never answered, escalated to the committee and the office.
    meiyuan_owner = _owners(meiyuan, 1)[0]
    file(meiyuan, meiyuan_owner, last_month + timedelta(hours=6), "complaint", "cleaning", "2 号楼门前垃圾桶连续一周未清运，气味很大。")

    # This week in 兰亭苑: an elevator fault answered late and still not attended (escalated), and one just filed.
    lift = file(lanting, owners[1], now - timedelta(hours=30), "repair", "elevator", "3 号楼 2 单元电梯运行时异响，偶尔在 5 层停顿。")
    requests.acknowledge(kangju, lift, now=now - timedelta(hours=27))
    file(lanting, owners[2], now - timedelta(minutes=40), "complaint", "noise", "地下车库排风机夜间噪声很大，影响休息。")
    requests.escalate_due(now)


def _last_months_list(city: City, lanting: Community, now: datetime) -> None:
    month = standing.previous_month(today_in_china(now))
    office = as_office(lanting)
    standing.compute_month(office, city.id, month, now=now)
    decisions = [standing.Decision(e.company.public_id, e.row.computed) for e in standing.proposed_rows(city.id, month)]
    standing.confirm_month(office, city.id, month, decisions, now=now)
