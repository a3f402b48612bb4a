"""The one check of an office action: the community it concerns, and the actor an official of its street office."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ...communities.models import Community
from ...security.actor import Actor
from ...security.permissions import can_certify, require


def office_community(s: Session, actor: Actor, community_id: int) -> Community:
    """The community an office action concerns; only an official of its street office may act."""
    community = s.get(Community, community_id)
    assert community is not None
    require(can_certify(actor, community))
    return community
