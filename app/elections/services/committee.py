"""The seated committee through its term: departures, the chair ballot, temporary and registered committees."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...clock import today_in_china
from ...communities.models import Community, Person
from ...db import db
from ...domain import committee as rules
from ...domain.errors import NotFound, RuleViolation
from ...domain.formation import temporary_problems
from ...domain.rules import get_profile
from ...security.actor import Actor
from ...security.permissions import can_certify, require
from ..models import (
    ChairBallot,
    Committee,
    CommitteeKind,
    MemberRole,
    Membership,
)
from .common import (
    SETUP_MESSAGES,
    TEMPORARY_MESSAGES,
    current_committee,
    drop_role,
    grant_role,
    may_run,
    owner_of,
)


def record_departure(actor: Actor, membership_id: int, *, reason: str, now: datetime) -> Membership | None:
    """A member leaves (resigns, sells their unit, is removed): the first-ranked alternate takes the seat for the rest of the term."""
    reason = reason.strip()
    if not reason or len(reason) > 300:
        raise RuleViolation("reason", str(_l("Say why the member leaves, in at most 300 characters.")))
    with db.write() as s:
        membership = s.get(Membership, membership_id, with_for_update=True)
        if membership is None or membership.ended_at is not None:
            raise NotFound(str(_l("No such member.")))
        committee = s.get(Committee, membership.committee_id)
        assert committee is not None
        community = s.get(Community, committee.community_id)
        assert community is not None
        may_run(actor, community)
        successor = end_membership(s, membership, committee, reason=reason, now=now)
        data = {"member": membership.id, "reason": reason, "successor": successor.id if successor else None}
        record(s, actor, "committee.departure", "committee", committee.id, **scope(community), now=now, data=data)
    return successor


def end_membership(s: Session, membership: Membership, committee: Committee, *, reason: str, now: datetime) -> Membership | None:
    """End a place inside the caller's transaction: the role goes, and a seat passes to the first-ranked alternate (returned)."""
    membership.ended_at, membership.end_reason = now, reason[:300]
    drop_role(s, committee.community_id, membership.person_id)
    if membership.role is MemberRole.ALTERNATE:
        return None
    seats = [rules.Seat(str(m.id), m.alternate_rank, m.ended_at is None) for m in committee.members if m.role is MemberRole.ALTERNATE]
    chosen = rules.next_alternate(seats)
    if chosen is None:
        return None
    successor = s.get(Membership, int(chosen))
    assert successor is not None
    successor.role, successor.alternate_rank = MemberRole.MEMBER, None
    grant_role(s, committee.community_id, successor.person_id)
    return successor


def chair_deadline(committee: Committee) -> date:
    """The last day (Beijing) of the chair vote: 7 days from seating, or the day a vote ordered again runs to."""
    return rules.chair_vote_deadline(today_in_china(committee.seated_at), committee.chair_vote_until)


def chair_offices_filled(committee: Committee) -> bool:
    roles = {m.role for m in committee.members if m.holds_seat}
    return MemberRole.CHAIR in roles and MemberRole.VICE_CHAIR in roles


def chair_vote_overdue(committee: Committee, *, now: datetime) -> bool:
    """An elected committee whose members did not elect the chair and vice chair in time (the dashboard flags it).

    A committee entered from the office's records (no election here) is not flagged: its chair
    vote, if any, happened before Gongzhi.
    """
    return committee.election_id is not None and rules.chair_vote_overdue(
        today_in_china(now), chair_deadline(committee), offices_filled=chair_offices_filled(committee)
    )


