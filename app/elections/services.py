"""Committee elections from setup to a seated committee, and the committee's life through its term.

Each public function is one user action: authorize, one write transaction, one audit event.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..accounts.models import RoleAssignment, User
from ..audit.services import record, refuse
from ..clock import start_of_day, today_in_china
from ..communities.models import Building, Community, Holding, HoldingState, Person, Unit
from ..db import db
from ..domain import committee as rules
from ..domain.election import PartyCheck
from ..domain.errors import NotFound, RuleViolation
from ..domain.lifecycle import SessionState
from ..domain.rules import get_profile
from ..notices.markup import escape_markdown
from ..notices.models import NoticeKind
from ..notices.services import publish_system_notice
from ..security.actor import ANONYMOUS, OWNER, Actor
from ..security.permissions import can_certify, can_run_sessions, require
from ..security.roles import COMMITTEE_ROLES, Role
from ..sessions.models import AssemblySession, Certification, Item, Verdict
from .models import (
    Candidate,
    CandidateStatus,
    ChairBallot,
    Committee,
    CommitteeKind,
    Election,
    ElectionKind,
    ElectionState,
    MemberRole,
    Membership,
    Nomination,
)

# A joint nomination (业主联名推荐) carries at least this many nominating owners besides the candidate.
JOINT_NOMINATORS_MIN = 5

SETUP_MESSAGES = {
    "seats_range": _l("The committee has %(low)d to %(high)d members."),
    "seats_even": _l("The number of members must be odd."),
    "alternates_range": _l("There may be no more alternates than members."),
}

TEMPORARY_MESSAGES = {
    "members_min": _l("A temporary management committee has at least 7 members."),
    "members_even": _l("The number of members must be odd."),
    "representatives_half": _l("At least half of the members must be owners' representatives."),
}


def _scope(community: Community) -> dict[str, int]:
    return {"community_id": community.id, "street_office_id": community.street_office_id}


def _may_run(actor: Actor, community: Community) -> str:
    """The community's committee runs its elections; the street office may run one itself."""
    if can_run_sessions(actor, community):
        return "committee"
    require(can_certify(actor, community))
    return "office"


def _election(s: Session, election_id: int, *, lock: bool = False) -> tuple[Election, Community]:
    election = s.get(Election, election_id, with_for_update=lock)
    if election is None:
        raise NotFound(str(_l("No such election.")))
    community = s.get(Community, election.community_id)
    assert community is not None
    return election, community


def current_committee(community_id: int, s: Session | None = None) -> Committee | None:
    s = s or db.session()
    return s.execute(
        select(Committee).where(Committee.community_id == community_id, Committee.ended_at.is_(None)).order_by(Committee.id.desc())
    ).scalar()


# Setting up ---------------------------------------------------------------------------------------


def create_election(
    actor: Actor,
    *,
    community_id: int,
    title: str,
    seats: int,
    alternates: int,
    nominations_open_at: datetime,
    nominations_close_at: datetime,
    now: datetime,
) -> Election:
    """A regular election (first committee or re-election), with its seats and nomination period."""
    title = title.strip()
    if not title or len(title) > 200:
        raise RuleViolation("title", str(_l("Give the election a title of at most 200 characters.")))
    if nominations_close_at <= nominations_open_at:
        raise RuleViolation("nominations_close_at", str(_l("Nominations must close after they open.")))
    with db.write() as s:
        community = s.get(Community, community_id)
        if community is None:
            raise NotFound(str(_l("No such community.")))
        run_by = _may_run(actor, community)
        settings = get_profile(community.rule_profile).settings
        for field, problem in rules.setup_problems(settings, seats, alternates):
            raise RuleViolation(field, str(SETUP_MESSAGES[problem] % {"low": settings.committee_min, "high": settings.committee_max}))
        election = _new_election(
            s,
            actor,
            community,
            title=title,
            kind=ElectionKind.REGULAR,
            seats=seats,
            alternates=alternates,
            opens=nominations_open_at,
            closes=nominations_close_at,
            run_by=run_by,
            now=now,
        )
    return election


