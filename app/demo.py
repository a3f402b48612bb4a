"""``flask demo``: a realistic street office whose communities are in every state the dashboard flags (idempotent)."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from datetime import date, timedelta
from fractions import Fraction

from flask import current_app
from sqlalchemy import select

from .accounts.models import User
from .accounts.services import create_user
from .clock import today_in_china
from .communities import services
from .communities.models import AreaSource, Community, HoldingState, Person, StreetOffice, UnitKind
from .communities.register import Holder, RegisterRow
from .db import db, utcnow
from .domain.ledger import LedgerKind, format_fen
from .domain.lifecycle import SessionState
from .domain.receipts import utc_stamp
from .ledgers import services as ledgers
from .ledgers.models import LedgerEntry
from .notices import services as notices
from .orders import services as orders
from .security.actor import Actor, Grant, actor_for, operator
from .security.keys import init_keys, load_keyring
from .security.roles import Role
from .sessions import services as sessions
from .sessions.models import AssemblySession, SessionForm
from .voting import services as voting

# The demo acts at the command line, with the grants each step names.
DEMO = operator("demo", Grant.administrator())


def as_committee(community: Community) -> Actor:
    return operator("demo", Grant.committee(community.id))


def as_office(community: Community) -> Actor:
    return operator("demo", Grant.office(community.street_office_id))


DEMO_PASSWORD = "gongzhi-demo-2026"
DEVELOPER = "兰亭置业有限公司"

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华玉萍红玲燕春菊凤洁梅琳云莲雪荣香"
    "月媛瑞佳嘉琼珍莉叶璐琦晶妍茜秋珊锦青倩婷婉颖露瑶怡雁仪荷丹蓉君琴蕊薇梦岚馨韵园咏"
    "卿澜悦昭冰茗羽希宁欣育柔竹凝晓欢枫芸菲伊亚宜舒思"
)


def _names(rng: random.Random) -> Iterator[str]:
    seen: set[str] = set()
    while True:
        name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))
        if name not in seen:
            seen.add(name)
            yield name


def _holder(rng: random.Random, name: str) -> Holder:
    return Holder(
        name,
        f"{rng.randrange(10000):04d}" if rng.random() > 0.05 else f"{rng.randrange(1000):03d}X",
        f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
    )


def lanting_register(seed: int = 278) -> list[RegisterRow]:
    """兰亭苑: 3 residential buildings of 180 flats, 60 parking spaces that do not vote."""
    rng = random.Random(seed)
    names = _names(rng)
    rows: list[RegisterRow] = []
    flats = [(b, f"{floor}{door:02d}") for b in ("1", "2", "3") for floor in range(1, 19) for door in range(1, 11)]
    multi_owners: list[Holder] = []
    for index, (building, number) in enumerate(flats):
        area = rng.choice((8950, 9230, 10500, 12880, 14400)) + rng.randrange(0, 100)
        roll = rng.random()
        if index % 20 == 7:
            state, holders = HoldingState.UNSOLD, (Holder(DEVELOPER, None, "010-88886666"),)
        elif index % 37 == 11:
            state, holders = HoldingState.UNDELIVERED, (_holder(rng, next(names)),)
        elif multi_owners and roll < 0.04:
            state, holders = HoldingState.DELIVERED, (multi_owners.pop(),)
        elif roll < 0.15:
            state, holders = HoldingState.DELIVERED, (_holder(rng, next(names)), _holder(rng, next(names)))
        else:
            owner = _holder(rng, next(names))
            if roll > 0.95:
                multi_owners.append(owner)
            state, holders = HoldingState.DELIVERED, (owner,)
        kind = UnitKind.COMMERCIAL if number.startswith("1") and int(number) < 105 else UnitKind.RESIDENTIAL
        source = AreaSource.REGISTRY if index % 31 else AreaSource.SURVEY
        rows.append(RegisterRow(len(rows) + 2, building, number, area, source, kind, True, holders, state))
    for i in range(1, 61):
        holders = (Holder(DEVELOPER, None, "010-88886666"),) if i > 45 else (_holder(rng, next(names)),)
        state = HoldingState.UNSOLD if i > 45 else HoldingState.DELIVERED
        rows.append(
            RegisterRow(len(rows) + 2, "地下车库", f"P-{i:03d}", 1250, AreaSource.CONTRACT, UnitKind.PARKING, False, holders, state)
        )
    return rows


def meiyuan_register(seed: int = 281) -> list[RegisterRow]:
    """梅园: one small building of 48 flats, all delivered."""
    rng = random.Random(seed)
    names = _names(rng)
    return [
        RegisterRow(
            i + 2,
            "1",
            f"{floor}0{door}",
            rng.choice((7600, 8800, 11200)),
            AreaSource.REGISTRY,
            UnitKind.RESIDENTIAL,
            True,
            (_holder(rng, next(names)),),
            HoldingState.DELIVERED,
        )
        for i, (floor, door) in enumerate((f, d) for f in range(1, 13) for d in range(1, 5))
    ]


def seed_demo() -> Iterator[str]:
    s = db.session()
    office = s.execute(select(StreetOffice).where(StreetOffice.code == "xinhua")).scalar_one_or_none()
    if office is None:
        office = services.create_street_office(DEMO, code="xinhua", name="新华街道办事处")
    communities = {}
    for slug, name, address, buildings, register in (
        ("lanting", "兰亭苑", "新华路 278 号", ("1", "2", "3", "地下车库"), lanting_register),
        ("meiyuan", "梅园小区", "梅园路 19 号", ("1",), meiyuan_register),
    ):
        community = db.session.execute(select(Community).where(Community.slug == slug)).scalar_one_or_none()
        if community is None:
            community = services.create_community(DEMO, street_office_id=office.id, slug=slug, name=name, address=address)
            for building in buildings:
                services.add_building(DEMO, community.id, building)
            report = services.import_register(DEMO, community.id, register(), source_name="demo")
            yield f"{name}: {report.created} units imported"
        else:
            yield f"{name}: already seeded"
        communities[slug] = community

    accounts = (
        ("admin", "系统管理员", Role.ADMINISTRATOR, None, None),
        ("lanting-chair", "王建国（兰亭苑业委会主任）", Role.COMMITTEE_CHAIR, communities["lanting"].id, None),
        ("lanting-member", "陈丽华（兰亭苑业委会委员）", Role.COMMITTEE_MEMBER, communities["lanting"].id, None),
        ("xinhua-official", "刘志强（新华街道）", Role.STREET_OFFICIAL, None, office.id),
    )
    yield ""
    yield f"Demo logins (password for all: {DEMO_PASSWORD}; the first sign-in sets up an authenticator app):"
    for username, display, role, community_id, office_id in accounts:
        if db.session.execute(select(User.id).where(User.username == username)).first() is None:
            create_user(
                DEMO,
                username=username,
                display_name=display,
                password=DEMO_PASSWORD,
                role=role,
                community_id=community_id,
                street_office_id=office_id,
            )
        yield f"  {username:<16} {role.value:<20} {display}"
    yield from _demo_session(communities["lanting"])
    yield from _voting_sessions(communities["lanting"], communities["meiyuan"])
    yield from _books(communities["lanting"], communities["meiyuan"])
    yield from _orders(communities["meiyuan"])
    yield from _committees(office, communities["lanting"], communities["meiyuan"])


DEMO_SESSION_TITLE = "兰亭苑 2027 年第一次业主大会"


def _demo_session(community: Community) -> Iterator[str]:
    """An announced session of 兰亭苑 and a few of its voting letters, to try the phone flow."""
    assembly = db.session.execute(select(AssemblySession).where(AssemblySession.title == DEMO_SESSION_TITLE)).scalar_one_or_none()
    if assembly is None:
        now = utcnow()
        assembly = sessions.create_session(
            as_committee(community),
            community_id=community.id,
            title=DEMO_SESSION_TITLE,
            form=SessionForm.WRITTEN,
            opens_at=now + timedelta(days=16),
            closes_at=now + timedelta(days=30),
        )
        for matter, title, body in (
            ("cn.hire_manager", "续聘兰亭物业服务有限公司", "续聘三年，物业费标准不变（住宅 2.80 元/平方米·月）。"),
            ("cn.use_fund", "使用维修资金更换 2 号楼电梯", "预算 68 万元，由 2 号楼业主分摊的维修资金列支。"),
            ("cn.raise_fund", "续筹维修资金", "按每平方米 30 元续筹，分两年缴纳。"),
        ):
            sessions.add_item(as_committee(community), assembly.id, matter=matter, title=title, body=body)
        sessions.announce_session(as_committee(community), assembly.id, now=now)
    yield f"{DEMO_SESSION_TITLE}: {assembly.state.value}, /s/{assembly.public_id}"


OPEN_TITLE = "兰亭苑 2026 年临时业主大会"
TALLIED_TITLE = "梅园小区 2026 年第二次业主大会"


HISTORY_DAYS = 40


def _voting_sessions(lanting: Community, meiyuan: Community) -> Iterator[str]:
    """An open session of 兰亭苑 with some ballots cast, and a closed, tallied one of 梅园."""
    now = utcnow()
    # The demo's ballots are cast in the past: the signing key must already be valid then.
    kid, _created = init_keys(current_app.instance_path, now=now - timedelta(days=HISTORY_DAYS + 1))
    valid_from = next(k.not_before for k in load_keyring(current_app.instance_path).published if k.key_id == kid)
    if valid_from > utc_stamp(now - timedelta(days=HISTORY_DAYS)):
        yield f"  note: signing key {kid} is valid only from {valid_from}; receipts of the demo's past ballots will not verify"
    specs = (
        (lanting, OPEN_TITLE, now - timedelta(days=16), timedelta(days=14), 0.08),
        (meiyuan, TALLIED_TITLE, now - timedelta(days=HISTORY_DAYS), timedelta(days=10), 0.85),
    )
    rng = random.Random(2026)
    for community, title, announced, length, share in specs:
        existing = db.session.execute(select(AssemblySession).where(AssemblySession.title == title)).scalar_one_or_none()
        if existing is None:
            opens = announced + timedelta(days=15, hours=1)
            assembly = sessions.create_session(
                as_committee(community),
                community_id=community.id,
                title=title,
                form=SessionForm.WRITTEN,
                opens_at=opens,
                closes_at=opens + length,
            )
            for matter, item_title in (("cn.hire_manager", "续聘物业服务企业"), ("cn.use_fund", "使用维修资金维修屋面防水")):
                sessions.add_item(as_committee(community), assembly.id, matter=matter, title=item_title)
            sessions.announce_session(as_committee(community), assembly.id, now=announced)
            item_ids = [str(item.id) for item in assembly.items]
            voted: set[int] = set()
            when = opens + timedelta(hours=2)
            for letter in sessions.letters_of_session(assembly.id):
                if letter.roll_entry_id in voted or rng.random() > share:
                    continue
                voted.add(letter.roll_entry_id)
                choices = {i: rng.choice(("agree", "agree", "agree", "disagree", "abstain")) for i in item_ids}
                voting.cast_ballot(sessions.letter_token(letter), choices, ip="demo", now=when)
            sessions.sync_state(assembly.id, now=now)
            existing = assembly
        db.session.refresh(existing)
        yield f"{title}: {existing.state.value}, /s/{existing.public_id}"
        if existing.state is SessionState.OPEN:
            yield from _letters_to_try(existing)


def _letters_to_try(assembly: AssemblySession) -> Iterator[str]:
    base = os.environ.get("GONGZHI_BASE_URL", "http://127.0.0.1:5000")
    yield "  voting letters to try on a phone (URL, holder, units, ID digits), voting is open:"
    shown = 0
    for letter in sessions.letters_of_session(assembly.id):
        if shown == 3 or sessions.current_ballot(assembly.id, letter.roll_entry_id) is not None:
            continue
        person = db.session.get(Person, letter.person_id)
        assert person is not None
        shown += 1
        yield f"  {base}/v/{sessions.letter_token(letter)}  {person.name}  {'、'.join(letter.roll_entry.units)}  {person.id_last4}"


def _books(lanting: Community, meiyuan: Community) -> Iterator[str]:
    """A year of 兰亭苑's books with last year's two statements published; 梅园 never published last year's (overdue)."""
    already = db.session.execute(select(LedgerEntry.id).where(LedgerEntry.community_id == lanting.id)).first()
    if already is None:
        now = utcnow()
        year = now.year - 1
        rng = random.Random(2027)
        chair = db.session.execute(select(User).where(User.username == "lanting-chair")).scalar_one()
        member = db.session.execute(select(User).where(User.username == "lanting-member")).scalar_one()
        as_chair, as_member = actor_for(chair), actor_for(member)
        income, fund = LedgerKind.PUBLIC_INCOME, LedgerKind.MAINTENANCE_FUND

        def add(community: Community, ledger: LedgerKind, day: date, direction: str, fen: int, category: str, **more: str) -> None:
            ledgers.add_entry(
                as_chair if community.id == lanting.id else as_committee(community),
                community_id=community.id,
                ledger=ledger,
                now=now,
                day=day,
                direction=direction,
                amount=format_fen(fen),
                category=category,
                **more,
            )

        add(lanting, income, date(year, 10, 31), "income", 18_650_000, "opening", note="2023–2025 年公共收益结余")
        add(lanting, fund, date(year, 10, 31), "income", 236_400_000, "opening", note="维修资金专户余额")
        for offset in range(12):
            month = (10 + offset) % 12 + 1
            y = year + (10 + offset) // 12
            add(
                lanting,
                income,
                date(y, month, 5),
                "income",
                rng.randrange(320_000, 380_000),
                "parking",
                counterparty="兰亭物业（代收）",
                voucher=f"P{y}{month:02d}",
            )
            if month % 3 == 0:
                add(
                    lanting,
                    income,
                    date(y, month, 10),
                    "income",
                    600_000,
                    "elevator_ads",
                    counterparty="梯媒广告公司",
                    voucher=f"A{y}{month:02d}",
                )
            add(lanting, fund, date(y, month, 20), "income", rng.randrange(1_100_000, 1_300_000), "deposits", note="新交付房屋首期缴存")
            if month in (6, 12):
                add(lanting, fund, date(y, month, 21), "income", 350_000, "interest")
            if month in (1, 7):
                add(
                    lanting,
                    income,
                    date(y, month, 15),
                    "expense",
                    rng.randrange(150_000, 260_000),
                    "repairs",
                    counterparty="五金维修部",
                    voucher=f"R{y}{month:02d}",
                )
        add(
            lanting,
            income,
            date(year + 1, 3, 28),
            "expense",
            800_000,
            "audit_fees",
            counterparty="正信会计师事务所",
            voucher=f"AU{year + 1}",
        )
        add(
            lanting,
            fund,
            date(year + 1, 8, 3),
            "expense",
            1_860_000,
            "repairs",
            counterparty="迅达电梯维保",
            emergency_reason="2 号楼 1 单元电梯曳引钢丝绳断股，困人风险，停梯抢修",
        )
        for ledger in (income, fund):
            statement = ledgers.close_period(as_chair, community_id=lanting.id, ledger=ledger, now=now)
            notices.confirm_notice(as_member, statement.notice_id, now=now)
        add(meiyuan, income, date(year, 9, 1), "income", 120_000, "venue_rental", counterparty="业主活动室租用")
        add(meiyuan, income, date(year, 12, 1), "expense", 30_000, "office")
    for community in (lanting, meiyuan):
        due = [o for o in ledgers.statement_obligations(community, now=utcnow()) if not o.met]
        overdue = [o for o in due if o.overdue(today_in_china(utcnow()))]
        published = len(notices.published_statements(community.id))
        yield f"{community.name}: {published} statements published, {len(overdue)} overdue, /c/{community.slug}"


