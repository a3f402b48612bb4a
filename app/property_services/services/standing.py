"""The monthly red and black lists."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ...communities.models import Community


def compute_due(now: datetime) -> str:
    """On the first of a month, compute every company's standing for the month before (``flask close-due``)."""
    return ""


def black_list_guard(s: Session, community: Community, contractor: str, now: datetime) -> str | None:
    """The refusal of a contractor on the black list in force, naming the list entry; None otherwise."""
    return None
