"""Committee elections end to end through the services: nomination, vetting, the slate, the vote, seating, the term."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.accounts.models import RoleAssignment, User
from app.audit.models import AuditEvent
from app.clock import start_of_day, today_in_china
from app.communities import services as register
from app.communities.models import Community, Person
from app.db import db, utcnow
from app.domain.bulletin import PublishedRoll, decide, recount
from app.domain.errors import RuleViolation
from app.domain.lifecycle import SessionState
from app.domain.receipts import verify_receipt
from app.elections import services as elections
from app.elections.models import (
    Candidate,
    CandidateStatus,
    ChairBallot,
    Committee,
    Election,
    ElectionKind,
    ElectionState,
    MemberRole,
    Nomination,
)
from app.elections.services import slates as election_slates
from app.notices import services as notices
from app.notices.models import NoticeKind
from app.orders import services as orders
from app.orders.models import Order, OrderKind
from app.oversight import services as oversight
from app.security.actor import Actor, Grant, actor_for, operator
from app.security.keys import load_keyring
from app.security.permissions import PermissionDenied, can_run_sessions
from app.security.roles import Role
from app.sessions import services as sessions
from app.sessions.models import AssemblySession, SessionForm, Verdict
from app.sessions.services import bulletin
from app.voting import services as voting
from tests.factories import CLI, World, make_world, register_csv, tokens_by_holder, use_profile

OWNERS = 12  # 业主1 … 业主12 of flats 2-1 … 2-12, 80.00 m² each; ID last four 0001 … 0012


@dataclass
class Setup:
    world: World
    election: Election
    t0: datetime  # now
    start: datetime  # the election was created then, nominations open for 15 days


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def owners_register(world: World, owners: int = OWNERS) -> None:
    rows = [f"2,{n},80.00,,,,业主{n},{n:04d},," for n in range(1, owners + 1)]
    register.import_register_file(CLI, world.community.id, "r.csv", register_csv(*rows))


def new_election(world: World, *, seats: int = 5, alternates: int = 2, owners: int = OWNERS) -> Setup:
    owners_register(world, owners)
    t0 = utcnow()
    start = t0 - timedelta(days=40)
    chair = world.committee
    election = elections.create_election(
        actor_for(chair),
        community_id=world.community.id,
        title="第一届业主委员会选举",
        seats=seats,
        alternates=alternates,
        nominations_open_at=start,
        nominations_close_at=start + timedelta(days=15),
        now=start,
    )
    return Setup(world, election, t0, start)


def stand(setup: Setup, n: int) -> Candidate:
    return elections.nominate_self(
        setup.election.id,
        unit=f"2-{n}",
        name=f"业主{n}",
        id_last4=f"{n:04d}",
        statement="",
        party_declared=False,
        ip="t",
        now=setup.start + timedelta(days=1),
    )


def vet_all(setup: Setup, party: set[int] = frozenset()) -> None:  # type: ignore[assignment]
    official = setup.world.official
    for candidate in db.session.execute(select(Candidate).where(Candidate.election_id == setup.election.id)).scalars().all():
        number = int(candidate.unit.split("-")[1])
        elections.vet_candidate(
            actor_for(official),
            candidate.id,
            approve=True,
            reason="",
            party_verified=number in party,
            now=setup.start + timedelta(days=16),
            cleared=elections.negative_codes(setup.world.community),
        )


def on_ballot(setup: Setup, questions: tuple[str, ...] = ()) -> tuple[AssemblySession, dict[str, str], str, dict[int, str]]:
    """Publish the slate, put the election (after any ``questions``) on a session open now and announce it.

    Returns the session, each holder's token, the election's item id and the candidate ids by owner number.
    """
    chair = setup.world.committee
    announce = setup.start + timedelta(days=16)
    elections.publish_slate(actor_for(chair), setup.election.id, now=announce)
    session = sessions.create_session(
        actor_for(chair),
        community_id=setup.world.community.id,
        title="选举业主委员会",
        form=SessionForm.WRITTEN,
        opens_at=announce + timedelta(days=15, hours=1),
        closes_at=announce + timedelta(days=30),
    )
    for title in questions:
        sessions.add_item(actor_for(chair), session.id, matter="cn.other", title=title)
    item = election_slates.add_election_item(actor_for(chair), session.id, election_id=setup.election.id)
    sessions.announce_session(actor_for(chair), session.id, now=announce)
    candidates = {
        int(c.unit.split("-")[1]): str(c.id)
        for c in db.session.execute(select(Candidate).where(Candidate.election_id == setup.election.id)).scalars()
    }
    return session, tokens_by_holder(session.id), str(item.id), candidates


def close(session: AssemblySession) -> None:
    sessions.sync_state(session.id, now=session.closes_at + timedelta(minutes=1))
    db.session.rollback()
    db.session.refresh(session)
    assert session.state is SessionState.TALLIED


def certify(world: World, session: AssemblySession, **kwargs: bool) -> None:
    """At the console (no authenticator code), once the preliminary result's objection period is over."""
    db.session.refresh(session)
    when = max(utcnow(), session.objections_until or utcnow())
    oversight.decide(
        operator("test", Grant.office(world.office.id)), session.id, verdict=Verdict.CERTIFIED, reasons="", code="", now=when, **kwargs
    )
    db.session.rollback()


