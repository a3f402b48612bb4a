"""After the vote: the certified result seats the committee; a runoff or a supplementary election completes it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...clock import today_in_china
from ...communities.models import Community
from ...db import db
from ...domain import committee as rules
from ...domain import election as election_rules
from ...domain.errors import RuleViolation
from ...domain.rules import get_profile
from ...notices.models import NoticeKind
from ...notices.services import publish_system_notice
from ...security.actor import Actor
from ...security.permissions import can_certify, require
from ...sessions.models import AssemblySession, Certification, Item, Verdict
from ..models import (
    Candidate,
    CandidateStatus,
    Committee,
    CommitteeKind,
    Election,
    ElectionKind,
    ElectionState,
    MemberRole,
    Membership,
)
from ..signals import committee_seated
from .common import (
    current_committee,
    drop_role,
    grant_role,
    load_election,
    may_run,
    new_election,
)
from .conduct import audit_published
from .slate import slate_text


def election_of_item(item_id: int, s: Session | None = None) -> Election | None:
    s = s or db.session()
    return s.execute(select(Election).where(Election.item_id == item_id)).scalar()


def result_of(election: Election) -> dict[str, Any] | None:
    """The election item's part of its session's stored result."""
    if election.item_id is None:
        return None
    item = db.session.get(Item, election.item_id)
    session = db.session.get(AssemblySession, item.session_id) if item else None
    if session is None or not session.result:
        return None
    return next((i for i in session.result["items"] if i["id"] == str(election.item_id)), None)


def _certified_result(s: Session, election: Election) -> dict[str, Any]:

    item = s.get(Item, election.item_id) if election.item_id else None
    session = s.get(AssemblySession, item.session_id) if item else None
    certification = s.execute(select(Certification).where(Certification.session_id == session.id)).scalar() if session is not None else None
    if item is None or session is None or certification is None or certification.verdict is not Verdict.CERTIFIED or not session.result:
        raise RuleViolation("election", str(_l("A committee is seated only after the street office certifies the result.")))
    if item.revoked_at is not None:
        raise RuleViolation("election", str(_l("The street office revoked this election's result.")))
    return next(i for i in session.result["items"] if i["id"] == str(item.id))


def seat_committee(actor: Actor, election_id: int, *, now: datetime) -> Committee:
    """Seat the committee from a certified result: members, alternates in rank order, the term.

    A runoff or supplementary election completes the committee seated from its parent.
    When the parent formed no committee (a tie or too few qualified left seats open),
    seating the follow-up seats the parent's places and the follow-up's together
    (``domain.election.fill_places``), and forms the committee once the members reach
    the profile's minimum; every election of that chain is then seated.
    The outgoing committee's term-end audit must be published first.
    """
    with db.write() as s:
        election, community = load_election(s, election_id, lock=True)
        require(can_certify(actor, community))
        if election.state is not ElectionState.DECIDED:
            raise RuleViolation("election", str(_l("This election has no certified result waiting to be seated.")))
        result = _certified_result(s, election)
        candidates = {str(c.id): c for c in election.candidates}
        joint: list[Election] = []
        if election.kind is ElectionKind.REGULAR:
            if not result["committee_formed"]:
                raise RuleViolation("election", str(_l("Too few members were elected to form a committee; hold a supplementary election.")))
            committee = _new_committee(s, community, election, now)
            elected, alternates, rank = list(result["elected"]), list(result["alternates"]), 0
        elif (seated := _committee_of_parent(s, election)) is not None:
            committee = seated
            rank = max((m.alternate_rank or 0 for m in committee.members if m.role is MemberRole.ALTERNATE), default=0)
            elected, alternates = list(result["elected"]), list(result["alternates"])
            parent = s.get(Election, election.parent_id) if election.parent_id else None
            parent_result = _stored_result(s, parent) if parent is not None else None
            if election.kind is ElectionKind.RUNOFF and parent_result is not None and not parent_result["unfilled_seats"]:
                elected, alternates = [], elected + alternates  # a runoff for alternate places fills alternate places
        else:
            joint = _unseated_chain(s, election)
            regular = joint[0]
            held = _by_person(s, regular)
            for child in [*joint[1:], election]:
                held = election_rules.fill_places(held, regular.seats, _by_person(s, child), child.seats)
            people, extra = election_rules.seated_from(held, regular.seats)
            settings = get_profile(community.rule_profile).settings
            if len(people) < settings.committee_min:
                raise RuleViolation(
                    "election",
                    str(
                        _l(
                            "With this election %(n)d members are elected, fewer than the %(min)d a committee needs; "
                            "hold a supplementary election.",
                            n=len(people),
                            min=settings.committee_min,
                        )
                    ),
                )
            by_person = _candidates_by_person(s, [*joint, election])
            candidates = {str(c.id): c for c in by_person.values()}
            elected = [str(by_person[int(p)].id) for p in people]
            alternates = [str(by_person[int(p)].id) for p in extra]
            committee = _new_committee(s, community, regular, now, seats=regular.seats)
            rank = 0
        for candidate_id in elected:
            _seat(s, committee, candidates[candidate_id], MemberRole.MEMBER, None, now)
        for candidate_id in alternates:
            rank += 1
            _seat(s, committee, candidates[candidate_id], MemberRole.ALTERNATE, rank, now)
        for earlier in joint:
            earlier.state = ElectionState.SEATED
        election.state = ElectionState.SEATED
        committee_seated.send(s, community=community, committee=committee, actor=actor, now=now)
        data = {
            "committee": committee.id,
            "elected": elected,
            "alternates": alternates,
            "term_end": committee.term_end.isoformat(),
            "with": [e.public_id for e in joint] or None,
        }
        record(s, actor, "committee.seat", "election", election.public_id, **scope(community), now=now, data=data)
    return committee


def _stored_result(s: Session, election: Election) -> dict[str, Any] | None:
    item = s.get(Item, election.item_id) if election.item_id else None
    session = s.get(AssemblySession, item.session_id) if item else None
    if session is None or not session.result:
        return None
    return next((i for i in session.result["items"] if i["id"] == str(election.item_id)), None)


def _new_committee(s: Session, community: Community, election: Election, now: datetime, *, seats: int | None = None) -> Committee:
    """A new owners' committee for a term from today; the outgoing one ends, once its term-end audit is published."""
    outgoing = current_committee(community.id, s)
    if outgoing is not None and outgoing.kind is CommitteeKind.OWNERS and not audit_published(s, outgoing.id):
        raise RuleViolation(
            "term_audit",
            str(
                _l(
                    "The outgoing committee's term-end audit must be published on the board before the next committee is seated "
                    "(the street office publishes it from the community's audit page)."
                )
            ),
        )
    if outgoing is not None:
        outgoing.ended_at = now
        _drop_roles(s, outgoing, now)
    today = today_in_china(now)
    years = get_profile(community.rule_profile).settings.term_max_years
    committee = Committee(
        community_id=community.id,
        kind=CommitteeKind.OWNERS,
        election_id=election.id,
        seats=seats if seats is not None else election.seats,
        term_start=today,
        term_end=rules.term_end(today, years),
        seated_at=now,
    )
    s.add(committee)
    s.flush()
    return committee


