"""Preparatory groups (筹备组): 竹林苑's, whose first assembly is announced, and 柳岸苑's, past both of its deadlines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..accounts.services import hash_password
from ..clock import today_in_china
from ..communities.models import Community
from ..db import db, utcnow
from ..notices import services as notices
from ..notices.models import NoticeKind
from ..security.actor import actor_for
from ..sessions import services as sessions
from ..sessions.labels import STATE_LABELS
from ..sessions.models import AssemblySession, SessionForm
from .actors import DEMO_PASSWORD
from .committees import register_owners
from .documents import text_pdf

GROUP_LOGIN = "zhulin-group"
FIRST_ASSEMBLY_TITLE = "竹林苑首次业主大会"
FIRST_ELECTION_TITLE = "竹林苑第一届业主委员会选举"
DOCUMENTS_TITLE = "竹林苑首次业主大会文件公示：议事规则和管理规约（草案）"

RULES_OF_PROCEDURE = """《竹林苑业主大会议事规则》（草案）要点：

1. 业主大会由竹林苑全体业主组成，每年至少召开一次定期会议；
   经专有部分面积占比 20% 以上且人数占比 20% 以上的业主提议，业主委员会应当组织召开临时会议。
2. 会议可以采用书面征求意见或集体讨论的形式，会议通知于表决开始 15 日前公告。
3. 表决按专有部分面积和业主人数双重计算，参与表决的业主须达到面积和人数的三分之二以上。
4. 业主委员会由 5 名委员组成，任期五年，可以连选连任；委员应当为本小区业主。
5. 业主委员会作出的决定须经全体委员过半数同意，并在作出之日起 3 日内在小区公告栏公布。"""

COVENANT = """《竹林苑管理规约》（草案）要点：