def vote(tokens: dict[str, str], item: str, ballots: dict[int, list[int]], candidates: dict[int, str], now: datetime) -> None:
    for owner, approved in ballots.items():
        voting.cast_ballot(tokens[f"业主{owner}"], {item: [candidates[n] for n in approved]}, ip="t", now=now)


def count(model: type) -> int:
    return int(db.session.execute(select(func.count()).select_from(model)).scalar_one())


# Setting up and nominating ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seats", "alternates", "field"),
    [(6, 0, "seats"), (3, 0, "seats"), (13, 0, "seats"), (5, 6, "alternates")],
)
def test_an_election_with_bad_seats_is_refused_naming_the_field(app: Flask, seats: int, alternates: int, field: str) -> None:
    world = make_world()
    now = utcnow()
    with pytest.raises(RuleViolation) as refused:
        elections.create_election(
            actor_for(world.committee),
            community_id=world.community.id,
            title="选举",
            seats=seats,
            alternates=alternates,
            nominations_open_at=now,
            nominations_close_at=now + timedelta(days=7),
            now=now,
        )
    assert refused.value.field == field
    assert count(Election) == 0


def test_only_owners_of_the_community_may_stand_and_each_once(app: Flask) -> None:
    setup = new_election(make_world())
    during = setup.start + timedelta(days=1)
    nominate = elections.nominate_self
    with pytest.raises(RuleViolation, match="no unit"):
        nominate(setup.election.id, unit="9-999", name="路人", id_last4="0000", statement="", party_declared=False, ip="t", now=during)
    with pytest.raises(RuleViolation, match="no owner of this unit with that name"):
        nominate(setup.election.id, unit="2-1", name="业主1", id_last4="9999", statement="", party_declared=False, ip="t", now=during)
    with pytest.raises(RuleViolation, match="no owner of this unit with that name"):
        nominate(setup.election.id, unit="2-1", name="业主2", id_last4="0002", statement="", party_declared=False, ip="t", now=during)
    refused = db.session.execute(select(func.count()).where(AuditEvent.action == "election.nominate_refused")).scalar_one()
    assert refused == 2  # the wrong unit is told at once; the wrong identities are audited
    stand(setup, 1)
    with pytest.raises(RuleViolation, match="already a candidate"):
        stand(setup, 1)
    with pytest.raises(RuleViolation, match="nomination period"):
        nominate(
            setup.election.id,
            unit="2-2",
            name="业主2",
            id_last4="0002",
            statement="",
            party_declared=False,
            ip="t",
            now=setup.start + timedelta(days=15),
        )
    assert count(Candidate) == 1


def test_a_joint_nomination_needs_five_other_owners_and_a_recommendation_comes_from_the_office(app: Flask) -> None:
    setup = new_election(make_world())
    chair, official = setup.world.committee, setup.world.official
    during = setup.start + timedelta(days=2)
    few = ["2-2", "2-3", "2-4", "2-5"]
    with pytest.raises(RuleViolation, match="at least 5") as refused:
        elections.nominate(
            actor_for(chair),
            setup.election.id,
            unit="2-1",
            name="业主1",
            nomination=Nomination.JOINT,
            nominated_by=[*few, "2-1"],
            now=during,
        )
    assert refused.value.field == "nominated_by"  # the candidate's own unit does not count
    with pytest.raises(RuleViolation) as unknown:
        elections.nominate(
            actor_for(chair),
            setup.election.id,
            unit="2-1",
            name="业主1",
            nomination=Nomination.JOINT,
            nominated_by=[*few, "7-7"],
            now=during,
        )
    assert unknown.value.field == "nominated_by[4]"
    joint = elections.nominate(
        actor_for(chair),
        setup.election.id,
        unit="2-1",
        name="业主1",
        nomination=Nomination.JOINT,
        nominated_by=[*few, "2-6"],
        now=during,
    )
    assert joint.nominated_by == [*few, "2-6"]
    with pytest.raises(PermissionDenied):
        elections.nominate(
            actor_for(chair),
            setup.election.id,
            unit="2-7",
            name="业主7",
            nomination=Nomination.ORGANISATION,
            nominated_by=["社区党委"],
            now=during,
        )
    recommended = elections.nominate(
        actor_for(official),
        setup.election.id,
        unit="2-7",
        name="业主7",
        nomination=Nomination.ORGANISATION,
        nominated_by=["社区党委"],
        now=during,
    )
    assert recommended.nomination is Nomination.ORGANISATION and recommended.nominated_by == ["社区党委"]


