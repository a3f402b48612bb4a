"""The street office answers an owner's report that the ballot on record for their units is not theirs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...audit.services import record, scope
from ...communities.models import Community
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...security.actor import Actor
from ...sessions.models import AssemblySession, Ballot, Letter
from ...voting.models import Dispute, DisputeStatus
from .access import office_community


def resolve_dispute(actor: Actor, dispute_id: int, *, resolution: str, now: datetime) -> Dispute:
    resolution = resolution.strip()
    if not resolution:
        raise RuleViolation("resolution", str(_l("Write what was found and done.")))
    with db.write() as s:
        dispute = s.get(Dispute, dispute_id, with_for_update=True)
        session = s.get(AssemblySession, dispute.session_id) if dispute else None
        if dispute is None or session is None:
            raise NotFound(str(_l("No such dispute.")))
        community = office_community(s, actor, session.community_id)
        if dispute.status is DisputeStatus.RESOLVED:
            raise RuleViolation("resolution", str(_l("This dispute is already resolved.")))
        dispute.status, dispute.resolution, dispute.resolved_by_user_id, dispute.resolved_at = (
            DisputeStatus.RESOLVED,
            resolution,
            actor.user_id,
            now,
        )
        record(
            s,
            actor,
            "dispute.resolve",
            "session",
            session.public_id,
            **scope(community),
            now=now,
            data={"dispute": dispute.public_id},
        )
    return dispute


@dataclass(frozen=True)
class DisputeView:
    dispute: Dispute
    units: list[str]
    channel: str


def disputes_of_session(session_id: int) -> list[DisputeView]:
    rows = db.session.execute(
        select(Dispute, Letter, Ballot)
        .join(Letter, Letter.id == Dispute.letter_id)
        .join(Ballot, Ballot.id == Dispute.ballot_id)
        .where(Dispute.session_id == session_id)
        .order_by(Dispute.filed_at)
    )
    return [DisputeView(d, list(letter.roll_entry.units), b.channel.value) for d, letter, b in rows]


def dispute_of_letter(letter_id: int) -> Dispute | None:
    return db.session.execute(select(Dispute).where(Dispute.letter_id == letter_id)).scalar_one_or_none()


def open_disputes(street_office_id: int) -> list[tuple[Dispute, AssemblySession, Community]]:
    rows = db.session.execute(
        select(Dispute, AssemblySession, Community)
        .join(AssemblySession, AssemblySession.id == Dispute.session_id)
        .join(Community, Community.id == AssemblySession.community_id)
        .where(Community.street_office_id == street_office_id, Dispute.status == DisputeStatus.OPEN)
        .order_by(Dispute.filed_at)
    )
    return [(d, a, c) for d, a, c in rows]
