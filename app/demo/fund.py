"""The demo's maintenance fund in 兰亭苑: the units' opening balances, a building-3 elevator project from its vote to
its settlement, building 2's wall works past their planned end, an emergency repair the street office confirmed and
its works published, one done but not published in time, one still waiting for its answer, and public income spent
under the caps the rules of procedure set."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..clock import today_in_china
from ..communities.models import Building, Community, Unit
from ..db import db, utcnow
from ..domain.ledger import LedgerKind, format_fen
from ..fund.models.projects import FundProject
from ..fund.services import accounts, costs, deposits, emergencies, projects
from ..ledgers import services as ledgers
from ..notices import services as notices
from ..notices.models import NoticeKind
from ..oversight import services as oversight
from ..security.actor import Actor, actor_for
from ..sessions import services as sessions
from ..sessions.models import SessionForm, Verdict
from ..voting import services as voting
from .actors import as_office
from .documents import text_pdf

ELEVATOR = "3 号楼电梯更新"
WALL = "2 号楼外墙面砖整治"
SESSION_TITLE = "2026 年第二次业主大会会议（3 号楼电梯更新）"
# The fund's first deposits, by area (RULES §11 apportions by area too): 45 yuan a square metre.
YUAN_PER_M2 = 45


def seed_opening_deposits(community: Community, actor: Actor, day: date, *, now: datetime) -> None:
    """The bank's export of each unit's balance when the committee took over the books, imported as a deposit file."""
    rows = db.session.execute(
        select(Building.name, Unit.number, Unit.area_centi).join(Building).where(Unit.community_id == community.id)
    ).all()
    lines = ["房号,日期,金额,凭证号"]
    lines += [f"{b}-{n},{day.isoformat()},{format_fen(area * YUAN_PER_M2).replace(',', '')},期初分户余额" for b, n, area in rows]
    deposits.import_deposits(
        actor, community_id=community.id, filename=f"专户分户余额-{day.isoformat()}.csv", data="\n".join(lines).encode(), now=now
    )


def _building(community: Community, name: str) -> int:
    return db.session.execute(select(Building.id).where(Building.community_id == community.id, Building.name == name)).scalar_one()


def seed_fund(community: Community) -> Iterator[str]:
    already = db.session.execute(select(FundProject).where(FundProject.community_id == community.id)).scalars().first()
    if already is None:
        _seed(community)
    path = f"/c/{community.slug}/fund"
    yield _("%(name)s: fund projects and emergency use, %(path)s", name=community.name, path=path)
    reconciled = accounts.reconciliation(community.id)
    yield "  " + _(
        "units' accounts: %(balance)s yuan in all, %(state)s",
        balance=format_fen(reconciled.balance_fen),
        state=_("reconciled with the fund ledger") if reconciled.agrees else _("differences with the fund ledger"),
    )
    yield "  " + _("an owner sees their unit's account from their voting letter: open a letter above, then “Your unit's fund account”")


def _seed(community: Community) -> None:
    now = utcnow()
    # The chair acts (its name stands on every step); a second member confirms what needs two.
    chair = db.session.execute(select(User).where(User.username == "lanting-chair")).scalar_one()
    member = db.session.execute(select(User).where(User.username == "lanting-member")).scalar_one()
    committee, second, office = actor_for(chair), actor_for(member), as_office(community)
    start = now - timedelta(days=38)
    opens = start + timedelta(days=15, hours=1)
    closes = opens + timedelta(days=7)
    elevator = projects.open_project(
        committee,
        community_id=community.id,
        title=ELEVATOR,
        works="更换 3 号楼两台使用满 18 年的电梯（曳引机、控制柜、轿厢、层门），拆旧装新，含特种设备检验。",
        contractor="迅达电梯（中国）有限公司",
        budget="680,000",
        buildings=[_building(community, "3")],
        works_start=today_in_china(closes + timedelta(days=9)),
        works_end=today_in_china(now - timedelta(days=5)),
        now=start,
    )
    assembly = sessions.create_session(
        committee, community_id=community.id, title=SESSION_TITLE, form=SessionForm.WRITTEN, opens_at=opens, closes_at=closes
    )
    rules = sessions.add_item(
        committee,
        assembly.id,
        matter="cn.rules_of_procedure",
        title="修订议事规则：授权业主委员会在年度限额内支出公共收益",
        body="日常维修每年不超过 30,000 元，年度审计每年不超过 10,000 元；超出限额的支出提交业主大会决定。",
    )
    item = projects.put_on_session(committee, elevator.id, assembly_id=assembly.id, now=start)
    # A second project on the same session, building 2's: its works ran past their planned end and are not accepted yet.
    wall = projects.open_project(
        committee,
        community_id=community.id,
        title=WALL,
        works="2 号楼外墙面砖空鼓、局部脱落：拆除空鼓面砖约 600 平方米，改为真石漆涂料，搭设安全防护棚。",
        contractor="华东建筑装饰工程有限公司",
        budget="320,000",
        buildings=[_building(community, "2")],
        works_start=today_in_china(closes + timedelta(days=9)),
        works_end=today_in_china(now - timedelta(days=6)),
        now=start,
    )
    wall_item = projects.put_on_session(committee, wall.id, assembly_id=assembly.id, now=start)
    sessions.announce_session(committee, assembly.id, now=start)
    rng = random.Random(ELEVATOR)
    when = opens + timedelta(hours=3)
    voted: set[int] = set()
    for letter in sessions.letters_of_session(assembly.id):
        if letter.roll_entry_id in voted or rng.random() > 0.86:
            continue
        voted.add(letter.roll_entry_id)
        choices = {str(rules.id): rng.choice(("agree", "agree", "agree", "agree", "disagree", "abstain"))}
        if any(unit.startswith("3-") for unit in letter.roll_entry.units):
            choices[str(item.id)] = rng.choice(("agree", "agree", "agree", "agree", "agree", "disagree"))
        if any(unit.startswith("2-") for unit in letter.roll_entry.units):
            choices[str(wall_item.id)] = rng.choice(("agree", "agree", "agree", "agree", "disagree", "abstain"))
        voting.cast_ballot(sessions.letter_token(letter), choices, ip="demo", now=when)
    sessions.sync_state(assembly.id, now=closes + timedelta(hours=1))
    # Certified once the preliminary result's objection period (7 days) is over.
    certified = closes + timedelta(days=7, hours=2)
    # Certified at the console: an official at the office would confirm it with their authenticator's code.
    oversight.decide(office, assembly.id, verdict=Verdict.CERTIFIED, reasons="", code="", now=certified)
    # The decisions are published within the profile's days, a second member confirming.
    title, body = sessions.decision_text(assembly)
    published = certified + timedelta(days=1)
    decision = notices.draft_notice(
        committee, community_id=community.id, kind=NoticeKind.DECISION, title=title, body=body, now=published, session_id=assembly.id
    )
    notices.publish_notice(committee, decision.id, now=published)
    notices.confirm_notice(second, decision.id, now=published)
    projects.approve(committee, elevator.id, now=certified + timedelta(hours=2))
    projects.approve(committee, wall.id, now=certified + timedelta(hours=2))
    for category, cap in (("repairs", "30,000"), ("audit_fees", "10,000")):
        ledgers.authorise(
            committee, community_id=community.id, category=category, cap=cap, item=str(rules.id), now=certified + timedelta(hours=3)
        )
    for days, fen, category, counterparty in ((2, 185_000, "repairs", "五金维修部"), (4, 800_000, "audit_fees", "正信会计师事务所")):
        moment = certified + timedelta(days=days)
        ledgers.add_entry(
            committee,
            community_id=community.id,
            ledger=LedgerKind.PUBLIC_INCOME,
            now=moment,
            day=today_in_china(moment),
            direction="expense",
            amount=format_fen(fen),
            category=category,
            counterparty=counterparty,
        )
    projects.start_works(committee, elevator.id, day=today_in_china(certified + timedelta(days=1)), now=certified + timedelta(days=1))
    projects.start_works(committee, wall.id, day=today_in_china(certified + timedelta(days=1)), now=certified + timedelta(days=1))
    first = certified + timedelta(days=2)
    projects.book_invoice(committee, elevator.id, day=today_in_china(first), amount="400,000", voucher="FP-0001", note="设备款", now=first)
    accepted = now - timedelta(days=4)
    report = text_pdf(
        "3 号楼电梯更新工程竣工验收报告", "两台电梯经特种设备检验机构检验合格，业主代表、业委会、物业、施工单位共同验收，同意交付使用。"
    )
    projects.accept(committee, elevator.id, day=today_in_china(accepted), filename="竣工验收报告.pdf", data=report, now=accepted)
    last = now - timedelta(days=3)
    projects.book_invoice(
        committee, elevator.id, day=today_in_china(last), amount="268,000", voucher="FP-0002", note="安装及验收尾款", now=last
    )
    projects.settle(committee, elevator.id, now=now - timedelta(days=1))
    projects.open_project(
        committee,
        community_id=community.id,
        title="1 号楼屋面防水翻新",
        works="1 号楼屋面防水层老化，顶层多户渗漏：铲除旧防水层，重做 SBS 卷材防水约 1,100 平方米。",
        contractor="东方雨虹防水工程有限公司",
        budget="198,000",
        buildings=[_building(community, "1")],
        now=now - timedelta(days=2),
    )
    # An emergency the office confirmed within its hours: works done, costs booked and published.
    applied = now - timedelta(days=30)
    repair = emergencies.apply(
        committee,
        community_id=community.id,
        kind="elevator_failure",
        works="2 号楼 1 号电梯曳引钢丝绳断股，存在困人和坠落风险，立即停梯并更换全部钢丝绳。",
        scope=["2"],
        scope_label="2 号楼",
        contractor="迅达电梯维保",
        estimate="20,000",
        now=applied,
    )
    emergencies.decide(office, repair.id, confirm=True, reason="", totp_code="", now=applied + timedelta(hours=3))
    cost_day = applied + timedelta(days=1)
    costs.book_emergency_cost(committee, repair.id, day=today_in_china(cost_day), amount="18,600", voucher="FP-0100", now=cost_day)
    emergencies.complete(committee, repair.id, works_done_on=today_in_china(applied + timedelta(days=2)), now=applied + timedelta(days=2))
    acceptance = text_pdf("2 号楼 1 号电梯钢丝绳更换验收记录", "更换曳引钢丝绳 6 根，试运行正常，经维保单位与业委会验收。")
    emergencies.publish(
        committee, repair.id, acceptance_file=emergencies.AcceptanceFile("验收记录.pdf", acceptance), now=applied + timedelta(days=10)
    )
    # One whose works were done more than the profile's days ago and are still unpublished: red on the dashboard.
    pump_applied = now - timedelta(days=45)
    pump = emergencies.apply(
        committee,
        community_id=community.id,
        kind="fire_equipment",
        works="地下车库消防稳压泵电机烧毁，消火栓系统失压，更换稳压泵电机及控制箱接触器。",
        scope=["1", "2", "3"],
        scope_label="1—3 号楼",
        contractor="安信消防设备维保有限公司",
        estimate="9,800",
        now=pump_applied,
    )
    emergencies.decide(office, pump.id, confirm=True, reason="", totp_code="", now=pump_applied + timedelta(hours=5))
    emergencies.complete(
        committee, pump.id, works_done_on=today_in_china(pump_applied + timedelta(days=1)), now=pump_applied + timedelta(days=1)
    )
    # One the office has not answered in its hours: red on its dashboard.
    emergencies.apply(
        committee,
        community_id=community.id,
        kind="roof_leak",
        works="1 号楼 18 层 1801、1802 室顶板大面积渗水，电线受潮，须立即局部防水处理。",
        scope=["1-1801", "1-1802"],
        scope_label="1 号楼 1801、1802",
        contractor="东方雨虹防水工程有限公司",
        estimate="6,500",
        now=now - timedelta(hours=30),
    )