# Vetting and the slate ----------------------------------------------------------------------------------


def test_vetting_gives_the_candidate_a_reason_and_the_slate_is_published_only_when_complete(app: Flask) -> None:
    world = make_world()
    use_profile(world, "cn-party50")
    setup = new_election(world)
    for n in range(1, 8):
        stand(setup, n)
    chair, official = world.committee, world.official
    after_close = setup.start + timedelta(days=16)
    with pytest.raises(RuleViolation, match="not yet vetted"):
        elections.publish_slate(actor_for(chair), setup.election.id, now=after_close)
    first = db.session.execute(select(Candidate).where(Candidate.unit == "2-1")).scalar_one()
    with pytest.raises(RuleViolation, match="reason"):
        elections.vet_candidate(actor_for(official), first.id, approve=False, reason=" ", party_verified=None, now=after_close)
    with pytest.raises(PermissionDenied):
        elections.vet_candidate(
            actor_for(chair),
            first.id,
            approve=True,
            reason="",
            party_verified=True,
            now=after_close,
            cleared=elections.negative_codes(world.community),
        )
    vet_all(setup, party={2, 3})
    elections.vet_candidate(actor_for(official), first.id, approve=False, reason="不是本小区业主本人", party_verified=None, now=after_close)
    # The candidate sees the outcome with the details they stood with; a stranger learns nothing.
    mine = elections.find_own_candidacy(setup.election.id, unit="2-1", name="业主1", id_last4="0001", ip="t", now=after_close)
    assert mine is not None and mine.status is CandidateStatus.REJECTED and mine.reason == "不是本小区业主本人"
    assert elections.find_own_candidacy(setup.election.id, unit="2-1", name="业主1", id_last4="1111", ip="t", now=after_close) is None
    with pytest.raises(RuleViolation, match="once nominations have closed"):
        elections.publish_slate(actor_for(chair), setup.election.id, now=setup.start + timedelta(days=14))
    db.session.refresh(setup.election)
    check = elections.slate_check(setup.election, world.community)
    # Six approved for five seats; 2 verified party members where the target needs 3 of 5.
    assert (check.candidates, check.verified_party, check.needed, check.feasible) == (6, 2, 3, False)
    elections.publish_slate(actor_for(chair), setup.election.id, now=after_close)
    slate = notices.board(world.community.id, kind=NoticeKind.ELECTION_SLATE)
    assert len(slate) == 1 and "业主2" in slate[0].body and "业主1（" not in slate[0].body
    with pytest.raises(RuleViolation, match="no longer be vetted"):
        elections.vet_candidate(
            actor_for(official),
            first.id,
            approve=True,
            reason="",
            party_verified=None,
            now=after_close,
            cleared=elections.negative_codes(world.community),
        )


# The vote, the result, seating -------------------------------------------------------------------------------


