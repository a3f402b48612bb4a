""" "The ballot on record for my units is not mine": the owner's report, filed from the letter, answered by the street office."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...audit.services import record, scope
from ...communities.models import Community
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...security.actor import OWNER
from ...sessions.models import AssemblySession, Ballot, Letter
from ..models import Dispute


def file_dispute(letter_id: int, statement: str, *, ip: str, now: datetime) -> Dispute:
    """From the owner's phone, with their letter opened: "the ballot on record for my units is not mine"."""
    statement = statement.strip()
    if not statement:
        raise RuleViolation("statement", str(_l("Say briefly what is wrong, for example that you did not vote.")))
    if len(statement) > 2000:
        raise RuleViolation("statement", str(_l("At most %(max)d characters.", max=2000)))
    try:
        with db.write() as s:
            letter = s.get(Letter, letter_id)
            if letter is None or letter.revoked_at is not None:
                raise NotFound(str(_l("Open your voting letter again.")))
            ballot = s.execute(
                select(Ballot).where(
                    Ballot.session_id == letter.session_id, Ballot.roll_entry_id == letter.roll_entry_id, Ballot.superseded_at.is_(None)
                )
            ).scalar_one_or_none()
            if ballot is None:
                raise RuleViolation("statement", str(_l("No ballot is on record for your units.")))
            assembly = s.get(AssemblySession, letter.session_id)
            community = s.get(Community, assembly.community_id) if assembly else None
            assert assembly is not None and community is not None
            dispute = Dispute(
                public_id=secrets.token_urlsafe(9),
                session_id=assembly.id,
                letter_id=letter.id,
                ballot_id=ballot.id,
                statement=statement,
                filed_at=now,
            )
            s.add(dispute)
            s.flush()
            data = {"dispute": dispute.public_id, "ballot": ballot.id, "channel": ballot.channel.value, "ip": ip}
            record(s, OWNER, "dispute.file", "session", assembly.public_id, **scope(community), now=now, data=data)
    except IntegrityError:
        raise RuleViolation("statement", str(_l("You have already reported this; the street office will answer."))) from None
    return dispute


def dispute_of_letter(letter_id: int) -> Dispute | None:
    return db.session.execute(select(Dispute).where(Dispute.letter_id == letter_id)).scalar_one_or_none()
