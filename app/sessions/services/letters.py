"""The letters of an announced session as the committee keeps them: re-issued, printed, and given to recorded proxies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...communities.models import Person
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...domain.lifecycle import SessionState
from ...domain.units import unit_sort_key
from ...security.actor import Actor
from ..models import Ballot, Letter, ProxyAuthorisation, RollEntry
from . import corrections
from .drafting import assembly_for_committee
from .tokens import letter_key, new_nonce, token_for, token_hash


@dataclass(frozen=True)
class IssuedLetter:
    letter: Letter
    token: str


def reissue_letter(actor: Actor, letter_id: int, *, now: datetime) -> IssuedLetter:
    """A new letter for the same holder; the old token stops working at once."""
    with db.write() as s:
        old = s.get(Letter, letter_id, with_for_update=True)
        if old is None:
            raise NotFound(str(_l("No such letter.")))
        assembly, community = assembly_for_committee(s, actor, old.session_id)
        if assembly.state not in (SessionState.ANNOUNCED, SessionState.OPEN):
            raise RuleViolation("state", str(_l("Letters can be re-issued only until voting closes.")))
        if old.revoked_at is not None:
            raise RuleViolation("letter", str(_l("This letter was already replaced.")))
        issued = replace_letter(s, old, now=now)
        record(s, actor, "letter.reissue", "letter", issued.letter.id, **scope(community), data={"replaces": old.id}, now=now)
    return issued


def replace_letter(s: Session, old: Letter, *, now: datetime) -> IssuedLetter:
    """Inside the caller's write: ``old`` stops working, and its holder has a new letter for the same units."""
    old.revoked_at = now
    nonce = new_nonce()
    token = token_for(nonce)
    new = Letter(
        session_id=old.session_id,
        roll_entry_id=old.roll_entry_id,
        person_id=old.person_id,
        proxy_id=old.proxy_id,
        nonce=nonce,
        token_hash=token_hash(token),
        issued_at=now,
    )
    s.add(new)
    s.flush()
    return IssuedLetter(new, token)


def record_proxy(
    actor: Actor,
    assembly_id: int,
    *,
    unit: str,
    owner_name: str,
    proxy_name: str,
    proxy_id_last4: str,
    scan_reference: str,
    now: datetime,
) -> IssuedLetter:
    """Record a written authorisation; the proxy gets a letter that acts for the owner's voter."""
    proxy_name, scan_reference, proxy_id_last4 = proxy_name.strip(), scan_reference.strip(), proxy_id_last4.strip().upper()
    if not proxy_name:
        raise RuleViolation("proxy_name", str(_l("Give the proxy's name.")))
    if len(proxy_id_last4) != 4 or not (proxy_id_last4[:3].isdigit() and (proxy_id_last4[3].isdigit() or proxy_id_last4[3] == "X")):
        raise RuleViolation("proxy_id_last4", str(_l("Give the last four characters of the proxy's ID number.")))
    if not scan_reference:
        raise RuleViolation("scan_reference", str(_l("Give the reference of the scanned authorisation.")))
    with db.write() as s:
        assembly, community = assembly_for_committee(s, actor, assembly_id)
        if assembly.state not in (SessionState.ANNOUNCED, SessionState.OPEN):
            raise RuleViolation("state", str(_l("Proxies can be recorded from the announcement until voting closes.")))
        entry = next(
            (e for e in s.execute(select(RollEntry).where(RollEntry.session_id == assembly.id)).scalars() if unit in e.units), None
        )
        if entry is None:
            raise RuleViolation("unit", str(_l('Unit "%(unit)s" is not on the roll of this session.', unit=unit)))
        holder_ids = [int(i) for i in entry.voter_key.split("|")]
        owner = s.execute(
            select(Person).where(Person.id.in_(holder_ids), Person.name == owner_name.strip()).order_by(Person.id).limit(1)
        ).scalar_one_or_none()
        if owner is None:
            raise RuleViolation("owner", str(_l("This person is not a holder of that unit.")))
        owner_person_id = owner.id
        proxy = ProxyAuthorisation(
            session_id=assembly.id,
            roll_entry_id=entry.id,
            owner_person_id=owner_person_id,
            proxy_name=proxy_name,
            proxy_id_last4=proxy_id_last4,
            scan_reference=scan_reference,
            recorded_by_user_id=actor.user_id,
            recorded_at=now,
        )
        s.add(proxy)
        s.flush()
        nonce = new_nonce()
        token = token_for(nonce)
        letter = Letter(
            session_id=assembly.id,
            roll_entry_id=entry.id,
            person_id=owner_person_id,
            proxy_id=proxy.id,
            nonce=nonce,
            token_hash=token_hash(token),
            issued_at=now,
        )
        s.add(letter)
        s.flush()
        record(
            s,
            actor,
            "proxy.record",
            "proxy",
            proxy.id,
            **scope(community),
            now=now,
            data={
                "session": assembly.public_id,
                "unit": unit,
                "owner": owner_person_id,
                "scan_reference": scan_reference,
                "letter": letter.id,
            },
        )
    return IssuedLetter(letter, token)


