"""The negative list: a finding suspends a member at once and is on the board; it ends in removal by the assembly or is lifted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from app.accounts.models import RoleAssignment, User
from app.accounts.services import create_user
from app.clock import today_in_china
from app.communities import services as register
from app.communities.models import Person
from app.db import db, utcnow
from app.domain.errors import RuleViolation
from app.elections import services as elections
from app.elections.models import Candidate, CandidateStatus, FindingOutcome, MemberRole, Membership
from app.notices import services as notices
from app.notices.models import NoticeKind
from app.orders.models import OrderKind, OrderStatus
from app.oversight import services as oversight
from app.security.actor import actor_for
from app.security.permissions import PermissionDenied, can_run_sessions
from app.security.roles import Role
from tests.factories import CLI, PASSWORD, World, decided_item, enrol
from tests.services.test_elections import new_election, owners_register, seated, stand

PHONE, ID_NUMBER = "13812345678", "110101199001011234"


def member(name: str) -> Membership:
    person = db.session.execute(select(Person).where(Person.name == name)).scalar_one()
    return db.session.execute(select(Membership).where(Membership.person_id == person.id)).scalar_one()


def with_account(world: World, name: str) -> User:
    """The member ``name`` signs in: a user for their person, with the committee's role."""
    person = db.session.execute(select(Person).where(Person.name == name)).scalar_one()
    with db.write() as s:
        s.add(User(username=f"u-{person.id}", display_name=name, password_hash="x", person_id=person.id))
    user = db.session.execute(select(User).where(User.person_id == person.id)).scalar_one()
    with db.write() as s:
        s.add(RoleAssignment(user_id=user.id, role=Role.COMMITTEE_MEMBER, community_id=world.community.id))
    db.session.refresh(user)
    return user


def find(world: World, name: str, code: str = "fee_arrears", **kwargs: object) -> int:
    args: dict[str, object] = {
        "community_id": world.community.id,
        "membership_id": member(name).id,
        "code": code,
        "evidence": f"物业公司催缴记录：自2026年1月起未缴物业费，联系电话{PHONE}，身份证{ID_NUMBER}。",
        "found_on": today_in_china(utcnow()) - timedelta(days=1),
        "now": utcnow(),
    }
    args.update(kwargs)
    return oversight.record_finding(actor_for(world.official), **args).id  # type: ignore[arg-type]


def test_a_finding_suspends_the_member_at_once_and_is_published_without_id_or_phone_numbers(app: Flask) -> None:
    setup, committee, _cand = seated(app)
    world = setup.world
    user = with_account(world, "业主2")
    assert can_run_sessions(actor_for(user), world.community)
    find(world, "业主2", files=[("催缴单.pdf", b"%PDF-1.4\n%%EOF\n")])
    db.session.refresh(user)
    assert not can_run_sessions(actor_for(user), world.community)  # the role is withdrawn right after
    assert member("业主2").suspended_at is not None and member("业主2").holds_seat  # the seat counts, the member does not act
    view = elections.committee_view(world.community, now=utcnow())
    assert view is not None and view.suspended == 1 and member("业主2").id in view.findings
    [notice] = [n for n in notices.board(world.community.id, kind=NoticeKind.ORDER) if "业主2" in n.title]
    assert ("more than 6 months" in notice.body or "超过6个月" in notice.body) and "物业公司催缴记录" in notice.body
    assert PHONE not in notice.body and ID_NUMBER not in notice.body and "\\*\\*\\*" in notice.body
    assert [f.documents[0].filename for f in oversight.findings_of(world.community.id)] == ["催缴单.pdf"]
    today = today_in_china(utcnow())
    assert oversight.findings_in(committee.id, today - timedelta(days=7), today) == 1
    assert oversight.findings_in(committee.id, today, today) == 0


def test_a_finding_ends_in_removal_by_a_certified_assembly_item_and_the_first_alternate_takes_the_seat(app: Flask) -> None:
    setup, _committee, _cand = seated(app)
    world = setup.world
    finding_id = find(world, "业主1", code="records_withheld")
    other_matter = decided_item(world, "cn.use_fund")
    with pytest.raises(RuleViolation) as wrong:
        oversight.decide_finding(actor_for(world.official), finding_id, outcome="removed", note="", item_id=other_matter, now=utcnow())
    assert wrong.value.field == "item_id"
    with pytest.raises(RuleViolation) as missing:
        oversight.decide_finding(actor_for(world.official), finding_id, outcome="removed", note="", now=utcnow())
    assert missing.value.field == "item_id"
    item = decided_item(world, "cn.elect_committee")
    finding = oversight.decide_finding(actor_for(world.official), finding_id, outcome="removed", note="", item_id=item, now=utcnow())
    assert finding.outcome is FindingOutcome.REMOVED and finding.removal_item_id == item
    assert member("业主1").ended_at is not None and member("业主6").role is MemberRole.MEMBER
    assert any("业主1" in n.title and "业主6" in n.body for n in notices.board(world.community.id, kind=NoticeKind.ORDER))
    with pytest.raises(RuleViolation, match="already ended"):
        oversight.decide_finding(actor_for(world.official), finding_id, outcome="lifted", note="复核", now=utcnow())


