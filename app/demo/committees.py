"""The demo's committees: seated, registered, temporary, and one elected from nominations to seating."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..accounts.services import create_user
from ..clock import start_of_day, today_in_china
from ..communities import services
from ..communities.models import Community, HoldingState, Person, StreetOffice
from ..db import db, utcnow
from ..elections.models import Committee, Membership
from ..notices import services as notices
from ..security.actor import actor_for
from ..security.roles import Role
from ..sessions import services as sessions
from ..sessions.models import SessionForm
from ..voting import services as voting
from .actors import DEMO, DEMO_PASSWORD, as_committee, as_office
from .registers import meiyuan_register
from .sessions import HISTORY_DAYS, seed_petition

MORE = (
    ("songfeng", "松风苑", "松风路 8 号", 301),  # a completed election and a newly seated committee
    ("zhulin", "竹林苑", "竹林巷 3 号", 302),  # no committee at all
    ("taoyuan", "桃源里", "桃源街 56 号", 303),  # a committee past its term, too few members, a re-election ordered
    ("qingfeng", "青枫苑", "青枫路 21 号", 304),  # a temporary management committee
    ("xinglin", "杏林苑", "杏林路 9 号", 305),  # a committee that ignored its owners' petition: the office convened the session
    ("liuan", "柳岸苑", "柳岸街 17 号", 306),  # a preparatory group past both of its deadlines
)


def register_owners(community: Community, n: int) -> list[tuple[str, Person]]:
    """The first ``n`` owners of the register, each with one of their units ("1-101")."""
    from ..communities.models import Building, Holding, Unit

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


# The demo's committee logins of 兰亭苑 and the place in its sitting committee of the owner each one is.
LANTING_LOGINS = {"lanting-chair": 0, "lanting-member": 2}


def lanting_login_names(lanting: Community) -> dict[str, str]:
    """The register names of the owners behind the demo's 兰亭苑 committee logins."""
    members = register_owners(lanting, max(LANTING_LOGINS.values()) + 1)
    return {username: members[index][1].name for username, index in LANTING_LOGINS.items()}


def took_office_when_the_term_began(committee: Committee) -> None:
    """A committee that sat before Gongzhi: its members took office when its term began, not on the day it was entered."""
    with db.write() as s:
        for membership in s.execute(select(Membership).where(Membership.committee_id == committee.id)).scalars():
            membership.started_at = start_of_day(committee.term_start)


def seed_committees(office: StreetOffice, lanting: Community, meiyuan: Community) -> Iterator[str]:
    from ..elections import services as elections
    from ..orders.models import OrderKind
    from ..oversight import services as oversight

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
        members = register_owners(lanting, 7)
        roles = ("chair", "vice_chair", "member", "member", "member", "member", "member")
        committee = elections.register_sitting_committee(
            as_office(lanting),
            community_id=lanting.id,
            term_start=date(2024, 6, 1),
            term_end=date(2029, 5, 31),
            now=now,
            members=[
                {"unit": u, "name": p.name, "role": r, "party": i < 4} for i, ((u, p), r) in enumerate(zip(members, roles, strict=True))
            ],
        )
        took_office_when_the_term_began(committee)
        # The demo's logins are the chair and a member the committee page names.
        for username, index in LANTING_LOGINS.items():
            with db.write() as s:
                user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
                if user is not None and user.person_id is None:
                    user.person_id = members[index][1].id
    if elections.current_committee(meiyuan.id) is None:
        ends = today + timedelta(days=60)
        members = register_owners(meiyuan, 5)
        committee = elections.register_sitting_committee(
            as_office(meiyuan),
            community_id=meiyuan.id,
            term_start=ends.replace(year=ends.year - 5) + timedelta(days=1),
            term_end=ends,
            now=now,
            members=[
                {"unit": u, "name": p.name, "role": "chair" if i == 0 else "member", "party": i < 3} for i, (u, p) in enumerate(members)
            ],
        )
        took_office_when_the_term_began(committee)
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
        members = register_owners(taoyuan, 5)
        committee = elections.register_sitting_committee(
            as_office(taoyuan),
            community_id=taoyuan.id,
            term_start=ended.replace(year=ended.year - 5) + timedelta(days=1),
            term_end=ended,
            now=now,
            members=[{"unit": u, "name": p.name, "role": "chair" if i == 0 else "member"} for i, (u, p) in enumerate(members)],
        )
        took_office_when_the_term_began(committee)
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
        owners = register_owners(qingfeng, 4)
        team = [{"name": p.name, "unit": u, "owner_representative": True} for u, p in owners]
        team += [
            {"name": "周立新", "affiliation": "新华街道办事处", "owner_representative": False},
            {"name": "吴海燕", "affiliation": "青枫社区居民委员会", "owner_representative": False},
            {"name": "郑国栋", "affiliation": "青枫物业服务中心", "owner_representative": False},
        ]
        elections.appoint_temporary(
            as_office(qingfeng), community_id=qingfeng.id, members=team, term_end=today + timedelta(days=365), now=now
        )
    xinglin = more["xinglin"]
    if elections.current_committee(xinglin.id) is None:
        members = register_owners(xinglin, 5)
        committee = elections.register_sitting_committee(
            as_office(xinglin),
            community_id=xinglin.id,
            term_start=date(2023, 3, 1),
            term_end=date(2028, 2, 29),
            now=now,
            members=[
                {"unit": u, "name": p.name, "role": "chair" if i == 0 else "member", "party": i < 3} for i, (u, p) in enumerate(members)
            ],
        )
        took_office_when_the_term_began(committee)
    yield from seed_petition(lanting)
    for community in (lanting, meiyuan, *more.values()):
        yield committee_line(community, now=now)