def test_an_election_on_the_ballot_elects_seats_a_committee_and_recounts_from_the_bulletin(app: Flask) -> None:
    world = make_world()
    use_profile(world, "cn-party50")
    setup = new_election(world)
    for n in range(1, 9):
        stand(setup, n)
    vet_all(setup, party={1, 2})
    session, tokens, item, cand = on_ballot(setup)
    now = utcnow()
    with pytest.raises(RuleViolation, match="approve at most 5") as too_many:
        voting.cast_ballot(tokens["业主1"], {item: [cand[n] for n in range(1, 7)]}, ip="t", now=now)
    assert too_many.value.field == f"item-{item}"
    rejected_candidate = "999999"
    with pytest.raises(RuleViolation, match="form was changed"):
        voting.cast_ballot(tokens["业主1"], {item: [rejected_candidate]}, ip="t", now=now)
    # Ten of twelve owners vote (quorum 2/3 met): 1–4 get 9 approvals, 5 gets 8, 6 gets 2, 7 and 8 one each.
    ballots = {o: [1, 2, 3, 4, 5] for o in range(1, 9)} | {9: [1, 2, 3, 4, 6], 10: [6, 7, 8]}
    vote(tokens, item, ballots, cand, now)
    receipt = voting.receipt_of_letter(voting.find_letter(tokens["业主10"]))  # type: ignore[arg-type]
    assert receipt is not None and receipt["choices"][item] == sorted([cand[6], cand[7], cand[8]], key=int)
    keys = load_keyring(app.instance_path).published
    assert verify_receipt(receipt, keys) is None
    close(session)
    result = next(i for i in session.result["items"] if i["kind"] == "election")  # type: ignore[index]
    # Qualifying needs approvals from more than half of the 10 participating: 1–5 qualify, 6–8 do not.
    assert result["elected"] == [cand[n] for n in (1, 2, 3, 4, 5)]
    assert result["alternates"] == [] and result["unfilled_alternates"] == 2 and result["committee_formed"] is True
    assert result["party_check"]["party_members"] == 2 and result["party_check"]["met"] is False
    # Anyone can recount from the public bulletin and roll, and gets the server's result exactly.
    entries = bulletin.entries(db.session(), session.id)
    roll = PublishedRoll.from_json(sessions.published_roll(session))
    assert decide(recount(entries, keys, items=roll.items), roll) == session.result
    # Seating waits for certification, and certifying a missed party target needs an acknowledgement.
    official = world.official
    with pytest.raises(RuleViolation, match="only after the street office certifies"):
        elections.seat_committee(actor_for(official), setup.election.id, now=now)
    assert any(a.kind == "party_target" for a in oversight.anomalies(session))
    with pytest.raises(RuleViolation) as unacknowledged:
        certify(world, session)
    assert unacknowledged.value.field == "acknowledge_party"
    certify(world, session, acknowledge_party=True)
    with pytest.raises(PermissionDenied):
        elections.seat_committee(actor_for(world.committee), setup.election.id, now=now)
    committee = elections.seat_committee(actor_for(official), setup.election.id, now=now)
    view = elections.committee_view(world.community, now=now)
    assert view is not None and view.committee.id == committee.id
    assert len(view.members) == 5 and view.party_members == 2 and view.party_share == "40.00" and view.party_target_met is False
    assert view.term.ends_on == committee.term_end and (committee.term_end - committee.term_start).days in (1825, 1826, 1824)
    db.session.refresh(setup.election)
    assert setup.election.state is ElectionState.SEATED
    # The public committee page shows party membership in aggregate only.
    page = app.test_client().get("/c/lanting/committee").get_data(as_text=True)
    assert "业主1" in page and "40.00%" in page


def test_a_tie_for_the_last_seat_leaves_it_open_and_a_runoff_is_created_in_one_step(app: Flask) -> None:
    setup = new_election(make_world())
    for n in range(1, 7):
        stand(setup, n)
    vet_all(setup)
    session, tokens, item, cand = on_ballot(setup)
    now = utcnow()
    # 1, 2 and 4 get 10 approvals, 3 gets 8, 5 and 6 get 6 each: they tie for the fifth seat.
    ballots = (
        {o: [1, 2, 3, 4, 5] for o in range(1, 5)} | {o: [1, 2, 3, 4, 6] for o in range(5, 9)} | {9: [1, 2, 4, 5, 6], 10: [1, 2, 4, 5, 6]}
    )
    vote(tokens, item, ballots, cand, now)
    close(session)
    result = next(i for i in session.result["items"] if i["kind"] == "election")  # type: ignore[index]
    assert sorted(result["tie"], key=int) == [cand[5], cand[6]] and len(result["elected"]) == 4
    assert result["unfilled_seats"] == 1 and result["committee_formed"] is False
    chair = setup.world.committee
    runoff = elections.create_followup(actor_for(chair), setup.election.id, kind=ElectionKind.RUNOFF, now=now)
    db.session.refresh(runoff)
    assert runoff.kind is ElectionKind.RUNOFF and runoff.state is ElectionState.PUBLISHED and runoff.seats == 1
    assert sorted(c.unit for c in runoff.candidates) == ["2-5", "2-6"]
    assert all(c.status is CandidateStatus.APPROVED for c in runoff.candidates)
    with pytest.raises(RuleViolation, match="already created"):
        elections.create_followup(actor_for(chair), setup.election.id, kind=ElectionKind.RUNOFF, now=now)
    assert db.session.execute(select(func.count()).where(Election.kind == ElectionKind.RUNOFF)).scalar_one() == 1