def _new_election(
    s: Session,
    actor: Actor,
    community: Community,
    *,
    title: str,
    kind: ElectionKind,
    seats: int,
    alternates: int,
    opens: datetime,
    closes: datetime,
    run_by: str,
    now: datetime,
    parent: Election | None = None,
    state: ElectionState = ElectionState.NOMINATING,
) -> Election:
    election = Election(
        public_id=secrets.token_urlsafe(9),
        community_id=community.id,
        kind=kind,
        state=state,
        title=title,
        seats=seats,
        alternates=alternates,
        nominations_open_at=opens,
        nominations_close_at=closes,
        run_by=run_by,
        parent_id=parent.id if parent else None,
        created_by_user_id=actor.user_id,
        created_at=now,
    )
    s.add(election)
    s.flush()
    data = {"kind": kind.value, "seats": seats, "alternates": alternates, "run_by": run_by, "parent": parent.public_id if parent else None}
    record(s, actor, "election.create", "election", election.public_id, **_scope(community), now=now, data=data)
    return election


# Nominations ---------------------------------------------------------------------------------------


def _owner_of(s: Session, community: Community, unit_label: str, field: str = "unit") -> tuple[str, list[Person]]:
    """The unit by its label ("1-101") and the owners holding it; refuses a unit of no owner."""
    building, _, number = unit_label.strip().partition("-")
    unit = s.execute(
        select(Unit).join(Building).where(Unit.community_id == community.id, Building.name == building, Unit.number == number)
    ).scalar()
    if unit is None:
        raise RuleViolation(field, str(_l('There is no unit "%(unit)s" in this community.', unit=unit_label.strip())))
    owners = list(
        s.execute(
            select(Person)
            .join(Holding, Holding.person_id == Person.id)
            .where(Holding.unit_id == unit.id, Holding.state == HoldingState.DELIVERED, Person.is_developer.is_(False))
        ).scalars()
    )
    return f"{building}-{number}", owners


def _open_for_nominations(election: Election, now: datetime) -> None:
    if election.state is not ElectionState.NOMINATING:
        raise RuleViolation("election", str(_l("Nominations for this election are closed.")))
    if not election.nominations_open_at <= now < election.nominations_close_at:
        raise RuleViolation("election", str(_l("Nominations are accepted only during the nomination period.")))


def _add_candidate(
    s: Session,
    actor: Actor,
    election: Election,
    community: Community,
    person: Person,
    unit: str,
    *,
    nomination: Nomination,
    nominated_by: list[str],
    statement: str,
    party_declared: bool,
    now: datetime,
) -> Candidate:
    if len(statement) > 2000:
        raise RuleViolation("statement", str(_l("At most %(max)d characters.", max=2000)))
    taken = s.execute(select(Candidate.id).where(Candidate.election_id == election.id, Candidate.person_id == person.id)).first()
    if taken is not None:
        raise RuleViolation("unit", str(_l("%(name)s is already a candidate in this election.", name=person.name)))
    candidate = Candidate(
        election_id=election.id,
        person_id=person.id,
        unit=unit,
        nomination=nomination,
        nominated_by=nominated_by,
        statement=statement.strip(),
        party_declared=party_declared,
        created_at=now,
    )
    s.add(candidate)
    s.flush()
    data = {"candidate": candidate.id, "unit": unit, "nomination": nomination.value, "nominated_by": nominated_by}
    record(s, actor, "election.nominate", "election", election.public_id, **_scope(community), now=now, data=data)
    return candidate


def nominate_self(
    election_id: int, *, unit: str, name: str, id_last4: str, statement: str, party_declared: bool, ip: str, now: datetime
) -> Candidate:
    """An owner stands from their phone, identified by unit, name and the last four characters of their ID number.

    A mismatch is refused and audited; the street office's vetting is the final check.
    """
    with db.write() as s:
        election, community = _election(s, election_id)
        _open_for_nominations(election, now)
        label, owners = _owner_of(s, community, unit)
        match = [p for p in owners if p.name == name.strip() and p.id_last4 and p.id_last4.upper() == id_last4.strip().upper()]
        if not match:
            unknown = RuleViolation("unit", str(_l("The register has no owner of this unit with that name and ID number.")))
            data = {"unit": label, "ip": ip}
            refuse(
                s, ANONYMOUS, "election.nominate_refused", "election", election.public_id, unknown, **_scope(community), now=now, data=data
            )
        return _add_candidate(
            s,
            OWNER,
            election,
            community,
            match[0],
            label,
            nomination=Nomination.SELF,
            nominated_by=[],
            statement=statement,
            party_declared=party_declared,
            now=now,
        )


