"""What the election pages share: the blueprint, the loaders that authorize, the labels."""

from __future__ import annotations

import re

from flask import Blueprint, current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ...communities.models import Community, Person
from ...db import db
from ...domain.errors import NotFound
from ...security.permissions import can_certify, can_run_sessions
from ...security.web import current_actor
from ..forms import KIND_LABELS, NOMINATION_LABELS, ROLE_LABELS, STATE_LABELS, STATUS_LABELS
from ..models import Election

bp = Blueprint("elections", __name__)

UNIT = re.compile(r"^[^\s,，-]+-[^\s,，-]+$")


@bp.app_context_processor
def _labels() -> dict[str, object]:
    return {
        "election_state_labels": STATE_LABELS,
        "election_kind_labels": KIND_LABELS,
        "candidate_status_labels": STATUS_LABELS,
        "nomination_labels": NOMINATION_LABELS,
        "member_role_labels": ROLE_LABELS,
    }


def nomination_limit() -> str:
    return current_app.config["LETTER_RATE_LIMIT"]


def load_community(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound(_("No such community."))
    return community


def load_election(public_id: str) -> tuple[Election, Community]:
    election = db.session.execute(select(Election).where(Election.public_id == public_id)).scalar_one_or_none()
    if election is None:
        raise NotFound(_("No such election."))
    return election, load_community(election.community_id)


def people_of(election: Election) -> dict[int, Person]:
    ids = [c.person_id for c in election.candidates]
    return {p.id: p for p in db.session.execute(select(Person).where(Person.id.in_(ids))).scalars()}


def may_manage(community: Community) -> bool:
    return can_run_sessions(current_actor(), community) or can_certify(current_actor(), community)