def _orders(meiyuan: Community) -> Iterator[str]:
    """The street office orders 梅园 to publish its overdue accounts."""
    from .orders.models import OrderKind
    from .oversight import services as oversight

    if not orders.open_orders(meiyuan.id):
        official = db.session.execute(select(User).where(User.username == "xinhua-official")).scalar_one()
        now = utcnow()
        oversight.issue_order(
            actor_for(official),
            community_id=meiyuan.id,
            kind=OrderKind.RECTIFY,
            subject="公共收益账目逾期未公示",
            body="梅园小区业主委员会未按期公示上一年度公共收益账目，请于期限内公示并报街道办事处。",
            due_on=today_in_china(now) + timedelta(days=10),
            now=now,
        )
    yield f"{meiyuan.name}: {len(orders.open_orders(meiyuan.id))} open order(s) of the street office"


# Committees --------------------------------------------------------------------------------------

MORE = (
    ("songfeng", "松风苑", "松风路 8 号", 301),  # a completed election and a newly seated committee
    ("zhulin", "竹林苑", "竹林巷 3 号", 302),  # no committee at all
    ("taoyuan", "桃源里", "桃源街 56 号", 303),  # a committee past its term, too few members, a re-election ordered
    ("qingfeng", "青枫苑", "青枫路 21 号", 304),  # a temporary management committee
)


