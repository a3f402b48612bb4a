"""The preparatory group: forming it (each refusal naming its rule), its accounts, its work, its dissolution (RULES §10)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.accounts.models import RoleAssignment, User
from app.audit.models import AuditEvent
from app.clock import today_in_china
from app.communities import services as register
from app.db import db, utcnow
from app.domain.errors import RuleViolation
from app.elections import services as elections
from app.elections.models import Committee, CommitteeKind
from app.formation import services as formation
from app.formation.models import MemberKind, PreparatoryGroup
from app.notices import services as notices
from app.notices.models import Notice, NoticeKind, NoticeState
from app.oversight import services as oversight
from app.security.actor import Grant, actor_for, operator
from app.security.permissions import PermissionDenied, can_run_sessions
from app.security.roles import Role
from app.sessions import services as sessions
from app.sessions.models import SessionForm
from tests.factories import CLI, World, make_world, register_csv
from tests.services.test_elections import certified, owners_register


def group_lines(*, owners: int = 3, developer: bool = False, residents: bool = True, leader: str = "office") -> list[dict[str, Any]]:
    members: list[dict[str, Any]] = [
        {"kind": "owner", "name": f"业主{n}", "unit": f"2-{n}", "leader": leader == "owner" and n == 1} for n in range(1, owners + 1)
    ]
    members.append({"kind": "office", "name": "王芳", "affiliation": "新华街道办事处", "leader": leader == "office"})
    if residents:
        members.append({"kind": "residents_committee", "name": "刘洋", "affiliation": "兰亭社区居委会", "leader": False})
    if developer:
        members.append({"kind": "developer", "name": "钱经理", "affiliation": "兰亭置业有限公司", "leader": False})
    return members


def formed(world: World, *, now: datetime | None = None, **kwargs: Any) -> tuple[PreparatoryGroup, list[formation.Credential]]:
    return formation.form_group(actor_for(world.official), world.community.id, group_lines(**kwargs), now or utcnow())


def user(username: str) -> User:
    found = db.session.execute(select(User).where(User.username == username)).scalar_one()
    db.session.refresh(found)
    return found


def refused(world: World, members: list[dict[str, Any]], match: str) -> RuleViolation:
    with pytest.raises(RuleViolation, match=match) as exc:
        formation.form_group(actor_for(world.official), world.community.id, members, utcnow())
    return exc.value


def test_the_street_office_forms_a_group_whose_members_get_accounts_with_the_groups_role(app: Flask) -> None:
    world = make_world()
    owners_register(world)
    group, credentials = formed(world)
    assert [c.name for c in credentials] == ["业主1", "业主2", "业主3", "王芳", "刘洋"]
    assert all(c.password and len(c.password) >= 10 for c in credentials)
    for c in credentials:
        account = user(c.username)
        assert account.active and account.totp_secret_enc is None  # the authenticator is set up at the first sign-in
        assert [(a.role, a.community_id) for a in account.roles] == [(Role.PREPARATORY_MEMBER, world.community.id)]
        assert can_run_sessions(actor_for(account), world.community) and not can_run_sessions(actor_for(account), world.other_community)
    kinds = [m.kind for m in group.members]
    assert kinds == [MemberKind.OWNER] * 3 + [MemberKind.OFFICE, MemberKind.RESIDENTS_COMMITTEE]
    assert [m.leader for m in group.members] == [False, False, False, True, False]
    assert group.members[0].unit_label == "2-1" and group.members[0].person_id is not None
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "preparatory_group.form")).scalar_one()
    assert event.community_id == world.community.id and len(event.data["members"]) == 5
    assert formation.open_group(world.community.id) is not None


def test_each_refusal_names_the_rule_it_applies(app: Flask) -> None:
    world = make_world()
    owners_register(world)
    assert refused(world, group_lines(owners=2), "odd number").field == "members"
    refused(world, group_lines(owners=1), "At least 1/2")
    refused(world, group_lines(leader="owner"), "led by the street office")
    no_leader = [dict(m, leader=False) for m in group_lines()]
    assert refused(world, no_leader, "exactly one member").field == "members"
    refused(world, group_lines(developer=True, residents=False), "undelivered or unsold")
    official_only = group_lines()
    official_only[0]["username"] = "chair"
    assert refused(world, official_only, "existing account").field == "members[0].username"
    wrong = group_lines()
    wrong[0] = {"kind": "owner", "name": "张三", "unit": "2-1"}
    assert refused(world, wrong, "not an owner of that unit").field == "members[0].name"
    wrong[0] = {"kind": "owner", "name": "业主1", "unit": "9-9"}
    assert refused(world, wrong, "no unit").field == "members[0].unit"
    twice = group_lines()
    twice[1] = dict(twice[0])
    assert refused(world, twice, "listed twice").field == "members[1].name"
    no_org = group_lines()
    no_org[3] = {"kind": "office", "name": "王芳", "leader": True}
    assert refused(world, no_org, "organisation").field == "members[3].affiliation"
    bad_kind = group_lines()
    bad_kind[4] = dict(bad_kind[4], kind="mayor")
    assert refused(world, bad_kind, "kind").field == "members[4].kind"
    assert refused(world, [], "Name the members").field == "members"
    with pytest.raises(PermissionDenied):
        formation.form_group(actor_for(world.committee), world.community.id, group_lines(), utcnow())
    other = register.create_street_office(CLI, code="other-street", name="另一街道办事处")
    with pytest.raises(PermissionDenied):
        formation.form_group(operator("cli", Grant.office(other.id)), world.community.id, group_lines(), utcnow())
    assert db.session.execute(select(PreparatoryGroup)).first() is None
    assert db.session.execute(select(User).where(User.username.like("lanting-g%"))).first() is None  # all or nothing


def test_a_second_group_and_a_committee_in_its_term_are_refused_one_past_its_term_is_not(app: Flask) -> None:
    world = make_world()
    owners_register(world)
    formed(world)
    with pytest.raises(RuleViolation, match="already exists"):
        formed(world)
    world2_committee = Committee(
        community_id=world.other_community.id,
        kind=CommitteeKind.OWNERS,
        seats=5,
        term_start=date(2020, 1, 1),
        term_end=date.today() + timedelta(days=30),
        seated_at=utcnow(),
    )
    with db.write() as s:
        s.add(world2_committee)
    lines = [{"kind": "office", "name": "王芳", "affiliation": "新华街道办事处", "leader": True}]
    with pytest.raises(RuleViolation, match="committee in its term"):
        formation.form_group(actor_for(world.official), world.other_community.id, lines, utcnow())
    with db.write() as s:
        s.get(Committee, world2_committee.id).term_end = date.today() - timedelta(days=1)  # type: ignore[union-attr]
    register.add_building(CLI, world.other_community.id, "1")
    register.import_register_file(
        CLI,
        world.other_community.id,
        "r.csv",
        register_csv("1,1,80.00,,,,孙丽,1111,,", "1,2,80.00,,,,钱伟,2222,,", "1,3,80.00,,,,吴静,3333,,"),
    )
    lines.insert(0, {"kind": "owner", "name": "孙丽", "unit": "1-1"})
    lines.append({"kind": "owner", "name": "孙丽", "unit": "1-1"})
    with pytest.raises(RuleViolation, match="listed twice"):
        formation.form_group(actor_for(world.official), world.other_community.id, lines, utcnow())
    lines.pop()
    lines.append({"kind": "residents_committee", "name": "周敏", "affiliation": "梅园社区居委会"})
    lines += [{"kind": "owner", "name": "钱伟", "unit": "1-2"}, {"kind": "owner", "name": "吴静", "unit": "1-3"}]
    group, _ = formation.form_group(actor_for(world.official), world.other_community.id, lines, utcnow())
    assert group.community_id == world.other_community.id


def test_a_developer_sits_only_where_it_still_holds_units(app: Flask) -> None:
    world = make_world()
    rows = [f"2,{n},80.00,,,,业主{n},{n:04d},," for n in range(1, 4)] + ["1,901,90.00,合同,住宅,是,兰亭置业有限公司,,,未售"]
    register.import_register_file(CLI, world.community.id, "r.csv", register_csv(*rows))
    group, _ = formed(world, developer=True, residents=False)
    developer = next(m for m in group.members if m.kind is MemberKind.DEVELOPER)
    assert developer.person_id is not None and developer.affiliation == "兰亭置业有限公司"


def test_an_office_member_may_use_their_own_account_and_keeps_it_after_dissolution(app: Flask) -> None:
    world = make_world()
    owners_register(world)
    members = group_lines()
    members[3]["username"] = "official"
    group, credentials = formation.form_group(actor_for(world.official), world.community.id, members, utcnow())
    assert credentials[3].username == "official" and credentials[3].password is None
    official = user("official")
    assert {a.role for a in official.roles} == {Role.STREET_OFFICIAL, Role.PREPARATORY_MEMBER}
    version = official.session_version
    formation.dissolve(actor_for(world.official), group.id, "筹备组工作完成", utcnow())
    official = user("official")
    assert official.active and [a.role for a in official.roles] == [Role.STREET_OFFICIAL] and official.session_version == version


def test_an_unknown_account_or_one_of_another_office_is_refused(app: Flask) -> None:
    world = make_world()
    owners_register(world)
    for name in ("nobody", "chair"):
        members = group_lines()
        members[3]["username"] = name
        assert refused(world, members, "not an account of this street office").field == "members[3].username"


def test_group_members_draft_announce_and_enter_and_confirm_a_paper_ballot_as_a_committee_does(app: Flask) -> None:
    world = make_world()
    owners_register(world)
    then = utcnow() - timedelta(days=17)
    _group, credentials = formed(world, now=then)
    first, second = (actor_for(user(c.username)) for c in credentials[:2])
    session = sessions.create_session(
        first,
        community_id=world.community.id,
        title="首次业主大会会议",
        form=SessionForm.WRITTEN,
        opens_at=then + timedelta(days=16),
        closes_at=then + timedelta(days=30),
    )
    sessions.add_item(first, session.id, matter="cn.rules_of_procedure", title="业主大会议事规则")
    sessions.add_item(first, session.id, matter="cn.covenant", title="管理规约")
    with pytest.raises(RuleViolation):  # the notice period holds for a group as for a committee
        sessions.announce_session(first, session.id, now=then + timedelta(days=10))
    sessions.announce_session(first, session.id, now=then + timedelta(hours=1))
    # The group's own session: the board says who convenes it and where paper ballots go; the committee's
    # account (whose committee the group replaces) cannot act on it.
    assert session.convened_by == "group"
    announcement = db.session.execute(select(Notice).where(Notice.session_id == session.id)).scalar_one()
    assert "本次会议由业主大会筹备组召集" in announcement.body and "交至筹备组" in announcement.body
    with pytest.raises(PermissionDenied):
        sessions.enter_paper_ballot(actor_for(world.committee), session.id, unit="2-3", choices={}, paper_reference="C-1", now=utcnow())
    items = {i.title: str(i.id) for i in session.items}
    choices = {items["业主大会议事规则"]: "agree", items["管理规约"]: "agree"}
    paper = sessions.enter_paper_ballot(first, session.id, unit="2-1", choices=choices, paper_reference="P-1", now=utcnow())
    with pytest.raises(RuleViolation):  # the two-person rule: not the member who entered it
        sessions.confirm_paper_ballot(first, paper.id, now=utcnow())
    ballot = sessions.confirm_paper_ballot(second, paper.id, now=utcnow())
    assert ballot.session_id == session.id
    # An official of another community's committee may not.
    with pytest.raises(PermissionDenied):
        sessions.enter_paper_ballot(actor_for(world.outsider), session.id, unit="2-2", choices=choices, paper_reference="P-2", now=utcnow())
    # The first assembly opened for voting: no flag for it.
    group = formation.open_group(world.community.id)
    assert group is not None and formation.first_assembly_on(group, now=utcnow()) == today_in_china(then + timedelta(days=16))
    assert "first_assembly_overdue" not in formation.group_flags(world.community.id, now=then + timedelta(days=100))


def test_the_member_list_is_published_once_and_the_flags_follow_the_deadlines(app: Flask) -> None:
    world = make_world()
    owners_register(world)
    formed_at = utcnow() - timedelta(days=8)
    group, credentials = formed(world, now=formed_at)
    assert formation.group_flags(world.community.id, now=utcnow()) == ["members_unpublished_overdue"]
    rows = {r.community.id: r for r in oversight.dashboard(world.office.id, now=utcnow())}
    assert "members_unpublished_overdue" in rows[world.community.id].flags
    with pytest.raises(PermissionDenied):
        formation.publish_members(actor_for(world.outsider), group.id, utcnow())
    notice = formation.publish_members(actor_for(user(credentials[0].username)), group.id, utcnow())
    assert notice.state is NoticeState.PUBLISHED and notice.kind is NoticeKind.GENERAL and "王芳" in notice.body and "组长" in notice.body
    assert notices.board(world.community.id)[0].id == notice.id
    with pytest.raises(RuleViolation, match="already on the board"):
        formation.publish_members(actor_for(world.official), group.id, utcnow())
    assert formation.group_flags(world.community.id, now=utcnow()) == []
    assert formation.group_flags(world.community.id, now=formed_at + timedelta(days=91)) == ["first_assembly_overdue"]


def logged_out(world: World, username: str, version: int) -> None:
    account = user(username)
    assert account.session_version == version + 1 and not account.active
    assert db.session.execute(select(RoleAssignment).where(RoleAssignment.user_id == account.id)).first() is None
    assert not can_run_sessions(actor_for(account), world.community)


def test_the_office_dissolves_the_group_and_the_members_logins_stop_at_once(app: Flask) -> None:
    world = make_world()
    owners_register(world)
    group, credentials = formed(world)
    versions = {c.username: user(c.username).session_version for c in credentials}
    with pytest.raises(PermissionDenied):
        formation.dissolve(actor_for(user(credentials[0].username)), group.id, "自行解散", utcnow())
    with pytest.raises(RuleViolation, match="Say why"):
        formation.dissolve(actor_for(world.official), group.id, " ", utcnow())
    formation.dissolve(actor_for(world.official), group.id, "筹备组未按期开展工作", utcnow())
    for c in credentials:
        logged_out(world, c.username, versions[c.username])
    db.session.refresh(group)
    assert group.dissolved_reason == "筹备组未按期开展工作" and group.committee_id is None
    assert formation.open_group(world.community.id) is None and formation.group_flags(world.community.id, now=utcnow()) == []
    with pytest.raises(RuleViolation, match="dissolved"):
        formation.dissolve(actor_for(world.official), group.id, "再次", utcnow())
    formed(world)  # a new group may be formed after one is dissolved


def test_the_group_dissolves_when_the_committee_its_assembly_elected_is_seated(app: Flask) -> None:
    world = make_world()
    setup, _cand = certified(world, alternates=0)
    group, credentials = formed(world)
    versions = {c.username: user(c.username).session_version for c in credentials}
    committee = elections.seat_committee(actor_for(world.official), setup.election.id, now=utcnow())
    db.session.refresh(group)
    assert group.dissolved_at is not None and group.committee_id == committee.id
    for c in credentials[3:]:
        logged_out(world, c.username, versions[c.username])
    for c in credentials[:3]:  # 业主1–3 were elected: their accounts now carry the committee's role instead
        account = user(c.username)
        assert account.active and account.session_version == versions[c.username]  # still signed in, with the new role
        assert [a.role for a in account.roles] == [Role.COMMITTEE_MEMBER]
    events = [e.action for e in db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()]
    assert events.index("preparatory_group.dissolve") < events.index("committee.seat")


def test_a_temporary_committee_hands_over_to_the_elected_committee_at_seating(app: Flask) -> None:
    world = make_world()
    owners_register(world)
    now = utcnow()
    members = [{"name": f"业主{n}", "unit": f"2-{n}", "owner_representative": True} for n in range(8, 12)]
    members += [{"name": f"干部{n}", "affiliation": "新华街道办事处", "owner_representative": False} for n in range(1, 4)]
    with pytest.raises(RuleViolation, match="at least 7 members"):
        elections.appoint_temporary(
            actor_for(world.official),
            community_id=world.community.id,
            members=members[:5],
            term_end=(now + timedelta(days=365)).date(),
            now=now,
        )
    with pytest.raises(RuleViolation, match="At least 1/2"):
        elections.appoint_temporary(
            actor_for(world.official),
            community_id=world.community.id,
            members=members[2:] + members[4:6],
            term_end=(now + timedelta(days=365)).date(),
            now=now,
        )
    temporary = elections.appoint_temporary(
        actor_for(world.official), community_id=world.community.id, members=members, term_end=(now + timedelta(days=365)).date(), now=now
    )
    setup, _cand = certified(world, alternates=0)
    elected = elections.seat_committee(actor_for(world.official), setup.election.id, now=utcnow())
    db.session.refresh(temporary)
    assert temporary.ended_at is not None and all(m.ended_at is not None for m in temporary.members)
    current = elections.current_committee(world.community.id)
    assert current is not None and current.id == elected.id and current.kind is CommitteeKind.OWNERS


def test_a_committee_past_its_term_stops_acting_once_the_group_is_formed(app: Flask) -> None:
    """Else the outgoing committee could run its own assembly beside the group's, or be a second person on its paper ballots."""
    world = make_world()
    owners_register(world)
    with db.write() as s:
        s.add(
            Committee(
                community_id=world.community.id,
                kind=CommitteeKind.OWNERS,
                seats=5,
                term_start=date(2020, 1, 1),
                term_end=date.today() - timedelta(days=5),
                seated_at=utcnow(),
            )
        )
    chair = actor_for(user("chair"))
    assert can_run_sessions(chair, world.community)
    version = user("chair").session_version
    formed(world)
    chair = actor_for(user("chair"))
    assert not can_run_sessions(chair, world.community) and user("chair").session_version == version + 1
    with pytest.raises(PermissionDenied):
        sessions.create_session(
            chair,
            community_id=world.community.id,
            title="另一次大会",
            form=SessionForm.WRITTEN,
            opens_at=utcnow() + timedelta(days=16),
            closes_at=utcnow() + timedelta(days=20),
        )
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "preparatory_group.form")).scalar_one()
    assert event.data["committee_rights_ended"] == [user("chair").id]


def test_an_account_closed_with_an_earlier_group_comes_back_only_with_a_new_password_and_authenticator(app: Flask) -> None:
    from tests.factories import enrol

    world = make_world()
    owners_register(world)
    first, credentials = formed(world)
    owner = user(credentials[0].username)
    enrol(owner)
    assert user(owner.username).totp_enrolled
    formation.dissolve(actor_for(world.official), first.id, reason="重新组建", now=utcnow())
    assert not user(owner.username).active
    _second, again = formed(world)
    back = next(c for c in again if c.username == owner.username)
    account = user(owner.username)
    assert back.password is not None and account.active and not account.totp_enrolled and not account.recovery_codes
    reactivated = db.session.execute(select(AuditEvent.target_id).where(AuditEvent.action == "user.reactivate")).scalars().all()
    assert str(account.id) in reactivated
