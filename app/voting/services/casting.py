"""Casting with a letter, online or by proxy: the one cast path, its receipt and the voter's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...audit.services import record, refuse
from ...communities.models import Community, Person
from ...db import db, table_of
from ...domain.errors import RuleViolation
from ...domain.lifecycle import SessionState, state_at
from ...domain.rules import get_profile
from ...security.actor import OWNER, PROXY, Actor
from ...sessions.models import AssemblySession, Ballot, Channel, CorrectionWindow, Letter, ProxyAuthorisation, RollEntry
from ...sessions.services import bulletin, corrections
from ...sessions.services.ballots import (
    CURRENT_BALLOT_ID,
    BallotTampered,
    Choices,
    RecordedBallot,
    Voter,
    checked_choices,
    current_ballot,
    record_signed_ballot,
    supersede,
)
from ...sessions.services.clock import sync_state
from ...sessions.services.counting import announced_items, session_items
from .letters import LetterRef, find_letter


def cast_ballot(token: str, choices: Choices, *, ip: str, now: datetime, letter: LetterRef | None = None) -> Ballot:
    """Cast the voter's ballot with a letter (``cast_with_receipt``, for a caller that needs only the ballot)."""
    return cast_with_receipt(token, choices, ip=ip, now=now, letter=letter).ballot


def cast_with_receipt(token: str, choices: Choices, *, ip: str, now: datetime, letter: LetterRef | None = None) -> RecordedBallot:
    """Cast the voter's ballot with a letter; every item left blank is an abstention.

    One current ballot per voter is the database's unique index: of two racing
    casts exactly one lands, and the other is told the voter has voted. A form
    naming an unknown item or choice is refused and audited as tampering.
    ``letter``, when the caller has just looked it up by ``token``, saves a query.
    Returns the ballot with its receipt as the transaction signed it: once the
    commit has made the ballot count, nothing is read back to answer the voter.
    """
    letter = letter or find_letter(token)
    if letter is None or letter.locked_at is not None:
        raise RuleViolation("letter", str(_l("This voting letter is not valid.")))
    prepared = _prepare_cast(letter, choices, now=now)
    try:
        with db.write() as s:
            return _cast(s, prepared, ip=ip, now=now)
    except IntegrityError:
        # Another cast for the same voter landed first.
        raise RuleViolation("ballot", str(_l("A ballot has already been cast for these units; it cannot be changed."))) from None


@dataclass(frozen=True)
class _PreparedCast:
    """What a cast reads that cannot change while voting is open: read before the write lock, so the lock is held briefly."""

    letter_id: int
    assembly_id: int
    assembly_public_id: str
    voter: Voter
    choices: Choices | None  # None: the form named an item or choice the ballot does not offer
    revote: bool
    scope: dict[str, int]
    actor: Actor
    channel: Channel
    pseudonym: str  # the voter's name on the bulletin
    window_id: int | None = None  # the correction window this cast is let in by, after the count


# The cast's read, built once: building it costs more than running it, and every cast runs it.
_sessions, _communities, _roll = table_of(AssemblySession), table_of(Community), table_of(RollEntry)
_CAST_READ = (
    select(
        _sessions.c.public_id,
        _sessions.c.state,
        _sessions.c.opens_at,
        _sessions.c.closes_at,
        _sessions.c.announced_at,
        _communities.c.id,
        _communities.c.street_office_id,
        _communities.c.rule_profile,
        _roll.c.area_centi,
        _roll.c.heads,
    )
    .join(_communities, _communities.c.id == _sessions.c.community_id)
    .join(_roll, _roll.c.session_id == _sessions.c.id)
    .where(_sessions.c.id == bindparam("session_id"), _roll.c.id == bindparam("roll_entry_id"))
)


def _prepare_cast(letter: LetterRef, choices: Choices, *, now: datetime) -> _PreparedCast:
    # One read for the session, its community and the voter's roll entry, instead of one per object.
    params = {"session_id": letter.session_id, "roll_entry_id": letter.roll_entry_id}
    row = db.session.connection().execute(_CAST_READ, params).one()
    state = row.state
    if state_at(state, row.opens_at, row.closes_at, now) is not state:
        state = sync_state(letter.session_id, now=now)  # the clock moved it: record that first
    window = None
    if state_at(state, row.opens_at, row.closes_at, now) is not SessionState.OPEN:
        # After the count, only a voter an upheld objection reopened it for, inside their window (RULES §6).
        if state is SessionState.TALLIED:
            window = corrections.open_for(db.session(), letter.session_id, letter.roll_entry_id, "online", now)
        if window is None:
            raise RuleViolation("state", str(_l("Voting is not open for this session.")))
    items = announced_items(row.public_id, row.announced_at)
    if items is None:
        assembly = db.session.get(AssemblySession, letter.session_id)
        assert assembly is not None
        items = session_items(assembly)
    pseudonym = bulletin.voter_pseudonym(row.public_id, letter.roll_entry_id)
    try:
        complete: Choices | None = checked_choices(items, choices, voter=pseudonym, forged_outside=True)
    except BallotTampered:
        complete = None
    return _PreparedCast(
        letter_id=letter.id,
        assembly_id=letter.session_id,
        assembly_public_id=row.public_id,
        voter=Voter(letter.roll_entry_id, row.area_centi, row.heads),
        choices=complete,
        revote=get_profile(row.rule_profile).settings.revote,
        scope={"community_id": row.id, "street_office_id": row.street_office_id},
        actor=OWNER if letter.proxy_id is None else PROXY,
        channel=Channel.ONLINE if letter.proxy_id is None else Channel.PROXY,
        pseudonym=pseudonym,
        window_id=window.id if window is not None else None,
    )