def find_own_candidacy(election_id: int, *, unit: str, name: str, id_last4: str, ip: str, now: datetime) -> Candidate | None:
    """An owner looks up their own nomination (status and the vetting's reason) with the same details they stood with."""
    with db.write() as s:
        election, community = _election(s, election_id)
        try:
            _label, owners = _owner_of(s, community, unit)
        except RuleViolation:
            owners = []
        match = [p for p in owners if p.name == name.strip() and p.id_last4 and p.id_last4.upper() == id_last4.strip().upper()]
        candidate = None
        if match:
            candidate = s.execute(
                select(Candidate).where(Candidate.election_id == election.id, Candidate.person_id == match[0].id)
            ).scalar()
        if candidate is None:
            record(
                s,
                ANONYMOUS,
                "election.status_refused",
                "election",
                election.public_id,
                **_scope(community),
                now=now,
                data={"ip": ip},
            )
    return candidate


def nominate(
    actor: Actor,
    election_id: int,
    *,
    unit: str,
    name: str,
    nomination: Nomination,
    nominated_by: list[str],
    statement: str = "",
    party_declared: bool = False,
    now: datetime,
) -> Candidate:
    """A joint nomination (entered by the committee, with the nominating owners' units) or an
    organisation's recommendation (recorded by the street office)."""
    with db.write() as s:
        election, community = _election(s, election_id)
        if nomination is Nomination.ORGANISATION:
            require(can_certify(actor, community))
            organisation = " ".join(nominated_by).strip()
            if not organisation:
                raise RuleViolation("nominated_by", str(_l("Name the organisation that recommends the candidate.")))
            sponsors = [organisation[:200]]
        elif nomination is Nomination.JOINT:
            _may_run(actor, community)
            sponsors = []
            for index, raw in enumerate(u for u in nominated_by if u.strip()):
                label, owners = _owner_of(s, community, raw, field=f"nominated_by[{index}]")
                if not owners:
                    raise RuleViolation(f"nominated_by[{index}]", str(_l('Unit "%(unit)s" has no owner who could nominate.', unit=label)))
                if label not in sponsors:
                    sponsors.append(label)
        else:
            raise RuleViolation("nomination", str(_l("Owners nominate themselves from their phone.")))
        _open_for_nominations(election, now)
        label, owners = _owner_of(s, community, unit)
        person = next((p for p in owners if p.name == name.strip()), None)
        if person is None:
            raise RuleViolation(
                "name", str(_l("%(name)s is not an owner of unit %(unit)s in the register.", name=name.strip(), unit=label))
            )
        if nomination is Nomination.JOINT:
            sponsors = [u for u in sponsors if u != label]
            if len(sponsors) < JOINT_NOMINATORS_MIN:
                raise RuleViolation(
                    "nominated_by",
                    str(_l("A joint nomination needs at least %(min)d other owners' units.", min=JOINT_NOMINATORS_MIN)),
                )
        candidate = _add_candidate(
            s,
            actor,
            election,
            community,
            person,
            label,
            nomination=nomination,
            nominated_by=sponsors,
            statement=statement,
            party_declared=party_declared,
            now=now,
        )
    return candidate


def vet_candidate(actor: Actor, candidate_id: int, *, approve: bool, reason: str, party_verified: bool | None, now: datetime) -> Candidate:
    """The street office approves or rejects a candidate, with a reason the candidate sees, and checks party membership."""
    reason = reason.strip()
    if not approve and not reason:
        raise RuleViolation("reason", str(_l("Give the reason for rejecting the candidate; they will see it.")))
    if len(reason) > 2000:
        raise RuleViolation("reason", str(_l("At most %(max)d characters.", max=2000)))
    with db.write() as s:
        candidate = s.get(Candidate, candidate_id, with_for_update=True)
        if candidate is None:
            raise NotFound(str(_l("No such candidate.")))
        election, community = _election(s, candidate.election_id)
        require(can_certify(actor, community))
        if election.state is not ElectionState.NOMINATING:
            raise RuleViolation("election", str(_l("The slate is published; candidates can no longer be vetted.")))
        candidate.status = CandidateStatus.APPROVED if approve else CandidateStatus.REJECTED
        candidate.reason = reason
        candidate.party_verified = party_verified
        candidate.vetted_by_user_id, candidate.vetted_at = actor.user_id, now
        data = {"candidate": candidate.id, "status": candidate.status.value, "party_verified": party_verified, "reason": reason}
        record(s, actor, "election.vet", "election", election.public_id, **_scope(community), now=now, data=data)
    return candidate