def letters_of_session(assembly_id: int) -> list[Letter]:
    """The current letters of a session, in the order they were issued."""
    return list(
        db.session.execute(
            select(Letter).where(Letter.session_id == assembly_id, Letter.revoked_at.is_(None)).order_by(Letter.id)
        ).scalars()
    )


def letter_token(letter: Letter) -> str:
    """The token of a letter, for printing it (again)."""
    return token_for(letter.nonce)


@dataclass(frozen=True)
class PrintedLetter:
    letter: Letter
    holder: Person
    token: str


def print_letters(actor: Actor, assembly_id: int, *, building: str, now: datetime) -> list[PrintedLetter]:
    """Every current letter whose units lie in ``building`` ("" for all), for printing; audited."""
    with db.write() as s:
        assembly, community = assembly_for_committee(s, actor, assembly_id)
        # After the count, only the letters of voters an upheld objection lets vote again, while their window runs.
        reopened = None
        if assembly.state is SessionState.TALLIED:
            windows = corrections.windows_of_session(assembly.id)
            reopened = {w.roll_entry_id for w in windows if w.channel == "online" and w.closed_at is None and now < w.until}
        if assembly.state not in (SessionState.ANNOUNCED, SessionState.OPEN) and not reopened:
            raise RuleViolation("state", str(_l("Letters can be printed from the announcement until voting closes.")))
        rows = s.execute(
            select(Letter, Person)
            .join(Person, Person.id == Letter.person_id)
            .join(RollEntry, RollEntry.id == Letter.roll_entry_id)
            .where(Letter.session_id == assembly.id, Letter.revoked_at.is_(None))
            .order_by(RollEntry.id, Person.name)
        ).all()
        key = letter_key()
        printed = [
            PrintedLetter(letter, person, token_for(letter.nonce, key))
            for letter, person in rows
            if (not building or any(unit.split("-", 1)[0] == building for unit in letter.roll_entry.units))
            and (reopened is None or letter.roll_entry_id in reopened)
        ]
        record(
            s,
            actor,
            "letters.print",
            "session",
            assembly.public_id,
            **scope(community),
            now=now,
            data={"building": building or None, "letters": len(printed)},
        )
    return printed


@dataclass(frozen=True)
class LetterLine:
    """One line of the committee's letter list: the letter, its voter's units, its holder, and whether that voter has voted."""

    letter: Letter
    entry: RollEntry
    holder: Person
    voted: bool


def letters_with_holders(assembly_id: int) -> list[LetterLine]:
    """The session's valid letters with their roll entry and holder, by building, unit number and name: the committee's list."""
    voted = set(
        db.session.execute(select(Ballot.roll_entry_id).where(Ballot.session_id == assembly_id, Ballot.superseded_at.is_(None))).scalars()
    )
    rows = db.session.execute(
        select(Letter, RollEntry, Person)
        .join(RollEntry, RollEntry.id == Letter.roll_entry_id)
        .join(Person, Person.id == Letter.person_id)
        .where(Letter.session_id == assembly_id, Letter.revoked_at.is_(None))
        .order_by(RollEntry.id, Person.name)
    ).all()
    lines = [LetterLine(letter, entry, person, entry.id in voted) for letter, entry, person in rows]
    return sorted(lines, key=lambda line: min(unit_sort_key(unit) for unit in line.entry.units))