def certified(world: World, *, alternates: int = 2, acknowledge_party: bool = False) -> tuple[Setup, dict[int, str]]:
    """An election certified with 1–5 elected and 6 and 7 alternates, in that order."""
    setup = new_election(world, alternates=alternates)
    for n in range(1, 8):
        stand(setup, n)
    vet_all(setup)
    session, tokens, item, cand = on_ballot(setup)
    # Eight vote: 1–5 get six approvals each, 6 and 7 five each (more than half, so they qualify as alternates).
    ballots = {o: [1, 2, 3, 4, 5] for o in (1, 2, 3)} | {
        4: [1, 2, 3, 6, 7],
        5: [1, 4, 5, 6, 7],
        6: [2, 3, 4, 6, 7],
        7: [1, 2, 5, 6, 7],
        8: [3, 4, 5, 6, 7],
    }
    vote(tokens, item, ballots, cand, utcnow())
    close(session)
    certify(setup.world, session, acknowledge_party=acknowledge_party)
    return setup, cand


def seated(app: Flask, *, alternates: int = 2) -> tuple[Setup, Committee, dict[int, str]]:
    setup, cand = certified(make_world(), alternates=alternates)
    committee = elections.seat_committee(actor_for(setup.world.official), setup.election.id, now=utcnow())
    return setup, committee, cand


def test_alternates_fill_vacancies_in_rank_order_and_too_few_members_flag_a_reelection(app: Flask) -> None:
    setup, committee, _cand = seated(app)
    world, now = setup.world, utcnow()
    view = elections.committee_view(world.community, now=now)
    assert view is not None and [p.name for _m, p in view.alternates] == ["业主6", "业主7"]
    first = next(m for m, p in view.members if p.name == "业主1")
    successor = elections.record_departure(actor_for(world.committee), first.id, reason="房屋已出售", now=now)
    assert successor is not None and successor.role is MemberRole.MEMBER
    view = elections.committee_view(world.community, now=now)
    assert view is not None and "业主6" in [p.name for _m, p in view.members] and [p.name for _m, p in view.alternates] == ["业主7"]
    for name in ("业主2", "业主3"):  # 业主7 takes the first seat; nobody is left for the second
        member = next(m for m, p in view.members if p.name == name)
        elections.record_departure(actor_for(world.committee), member.id, reason="辞职", now=now)
    view = elections.committee_view(world.community, now=now)
    assert view is not None and view.term.seated == 4 and view.alternates == [] and not view.term.below_half
    for name in ("业主4", "业主5"):
        member = next(m for m, p in view.members if p.name == name)
        elections.record_departure(actor_for(world.committee), member.id, reason="辞职", now=now)
    view = elections.committee_view(world.community, now=now)
    assert view is not None and view.term.seated == 2 and view.term.flags == ["below_half"]
    # Near the end of the term the re-election is flagged.
    late = datetime.combine(committee.term_end - timedelta(days=60), datetime.min.time(), tzinfo=now.tzinfo)
    assert "reelection_due" in elections.committee_view(world.community, now=late).term.flags  # type: ignore[union-attr]


def test_members_elect_the_chair_by_more_than_half_of_all_members(app: Flask) -> None:
    setup, committee, _cand = seated(app, alternates=0)
    world, now = setup.world, utcnow()
    members = {p.name: m for m, p in elections.committee_view(world.community, now=now).members}  # type: ignore[union-attr]
    users = {}
    for name in ("业主1", "业主2", "业主3"):
        person = db.session.execute(select(Person).where(Person.name == name)).scalar_one()
        with db.write() as s:
            user = User(username=f"u{person.id}", display_name=name, password_hash="x", person_id=person.id)
            s.add(user)
        users[name] = db.session.execute(select(User).where(User.person_id == person.id)).scalar_one()
    for name in ("业主1", "业主2"):
        assert (
            elections.cast_chair_ballot(actor_for(users[name]), committee.id, office="chair", choice_id=members["业主1"].id, now=now)
            is None
        )
    with pytest.raises(RuleViolation, match="already voted"):
        elections.cast_chair_ballot(actor_for(users["业主1"]), committee.id, office="chair", choice_id=members["业主2"].id, now=now)
    # The third of five is more than half of all members.
    elected = elections.cast_chair_ballot(actor_for(users["业主3"]), committee.id, office="chair", choice_id=members["业主1"].id, now=now)
    assert elected == "业主1"
    db.session.refresh(members["业主1"])
    assert members["业主1"].role is MemberRole.CHAIR
    with pytest.raises(PermissionDenied):  # an official with no seat on the committee
        elections.cast_chair_ballot(actor_for(world.official), committee.id, office="vice_chair", choice_id=members["业主2"].id, now=now)


