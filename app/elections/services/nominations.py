"""Nominations: owners put themselves forward or are nominated jointly; the committee or office vets each candidate."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...communities.identity import check_identity
from ...communities.models import Community, Person
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...domain.rules import get_profile
from ...security.actor import ANONYMOUS, OWNER, Actor
from ...security.permissions import can_certify, require
from ..labels import entry_label
from ..models import (
    Candidate,
    CandidateStatus,
    Election,
    ElectionState,
    Nomination,
)
from .common import (
    load_election,
    may_run,
    owner_of,
)

# A joint nomination (业主联名推荐) carries at least this many nominating owners besides the candidate.
JOINT_NOMINATORS_MIN = 5


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
    record(s, actor, "election.nominate", "election", election.public_id, **scope(community), now=now, data=data)
    return candidate


def nominate_self(
    election_id: int, *, unit: str, name: str, id_last4: str, statement: str, party_declared: bool, ip: str, now: datetime
) -> Candidate:
    """An owner stands from their phone, identified by unit, name and the last four characters of their ID number.

    A mismatch is refused and audited; the street office's vetting is the final check.
    """
    with db.write() as s:
        election, community = load_election(s, election_id)
        _open_for_nominations(election, now)
        refused = ("election.nominate_refused", "election", election.public_id)
        person, label = check_identity(s, community, unit=unit, name=name, id_last4=id_last4, ip=ip, now=now, refused=refused)
        return _add_candidate(
            s,
            OWNER,
            election,
            community,
            person,
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
        election, community = load_election(s, election_id)
        try:
            _label, owners = owner_of(s, community, unit)
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
                **scope(community),
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
        election, community = load_election(s, election_id)
        if nomination is Nomination.ORGANISATION:
            require(can_certify(actor, community))
            organisation = " ".join(nominated_by).strip()
            if not organisation:
                raise RuleViolation("nominated_by", str(_l("Name the organisation that recommends the candidate.")))
            sponsors = [organisation[:200]]
        elif nomination is Nomination.JOINT:
            may_run(actor, community)
            sponsors = []
            for index, raw in enumerate(u for u in nominated_by if u.strip()):
                label, owners = owner_of(s, community, raw, field=f"nominated_by[{index}]")
                if not owners:
                    raise RuleViolation(f"nominated_by[{index}]", str(_l('Unit "%(unit)s" has no owner who could nominate.', unit=label)))
                if label not in sponsors:
                    sponsors.append(label)
        else:
            raise RuleViolation("nomination", str(_l("Owners nominate themselves from their phone.")))
        _open_for_nominations(election, now)
        label, owners = owner_of(s, community, unit)
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


def vet_candidate(
    actor: Actor,
    candidate_id: int,
    *,
    approve: bool,
    reason: str,
    party_verified: bool | None,
    now: datetime,
    cleared: Collection[str] = (),
    rejected_entry: str = "",
) -> Candidate:
    """The street office approves or rejects a candidate, with a reason the candidate sees, and checks party membership.

    The profile's negative list is the eligibility checklist: approving needs the official to
    confirm every entry clear (``cleared``, stored with who vetted); a rejection may name the
    entry that applies (``rejected_entry``).
    """
    reason = reason.strip()
    if not approve and not reason:
        raise RuleViolation("reason", str(_l("Give the reason for rejecting the candidate; they will see it.")))
    if len(reason) > 2000:
        raise RuleViolation("reason", str(_l("At most %(max)d characters.", max=2000)))
    with db.write() as s:
        candidate = s.get(Candidate, candidate_id, with_for_update=True)
        if candidate is None:
            raise NotFound(str(_l("No such candidate.")))
        election, community = load_election(s, candidate.election_id)
        require(can_certify(actor, community))
        if election.state is not ElectionState.NOMINATING:
            raise RuleViolation("election", str(_l("The slate is published; candidates can no longer be vetted.")))
        entries = get_profile(community.rule_profile).settings.negative_list
        codes = [e.code for e in entries]
        unknown = sorted(set(cleared) - set(codes))
        if unknown or (rejected_entry and rejected_entry not in codes):
            raise RuleViolation("cleared", str(_l("Choose entries of this community's negative list.")))
        missing = [e for e in entries if e.code not in cleared]
        if approve and missing:
            raise RuleViolation(
                "cleared",
                str(
                    _l(
                        "Confirm that each entry of the negative list is clear before approving; not confirmed: %(entries)s.",
                        entries="; ".join(entry_label(e) for e in missing),
                    )
                ),
            )
        if approve and rejected_entry:
            raise RuleViolation("rejected_entry", str(_l("An approved candidate falls under no entry of the negative list.")))
        candidate.status = CandidateStatus.APPROVED if approve else CandidateStatus.REJECTED
        candidate.reason = reason
        candidate.party_verified = party_verified
        candidate.cleared = [c for c in codes if c in cleared]
        candidate.rejected_entry = rejected_entry or None
        candidate.vetted_by_user_id, candidate.vetted_at = actor.user_id, now
        data = {
            "candidate": candidate.id,
            "status": candidate.status.value,
            "party_verified": party_verified,
            "reason": reason,
            "cleared": candidate.cleared,
            "rejected_entry": candidate.rejected_entry,
        }
        record(s, actor, "election.vet", "election", election.public_id, **scope(community), now=now, data=data)
    return candidate
