"""Opening a voting letter: find it by its token, confirm its holder, lock it after too many wrong tries."""

from __future__ import annotations

import hmac
from datetime import datetime
from enum import Enum
from typing import Protocol

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...communities.models import Community, Person
from ...db import db, table_of
from ...domain.id_digits import MAX_ATTEMPTS, is_id_digits, normalise_id_digits
from ...security.actor import ANONYMOUS
from ...sessions.models import AssemblySession, Letter, ProxyAuthorisation
from ...sessions.services.tokens import token_hash

MAX_LETTER_ATTEMPTS = MAX_ATTEMPTS


class LetterStatus(Enum):
    OK = "ok"
    INVALID = "invalid"  # unknown, revoked, or of a session not yet announced
    LOCKED = "locked"
    WRONG_DIGITS = "wrong_digits"
    NO_DIGITS = "no_digits"  # nothing on record to confirm with
    MALFORMED = "malformed"  # not four characters of 0-9 (or a final X): a slip of the keyboard, not counted as a try


_LETTER_BY_TOKEN = select(Letter).where(Letter.token_hash == bindparam("token_hash"))
_letters = table_of(Letter)
_LETTER_REF_BY_TOKEN = select(
    _letters.c.id, _letters.c.session_id, _letters.c.roll_entry_id, _letters.c.proxy_id, _letters.c.locked_at
).where(_letters.c.token_hash == bindparam("token_hash"), _letters.c.revoked_at.is_(None))


class LetterRef(Protocol):
    """What a cast needs of a letter: a loaded ``Letter`` is one, and so is the row ``find_letter_ref`` reads."""

    @property
    def id(self) -> int: ...
    @property
    def session_id(self) -> int: ...
    @property
    def roll_entry_id(self) -> int: ...
    @property
    def proxy_id(self) -> int | None: ...
    @property
    def locked_at(self) -> datetime | None: ...


def find_letter_ref(token: str) -> LetterRef | None:
    """``find_letter`` as one plain row, for the cast, which needs no more of the letter than this."""
    return db.session.connection().execute(_LETTER_REF_BY_TOKEN, {"token_hash": token_hash(token)}).first()


def find_letter(token: str) -> Letter | None:
    letter = db.session.execute(_LETTER_BY_TOKEN, {"token_hash": token_hash(token)}).scalar_one_or_none()
    if letter is None or letter.revoked_at is not None:
        return None
    return letter


def expected_digits(letter: Letter) -> str | None:
    """The ID characters on record that open ``letter``: the proxy's for a proxy's letter, else the holder's."""
    return _expected_digits(db.session(), letter)


def _expected_digits(s: Session, letter: Letter) -> str | None:
    if letter.proxy_id is not None:
        proxy = s.get(ProxyAuthorisation, letter.proxy_id)
        return proxy.proxy_id_last4 if proxy else None
    person = s.get(Person, letter.person_id)
    return person.id_last4 if person else None


def confirm_letter(token: str, digits: str, *, ip: str, now: datetime) -> tuple[LetterStatus, Letter | None]:
    """The owner confirms who they are with the last four characters of their ID number.

    Full-width digits and spaces mean the same characters. An entry that is not four
    characters of 0-9 (the last may be X) is refused without counting as a try.
    Five wrong tries lock the letter; every failure and the lock are audited.
    """
    typed = normalise_id_digits(digits)
    with db.write() as s:
        letter = s.execute(select(Letter).where(Letter.token_hash == token_hash(token)).with_for_update()).scalar_one_or_none()
        if letter is None or letter.revoked_at is not None:
            record(s, ANONYMOUS, "letter.invalid_token", "letter", "-", data={"ip": ip}, now=now)
            return LetterStatus.INVALID, None
        assembly = s.get(AssemblySession, letter.session_id)
        community = s.get(Community, assembly.community_id) if assembly else None
        assert assembly is not None and community is not None
        where = scope(community)
        if letter.locked_at is not None:
            return LetterStatus.LOCKED, letter
        expected = _expected_digits(s, letter)
        if expected is None:
            return LetterStatus.NO_DIGITS, letter
        if not is_id_digits(typed):
            return LetterStatus.MALFORMED, letter
        if hmac.compare_digest(expected.upper().encode(), typed.encode()):
            letter.confirmed_at = letter.confirmed_at or now
            letter.failed_attempts = 0
            record(s, ANONYMOUS, "letter.confirmed", "letter", letter.id, **where, data={"ip": ip}, now=now)
            return LetterStatus.OK, letter
        letter.failed_attempts += 1
        data = {"ip": ip, "attempt": letter.failed_attempts}
        record(s, ANONYMOUS, "letter.wrong_digits", "letter", letter.id, **where, data=data, now=now)
        if letter.failed_attempts >= MAX_LETTER_ATTEMPTS:
            letter.locked_at = now
            record(s, ANONYMOUS, "letter.locked", "letter", letter.id, **where, data={"ip": ip}, now=now)
            return LetterStatus.LOCKED, letter
        return LetterStatus.WRONG_DIGITS, letter


def refusal_text(status: LetterStatus, letter: Letter | None) -> str:
    """What the holder is told when their digits did not open the letter; the page and the API say the same."""
    if status is LetterStatus.INVALID:
        return str(_l("This voting letter is not valid."))
    if status is LetterStatus.LOCKED:
        return str(_l("This letter is locked after too many wrong tries. Please ask your committee."))
    if status is LetterStatus.MALFORMED:
        return str(_l("Type the last four characters of the ID number: digits 0–9, the last may be X. This was not counted as a try."))
    if status is LetterStatus.NO_DIGITS:
        return str(_l("No ID digits are on record for this letter. Please ask your committee."))
    left = MAX_LETTER_ATTEMPTS - (letter.failed_attempts if letter else 0)
    return str(_l("The characters do not match our records. %(left)d tries left before the letter is locked.", left=left))