def _cast(s: Session, p: _PreparedCast, *, ip: str, now: datetime) -> RecordedBallot:
    if p.choices is None:
        tampered = RuleViolation("choices", str(_l("The ballot form was changed; please open your letter again.")))
        refuse(s, p.actor, "ballot.tampered", "letter", p.letter_id, tampered, **p.scope, data={"ip": ip}, now=now)
    # The chain head first, so every cast of the session queues here (and a sealed chain is refused); then the
    # session row, by the ballot's foreign key; the audit chain last: the order of locks in sessions.services.clock.
    head = bulletin.lock_head(s, p.assembly_id)
    params = {"session_id": p.assembly_id, "roll_entry_id": p.voter.id}
    existing = s.connection().execute(CURRENT_BALLOT_ID, params).scalar_one_or_none()
    if existing is not None:
        if not p.revote:
            voted = RuleViolation("ballot", str(_l("A ballot has already been cast for these units; it cannot be changed.")))
            refuse(s, p.actor, "ballot.duplicate", "letter", p.letter_id, voted, **p.scope, data={"ip": ip, "ballot": existing}, now=now)
        supersede(s, existing, now=now)
    recorded = record_signed_ballot(
        s, head, p.assembly_id, p.assembly_public_id, p.voter, p.choices, p.channel, p.letter_id, now,
        supersedes=existing, pseudonym=p.pseudonym,
    )  # fmt: skip
    data = {"session": p.assembly_public_id, "letter": p.letter_id, "supersedes": existing}
    if p.window_id is not None:
        window = s.get(CorrectionWindow, p.window_id, with_for_update=True)
        if window is None or window.closed_at is not None or now >= window.until:
            raise RuleViolation("state", str(_l("Voting is not open for this session.")))
        corrections.close_window(s, window, ballot_id=recorded.ballot.id, now=now)
        data["objection"] = window.objection
    record(s, p.actor, "ballot.cast", "ballot", recorded.ballot.id, **p.scope, now=now, data=data)  # the audit chain's lock: last
    return recorded


def receipt_of_letter(letter: Letter) -> dict[str, Any] | None:
    """The signed receipt of the ballot that counts for the letter's voter, if one was cast."""
    ballot = current_ballot(letter.session_id, letter.roll_entry_id)
    return None if ballot is None else bulletin.receipt_of(db.session(), ballot.id)


@dataclass(frozen=True)
class CastBy:
    """Who cast a ballot with a letter other than the one being read: a proxy, or another holder of the units."""

    name: str
    proxy: bool


def who_cast(ballot: Ballot, letter: LetterRef) -> CastBy | None:
    """Whose letter cast ``ballot``, when it was not ``letter`` itself (None for a paper ballot or this letter)."""
    if ballot.letter_id is None or ballot.letter_id == letter.id:
        return None
    by = db.session.get(Letter, ballot.letter_id)
    if by is None:
        return None
    if by.proxy_id is not None:
        proxy = db.session.get(ProxyAuthorisation, by.proxy_id)
        return CastBy(proxy.proxy_name, proxy=True) if proxy else None
    holder = db.session.get(Person, by.person_id)
    return CastBy(holder.name, proxy=False) if holder else None


@dataclass(frozen=True)
class PastBallot:
    assembly: AssemblySession
    ballot: Ballot | None


def ballot_history(letter: Letter) -> list[PastBallot]:
    """The same voter's other sessions in the community, newest first, with the ballot each counted."""
    entry = db.session.get(RollEntry, letter.roll_entry_id)
    assert entry is not None
    rows = db.session.execute(
        select(AssemblySession, RollEntry)
        .join(RollEntry, RollEntry.session_id == AssemblySession.id)
        .where(RollEntry.voter_key == entry.voter_key, AssemblySession.id != letter.session_id)
        .order_by(AssemblySession.opens_at.desc())
    ).all()
    return [PastBallot(assembly, current_ballot(assembly.id, other.id)) for assembly, other in rows]
