"""Reading elections and committees for the pages, the API and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from ...clock import today_in_china
from ...communities.models import Community, Person
from ...db import db
from ...domain import committee as rules
from ...domain.election import PartyCheck
from ...domain.lifecycle import SessionState
from ...domain.rules import get_profile
from ...sessions.models import AssemblySession, Item
from ..models import (
    Committee,
    CommitteeKind,
    Election,
    ElectionState,
    MemberRole,
    Membership,
    TermAudit,
)
from .committee import chair_deadline, chair_vote_overdue
from .common import (
    current_committee,
)
from .conduct import audit_of, standing_findings


@dataclass(frozen=True)
class CommitteeView:
    committee: Committee
    members: list[tuple[Membership, Person]]  # holding seats, chair first
    alternates: list[tuple[Membership, Person]]  # in rank order
    suspended: int
    party_members: int
    term: rules.TermStatus
    party_target_met: bool | None
    chair_due: date  # the last day of the chair vote (Beijing)
    chair_overdue: bool  # past it, and the chair or vice chair still to be elected
    # Members suspended by a standing negative-list finding: membership id → the day of the finding.
    findings: dict[int, date] = field(default_factory=dict)
    audit: TermAudit | None = None  # the street office's term-end audit of this committee, once started

    @property
    def party_share(self) -> str:
        return rules.party_share_text(len(self.members), self.party_members)


_ROLE_ORDER = {MemberRole.CHAIR: 0, MemberRole.VICE_CHAIR: 1, MemberRole.MEMBER: 2, MemberRole.ALTERNATE: 3}


def committee_view(community: Community, *, now: datetime, committee: Committee | None = None) -> CommitteeView | None:
    committee = committee or current_committee(community.id)
    if committee is None:
        return None
    rows = db.session.execute(
        select(Membership, Person)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.committee_id == committee.id, Membership.ended_at.is_(None))
    ).all()
    members = sorted(((m, p) for m, p in rows if m.role is not MemberRole.ALTERNATE), key=lambda r: (_ROLE_ORDER[r[0].role], r[0].id))
    alternates = sorted(((m, p) for m, p in rows if m.role is MemberRole.ALTERNATE), key=lambda r: r[0].alternate_rank or 0)
    party = sum(1 for m, _p in members if m.party)
    active = sum(1 for m, _p in members if m.suspended_at is None)
    target = get_profile(community.rule_profile).settings.party_target
    met = None
    if target is not None and committee.kind is CommitteeKind.OWNERS:
        met = PartyCheck(len(members), party, target).met  # the rule the election result applies
    return CommitteeView(
        committee=committee,
        members=members,
        alternates=alternates,
        suspended=len(members) - active,
        party_members=party,
        term=rules.term_status(committee.term_end, today_in_china(now), seats=committee.seats, seated=active),
        party_target_met=met,
        chair_due=chair_deadline(committee),
        chair_overdue=chair_vote_overdue(committee, now=now),
        findings=standing_findings(committee.id),
        audit=audit_of(committee.id),
    )


def elections_of(community_id: int) -> list[Election]:
    return list(db.session.execute(select(Election).where(Election.community_id == community_id).order_by(Election.id.desc())).scalars())


def open_elections_count(community_id: int) -> int:
    active = (ElectionState.NOMINATING, ElectionState.PUBLISHED, ElectionState.ON_BALLOT, ElectionState.DECIDED)
    return int(
        db.session.execute(select(func.count()).where(Election.community_id == community_id, Election.state.in_(active))).scalar() or 0
    )


def session_state_of(election: Election) -> SessionState | None:
    if election.item_id is None:
        return None
    item = db.session.get(Item, election.item_id)
    session = db.session.get(AssemblySession, item.session_id) if item else None
    return session.state if session else None