# The slate ----------------------------------------------------------------------------------------


def approved(election: Election) -> list[Candidate]:
    return [c for c in election.candidates if c.status is CandidateStatus.APPROVED]


def slate_check(election: Election, community: Community) -> rules.SlateCheck:
    target = get_profile(community.rule_profile).settings.party_target
    return rules.slate_check(target, election.seats, [c.counts_as_party for c in approved(election)])


def publish_slate(actor: Actor, election_id: int, *, now: datetime) -> Election:
    """After the nomination period, with every candidate vetted: the slate becomes a public notice."""
    with db.write() as s:
        election, community = _election(s, election_id, lock=True)
        _may_run(actor, community)
        if election.state is not ElectionState.NOMINATING:
            raise RuleViolation("election", str(_l("The slate of this election is already published.")))
        if now < election.nominations_close_at:
            raise RuleViolation("election", str(_l("The slate can be published once nominations have closed.")))
        if any(c.status is CandidateStatus.NOMINATED for c in election.candidates):
            raise RuleViolation("election", str(_l("The street office has not yet vetted every candidate.")))
        if not approved(election):
            raise RuleViolation("election", str(_l("No candidate was approved; the election cannot go to the vote.")))
        title, body = slate_text(s, election, community)
        notice = publish_system_notice(
            s, actor, community, kind=NoticeKind.ELECTION_SLATE, title=title, body=body, session_id=None, now=now
        )
        election.slate_notice_id = notice.id
        election.state = ElectionState.PUBLISHED
        check = slate_check(election, community)
        record(
            s,
            actor,
            "election.publish_slate",
            "election",
            election.public_id,
            **_scope(community),
            now=now,
            data={"notice": notice.public_id, "slate": check.as_json()},
        )
    return election


def slate_text(s: Session, election: Election, community: Community) -> tuple[str, str]:
    """The slate notice in Chinese: seats, each approved candidate, and the party check in aggregate."""
    with force_locale("zh_CN"):
        title = str(_l("Candidates: %(title)s", title=election.title))
        lines = [
            str(_l("Members to elect: %(seats)d; alternates: %(alternates)d.", seats=election.seats, alternates=election.alternates)),
            "",
        ]
        for n, candidate in enumerate(approved(election), 1):
            person = s.get(Person, candidate.person_id)
            assert person is not None
            lines.append(f"{n}. {escape_markdown(person.name)}（{candidate.unit}）")
            if candidate.statement:
                lines.append(f"   {escape_markdown(candidate.statement)}")
        check = slate_check(election, community)
        if check.target is not None:
            lines += [
                "",
                str(
                    _l(
                        "Verified party members on the slate: %(party)d; the local target needs at least %(needed)d of %(seats)d members.",
                        party=check.verified_party,
                        needed=check.needed or 0,
                        seats=election.seats,
                    )
                ),
            ]
        lines += ["", str(_l("Each owner approves at most %(seats)d candidates.", seats=election.seats))]
    return title, "\n".join(lines)


# After the vote -----------------------------------------------------------------------------------


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
    if session is None or certification is None or certification.verdict is not Verdict.CERTIFIED or not session.result:
        raise RuleViolation("election", str(_l("A committee is seated only after the street office certifies the result.")))
    if item is not None and item.revoked_at is not None:
        raise RuleViolation("election", str(_l("The street office revoked this election's result.")))
    return next(i for i in session.result["items"] if i["id"] == str(item.id))


def seat_committee(actor: Actor, election_id: int, *, now: datetime) -> Committee:
    """Seat the committee from a certified result: members, alternates in rank order, the term.

    A runoff or supplementary election completes the committee seated from its parent.
    The outgoing committee's term-end audit must be ticked first.
    """
    with db.write() as s:
        election, community = _election(s, election_id, lock=True)
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
        data = {
            "committee": committee.id,
            "elected": result["elected"],
            "alternates": result["alternates"],
            "term_end": committee.term_end.isoformat(),
        }
        record(s, actor, "committee.seat", "election", election.public_id, **_scope(community), now=now, data=data)
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
        _grant_role(s, committee.community_id, candidate.person_id)


