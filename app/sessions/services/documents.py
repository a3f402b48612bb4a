"""Documents of an item as pages and the announcement show them: the rules of procedure, the covenant, a quote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ...db import db
from ..models import AssemblySession, Item, ItemDocument


@dataclass(frozen=True)
class Document:
    id: int
    filename: str
    size: int
    sha256: str


# Announced sessions' documents, fixed at announcement: the ballot page shows them on every load without a query.
_announced: dict[tuple[str, datetime], dict[int, tuple[Document, ...]]] = {}
_ANNOUNCED_KEPT = 64


def documents_of(assembly: AssemblySession) -> dict[int, tuple[Document, ...]]:
    """Each item's documents by item id, in the order they were attached."""
    key = (assembly.public_id, assembly.announced_at) if assembly.announced_at is not None else None
    if key is not None and key in _announced:
        return _announced[key]
    rows = db.session.execute(
        select(ItemDocument).join(Item, Item.id == ItemDocument.item_id).where(Item.session_id == assembly.id).order_by(ItemDocument.id)
    ).scalars()
    found: dict[int, list[Document]] = {}
    for d in rows:
        found.setdefault(d.item_id, []).append(Document(d.id, d.filename, d.size, d.sha256))
    out = {item_id: tuple(docs) for item_id, docs in found.items()}
    if key is not None:
        if len(_announced) >= _ANNOUNCED_KEPT:
            _announced.pop(next(iter(_announced)))
        _announced[key] = out
    return out