def test_a_suspension_order_ends_the_members_rights_at_once_and_a_reelection_order_opens_an_election(app: Flask) -> None:
    setup, committee, _cand = seated(app)
    world, now = setup.world, utcnow()
    person = db.session.execute(select(Person).where(Person.name == "业主2")).scalar_one()
    with db.write() as s:
        s.add(User(username="member2", display_name="业主2", password_hash="x", person_id=person.id))
    member_user = db.session.execute(select(User).where(User.username == "member2")).scalar_one()
    with db.write() as s:
        s.add(RoleAssignment(user_id=member_user.id, role=Role.COMMITTEE_MEMBER, community_id=world.community.id))
    db.session.refresh(member_user)
    assert can_run_sessions(actor_for(member_user), world.community)
    due = (now + timedelta(days=20)).date()
    with pytest.raises(RuleViolation) as unknown:
        oversight.issue_order(
            operator("test", Grant.office(world.office.id)),
            community_id=world.community.id,
            kind=OrderKind.SUSPEND,
            subject="违规",
            body="暂停履职",
            due_on=due,
            now=now,
            member="路人",
        )
    assert unknown.value.field == "member"
    order = oversight.issue_order(
        actor_for(world.official),
        community_id=world.community.id,
        kind=OrderKind.SUSPEND,
        subject="业主2 违规",
        body="暂停其委员职务。",
        due_on=due,
        now=now,
        member="业主2",
    )
    db.session.expire_all()
    assert not can_run_sessions(actor_for(db.session.get(User, member_user.id)), world.community)
    view = elections.committee_view(world.community, now=now)
    assert view is not None and view.suspended == 1 and view.term.seated == 4
    page = app.test_client().get("/c/lanting/committee").get_data(as_text=True)
    assert "暂停" in page, page
    assert order.membership_id is not None
    reelect = oversight.issue_order(
        actor_for(world.official),
        community_id=world.community.id,
        kind=OrderKind.REELECT,
        subject="换届",
        body="限期重新选举。",
        due_on=due,
        now=now,
    )
    db.session.refresh(committee)
    assert committee.reelection_ordered_at is not None
    election = db.session.get(Election, reelect.election_id)
    assert election is not None and election.run_by == "office" and election.state is ElectionState.NOMINATING
    assert election.seats == 5 and [o.kind for o in orders.open_orders(world.community.id)].count(OrderKind.REELECT) == 1


def test_a_new_committee_is_seated_only_after_the_term_end_audit(app: Flask) -> None:
    setup, committee, _cand = seated(app)
    world = setup.world
    second, _cand = certified(world, alternates=0)
    with pytest.raises(RuleViolation, match="term-end audit"):
        elections.seat_committee(actor_for(world.official), second.election.id, now=utcnow())
    with pytest.raises(PermissionDenied):
        oversight.save_audit(actor_for(world.committee), committee.id, auditor="", covered=["ledgers"], now=utcnow())
    draft = oversight.save_audit(
        actor_for(world.official), committee.id, auditor="", covered=["ledgers"], report=("report.pdf", PDF), now=utcnow()
    )
    oversight.publish_audit(actor_for(world.official), draft.id, now=utcnow())
    successor = elections.seat_committee(actor_for(world.official), second.election.id, now=utcnow())
    db.session.refresh(committee)
    assert committee.ended_at is not None and elections.current_committee(world.community.id).id == successor.id  # type: ignore[union-attr]


def test_the_street_office_appoints_a_temporary_committee_of_seven_with_owner_representatives(app: Flask) -> None:
    world = make_world()
    owners_register(world)
    now = utcnow()
    members = [{"name": f"业主{n}", "unit": f"2-{n}", "owner_representative": True} for n in range(1, 4)]
    members += [{"name": f"干部{n}", "affiliation": "新华街道办事处", "owner_representative": False} for n in range(1, 5)]
    with pytest.raises(RuleViolation, match="At least 1/2"):
        elections.appoint_temporary(
            actor_for(world.official),
            community_id=world.community.id,
            members=members,
            term_end=(now + timedelta(days=365)).date(),
            now=now,
        )
    members[3] = {"name": "业主4", "unit": "2-4", "owner_representative": True}
    with pytest.raises(RuleViolation, match="at least 7"):
        elections.appoint_temporary(
            actor_for(world.official),
            community_id=world.community.id,
            members=members[:5],
            term_end=(now + timedelta(days=365)).date(),
            now=now,
        )
    with pytest.raises(PermissionDenied):
        elections.appoint_temporary(
            actor_for(world.committee),
            community_id=world.community.id,
            members=members,
            term_end=(now + timedelta(days=365)).date(),
            now=now,
        )
    committee = elections.appoint_temporary(
        actor_for(world.official),
        community_id=world.community.id,
        members=members,
        term_end=(now + timedelta(days=365)).date(),
        now=now,
    )
    view = elections.committee_view(world.community, now=now)
    assert view is not None and view.committee.id == committee.id and len(view.members) == 7
    assert sum(1 for m, _p in view.members if m.owner_representative) == 4 and view.party_target_met is None


# A runoff after a result that formed no committee ---------------------------------------------------------


