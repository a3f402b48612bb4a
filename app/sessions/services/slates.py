"""The candidates of election items, read through the package that owns elections.

Elections sit above sessions (an election is put on a session's ballot and
seated from its result), so a session cannot read them itself. The elections
package provides a ``SlateSource`` at start-up (``provide``); a session asks
it for slates, and tells it when an election item leaves a draft or is decided.
A session's items are fixed once it is announced and an election reaches a
ballot only with its vetted slate published, so an announced session's slates
are read once per process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from ...db import db
from ..models import Item


@dataclass(frozen=True)
class SlateCandidate:
    id: str
    name: str
    unit: str
    statement: str
    party: bool  # verified by the street office: what the party check counts


@dataclass(frozen=True)
class Slate:
    seats: int
    alternates: int
    candidates: tuple[SlateCandidate, ...]


class SlateSource(Protocol):
    """What sessions need of the package that owns election items."""

    def slates(self, s: Session, item_ids: Sequence[int]) -> dict[int, Slate]:
        """The approved candidates of each election item among ``item_ids``, in ballot order."""

    def item_removed(self, s: Session, item_id: int) -> None:
        """An election item was taken off a draft session (in the caller's transaction)."""

    def items_decided(self, s: Session, item_ids: Sequence[int]) -> None:
        """The session of these items was counted (in the caller's transaction)."""


class _NoElections:
    def slates(self, s: Session, item_ids: Sequence[int]) -> dict[int, Slate]:
        return {}

    def item_removed(self, s: Session, item_id: int) -> None:
        pass

    def items_decided(self, s: Session, item_ids: Sequence[int]) -> None:
        pass


_source: SlateSource = _NoElections()


def provide(source: SlateSource) -> None:
    global _source
    _source = source


def source() -> SlateSource:
    return _source


# By session (public id and announcement, so items of different databases never meet) and item.
_published: dict[tuple[str, datetime, int], Slate] = {}
_PUBLISHED_KEPT = 256


def slates_of(items: Sequence[Item], s: Session | None = None) -> dict[int, Slate]:
    """The slate of every election item among ``items`` (all of one session)."""
    elections = [i for i in items if i.kind == "election"]
    if not elections:
        return {}
    assembly = elections[0].session
    announced = assembly.announced_at
    found: dict[int, Slate] = {}
    if announced is not None:
        found = {i.id: _published[key] for i in elections if (key := (assembly.public_id, announced, i.id)) in _published}
    missing = [i.id for i in elections if i.id not in found]
    if missing:
        read = _source.slates(s or db.session(), missing)
        if announced is not None:
            for item_id, slate in read.items():
                if len(_published) >= _PUBLISHED_KEPT:
                    _published.pop(next(iter(_published)))
                _published[(assembly.public_id, announced, item_id)] = slate
        found |= read
    return found


def slate_of_item(item: Item) -> Slate | None:
    """An election item's approved candidates with their names, in ballot order; None for a question."""
    return slates_of([item]).get(item.id) if item.kind == "election" else None