def cast_chair_ballot(actor: Actor, committee_id: int, *, office: str, choice_id: int, now: datetime) -> str | None:
    """A seated member chooses the chair or vice chair; more than half of ALL members elect. Returns the name elected, if any.

    The vote is open until ``chair_deadline``; after it the ballot is refused and only an order
    of the street office (``reopen_chair_vote``) opens a new round.
    """
    if office not in ("chair", "vice_chair"):
        raise RuleViolation("office", str(_l("Choose the chair or the vice chair.")))
    with db.write() as s:
        committee = s.get(Committee, committee_id, with_for_update=True)
        if committee is None or committee.ended_at is not None:
            raise NotFound(str(_l("No such committee.")))
        seated = [m for m in committee.members if m.active]
        voter = next((m for m in seated if actor.person_id is not None and m.person_id == actor.person_id), None)
        require(voter is not None)
        assert voter is not None
        choice = next((m for m in seated if m.id == choice_id), None)
        if choice is None:
            raise RuleViolation("choice", str(_l("Choose one of the seated members.")))
        role = MemberRole.CHAIR if office == "chair" else MemberRole.VICE_CHAIR
        if any(m.role is role for m in seated):
            raise RuleViolation("office", str(_l("This office is already filled.")))
        deadline = chair_deadline(committee)
        if not rules.chair_vote_open(today_in_china(now), deadline):
            raise RuleViolation(
                "office",
                str(
                    _l(
                        "The members had until %(date)s to elect the chair and vice chair; "
                        "only the street office can now order them to vote again.",
                        date=deadline.isoformat(),
                    )
                ),
            )
        if s.execute(
            select(ChairBallot.id).where(
                ChairBallot.committee_id == committee.id,
                ChairBallot.office == office,
                ChairBallot.voter_id == voter.id,
                ChairBallot.round == committee.chair_round,
            )
        ).first():
            raise RuleViolation("office", str(_l("You have already voted for this office.")))
        ballot = ChairBallot(committee_id=committee.id, office=office, voter_id=voter.id, choice_id=choice.id, cast_at=now)
        ballot.round = committee.chair_round
        s.add(ballot)
        s.flush()
        outcome = chair_tally(committee, office, s)
        community = s.get(Community, committee.community_id)
        assert community is not None
        elected_name = None
        if outcome.elected is not None:
            winner = s.get(Membership, int(outcome.elected))
            assert winner is not None
            winner.role = role
            person = s.get(Person, winner.person_id)
            elected_name = person.name if person else None
        record(
            s,
            actor,
            f"committee.{office}_ballot",
            "committee",
            committee.id,
            **scope(community),
            now=now,
            data={"voter": voter.id, "choice": choice.id, "elected": outcome.elected, "round": committee.chair_round},
        )
    return elected_name


def chair_tally(committee: Committee, office: str, s: Session | None = None) -> rules.ChairOutcome:
    """The members' ballots for ``office`` in the current round, decided by more than half of all seated members."""
    s = s or db.session()
    rows = s.execute(
        select(ChairBallot.voter_id, ChairBallot.choice_id).where(
            ChairBallot.committee_id == committee.id, ChairBallot.office == office, ChairBallot.round == committee.chair_round
        )
    ).all()
    seated = [m for m in committee.members if m.active]
    return rules.chair_outcome(office, len(seated), {str(voter): str(choice) for voter, choice in rows})


def reopen_chair_vote(s: Session, community: Community, *, now: datetime) -> int:
    """The street office orders the members to elect the chair and vice chair again, inside the order's transaction.

    The vote is open for another 7 days from the order. It starts afresh: the ballots of
    earlier rounds stay on record but no longer count, since the rule asks more than half
    of ALL members to agree within one vote, and a vote the office had to order is a new
    one (a member may have changed their mind, or the seats may have changed since).
    Returns the committee's id.
    """
    committee = current_committee(community.id, s)
    if committee is None or committee.kind is not CommitteeKind.OWNERS:
        raise RuleViolation("kind", str(_l("This community has no owners' committee to elect a chair.")))
    if chair_offices_filled(committee):
        raise RuleViolation("kind", str(_l("The committee's chair and vice chair are already elected.")))
    today = today_in_china(now)
    if rules.chair_vote_open(today, chair_deadline(committee)):
        raise RuleViolation(
            "kind",
            str(_l("The members may still elect the chair and vice chair until %(date)s.", date=chair_deadline(committee).isoformat())),
        )
    committee.chair_round += 1
    committee.chair_vote_until = rules.chair_vote_reopened_until(today)
    return committee.id