def _regular_of(s: Session, election: Election) -> Election | None:
    parent = s.get(Election, election.parent_id) if election.parent_id else None
    while parent is not None and parent.kind is not ElectionKind.REGULAR:
        parent = s.get(Election, parent.parent_id) if parent.parent_id else None
    return parent


def _committee_of_parent(s: Session, election: Election) -> Committee | None:
    """The committee a follow-up completes: the one seated from its regular election, if still sitting."""
    parent = _regular_of(s, election)
    if parent is None:
        return None
    return s.execute(select(Committee).where(Committee.election_id == parent.id, Committee.ended_at.is_(None))).scalar()


def _unseated_chain(s: Session, election: Election) -> list[Election]:
    """The follow-up's ancestors, regular election first, when none of them seated a committee: they are seated together."""
    chain: list[Election] = []
    parent = s.get(Election, election.parent_id, with_for_update=True) if election.parent_id else None
    while parent is not None:
        chain.insert(0, parent)
        if parent.kind is ElectionKind.REGULAR:
            break
        parent = s.get(Election, parent.parent_id, with_for_update=True) if parent.parent_id else None
    if not chain or chain[0].kind is not ElectionKind.REGULAR or any(e.state is not ElectionState.DECIDED for e in chain):
        raise RuleViolation("election", str(_l("The committee this election completes has not been seated.")))
    return chain


def _by_person(s: Session, election: Election) -> election_rules.Places:
    """An election's places with each candidate named by person, so that nobody is seated twice across elections."""
    person_of = {str(c.id): str(c.person_id) for c in election.candidates}
    return tuple(None if p is None else person_of[p] for p in election_rules.places_of_result(_certified_result(s, election)))


