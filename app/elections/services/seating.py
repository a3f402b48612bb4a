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
from ...db import db
from ...domain import committee as rules
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
    The outgoing committee's term-end audit must be ticked first.
    """
    with db.write() as s:
        election, community = load_election(s, election_id, lock=True)
        require(can_certify(actor, community))
        if election.state is not ElectionState.DECIDED:
            raise RuleViolation("election", str(_l("This election has no certified result waiting to be seated.")))
        result = _certified_result(s, election)
        candidates = {str(c.id): c for c in election.candidates}
        today = today_in_china(now)
        if election.kind is ElectionKind.REGULAR:
            if not result["committee_formed"]:
                raise RuleViolation("election", str(_l("Too few members were elected to form a committee; hold a supplementary election.")))
            outgoing = current_committee(community.id, s)
            if outgoing is not None and outgoing.kind is CommitteeKind.OWNERS and outgoing.handover_audit_at is None:
                raise RuleViolation("handover_audit", str(_l("The street office must first tick the outgoing committee's term-end audit.")))
            if outgoing is not None:
                outgoing.ended_at = now
                _drop_roles(s, outgoing, now)
            years = get_profile(community.rule_profile).settings.term_max_years
            committee = Committee(
                community_id=community.id,
                kind=CommitteeKind.OWNERS,
                election_id=election.id,
                seats=election.seats,
                term_start=today,
                term_end=rules.term_end(today, years),
                seated_at=now,
            )
            s.add(committee)
            s.flush()
            rank = 0
        else:
            committee = _committee_of_parent(s, election)
            rank = max((m.alternate_rank or 0 for m in committee.members if m.role is MemberRole.ALTERNATE), default=0)
        for candidate_id in result["elected"]:
            _seat(s, committee, candidates[candidate_id], MemberRole.MEMBER, None, now)
        for candidate_id in result["alternates"]:
            rank += 1
            _seat(s, committee, candidates[candidate_id], MemberRole.ALTERNATE, rank, now)
        election.state = ElectionState.SEATED
        committee_seated.send(s, community=community, committee=committee, actor=actor, now=now)
        data = {
            "committee": committee.id,
            "elected": result["elected"],
            "alternates": result["alternates"],
            "term_end": committee.term_end.isoformat(),
        }
        record(s, actor, "committee.seat", "election", election.public_id, **scope(community), now=now, data=data)
    return committee


def _committee_of_parent(s: Session, election: Election) -> Committee:
    parent = s.get(Election, election.parent_id) if election.parent_id else None
    while parent is not None and parent.kind is not ElectionKind.REGULAR:
        parent = s.get(Election, parent.parent_id) if parent.parent_id else None
    committee = (
        s.execute(select(Committee).where(Committee.election_id == parent.id, Committee.ended_at.is_(None))).scalar() if parent else None
    )
    if committee is None:
        raise RuleViolation("election", str(_l("The committee this election completes has not been seated.")))
    return committee


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