def _owners(community: Community, n: int) -> list[tuple[str, Person]]:
    """The first ``n`` owners of the register, each with one of their units ("1-101")."""
    from .communities.models import Building, Holding, Unit

    rows = db.session.execute(
        select(Building.name, Unit.number, Person)
        .join(Unit, Unit.building_id == Building.id)
        .join(Holding, Holding.unit_id == Unit.id)
        .join(Person, Person.id == Holding.person_id)
        .where(Unit.community_id == community.id, Holding.state == HoldingState.DELIVERED, Person.is_developer.is_(False))
        .order_by(Unit.id, Person.id)
    ).all()
    seen: set[int] = set()
    out = []
    for building, number, person in rows:
        if person.id not in seen:
            seen.add(person.id)
            out.append((f"{building}-{number}", person))
    return out[:n]


def _committees(office: StreetOffice, lanting: Community, meiyuan: Community) -> Iterator[str]:
    from .elections import services as elections
    from .orders.models import OrderKind
    from .oversight import services as oversight

    now = utcnow()
    today = today_in_china(now)
    official = db.session.execute(select(User).where(User.username == "xinhua-official")).scalar_one()
    more = {}
    for slug, name, address, seed in MORE:
        community = db.session.execute(select(Community).where(Community.slug == slug)).scalar_one_or_none()
        if community is None:
            community = services.create_community(
                DEMO, street_office_id=office.id, slug=slug, name=name, address=address, rule_profile="cn-party50"
            )
            services.add_building(DEMO, community.id, "1")
            services.import_register(DEMO, community.id, meiyuan_register(seed), source_name="demo")
        more[slug] = community
    if elections.current_committee(lanting.id) is None:
        members = _owners(lanting, 7)
        roles = ("chair", "vice_chair", "member", "member", "member", "member", "member")
        elections.register_sitting_committee(
            as_office(lanting),
            community_id=lanting.id,
            term_start=date(2024, 6, 1),
            term_end=date(2029, 5, 31),
            now=now,
            members=[
                {"unit": u, "name": p.name, "role": r, "party": i < 4} for i, ((u, p), r) in enumerate(zip(members, roles, strict=True))
            ],
        )
    if elections.current_committee(meiyuan.id) is None:
        ends = today + timedelta(days=60)
        members = _owners(meiyuan, 5)
        elections.register_sitting_committee(
            as_office(meiyuan),
            community_id=meiyuan.id,
            term_start=ends.replace(year=ends.year - 5) + timedelta(days=1),
            term_end=ends,
            now=now,
            members=[
                {"unit": u, "name": p.name, "role": "chair" if i == 0 else "member", "party": i < 3} for i, (u, p) in enumerate(members)
            ],
        )
        oversight.issue_order(
            actor_for(official),
            community_id=meiyuan.id,
            kind=OrderKind.SUSPEND,
            subject=f"{members[4][1].name}擅自使用公章",
            body="经查，该委员未经业主委员会决定擅自使用业主委员会印章。暂停其委员职务，待调查结束。",
            due_on=today + timedelta(days=30),
            now=now,
            member=members[4][1].name,
        )
    yield from _seated_by_election(more["songfeng"], official)
    taoyuan = more["taoyuan"]
    if elections.current_committee(taoyuan.id) is None:
        ended = today - timedelta(days=30)
        members = _owners(taoyuan, 5)
        committee = elections.register_sitting_committee(
            as_office(taoyuan),
            community_id=taoyuan.id,
            term_start=ended.replace(year=ended.year - 5) + timedelta(days=1),
            term_end=ended,
            now=now,
            members=[{"unit": u, "name": p.name, "role": "chair" if i == 0 else "member"} for i, (u, p) in enumerate(members)],
        )
        view = elections.committee_view(taoyuan, now=now)
        assert view is not None
        for membership, _person in view.members[2:]:
            elections.record_departure(as_office(taoyuan), membership.id, reason="房屋已出售，不再是本小区业主", now=now)
        past = now - timedelta(days=20)
        oversight.issue_order(
            actor_for(official),
            community_id=taoyuan.id,
            kind=OrderKind.RECTIFY,
            subject="换届审计资料未报送",
            body="请报送业主委员会任期内的财务收支和维修资金使用情况审计资料。",
            due_on=today_in_china(past) + timedelta(days=10),
            now=past,
        )
        oversight.issue_order(
            actor_for(official),
            community_id=taoyuan.id,
            kind=OrderKind.REELECT,
            subject="业主委员会任期届满",
            body="桃源里业主委员会任期已届满且在任委员不足半数。街道办事处组织重新选举，请业主在期限内报名参选。",
            due_on=today + timedelta(days=20),
            now=now,
        )
        assert committee.id
    qingfeng = more["qingfeng"]
    if elections.current_committee(qingfeng.id) is None:
        owners = _owners(qingfeng, 4)
        team = [{"name": p.name, "unit": u, "owner_representative": True} for u, p in owners]
        team += [
            {"name": "周立新", "affiliation": "新华街道办事处", "owner_representative": False},
            {"name": "吴海燕", "affiliation": "青枫社区居民委员会", "owner_representative": False},
            {"name": "郑国栋", "affiliation": "青枫物业服务中心", "owner_representative": False},
        ]
        elections.appoint_temporary(
            as_office(qingfeng), community_id=qingfeng.id, members=team, term_end=today + timedelta(days=365), now=now
        )
    yield from _petition(lanting)
    for community in (lanting, meiyuan, *more.values()):
        view = elections.committee_view(community, now=now)
        state = "no committee" if view is None else f"{view.committee.kind.value} committee, term ends {view.term.ends_on}"
        yield f"{community.name}: {state}, /c/{community.slug}/committee"


