"""Recording ballots: the one write every channel shares (online, by proxy, on paper), and the checks of a ballot's choices.

A ballot lands with its weighted choice rows and its signed bulletin entry in
one transaction; one current ballot per voter is the database's unique index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from ...communities.models import Community
from ...db import db, table_of
from ...domain.ballot import BallotRefused, complete_ballot
from ...domain.errors import RuleViolation
from ...domain.result import SessionItem
from ...domain.rules import get_profile
from ..models import AssemblySession, Ballot, BallotApproval, BallotChoice, Channel, RollEntry
from . import bulletin

Choices = dict[str, Any]  # item id -> "agree" | "disagree" | "abstain", or a list of candidate ids


class BallotTampered(Exception):
    """The submitted choices name an item, choice or candidate the session's ballot does not offer."""


def checked_choices(items: Sequence[SessionItem], choices: Choices, *, voter: str | None = None, forged_outside: bool = False) -> Choices:
    """Every item on the voter's ballot with its choice (blank items abstain), as ``complete_ballot`` decides.

    ``voter``, the bulletin's name for them, leaves out the scoped items whose
    scope holds none of their counting units (RULES §9). Raises BallotTampered
    for anything the form could not have sent, and a RuleViolation naming the
    item when more candidates are approved than seats, or when the ballot
    chooses on a scoped item the voter is outside of; ``forged_outside``: the voter's own ballot, which never
    shows them that item, so such a choice is tampering (a paper entry's is a slip, named).
    """
    try:
        return complete_ballot(items, choices, voter=voter)
    except BallotRefused as refused:
        item = next((i for i in items if i.id == refused.item_id), None)
        if refused.outside and forged_outside:
            raise BallotTampered from None
        if refused.outside and item is not None:
            message = _l("%(title)s: none of your units is in this item's scope; you do not vote on it.", title=item.title)
            raise RuleViolation(f"item-{item.id}", str(message)) from None
        if not refused.too_many or item is None:
            raise BallotTampered from None
        n = len(choices[refused.item_id])
        message = _l("%(title)s: you approved %(n)d candidates; approve at most %(seats)d.", title=item.title, n=n, seats=item.seats)
        raise RuleViolation(f"item-{item.id}", str(message)) from None


@dataclass(frozen=True)
class Voter:
    """A roll entry's weights, as a ballot's rows and bulletin entry carry them."""

    id: int
    area_centi: int
    heads: int


# Built once on the tables: these run inside the write lock of every cast, where building a statement costs more than running it.
_ballots, _ballot_choices, _ballot_approvals = table_of(Ballot), table_of(BallotChoice), table_of(BallotApproval)
CURRENT_BALLOT_ID = select(_ballots.c.id).where(
    _ballots.c.session_id == bindparam("session_id"),
    _ballots.c.roll_entry_id == bindparam("roll_entry_id"),
    _ballots.c.superseded_at.is_(None),
)
_INSERT_BALLOT = insert(_ballots).returning(_ballots.c.id)
_INSERT_CHOICES = insert(_ballot_choices)
_INSERT_APPROVALS = insert(_ballot_approvals)


@dataclass(frozen=True)
class RecordedBallot:
    """A ballot as its transaction wrote it: the row, and its signed bulletin entry, which is the voter's receipt."""

    ballot: Ballot
    receipt: dict[str, Any]


def record_ballot(
    s: Session,
    head: bulletin.ChainHead,
    assembly_id: int,
    assembly_public_id: str,
    voter: Voter | RollEntry,
    choices: Choices,
    channel: Channel,
    letter_id: int | None,
    now: datetime,
    *,
    supersedes: int | None = None,
    pseudonym: str | None = None,
) -> Ballot:
    """``record_signed_ballot``, for a caller that needs only the ballot."""
    return record_signed_ballot(
        s, head, assembly_id, assembly_public_id, voter, choices, channel, letter_id, now, supersedes=supersedes, pseudonym=pseudonym
    ).ballot


def record_signed_ballot(
    s: Session,
    head: bulletin.ChainHead,
    assembly_id: int,
    assembly_public_id: str,
    voter: Voter | RollEntry,
    choices: Choices,
    channel: Channel,
    letter_id: int | None,
    now: datetime,
    *,
    supersedes: int | None = None,
    pseudonym: str | None = None,
) -> RecordedBallot:
    """Inside the caller's write (holding ``head``): the ballot, its weighted choice rows and its signed bulletin entry.

    The entry is returned as signed, so the caller answers with it without reading it back after the commit.
    """
    row = {
        "session_id": assembly_id,
        "roll_entry_id": voter.id,
        "letter_id": letter_id,
        "channel": channel,
        "choices": choices,
        "cast_at": now,
    }
    # A plain INSERT … RETURNING inside the write lock: the unit of work would cost more than the statement.
    conn = s.connection()
    ballot_id = conn.execute(_INSERT_BALLOT, row).scalar_one()
    ballot = Ballot(id=ballot_id, **row)  # what the caller reads; not added to the session
    receipt = bulletin.append_ballot(s, head, assembly_public_id, voter, ballot, supersedes, pseudonym_of_voter=pseudonym)
    conn.execute(
        _INSERT_CHOICES,
        [
            {
                "ballot_id": ballot.id,
                "session_id": assembly_id,
                "item_id": int(item_id),
                "choice": "approve" if isinstance(choice, list) else choice,
                "area_centi": voter.area_centi,
                "heads": voter.heads,
            }
            for item_id, choice in choices.items()
        ],
    )
    approvals = [
        {
            "ballot_id": ballot.id,
            "session_id": assembly_id,
            "item_id": int(item_id),
            "candidate_id": int(candidate_id),
            "area_centi": voter.area_centi,
            "heads": voter.heads,
        }
        for item_id, choice in choices.items()
        if isinstance(choice, list)
        for candidate_id in choice
    ]
    if approvals:
        conn.execute(_INSERT_APPROVALS, approvals)
    return RecordedBallot(ballot, receipt)


def supersede(s: Session, ballot_id: int, *, now: datetime) -> None:
    """A revote: the old ballot is kept, superseded, and no longer counted."""
    s.execute(update(Ballot).where(Ballot.id == ballot_id).values(superseded_at=now))
    s.execute(delete(BallotChoice).where(BallotChoice.ballot_id == ballot_id))
    s.execute(delete(BallotApproval).where(BallotApproval.ballot_id == ballot_id))


def current_ballot(assembly_id: int, roll_entry_id: int) -> Ballot | None:
    """The ballot that counts for a voter of the session, if one was cast."""
    return db.session.execute(
        select(Ballot).where(Ballot.session_id == assembly_id, Ballot.roll_entry_id == roll_entry_id, Ballot.superseded_at.is_(None))
    ).scalar_one_or_none()


def revote_allowed(assembly: AssemblySession | None) -> bool:
    """Whether the community's rule profile lets owners change their ballot until the close."""
    community = db.session.get(Community, assembly.community_id) if assembly else None
    return community is not None and get_profile(community.rule_profile).settings.revote