def runoff_on_ballot(setup: Setup, runoff: Election, now: datetime) -> tuple[AssemblySession, dict[str, str], str, dict[int, str]]:
    """The runoff on a session of its own, open now."""
    chair = setup.world.committee
    announce = now - timedelta(days=16)
    session = sessions.create_session(
        actor_for(chair),
        community_id=setup.world.community.id,
        title="补充投票",
        form=SessionForm.WRITTEN,
        opens_at=announce + timedelta(days=15, hours=1),
        closes_at=now + timedelta(days=6),
    )
    item = election_slates.add_election_item(actor_for(chair), session.id, election_id=runoff.id)
    sessions.announce_session(actor_for(chair), session.id, now=announce)
    candidates = {
        int(c.unit.split("-")[1]): str(c.id)
        for c in db.session.execute(select(Candidate).where(Candidate.election_id == runoff.id)).scalars()
    }
    return session, tokens_by_holder(session.id), str(item.id), candidates


def tied_and_certified(app: Flask) -> tuple[Setup, Election]:
    """1, 2, 4 and 3 elected, 5 and 6 tied for the fifth seat: no committee; the runoff is created."""
    setup = new_election(make_world())
    for n in range(1, 7):
        stand(setup, n)
    vet_all(setup)
    session, tokens, item, cand = on_ballot(setup)
    ballots = (
        {o: [1, 2, 3, 4, 5] for o in range(1, 5)} | {o: [1, 2, 3, 4, 6] for o in range(5, 9)} | {9: [1, 2, 4, 5, 6], 10: [1, 2, 4, 5, 6]}
    )
    vote(tokens, item, ballots, cand, utcnow())
    close(session)
    certify(setup.world, session)
    return setup, elections.create_followup(actor_for(setup.world.committee), setup.election.id, kind=ElectionKind.RUNOFF, now=utcnow())


def members_by_role(community_id: int) -> tuple[list[str], list[str]]:
    view = elections.committee_view(db.session.get(Community, community_id), now=utcnow())  # type: ignore[arg-type]
    assert view is not None
    return sorted(p.name for _m, p in view.members), [p.name for _m, p in view.alternates]