ELECTION_TITLE = "松风苑第一届业主委员会选举"


def _seated_by_election(community: Community, official: User) -> Iterator[str]:
    """A complete election in the past: nominations, vetting, the slate, the vote, certification, seating, the chair."""
    from .elections import services as elections
    from .elections import slates as election_slates
    from .elections.models import Election
    from .oversight import services as oversight
    from .sessions.models import Verdict

    if db.session.execute(select(Election).where(Election.title == ELECTION_TITLE)).scalar_one_or_none() is not None:
        return
    now = utcnow()
    start = now - timedelta(days=HISTORY_DAYS + 20)
    election = elections.create_election(
        as_committee(community),
        community_id=community.id,
        title=ELECTION_TITLE,
        seats=5,
        alternates=2,
        nominations_open_at=start,
        nominations_close_at=start + timedelta(days=14),
        now=start,
    )
    standing = _owners(community, 12)[2:9]
    for unit, person in standing:
        elections.nominate_self(
            election.id,
            unit=unit,
            name=person.name,
            id_last4=person.id_last4 or "",
            statement="愿意为大家服务，账目按季度公开。",
            party_declared=True,
            ip="demo",
            now=start + timedelta(days=2),
        )
    vetted = start + timedelta(days=15)
    db.session.refresh(election)
    for index, candidate in enumerate(election.candidates):
        elections.vet_candidate(actor_for(official), candidate.id, approve=True, reason="", party_verified=index < 4, now=vetted)
    elections.publish_slate(as_committee(community), election.id, now=vetted)
    announced = now - timedelta(days=HISTORY_DAYS - 2)
    opens = announced + timedelta(days=15, hours=1)
    assembly = sessions.create_session(
        as_committee(community),
        community_id=community.id,
        title="松风苑 2026 年第一次业主大会（选举业主委员会）",
        form=SessionForm.WRITTEN,
        opens_at=opens,
        closes_at=opens + timedelta(days=10),
    )
    committee_actor = as_committee(community)
    sessions.add_item(committee_actor, assembly.id, matter="cn.rules_of_procedure", title="通过《业主大会议事规则》")
    item = election_slates.add_election_item(committee_actor, assembly.id, election_id=election.id)
    sessions.announce_session(committee_actor, assembly.id, now=announced)
    db.session.refresh(election)
    ids = [str(c.id) for c in election.candidates]
    rng = random.Random(ELECTION_TITLE)
    voted: set[int] = set()
    for letter in sessions.letters_of_session(assembly.id):
        if letter.roll_entry_id in voted or rng.random() > 0.9:
            continue
        voted.add(letter.roll_entry_id)
        # Each owner leaves out two of the seven; the last two are left out more often.
        left_out: set[str] = set()
        while len(left_out) < 2:
            left_out.add(rng.choices(ids, weights=(5, 5, 5, 5, 5, 8, 9))[0])
        choices = {str(i.id): "agree" for i in assembly.items} | {str(item.id): [c for c in ids if c not in left_out]}
        voting.cast_ballot(sessions.letter_token(letter), choices, ip="demo", now=opens + timedelta(hours=3))
    sessions.sync_state(assembly.id, now=now)
    db.session.refresh(assembly)
    decided = now - timedelta(days=HISTORY_DAYS - 30)
    misses = bool(oversight.party_misses(assembly))
    # Certified at the console: an official at the office would confirm it with their authenticator's code.
    oversight.decide(
        as_office(community), assembly.id, verdict=Verdict.CERTIFIED, reasons="", code="", now=decided, acknowledge_party=misses
    )
    committee = elections.seat_committee(actor_for(official), election.id, now=decided + timedelta(days=1))
    view = elections.committee_view(community, now=now)
    assert view is not None
    # Three members with accounts elect the chair and the vice chair: three of five is more than half of all members.
    voters = []
    for index, (_membership, person) in enumerate(view.members[:3]):
        user = create_user(
            DEMO,
            username=f"songfeng-{index + 1}",
            display_name=f"{person.name}（松风苑业委会委员）",
            password=DEMO_PASSWORD,
            role=Role.COMMITTEE_MEMBER,
            community_id=community.id,
        )
        with db.write() as s:
            s.get(User, user.id).person_id = person.id  # type: ignore[union-attr]
        voters.append(user.id)
    for office, (choice, _person) in (("chair", view.members[0]), ("vice_chair", view.members[1])):
        for user_id in voters:
            voter = db.session.get(User, user_id)
            assert voter is not None
            elections.cast_chair_ballot(actor_for(voter), committee.id, office=office, choice_id=choice.id, now=decided + timedelta(days=3))
    # The new committee publishes the assembly's decisions on time; a second member confirms.
    from .notices.models import NoticeKind

    first, second = (actor_for(db.session.get(User, user_id)) for user_id in voters[:2])
    title, body = sessions.decision_text(assembly)
    published = decided + timedelta(days=2)
    draft = notices.draft_notice(
        first, community_id=community.id, kind=NoticeKind.DECISION, title=title, body=body, now=published, session_id=assembly.id
    )
    notices.publish_notice(first, draft.id, now=published)
    notices.confirm_notice(second, draft.id, now=published)
    yield "  songfeng-1       committee_member     a seated member of 松风苑 (chair ballots cast)"
    yield f"{ELECTION_TITLE}: {len(view.members)} members and {len(view.alternates)} alternates seated, term to {committee.term_end}"


def _petition(lanting: Community) -> Iterator[str]:
    """兰亭苑's owners petition for an extraordinary session; it is close to the threshold."""
    from .voting.services import petitions

    if petitions.petitions_of_community(lanting.id):
        return
    assembly = db.session.execute(select(AssemblySession).where(AssemblySession.title == OPEN_TITLE)).scalar_one()
    now = utcnow()
    letters = sessions.letters_of_session(assembly.id)
    started = petitions.start_petition(
        sessions.letter_token(letters[0]),
        title="提前解聘物业服务企业",
        items="解聘兰亭物业服务有限公司\n公开选聘新的物业服务企业",
        ip="demo",
        now=now - timedelta(days=3),
    )
    signed = {letters[0].roll_entry_id}
    for letter in letters[1:]:
        if letter.roll_entry_id in signed:
            continue
        signed.add(letter.roll_entry_id)
        progress = petitions.sign_petition(sessions.letter_token(letter), started.public_id, ip="demo", now=now - timedelta(days=2))
        if progress.measure.nearness >= Fraction(4, 5):
            break
    yield f"兰亭苑: petition at {progress.measure.area_percent}% of the area and {progress.measure.heads_percent}% of the owners"
