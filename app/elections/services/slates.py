"""Elections on a session's ballot: the slate sessions read through ``SlateSource``, and putting an election on a draft."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...communities.models import Person
from ...db import db
from ...domain.errors import RuleViolation
from ...domain.lifecycle import SessionState
from ...security.actor import Actor
from ...sessions.models import Item
from ...sessions.services import assembly_for_committee, new_item
from ...sessions.services.slates import Slate, SlateCandidate
from ..models import Candidate, CandidateStatus, Election, ElectionState


class ElectionSlates:
    """The ``SlateSource`` sessions are given at start-up (``sessions.services.slates.provide``)."""

    def slates(self, s: Session, item_ids: Sequence[int]) -> dict[int, Slate]:
        elections = list(s.execute(select(Election).where(Election.item_id.in_(item_ids))).scalars())
        if not elections:
            return {}
        rows = s.execute(
            select(Candidate, Person.name)
            .join(Person, Person.id == Candidate.person_id)
            .where(Candidate.election_id.in_([e.id for e in elections]), Candidate.status == CandidateStatus.APPROVED)
            .order_by(Candidate.id)
        ).all()
        by_election: dict[int, list[SlateCandidate]] = {e.id: [] for e in elections}
        for candidate, name in rows:
            by_election[candidate.election_id].append(
                SlateCandidate(str(candidate.id), name, candidate.unit, candidate.statement, candidate.counts_as_party)
            )
        return {e.item_id: Slate(e.seats, e.alternates, tuple(by_election[e.id])) for e in elections if e.item_id is not None}

    def item_removed(self, s: Session, item_id: int) -> None:
        # Back to waiting for a session.
        s.execute(update(Election).where(Election.item_id == item_id).values(item_id=None, state=ElectionState.PUBLISHED))

    def items_decided(self, s: Session, item_ids: Sequence[int]) -> None:
        for election in s.execute(select(Election).where(Election.item_id.in_(item_ids))).scalars():
            election.state = ElectionState.DECIDED


def add_election_item(actor: Actor, assembly_id: int, *, election_id: int) -> Item:
    """Put an election whose slate is published on a draft session's ballot."""
    with db.write() as s:
        assembly, community = assembly_for_committee(s, actor, assembly_id)
        if assembly.state is not SessionState.DRAFT:
            raise RuleViolation("state", str(_l("Items cannot be added or changed after the session is announced.")))
        election = s.get(Election, election_id, with_for_update=True)
        if election is None or election.community_id != community.id:
            raise RuleViolation("election", str(_l("Choose an election of this community.")))
        if election.state is not ElectionState.PUBLISHED:
            raise RuleViolation("election", str(_l("Only an election whose vetted slate is published can go to the vote.")))
        item = new_item(s, assembly, kind="election", matter="cn.elect_committee", title=election.title)
        election.item_id, election.state = item.id, ElectionState.ON_BALLOT
        data = {"item": item.id, "election": election.public_id}
        record(s, actor, "session.add_election", "session", assembly.public_id, **scope(community), data=data)
    return item


def elections_ready(community_id: int) -> list[Election]:
    """The community's elections whose slate is published and that wait for a session."""
    return list(
        db.session.execute(
            select(Election).where(Election.community_id == community_id, Election.state == ElectionState.PUBLISHED).order_by(Election.id)
        ).scalars()
    )
