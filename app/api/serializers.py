"""The JSON shapes the API answers with, shared by the audiences' operations."""

from __future__ import annotations

from typing import Any

from flask import url_for

from ..communities.models import Community
from ..communities.queries import CommunitySummary
from ..db import utcnow
from ..domain.ledger import format_fen
from ..domain.lifecycle import SessionState, state_at
from ..domain.numbers import format_area
from ..notices import services as notices
from ..notices.models import Notice, NoticeState
from ..sessions import services as sessions
from ..sessions.models import AssemblySession, Item
from .operations import stamp


def community_json(c: CommunitySummary) -> dict[str, Any]:
    url = url_for("notices.board", slug=c.slug, _external=True)
    return {"slug": c.slug, "name": c.name, "address": c.address, "street_office": c.street_office, "units": c.units, "url": url}


def session_json(assembly: AssemblySession, state: SessionState | None = None) -> dict[str, Any]:
    return {
        "id": assembly.public_id,
        "title": assembly.title,
        "form": assembly.form.value,
        # The stored state moves at the clock's next sync; the list shows where the clock already is.
        "state": (state or state_at(assembly.state, assembly.opens_at, assembly.closes_at, utcnow())).value,
        "opens_at": stamp(assembly.opens_at),
        "closes_at": stamp(assembly.closes_at),
        "url": url_for("sessions.show_result", public_id=assembly.public_id, _external=True),
    }


def item_json(item: Item) -> dict[str, Any]:
    slate = sessions.slate_of_item(item)
    return {
        "id": str(item.id),
        "position": item.position,
        "kind": "election" if slate is not None else "question",
        "matter": item.matter,
        "title": item.title,
        "body": item.body,
        "seats": slate.seats if slate else None,
        "candidates": [{"id": c.id, "name": c.name, "unit": c.unit, "statement": c.statement} for c in slate.candidates] if slate else [],
        "scope": scope_json(item),
    }


def scope_json(item: Item) -> dict[str, Any] | None:
    """A scoped item's units and label (RULES §9), with its totals once the roll is frozen; None for the whole community."""
    if item.scope is None:
        return None
    totals = None
    if item.scope_area_centi is not None:
        totals = {"area": format_area(item.scope_area_centi), "heads": item.scope_heads or 0}
    return {"units": list(item.scope), "label": item.scope_label, "totals": totals}


def notice_json(notice: Notice, community: Community) -> dict[str, Any]:
    published = notice.state is NoticeState.PUBLISHED
    return {
        "id": notice.public_id,
        "kind": notice.kind.value,
        "state": notice.state.value,
        "title": notice.title,
        "version": notice.version,
        "supersedes": notices.public_id_of(notice.supersedes_id),
        "published_at": stamp(notice.published_at),
        "body": notice.body,
        "url": url_for("notices.show_notice", slug=community.slug, public_id=notice.public_id, _external=True) if published else None,
    }


def yuan(fen: int) -> str:
    """Fen as the API writes yuan: two decimals, no thousands separator (12000.00)."""
    return format_fen(fen).replace(",", "")