def _grant_role(s: Session, community_id: int, person_id: int) -> None:
    """A seated member with an account gets the committee's rights in the app."""
    user = s.execute(select(User).where(User.person_id == person_id)).scalar()
    if user is None:
        return
    has = s.execute(
        select(RoleAssignment.id).where(
            RoleAssignment.user_id == user.id, RoleAssignment.community_id == community_id, RoleAssignment.role.in_(COMMITTEE_ROLES)
        )
    ).first()
    if has is None:
        s.add(RoleAssignment(user_id=user.id, role=Role.COMMITTEE_MEMBER, community_id=community_id))


def _drop_role(s: Session, community_id: int, person_id: int) -> None:
    user = s.execute(select(User).where(User.person_id == person_id)).scalar()
    if user is not None:
        s.execute(
            delete(RoleAssignment).where(
                RoleAssignment.user_id == user.id, RoleAssignment.community_id == community_id, RoleAssignment.role.in_(COMMITTEE_ROLES)
            )
        )
        user.session_version += 1  # rights end now, in every open session


def _drop_roles(s: Session, committee: Committee, now: datetime) -> None:
    for membership in committee.members:
        if membership.ended_at is None:
            membership.ended_at, membership.end_reason = now, "term ended"
            _drop_role(s, committee.community_id, membership.person_id)


def create_followup(actor: Actor, election_id: int, *, kind: ElectionKind, now: datetime) -> Election:
    """From a result in one step: a runoff between tied candidates, or a supplementary election for unfilled seats."""
    with db.write() as s:
        parent, community = _election(s, election_id, lock=True)
        run_by = _may_run(actor, community)
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
            election = _new_election(
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
            election = _new_election(
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


# The seated committee -------------------------------------------------------------------------------


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
        _may_run(actor, community)
        membership.ended_at, membership.end_reason = now, reason
        _drop_role(s, community.id, membership.person_id)
        successor = None
        if membership.role is not MemberRole.ALTERNATE:
            seats = [
                rules.Seat(str(m.id), m.alternate_rank, m.ended_at is None) for m in committee.members if m.role is MemberRole.ALTERNATE
            ]
            chosen = rules.next_alternate(seats)
            if chosen is not None:
                successor = s.get(Membership, int(chosen))
                assert successor is not None
                successor.role, successor.alternate_rank = MemberRole.MEMBER, None
                _grant_role(s, community.id, successor.person_id)
        data = {"member": membership.id, "reason": reason, "successor": successor.id if successor else None}
        record(s, actor, "committee.departure", "committee", committee.id, **_scope(community), now=now, data=data)
    return successor


def tick_handover_audit(actor: Actor, committee_id: int, *, now: datetime) -> Committee:
    """换届审计: the street office records that the outgoing committee's term-end audit is done."""
    with db.write() as s:
        committee = s.get(Committee, committee_id, with_for_update=True)
        if committee is None:
            raise NotFound(str(_l("No such committee.")))
        community = s.get(Community, committee.community_id)
        assert community is not None
        require(can_certify(actor, community))
        if committee.handover_audit_at is not None:
            raise RuleViolation("handover_audit", str(_l("The term-end audit is already recorded.")))
        committee.handover_audit_at, committee.handover_audit_by_user_id = now, actor.user_id
        record(s, actor, "committee.handover_audit", "committee", committee.id, **_scope(community), now=now)
    return committee


def cast_chair_ballot(actor: Actor, committee_id: int, *, office: str, choice_id: int, now: datetime) -> str | None:
    """A seated member chooses the chair or vice chair; more than half of ALL members elect. Returns the name elected, if any."""
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
        if s.execute(
            select(ChairBallot.id).where(
                ChairBallot.committee_id == committee.id, ChairBallot.office == office, ChairBallot.voter_id == voter.id
            )
        ).first():
            raise RuleViolation("office", str(_l("You have already voted for this office.")))
        s.add(ChairBallot(committee_id=committee.id, office=office, voter_id=voter.id, choice_id=choice.id, cast_at=now))
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
            **_scope(community),
            now=now,
            data={"voter": voter.id, "choice": choice.id, "elected": outcome.elected},
        )
    return elected_name


def chair_tally(committee: Committee, office: str, s: Session | None = None) -> rules.ChairOutcome:
    """The members' ballots for ``office`` so far, decided by more than half of all seated members."""
    s = s or db.session()
    rows = s.execute(
        select(ChairBallot.voter_id, ChairBallot.choice_id).where(ChairBallot.committee_id == committee.id, ChairBallot.office == office)
    ).all()
    seated = [m for m in committee.members if m.active]
    return rules.chair_outcome(office, len(seated), {str(voter): str(choice) for voter, choice in rows})


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
        for problem in rules.temporary_problems(len(members), representatives):
            raise RuleViolation("members", str(TEMPORARY_MESSAGES[problem]))
        committee = Committee(
            community_id=community.id, kind=CommitteeKind.TEMPORARY, seats=len(members), term_start=today, term_end=term_end, seated_at=now
        )
        s.add(committee)
        s.flush()
        seen: set[int] = set()
        for index, member in enumerate(members):
            name = str(member.get("name", "")).strip()
            if member.get("owner_representative"):
                _label, owners = _owner_of(s, community, str(member.get("unit", "")), field=f"members[{index}].unit")
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
            _grant_role(s, community.id, person.id)
        record(
            s,
            actor,
            "committee.appoint_temporary",
            "committee",
            committee.id,
            **_scope(community),
            now=now,
            data={"members": len(members), "owner_representatives": representatives, "term_end": term_end.isoformat()},
        )
    return committee


# Orders of the street office (called inside the order's transaction) ----------------------------------


def suspend_member(s: Session, community: Community, name: str, *, now: datetime) -> int:
    """Suspend a seated member by name: the rights end at once (the role is withdrawn, sessions logged out)."""
    committee = current_committee(community.id, s)
    found = None
    if committee is not None:
        found = s.execute(
            select(Membership)
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.committee_id == committee.id, Membership.ended_at.is_(None), Person.name == name.strip())
        ).scalar()
    if found is None:
        raise RuleViolation("member", str(_l("Name a current member of this community's committee.")))
    if found.suspended_at is not None:
        raise RuleViolation("member", str(_l("This member is already suspended.")))
    found.suspended_at = now
    _drop_role(s, community.id, found.person_id)
    return found.id


