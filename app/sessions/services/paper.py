"""Paper ballots: one person running the session types a ballot in, a second confirms it, and only then does it count (RULES §3).

Whoever runs the session does this: its committee, the preparatory group, or the
street office's officials for a session the office convened. An entry found wrong
before it counts is rejected by the second person, with the reason, or withdrawn
by the one who typed it; either way the units can be entered again.
"""

from __future__ import annotations

from datetime import datetime
from typing import NoReturn

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ...audit.services import record, refuse, scope
from ...communities.models import Community
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...domain.lifecycle import SessionState, state_at
from ...domain.units import unit_sort_key
from ...security.actor import Actor
from ..labels import CHANNEL_LABELS
from ..models import AssemblySession, Ballot, Channel, CorrectionWindow, PaperBallot, RollEntry
from . import bulletin, corrections
from .ballots import BallotTampered, Choices, checked_choices, record_ballot
from .counting import session_items
from .drafting import assembly_for_committee

# An entry waiting for a second member: not confirmed, not in conflict, not rejected, not withdrawn.
_WAITING = (
    PaperBallot.confirmed_at.is_(None),
    PaperBallot.conflict_at.is_(None),
    PaperBallot.rejected_at.is_(None),
    PaperBallot.withdrawn_at.is_(None),
)


def _entry_for_unit(s: Session, assembly_id: int, unit: str) -> RollEntry:
    for entry in s.execute(select(RollEntry).where(RollEntry.session_id == assembly_id)).scalars():
        if unit in entry.units:
            return entry
    raise RuleViolation("unit", str(_l('Unit "%(unit)s" is not on the roll of this session.', unit=unit)))


def _open_for_committee(s: Session, actor: Actor, assembly_id: int, now: datetime) -> tuple[AssemblySession, Community]:
    assembly, community = assembly_for_committee(s, actor, assembly_id)
    if assembly.state is not SessionState.TALLIED:
        _require_open(assembly, now)
    return assembly, community


def _require_open(assembly: AssemblySession, now: datetime) -> None:
    if state_at(assembly.state, assembly.opens_at, assembly.closes_at, now) is not SessionState.OPEN:
        raise RuleViolation("state", str(_l("Voting is not open for this session.")))


def _window(s: Session, assembly: AssemblySession, entry: RollEntry, now: datetime) -> CorrectionWindow | None:
    """After the count, only a voter an upheld objection reopened the count for, on paper, inside their window."""
    if assembly.state is not SessionState.TALLIED:
        return None
    window = corrections.open_for(s, assembly.id, entry.id, "paper", now)
    if window is None:
        _require_open(assembly, now)
    return window


def enter_paper_ballot(actor: Actor, assembly_id: int, *, unit: str, choices: Choices, paper_reference: str, now: datetime) -> PaperBallot:
    """First of two people running the session: type in a paper ballot. It does not count until confirmed."""
    paper_reference = paper_reference.strip()
    if not paper_reference or len(paper_reference) > 100:
        raise RuleViolation("paper_reference", str(_l("Give the number printed on the paper ballot.")))
    with db.write() as s:
        assembly, community = _open_for_committee(s, actor, assembly_id, now)
        entry = _entry_for_unit(s, assembly.id, unit.strip())
        _window(s, assembly, entry, now)
        try:
            voter = bulletin.voter_pseudonym(assembly.public_id, entry.id)
            complete = checked_choices(session_items(assembly, s), choices, voter=voter)
        except BallotTampered:
            raise RuleViolation("choices", str(_l("Choose agree, disagree or abstain for each item."))) from None
        existing = _counted_ballot(s, assembly, entry)
        if existing is not None:
            _refuse_conflict(s, actor, assembly, community, entry, existing, now=now, reference=paper_reference)
        pending = s.execute(select(PaperBallot.id).where(PaperBallot.roll_entry_id == entry.id, *_WAITING)).first()
        if pending is not None:
            raise RuleViolation("unit", str(_l("A paper ballot for these units is already waiting for confirmation.")))
        paper = PaperBallot(
            session_id=assembly.id,
            roll_entry_id=entry.id,
            choices=complete,
            paper_reference=paper_reference,
            entered_by_user_id=actor.user_id,
            entered_at=now,
        )
        s.add(paper)
        s.flush()
        record(
            s,
            actor,
            "paper.enter",
            "paper_ballot",
            paper.id,
            **scope(community),
            now=now,
            data={"session": assembly.public_id, "units": entry.units, "reference": paper_reference},
        )
    return paper


def confirm_paper_ballot(actor: Actor, paper_id: int, *, now: datetime) -> Ballot:
    """Second person running the session: confirm a paper ballot someone else entered; then it counts."""
    try:
        with db.write() as s:
            paper = s.get(PaperBallot, paper_id, with_for_update=True)
            if paper is None:
                raise NotFound(str(_l("No such paper ballot.")))
            assembly, community = _open_for_committee(s, actor, paper.session_id, now)
            head = bulletin.lock_head(s, assembly.id)
            _check_waiting(paper)
            if paper.entered_by_user_id is not None and paper.entered_by_user_id == actor.user_id:
                raise RuleViolation("paper", str(_l("A second person running this session must confirm the ballot you entered.")))
            entry = s.get(RollEntry, paper.roll_entry_id)
            assert entry is not None
            window = _window(s, assembly, entry, now)
            existing = _counted_ballot(s, assembly, entry)
            if existing is not None:
                paper.conflict_at = now
                _refuse_conflict(s, actor, assembly, community, entry, existing, now=now, reference=paper.paper_reference)
            ballot = record_ballot(s, head, assembly.id, assembly.public_id, entry, dict(paper.choices), Channel.PAPER, None, now)
            paper.confirmed_at, paper.confirmed_by_user_id, paper.ballot_id = now, actor.user_id, ballot.id
            if window is not None:
                corrections.close_window(s, window, ballot_id=ballot.id, now=now)
            record(
                s,
                actor,
                "paper.confirm",
                "paper_ballot",
                paper.id,
                **scope(community),
                now=now,
                data={"session": assembly.public_id, "ballot": ballot.id, "reference": paper.paper_reference},
            )
    except IntegrityError:
        raise RuleViolation("ballot", str(_l("A ballot has already been cast for these units; it cannot be changed."))) from None
    return ballot