def test_a_standing_finding_keeps_the_suspension_until_it_is_lifted(app: Flask) -> None:
    setup, _committee, _cand = seated(app)
    world, now = setup.world, utcnow()
    user = with_account(world, "业主3")
    order = oversight.issue_order(
        actor_for(world.official),
        community_id=world.community.id,
        kind=OrderKind.SUSPEND,
        subject="暂停履职",
        body="调查期间暂停履职。",
        due_on=(now + timedelta(days=20)).date(),
        member="业主3",
        now=now,
    )
    finding_id = find(world, "业主3", code="office_for_gain")
    # Withdrawing the order does not give the rights back while the finding stands.
    oversight.close_order(actor_for(world.official), order.id, status=OrderStatus.WITHDRAWN, note="", now=now)
    assert member("业主3").suspended_at is not None
    with pytest.raises(RuleViolation) as no_reason:
        oversight.decide_finding(actor_for(world.official), finding_id, outcome="lifted", note=" ", now=now)
    assert no_reason.value.field == "note"
    oversight.decide_finding(actor_for(world.official), finding_id, outcome="lifted", note="复核后认定证据不足", now=now)
    db.session.refresh(user)
    assert member("业主3").suspended_at is None and can_run_sessions(actor_for(user), world.community)
    assert any("证据不足" in n.body for n in notices.board(world.community.id, kind=NoticeKind.ORDER))


def test_only_the_communitys_street_office_records_a_finding(app: Flask) -> None:
    setup, _committee, _cand = seated(app)
    world = setup.world
    elsewhere = register.create_street_office(CLI, code="dongfeng", name="东风街道办事处")
    stranger = create_user(
        CLI, username="df", display_name="东风", password=PASSWORD, role=Role.STREET_OFFICIAL, street_office_id=elsewhere.id
    )
    enrol(stranger)
    for actor in (actor_for(world.committee), actor_for(stranger), actor_for(world.admin)):
        with pytest.raises(PermissionDenied):
            oversight.record_finding(
                actor,
                community_id=world.community.id,
                membership_id=member("业主2").id,
                code="fee_arrears",
                evidence="欠费",
                found_on=today_in_china(utcnow()),
                now=utcnow(),
            )
    assert member("业主2").suspended_at is None and oversight.findings_of(world.community.id) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": "late_to_meetings"}, "code"),
        ({"evidence": "  "}, "evidence"),
        ({"found_on": date(2999, 1, 1)}, "found_on"),
        ({"files": [("a.txt", b"plain text")]}, "files"),
    ],
)
def test_a_finding_with_an_unknown_entry_or_no_evidence_is_refused_naming_the_field(
    app: Flask, change: dict[str, object], field: str
) -> None:
    setup, _committee, _cand = seated(app)
    with pytest.raises(RuleViolation) as refused:
        find(setup.world, "业主2", **change)
    assert refused.value.field == field and member("业主2").suspended_at is None


def test_a_finding_against_someone_not_seated_is_refused_naming_the_member(app: Flask) -> None:
    setup, _committee, _cand = seated(app)
    with pytest.raises(RuleViolation) as alternate:
        find(setup.world, "业主6")  # an alternate holds no seat
    assert alternate.value.field == "membership_id"
    find(setup.world, "业主2")
    with pytest.raises(RuleViolation, match="already stands"):
        find(setup.world, "业主2")


def test_the_vetting_confirms_each_entry_of_the_negative_list_before_approving(app: Flask) -> None:
    from app.security.actor import actor_for as act

    world = __import__("tests.factories", fromlist=["make_world"]).make_world()
    owners_register(world)
    setup = new_election(world)
    candidate = stand(setup, 1)
    after = setup.start + timedelta(days=16)
    codes = elections.negative_codes(world.community)
    with pytest.raises(RuleViolation) as partly:
        elections.vet_candidate(
            act(world.official), candidate.id, approve=True, reason="", party_verified=None, now=after, cleared=codes[:-1]
        )
    assert (
        partly.value.field == "cleared" and "3" in partly.value.reason and "fee" not in partly.value.reason
    )  # names the unconfirmed entry with its limit
    rejected = elections.vet_candidate(
        act(world.official), candidate.id, approve=False, reason="拖欠物业费", party_verified=None, now=after, rejected_entry="fee_arrears"
    )
    assert rejected.status is CandidateStatus.REJECTED and rejected.rejected_entry == "fee_arrears"
    approved = elections.vet_candidate(
        act(world.official), candidate.id, approve=True, reason="", party_verified=None, now=after, cleared=codes
    )
    stored = db.session.get(Candidate, approved.id)
    assert (
        stored is not None and stored.cleared == codes and stored.vetted_by_user_id == world.official.id and stored.rejected_entry is None
    )