1. 业主应当按照规划用途使用物业，不得擅自改变房屋结构、外观和共用部位的用途。
2. 装饰装修前应当告知物业服务人，施工时间为工作日 8:00–12:00、14:00–18:00。
3. 共用部位、共用设施设备的经营收益归全体业主所有，每半年公布一次收支情况。
4. 业主应当按时交纳物业服务费用和专项维修资金。
5. 饲养宠物应当遵守有关规定，出户须束犬链，及时清理粪便。"""

SEE_THE_BOARD = "草案全文见本议题所附文件和公告栏《竹林苑首次业主大会文件公示》，业主可在表决开始前向筹备组书面提出意见。"


def _community(slug: str) -> Community:
    return db.session.execute(select(Community).where(Community.slug == slug)).scalar_one()


def seed_groups() -> Iterator[str]:
    """Both groups, formed by 新华街道; 竹林苑's leader is the demo's group login."""
    from ..formation import services as formation

    official = db.session.execute(select(User).where(User.username == "xinhua-official")).scalar_one()
    zhulin, liuan = _community("zhulin"), _community("liuan")
    now = utcnow()
    if formation.latest_group(zhulin.id) is None:
        _first_assembly(zhulin, official)
    if formation.latest_group(liuan.id) is None:
        formation.form_group(
            actor_for(official),
            liuan.id,
            [
                {"kind": "office", "name": "赵建华", "affiliation": "新华街道办事处", "leader": True},
                *({"kind": "owner", "name": p.name, "unit": u} for u, p in register_owners(liuan, 2)),
            ],
            now=now - timedelta(days=100),
        )
    user = db.session.execute(select(User).where(User.username == GROUP_LOGIN)).scalar_one()
    yield f"  {GROUP_LOGIN:<18} {'preparatory_member':<20} {user.display_name}"
    group = formation.open_group(zhulin.id)
    assert group is not None
    yield _(
        "%(name)s: preparatory group of %(n)d formed on %(day)s, member list on the board, %(path)s",
        name=zhulin.name,
        n=len(group.members),
        day=today_in_china(group.formed_at).isoformat(),
        path=f"/c/{zhulin.slug}",
    )
    assembly = db.session.execute(select(AssemblySession).where(AssemblySession.title == FIRST_ASSEMBLY_TITLE)).scalar_one()
    yield _(
        "%(title)s: %(state)s, voting opens %(day)s, %(path)s",
        title=FIRST_ASSEMBLY_TITLE,
        state=STATE_LABELS[assembly.state.value],
        day=today_in_china(assembly.opens_at).isoformat(),
        path=f"/s/{assembly.public_id}",
    )
    late = formation.open_group(liuan.id)
    assert late is not None
    yield _(
        "%(name)s: preparatory group formed %(days)d days ago, member list unpublished, no assembly held",
        name=liuan.name,
        days=(today_in_china(now) - today_in_china(late.formed_at)).days,
    )


def _first_assembly(zhulin: Community, official: User) -> None:
    """The office forms the group; the group publishes its members, runs the election's nominations and announces the
    first assembly: the rules of procedure, the covenant and the election of the committee."""
    from ..elections import services as elections
    from ..elections.services import slates as election_slates
    from ..formation import services as formation

    now = utcnow()
    formed = now - timedelta(days=30)
    owners = register_owners(zhulin, 9)
    group, _credentials = formation.form_group(
        actor_for(official),
        zhulin.id,
        [
            {"kind": "office", "name": "王建国", "affiliation": "新华街道办事处", "leader": True},
            *({"kind": "owner", "name": p.name, "unit": u} for u, p in owners[:3]),
            {"kind": "residents_committee", "name": "陈秀英", "affiliation": "竹林社区居民委员会"},
        ],
        now=formed,
    )
    # The leader's account is the demo's login: form_group made it with a password shown once; the demo sets its own.
    leader = next(m for m in group.members if m.leader)
    with db.write() as s:
        user = s.get(User, leader.user_id)
        assert user is not None
        user.username = GROUP_LOGIN
        user.display_name = f"{leader.name}（竹林苑筹备组组长）"
        user.password_hash = hash_password(DEMO_PASSWORD)
    member = db.session.get(User, leader.user_id)
    group_actor = actor_for(member)
    formation.publish_members(group_actor, group.id, now=formed + timedelta(days=2))

    opens = formed + timedelta(days=4)
    election = elections.create_election(
        group_actor,
        community_id=zhulin.id,
        title=FIRST_ELECTION_TITLE,
        seats=5,
        alternates=1,
        nominations_open_at=opens,
        nominations_close_at=opens + timedelta(days=14),
        now=opens,
    )
    for unit, person in owners[3:9]:
        elections.nominate_self(
            election.id,
            unit=unit,
            name=person.name,
            id_last4=person.id_last4 or "",
            statement="在本小区居住多年，愿意为业主服务，推动物业服务合同公开选聘。",
            party_declared=True,
            ip="demo",
            now=opens + timedelta(days=3),
        )
    vetted = opens + timedelta(days=16)
    db.session.refresh(election)
    for index, candidate in enumerate(election.candidates):
        elections.vet_candidate(
            actor_for(official),
            candidate.id,
            approve=True,
            reason="",
            party_verified=index < 4,
            now=vetted,
            cleared=elections.negative_codes(zhulin),
        )
    elections.publish_slate(group_actor, election.id, now=vetted + timedelta(days=1))

    voting_opens = now + timedelta(days=16)
    assembly = sessions.create_session(
        group_actor,
        community_id=zhulin.id,
        title=FIRST_ASSEMBLY_TITLE,
        form=SessionForm.WRITTEN,
        opens_at=voting_opens,
        closes_at=voting_opens + timedelta(days=14),
    )
    rules = sessions.add_item(
        group_actor,
        assembly.id,
        matter="cn.rules_of_procedure",
        title="通过《竹林苑业主大会议事规则》",
        body=f"{RULES_OF_PROCEDURE}\n\n{SEE_THE_BOARD}",
    )
    covenant = sessions.add_item(
        group_actor, assembly.id, matter="cn.covenant", title="通过《竹林苑管理规约》", body=f"{COVENANT}\n\n{SEE_THE_BOARD}"
    )
    # The drafts owners vote on travel with their items; the announcement lists each file with its SHA-256.
    for item, name, text in ((rules, "竹林苑业主大会议事规则（草案）", RULES_OF_PROCEDURE), (covenant, "竹林苑管理规约（草案）", COVENANT)):
        sessions.attach_document(group_actor, item.id, filename=f"{name}.pdf", data=text_pdf(name, text), now=now)
    election_slates.add_election_item(group_actor, assembly.id, election_id=election.id)
    sessions.announce_session(group_actor, assembly.id, now=now)
    # The drafts themselves on the board, with the announcement (RULES §10: published at least 15 days before the vote).
    board = notices.draft_notice(
        group_actor,
        community_id=zhulin.id,
        kind=NoticeKind.GENERAL,
        title=DOCUMENTS_TITLE,
        body=f"{RULES_OF_PROCEDURE}\n\n{COVENANT}\n\n业主对草案有意见的，请于表决开始前书面提交筹备组，筹备组将逐条记录并答复。",
        now=now,
        session_id=assembly.id,
    )
    notices.publish_notice(group_actor, board.id, now=now)