def _candidates_by_person(s: Session, chain: list[Election]) -> dict[int, Candidate]:
    """Each person's candidacy in the latest election of the chain they stood in (a runoff's, not the tie's)."""
    out: dict[int, Candidate] = {}
    for election in chain:
        for candidate in election.candidates:
            out[candidate.person_id] = candidate
    return out


def _seat(s: Session, committee: Committee, candidate: Candidate, role: MemberRole, rank: int | None, now: datetime) -> None:
    membership = Membership(
        committee_id=committee.id,
        person_id=candidate.person_id,
        candidate_id=candidate.id,
        role=role,
        alternate_rank=rank,
        party=candidate.counts_as_party,
        started_at=now,
    )
    s.add(membership)
    s.flush()
    if role is not MemberRole.ALTERNATE:
        grant_role(s, committee.community_id, candidate.person_id)


def _drop_roles(s: Session, committee: Committee, now: datetime) -> None:
    for membership in committee.members:
        if membership.ended_at is None:
            membership.ended_at, membership.end_reason = now, "term ended"
            drop_role(s, committee.community_id, membership.person_id)


def create_followup(actor: Actor, election_id: int, *, kind: ElectionKind, now: datetime) -> Election:
    """From a result in one step: a runoff between tied candidates, or a supplementary election for unfilled seats."""
    with db.write() as s:
        parent, community = load_election(s, election_id, lock=True)
        run_by = may_run(actor, community)
        result = result_of(parent)
        if result is None or parent.state not in (ElectionState.DECIDED, ElectionState.SEATED, ElectionState.FAILED):
            raise RuleViolation("election", str(_l("This election has no result yet.")))
        existing = s.execute(select(Election.id).where(Election.parent_id == parent.id, Election.kind == kind)).first()
        if existing is not None:
            raise RuleViolation("kind", str(_l("This follow-up election was already created.")))
        if kind is ElectionKind.RUNOFF:
            if not result["tie"]:
                raise RuleViolation("kind", str(_l("The result has no tie to run off.")))
            seats, alternates = result["unfilled_seats"], result["unfilled_alternates"]
            seats, alternates = (seats, alternates) if seats else (alternates, 0)
            with force_locale("zh_CN"):
                title = str(_l("Runoff: %(title)s", title=parent.title))
            election = new_election(
                s,
                actor,
                community,
                title=title,
                kind=kind,
                seats=seats,
                alternates=alternates,
                opens=now,
                closes=now + timedelta(seconds=1),
                run_by=run_by,
                now=now,
                parent=parent,
                state=ElectionState.PUBLISHED,
            )
            tied = {c.id: c for c in parent.candidates if str(c.id) in result["tie"]}
            for candidate in tied.values():
                s.add(
                    Candidate(
                        election_id=election.id,
                        person_id=candidate.person_id,
                        unit=candidate.unit,
                        nomination=candidate.nomination,
                        nominated_by=candidate.nominated_by,
                        statement=candidate.statement,
                        party_declared=candidate.party_declared,
                        party_verified=candidate.party_verified,
                        status=CandidateStatus.APPROVED,
                        reason=candidate.reason,
                        vetted_by_user_id=candidate.vetted_by_user_id,
                        vetted_at=candidate.vetted_at,
                        created_at=now,
                    )
                )
            s.flush()
            s.refresh(election)
            title_notice, body = slate_text(s, election, community)
            notice = publish_system_notice(
                s, actor, community, kind=NoticeKind.ELECTION_SLATE, title=title_notice, body=body, session_id=None, now=now
            )
            election.slate_notice_id = notice.id
        elif kind is ElectionKind.SUPPLEMENTARY:
            if not result["unfilled_seats"]:
                raise RuleViolation("kind", str(_l("Every seat is filled; no supplementary election is needed.")))
            with force_locale("zh_CN"):
                title = str(_l("Supplementary election: %(title)s", title=parent.title))
            election = new_election(
                s,
                actor,
                community,
                title=title,
                kind=kind,
                seats=result["unfilled_seats"],
                alternates=result["unfilled_alternates"],
                opens=now,
                closes=now + timedelta(days=14),
                run_by=run_by,
                now=now,
                parent=parent,
            )
        else:
            raise RuleViolation("kind", str(_l("Choose a runoff or a supplementary election.")))
    return election