def lift_suspension(s: Session, membership_id: int) -> None:
    membership = s.get(Membership, membership_id)
    if membership is not None and membership.ended_at is None and membership.suspended_at is not None:
        membership.suspended_at = None
        committee = s.get(Committee, membership.committee_id)
        if committee is not None and membership.role is not MemberRole.ALTERNATE:
            _grant_role(s, committee.community_id, membership.person_id)


def order_reelection(s: Session, actor: Actor, community: Community, subject: str, due_on: date, *, now: datetime) -> tuple[int, int]:
    """Mark the committee and open the election the street office runs itself; nominations close at the deadline."""
    committee = current_committee(community.id, s)
    if committee is None or committee.kind is not CommitteeKind.OWNERS:
        raise RuleViolation("kind", str(_l("This community has no owners' committee to re-elect.")))
    committee.reelection_ordered_at = now
    settings = get_profile(community.rule_profile).settings
    seats = committee.seats
    if rules.setup_problems(settings, seats, 0):
        seats = settings.committee_min
    with force_locale("zh_CN"):
        title = str(_l("Re-election of the committee (ordered by the street office)"))
    election = _new_election(
        s,
        actor,
        community,
        title=title,
        kind=ElectionKind.REGULAR,
        seats=seats,
        alternates=0,
        opens=now,
        closes=start_of_day(due_on),
        run_by="office",
        now=now,
    )
    return committee.id, election.id


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
            _label, owners = _owner_of(s, community, str(member.get("unit", "")), field=f"members[{index}].unit")
            person = next((p for p in owners if p.name == str(member.get("name", "")).strip()), None)
            if person is None:
                raise RuleViolation(
                    f"members[{index}].name", str(_l("%(name)s is not an owner of that unit.", name=member.get("name", "")))
                )
            role = MemberRole(member.get("role", "member"))
            s.add(Membership(committee_id=committee.id, person_id=person.id, role=role, party=bool(member.get("party")), started_at=now))
            s.flush()
            _grant_role(s, community.id, person.id)
        record(
            s,
            actor,
            "committee.register_sitting",
            "committee",
            committee.id,
            **_scope(community),
            now=now,
            data={"members": len(members), "term_start": term_start.isoformat(), "term_end": term_end.isoformat()},
        )
    return committee


# Reading --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitteeView:
    committee: Committee
    members: list[tuple[Membership, Person]]  # holding seats, chair first
    alternates: list[tuple[Membership, Person]]  # in rank order
    suspended: int
    party_members: int
    term: rules.TermStatus
    party_target_met: bool | None
    chair_due: date

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
        chair_due=(committee.seated_at + timedelta(days=rules.CHAIR_ELECTION_DAYS)).date(),
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
