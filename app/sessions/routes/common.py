"""What the session pages share: the blueprint, the template helpers, the loaders that authorize."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...communities.models import Community
from ...db import db
from ...domain.errors import NotFound
from ...security.actor import Actor
from ...security.permissions import can_run_session, can_view_sessions, require
from ...security.web import current_actor
from .. import services
from ..labels import CHANNEL_LABELS, MATTER_LABELS
from ..models import AssemblySession, Item
from ..services import Slate, scopes

bp = Blueprint("sessions", __name__)


@bp.app_context_processor
def _labels() -> dict[str, object]:
    return {"matter_labels": MATTER_LABELS, "channel_labels": CHANNEL_LABELS}


CHOICE_LABELS = {"agree": _l("Agree"), "disagree": _l("Disagree"), "abstain": _l("Abstain"), "invalid": _l("Invalid")}


@bp.app_template_global()
def slate_of(item: Item) -> Slate | None:
    """The approved candidates of an election item (None for a question), cached for the request."""
    cache: dict[int, Slate | None] = g.setdefault("slates", {})
    if item.id not in cache:
        cache[item.id] = services.slate_of_item(item)
    return cache[item.id]


@bp.app_template_global()
def ballot_items(assembly: AssemblySession, roll_entry_id: int) -> list[Item]:
    """The items on a voter's ballot (RULES §9: a scoped item only where its scope holds the voter), scopes read once a request."""
    if all(item.scope is None for item in assembly.items):
        return list(assembly.items)
    cache: dict[int, dict[int, dict[int, int]]] = g.setdefault("scope_entries", {})
    if assembly.id not in cache:
        cache[assembly.id] = scopes.scope_entries(db.session(), assembly.id)
    return scopes.items_for_voter(assembly, roll_entry_id, cache[assembly.id])


@bp.app_template_global()
def item_scope(item: Item) -> scopes.ScopeSummary | None:
    """A scoped item's label, units and (once frozen) voters and area; None for an item of the whole community."""
    return scopes.scope_summary(item)


@bp.app_template_global()
def choice_text(item: Item, choice: Any) -> str:
    """A choice as people read it: agree/disagree/abstain, or the approved candidates' names."""
    if isinstance(choice, list):
        if not choice:
            return str(CHOICE_LABELS["abstain"])
        slate = slate_of(item)
        names = {c.id: c.name for c in slate.candidates} if slate else {}
        return "、".join(names.get(c) or str(c) for c in choice)
    return str(CHOICE_LABELS.get(choice, choice))


@bp.app_template_global()
def slate_by_item_id(item_id: str) -> dict[str, Any]:
    item = db.session.get(Item, int(item_id))
    slate = slate_of(item) if item is not None else None
    return {c.id: c for c in slate.candidates} if slate else {}


@bp.app_template_filter()
def candidate_name(candidate_id: str, names: dict[str, Any]) -> str:
    return names[candidate_id].name if candidate_id in names else candidate_id


@bp.app_template_global()
def choice_class(choice: Any) -> str:
    return "approve" if isinstance(choice, list) else str(choice)


def load_community(community_id: int, may: Callable[[Actor, Community], bool] = can_view_sessions) -> Community:
    """The community of a committee page, refused unless the signed-in actor ``may`` act on it."""
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound(_("No such community."))
    require(may(current_actor(), community))
    return community


def load_assembly(public_id: str, may: Callable[[Actor, Community], bool] = can_view_sessions) -> tuple[AssemblySession, Community]:
    """A session of a committee page by its public id, with its community, authorized as ``load_community``."""
    assembly = db.session.execute(select(AssemblySession).where(AssemblySession.public_id == public_id)).scalar_one_or_none()
    if assembly is None:
        raise NotFound(_("No such session."))
    return assembly, load_community(assembly.community_id, may)


def may_run(assembly: AssemblySession, community: Community) -> bool:
    """Whether the signed-in actor runs this session: its committee, or the street office for a session it convened."""
    return can_run_session(current_actor(), community, assembly.convened_by)


@bp.app_template_global()
def documents_of(assembly: AssemblySession) -> dict[int, tuple[services.Document, ...]]:
    """Each item's documents, for the session, ballot and result pages."""
    return services.documents_of(assembly)
