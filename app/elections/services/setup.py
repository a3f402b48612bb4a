"""Setting up an election: the seats, the alternates and the nomination window."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from ...communities.models import Community
from ...db import db
from ...domain import committee as rules
from ...domain.errors import NotFound, RuleViolation
from ...domain.rules import get_profile
from ...security.actor import Actor
from ..models import (
    Election,
    ElectionKind,
)
from .common import (
    SETUP_MESSAGES,
    may_run,
    new_election,
)


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
        run_by = may_run(actor, community)
        settings = get_profile(community.rule_profile).settings
        for field, problem in rules.setup_problems(settings, seats, alternates):
            raise RuleViolation(field, str(SETUP_MESSAGES[problem] % {"low": settings.committee_min, "high": settings.committee_max}))
        election = new_election(
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