def committee_line(community: Community, *, now: datetime) -> str:
    """The community's committee (owners', temporary or none), its term's last day and its page."""
    from ..elections import services as elections

    view = elections.committee_view(community, now=now)
    path = f"/c/{community.slug}/committee"
    if view is None:
        return _("%(name)s: no committee, %(path)s", name=community.name, path=path)
    words = (
        _("%(name)s: owners committee, term ends %(day)s, %(path)s")
        if view.committee.kind.value == "owners"
        else _("%(name)s: temporary committee, term ends %(day)s, %(path)s")
    )
    return words % {"name": community.name, "day": view.term.ends_on.isoformat(), "path": path}


ELECTION_TITLE = "松风苑第一届业主委员会选举"


def _seated_by_election(community: Community, official: User) -> Iterator[str]:
    """A complete election in the past: nominations, vetting, the slate, the vote, certification, seating, the chair."""
    from ..elections import services as elections
    from ..elections.models import Election
    from ..elections.services import slates as election_slates
    from ..oversight import services as oversight
    from ..sessions.models import Verdict

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
    standing = register_owners(community, 12)[2:9]
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
        elections.vet_candidate(
            actor_for(official),
            candidate.id,
            approve=True,
            reason="",
            party_verified=index < 4,
            now=vetted,
            cleared=elections.negative_codes(community),
        )
    elections.publish_slate(as_committee(community), election.id, now=vetted)
    announced = now - timedelta(days=HISTORY_DAYS - 2)
    opens = announced + timedelta(days=15, hours=1)
    assembly = sessions.create_session(
        as_committee(community),
        community_id=community.id,
        title="松风苑 2026 年第一次业主大会（选举业主委员会）",
        form=SessionForm.WRITTEN,
        opens_at=opens,
        closes_at=opens + timedelta(days=5),
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
    sessions.sync_state(assembly.id, now=assembly.closes_at + timedelta(minutes=1))
    db.session.refresh(assembly)
    # Certified once the preliminary result's objection period (7 days) is over.
    decided = assembly.closes_at + timedelta(days=7, hours=2)
    misses = bool(oversight.party_misses(assembly))
    # Certified at the console: an official at the office would confirm it with their authenticator's code.
    oversight.decide(
        as_office(community), assembly.id, verdict=Verdict.CERTIFIED, reasons="", code="", now=decided, acknowledge_party=misses
    )
    committee = elections.seat_committee(actor_for(official), election.id, now=decided + timedelta(days=1))
    view = elections.committee_view(community, now=now)
    assert view is not None
    # Three members with accounts elect the chair: three of five is more than half of all members.
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
    # The vice chair gets two of the three votes it needs and the 7 days pass: the office's dashboard flags it.
    for office, (choice, _person) in (("chair", view.members[0]), ("vice_chair", view.members[1])):
        for user_id in voters if office == "chair" else voters[:2]:
            voter = db.session.get(User, user_id)
            assert voter is not None
            elections.cast_chair_ballot(actor_for(voter), committee.id, office=office, choice_id=choice.id, now=decided + timedelta(days=3))
    # The new committee publishes the assembly's decisions on time; a second member confirms.
    from ..notices.models import NoticeKind

    first, second = (actor_for(db.session.get(User, user_id)) for user_id in voters[:2])
    title, body = sessions.decision_text(assembly)
    published = decided + timedelta(days=2)
    draft = notices.draft_notice(
        first, community_id=community.id, kind=NoticeKind.DECISION, title=title, body=body, now=published, session_id=assembly.id
    )
    notices.publish_notice(first, draft.id, now=published)
    notices.confirm_notice(second, draft.id, now=published)
    yield f"  {'songfeng-1':<18} {'committee_member':<20} " + _("a seated member of 松风苑 (chair ballots cast)")
    yield _(
        "%(title)s: %(members)d members and %(alternates)d alternates seated, term to %(day)s",
        title=ELECTION_TITLE,
        members=len(view.members),
        alternates=len(view.alternates),
        day=committee.term_end.isoformat(),
    )