def test_a_runoff_after_a_result_that_formed_no_committee_is_seated_with_it(app: Flask) -> None:
    setup, runoff = tied_and_certified(app)
    world, official = setup.world, setup.world.official
    now = utcnow()
    with pytest.raises(RuleViolation, match="Too few members"):
        elections.seat_committee(actor_for(official), setup.election.id, now=now)
    session, tokens, item, cand = runoff_on_ballot(setup, runoff, now)
    # Seven of ten vote 业主5 in, three 业主6.
    vote(tokens, item, {o: [5] for o in range(1, 8)} | {o: [6] for o in range(8, 11)}, cand, now)
    close(session)
    with pytest.raises(RuleViolation, match="only after the street office certifies"):
        elections.seat_committee(actor_for(official), runoff.id, now=now)
    certify(world, session)
    with pytest.raises(PermissionDenied):
        elections.seat_committee(actor_for(world.committee), runoff.id, now=now)
    before = count(AuditEvent)
    committee = elections.seat_committee(actor_for(official), runoff.id, now=now)
    assert committee.election_id == setup.election.id and committee.seats == 5
    assert members_by_role(world.community.id) == (["业主1", "业主2", "业主3", "业主4", "业主5"], [])
    for election in (setup.election, runoff):
        db.session.refresh(election)
        assert election.state is ElectionState.SEATED
    event = db.session.execute(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
    assert event is not None and event.action == "committee.seat" and event.data["with"] == [setup.election.public_id]
    assert count(AuditEvent) == before + 1
    with pytest.raises(RuleViolation, match="no certified result waiting"):
        elections.seat_committee(actor_for(official), setup.election.id, now=now)


def test_a_runoff_that_still_leaves_too_few_members_seats_nobody(app: Flask) -> None:
    setup, runoff = tied_and_certified(app)
    world, now = setup.world, utcnow()
    session, tokens, item, cand = runoff_on_ballot(setup, runoff, now)
    # Five for each: nobody has more than half of the ten taking part.
    vote(tokens, item, {o: [5] for o in range(1, 6)} | {o: [6] for o in range(6, 11)}, cand, now)
    close(session)
    certify(world, session)
    with pytest.raises(RuleViolation, match="4 members are elected, fewer than the 5"):
        elections.seat_committee(actor_for(world.official), runoff.id, now=now)
    for election in (setup.election, runoff):
        db.session.refresh(election)
        assert election.state is ElectionState.DECIDED
    assert count(Committee) == 0


# The chair's 7-day deadline --------------------------------------------------------------------------------


def member_users(names: tuple[str, ...]) -> dict[str, User]:
    users = {}
    for name in names:
        person = db.session.execute(select(Person).where(Person.name == name)).scalar_one()
        with db.write() as s:
            s.add(User(username=f"u{person.id}", display_name=name, password_hash="x", person_id=person.id))
        users[name] = db.session.execute(select(User).where(User.person_id == person.id)).scalar_one()
    return users


def chair_vote_order(actor: Actor, world: World, now: datetime) -> Order:
    return oversight.issue_order(
        actor, community_id=world.community.id, kind=OrderKind.CHAIR_VOTE, subject="推选主任", body="重新推选。", due_on=None, now=now
    )


def flags_of(world: World, now: datetime) -> list[str]:
    return next(r.flags for r in oversight.dashboard(world.office.id, now=now) if r.community.id == world.community.id)


def test_the_chair_vote_closes_after_7_days_and_the_office_orders_it_again_afresh(app: Flask) -> None:
    setup, committee, _cand = seated(app, alternates=0)
    world, now = setup.world, utcnow()
    members = {p.name: m for m, p in elections.committee_view(world.community, now=now).members}  # type: ignore[union-attr]
    users = member_users(("业主1", "业主2", "业主3"))
    office = actor_for(world.official)
    seated_on = today_in_china(committee.seated_at)
    deadline = seated_on + timedelta(days=7)
    assert elections.committee_view(world.community, now=now).chair_due == deadline  # type: ignore[union-attr]
    # Two of five vote for 业主1 in the first week: not more than half of all members.
    for name in ("业主1", "业主2"):
        elections.cast_chair_ballot(actor_for(users[name]), committee.id, office="chair", choice_id=members["业主1"].id, now=now)
    assert "chair_overdue" not in flags_of(world, now)
    with pytest.raises(RuleViolation, match="may still elect"):
        chair_vote_order(office, world, now)
    # The last day is still open (Beijing days); the day after, the ballot is refused naming the date.
    last_day = start_of_day(deadline) + timedelta(hours=23)
    assert (
        elections.cast_chair_ballot(
            actor_for(users["业主3"]), committee.id, office="vice_chair", choice_id=members["业主2"].id, now=last_day
        )
        is None
    )
    late = start_of_day(deadline + timedelta(days=1)) + timedelta(hours=1)
    with pytest.raises(RuleViolation, match=f"until {deadline.isoformat()}") as refused:
        elections.cast_chair_ballot(actor_for(users["业主3"]), committee.id, office="chair", choice_id=members["业主1"].id, now=late)
    assert refused.value.field == "office"
    assert "chair_overdue" in flags_of(world, late)
    # The office orders the members to vote again: the rule sets the deadline, 7 days from the order.
    with pytest.raises(PermissionDenied):
        chair_vote_order(actor_for(world.committee), world, late)
    order = chair_vote_order(office, world, late)
    reopened = today_in_china(late) + timedelta(days=7)
    db.session.refresh(committee)
    assert order.kind is OrderKind.CHAIR_VOTE and order.due_on == reopened and order.committee_id == committee.id
    assert committee.chair_vote_until == reopened and committee.chair_round == 2
    assert "chair_overdue" not in flags_of(world, late)
    assert elections.committee_view(world.community, now=late).chair_due == reopened  # type: ignore[union-attr]
    # The new vote starts afresh: the first round's ballots stay on record but no longer count, and their voters vote again.
    assert elections.chair_tally(committee, "chair").votes == {} and count(ChairBallot) == 3
    assert elections.chair_tally(committee, "vice_chair").votes == {}
    during = late + timedelta(days=6)
    chair = members["业主1"].id
    for name in ("业主1", "业主2"):
        assert elections.cast_chair_ballot(actor_for(users[name]), committee.id, office="chair", choice_id=chair, now=during) is None
    elected = elections.cast_chair_ballot(
        actor_for(users["业主3"]), committee.id, office="chair", choice_id=members["业主1"].id, now=during
    )
    assert elected == "业主1"
    # The vice chair is still to be elected when the reopened vote closes: flagged again, refused again.
    after = start_of_day(reopened + timedelta(days=1))
    with pytest.raises(RuleViolation, match=f"until {reopened.isoformat()}"):
        elections.cast_chair_ballot(actor_for(users["业主1"]), committee.id, office="vice_chair", choice_id=members["业主2"].id, now=after)
    assert "chair_overdue" in flags_of(world, after)
    events = [e.action for e in db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()]
    assert events.count("committee.chair_ballot") == 5 and events.count("committee.vice_chair_ballot") == 1
    assert events.count("order.chair_vote") == 1