def appoint_temporary(actor: Actor, *, community_id: int, members: list[dict[str, Any]], term_end: date, now: datetime) -> Committee:
    """物业管理委员会: where no owners' committee exists, the street office appoints one.

    ``members``: ``{"unit", "name", "owner_representative", "affiliation"}``; an owners'
    representative must be an owner of the unit named; officials name their affiliation.
    """
    with db.write() as s:
        community = s.get(Community, community_id)
        if community is None:
            raise NotFound(str(_l("No such community.")))
        require(can_certify(actor, community))
        if current_committee(community.id, s) is not None:
            raise RuleViolation("community", str(_l("This community already has a committee.")))
        today = today_in_china(now)
        if term_end <= today:
            raise RuleViolation("term_end", str(_l("The term must end after today.")))
        representatives = sum(1 for m in members if m.get("owner_representative"))
        settings = get_profile(community.rule_profile).settings
        for problem in temporary_problems(settings, len(members), representatives):
            numbers = {"n": settings.temporary_min, "share": str(settings.temporary_owner_share)}
            raise RuleViolation("members", str(TEMPORARY_MESSAGES[problem]) % numbers)
        committee = Committee(
            community_id=community.id, kind=CommitteeKind.TEMPORARY, seats=len(members), term_start=today, term_end=term_end, seated_at=now
        )
        s.add(committee)
        s.flush()
        seen: set[int] = set()
        for index, member in enumerate(members):
            name = str(member.get("name", "")).strip()
            if member.get("owner_representative"):
                _label, owners = owner_of(s, community, str(member.get("unit", "")), field=f"members[{index}].unit")
                person = next((p for p in owners if p.name == name), None)
                if person is None:
                    raise RuleViolation(f"members[{index}].name", str(_l("%(name)s is not an owner of that unit.", name=name)))
            else:
                if not name or not str(member.get("affiliation", "")).strip():
                    raise RuleViolation(f"members[{index}].affiliation", str(_l("Give the name and affiliation of each official.")))
                person = Person(community_id=community.id, name=name[:200])
                s.add(person)
                s.flush()
            if person.id in seen:
                raise RuleViolation(f"members[{index}].name", str(_l("%(name)s is listed twice.", name=name)))
            seen.add(person.id)
            s.add(
                Membership(
                    committee_id=committee.id,
                    person_id=person.id,
                    role=MemberRole.MEMBER,
                    started_at=now,
                    owner_representative=bool(member.get("owner_representative")),
                    affiliation=str(member.get("affiliation", ""))[:200],
                )
            )
            grant_role(s, community.id, person.id)
        record(
            s,
            actor,
            "committee.appoint_temporary",
            "committee",
            committee.id,
            **scope(community),
            now=now,
            data={"members": len(members), "owner_representatives": representatives, "term_end": term_end.isoformat()},
        )
    return committee


def register_sitting_committee(
    actor: Actor,
    *,
    community_id: int,
    members: list[dict[str, Any]],
    term_start: date,
    term_end: date,
    now: datetime,
) -> Committee:
    """A committee elected before the community used Gongzhi, entered by the street office from its records.

    Its term may already have ended: a committee staying on past its term is
    exactly what the dashboard must flag.

    ``members``: ``{"unit", "name", "role" (chair|vice_chair|member), "party"}``; each must be an owner of the unit.
    """
    with db.write() as s:
        community = s.get(Community, community_id)
        if community is None:
            raise NotFound(str(_l("No such community.")))
        require(can_certify(actor, community))
        if current_committee(community.id, s) is not None:
            raise RuleViolation("community", str(_l("This community already has a committee.")))
        settings = get_profile(community.rule_profile).settings
        for _field, problem in rules.setup_problems(settings, len(members), 0):
            raise RuleViolation("members", str(SETUP_MESSAGES[problem] % {"low": settings.committee_min, "high": settings.committee_max}))
        if not term_start < term_end <= rules.term_end(term_start, settings.term_max_years):
            raise RuleViolation(
                "term_end", str(_l("A term ends after it starts and lasts at most %(years)d years.", years=settings.term_max_years))
            )
        committee = Committee(
            community_id=community.id,
            kind=CommitteeKind.OWNERS,
            seats=len(members),
            term_start=term_start,
            term_end=term_end,
            seated_at=now,
        )
        s.add(committee)
        s.flush()
        for index, member in enumerate(members):
            _label, owners = owner_of(s, community, str(member.get("unit", "")), field=f"members[{index}].unit")
            person = next((p for p in owners if p.name == str(member.get("name", "")).strip()), None)
            if person is None:
                raise RuleViolation(
                    f"members[{index}].name", str(_l("%(name)s is not an owner of that unit.", name=member.get("name", "")))
                )
            role = MemberRole(member.get("role", "member"))
            s.add(Membership(committee_id=committee.id, person_id=person.id, role=role, party=bool(member.get("party")), started_at=now))
            s.flush()
            grant_role(s, community.id, person.id)
        record(
            s,
            actor,
            "committee.register_sitting",
            "committee",
            committee.id,
            **scope(community),
            now=now,
            data={"members": len(members), "term_start": term_start.isoformat(), "term_end": term_end.isoformat()},
        )
    return committee