def _counted_ballot(s: Session, assembly: AssemblySession, entry: RollEntry) -> Ballot | None:
    return s.execute(
        select(Ballot).where(Ballot.session_id == assembly.id, Ballot.roll_entry_id == entry.id, Ballot.superseded_at.is_(None))
    ).scalar_one_or_none()


def _refuse_conflict(
    s: Session,
    actor: Actor,
    assembly: AssemblySession,
    community: Community,
    entry: RollEntry,
    existing: Ballot,
    *,
    now: datetime,
    reference: str,
) -> NoReturn:
    """A paper ballot for a voter who has one already: the conflict is logged for the street office, and refused."""
    conflict = RuleViolation(
        "unit",
        str(
            _l(
                "These units already have a ballot (%(channel)s); the paper ballot does not count and the conflict is logged.",
                channel=str(CHANNEL_LABELS[existing.channel.value]),
            )
        ),
    )
    data = {"units": entry.units, "paper_reference": reference, "existing_ballot": existing.id, "existing_channel": existing.channel.value}
    refuse(s, actor, "ballot.conflict", "session", assembly.public_id, conflict, **scope(community), now=now, data=data)


def reject_paper_ballot(actor: Actor, paper_id: int, *, reason: str, now: datetime) -> PaperBallot:
    """Second person running the session: the entry does not match the paper. It never counts; the units can be entered again."""
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise RuleViolation("reason", str(_l("Say why the paper ballot is rejected (at most 500 characters).")))
    with db.write() as s:
        paper, assembly, community = _waiting_paper(s, actor, paper_id, now)
        if paper.entered_by_user_id is not None and paper.entered_by_user_id == actor.user_id:
            raise RuleViolation(
                "paper", str(_l("You entered this paper ballot: withdraw it instead; a second person running this session rejects."))
            )
        paper.rejected_at, paper.rejected_by_user_id, paper.rejection_reason = now, actor.user_id, reason
        record(
            s,
            actor,
            "paper.reject",
            "paper_ballot",
            paper.id,
            **scope(community),
            now=now,
            data={"session": assembly.public_id, "units": paper.roll_entry.units, "reference": paper.paper_reference, "reason": reason},
        )
    return paper


def withdraw_paper_ballot(actor: Actor, paper_id: int, *, now: datetime) -> PaperBallot:
    """The person who entered a paper ballot takes the entry back before it counts; the units can be entered again."""
    with db.write() as s:
        paper, assembly, community = _waiting_paper(s, actor, paper_id, now)
        if paper.entered_by_user_id is None or paper.entered_by_user_id != actor.user_id:
            raise RuleViolation("paper", str(_l("Only the person who entered a paper ballot can withdraw it; reject it with a reason.")))
        paper.withdrawn_at = now
        record(
            s,
            actor,
            "paper.withdraw",
            "paper_ballot",
            paper.id,
            **scope(community),
            now=now,
            data={"session": assembly.public_id, "units": paper.roll_entry.units, "reference": paper.paper_reference},
        )
    return paper


def _waiting_paper(s: Session, actor: Actor, paper_id: int, now: datetime) -> tuple[PaperBallot, AssemblySession, Community]:
    """A paper ballot still waiting for a second person, locked, for someone running its open session."""
    paper = s.get(PaperBallot, paper_id, with_for_update=True)
    if paper is None:
        raise NotFound(str(_l("No such paper ballot.")))
    assembly, community = _open_for_committee(s, actor, paper.session_id, now)
    _check_waiting(paper)
    return paper, assembly, community


def _check_waiting(paper: PaperBallot) -> None:
    if any(at is not None for at in (paper.confirmed_at, paper.conflict_at, paper.rejected_at, paper.withdrawn_at)):
        raise RuleViolation("paper", str(_l("This paper ballot was already dealt with.")))


def pending_paper(assembly_id: int) -> list[PaperBallot]:
    """Paper ballots entered and waiting for a second person, by building and unit number; conflicts are the review's."""
    waiting = db.session.execute(
        select(PaperBallot)
        .where(PaperBallot.session_id == assembly_id, *_WAITING)
        .options(selectinload(PaperBallot.roll_entry))
        .order_by(PaperBallot.entered_at)
    )
    return sorted(waiting.scalars(), key=lambda paper: min(unit_sort_key(unit) for unit in paper.roll_entry.units))


def rejected_paper(assembly_id: int) -> list[PaperBallot]:
    """Paper ballots sent back by a second person, newest first, with the reason: the one who entered each sees why."""
    rejected = db.session.execute(
        select(PaperBallot)
        .where(PaperBallot.session_id == assembly_id, PaperBallot.rejected_at.is_not(None))
        .options(selectinload(PaperBallot.roll_entry))
        .order_by(PaperBallot.rejected_at.desc())
    )
    return list(rejected.scalars())
