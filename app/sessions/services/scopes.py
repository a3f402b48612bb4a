"""Scoped items (RULES §9): the units that decide an item, checked against the register, and its roll frozen at announcement.

A scope is a list of unit ids exactly as the roll names them
(``"<building>-<number>"``); None is the whole community. At announcement each
scoped item's roll is derived from its scope's counting units only
(``domain.roll.derive_scoped_roll``): one ``ItemScopeEntry`` per voter with a
counting unit inside it, with the in-scope area, and the scope's totals on the
item. The ballot, the count and the published roll all read those rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ...communities.models import Building, Community, Unit
from ...communities.queries import register_units
from ...db import db
from ...domain.errors import RuleViolation
from ...domain.result import scope_digest
from ...domain.roll import UnitRecord, derive_scoped_roll
from ...domain.units import unit_label_parts, unit_sort_key
from ..models import AssemblySession, Item, ItemScopeEntry


def checked_scope(units: Sequence[UnitRecord], scope: Iterable[str]) -> list[str]:
    """A scope as stored: known unit ids, each once, in the register's order, at least one of them a counting unit.

    Raises RuleViolation("scope", ...) naming the first unknown unit, or saying the scope is empty or holds no counting unit.
    """
    by_id = {u.unit_id: u for u in units}
    listed: list[str] = []
    for raw in scope:
        unit_id = raw.strip() if isinstance(raw, str) else raw
        if not isinstance(unit_id, str) or unit_id not in by_id:
            raise RuleViolation("scope", str(_l('The scope names unit "%(unit)s", which the register does not hold.', unit=unit_id)))
        if unit_id not in listed:
            listed.append(unit_id)
    if not listed:
        raise RuleViolation("scope", str(_l("The scope holds no unit: leave it out for an item of the whole community.")))
    if not any(by_id[u].votes for u in listed):
        raise RuleViolation("scope", str(_l("The scope holds no unit that votes: nobody could decide the item.")))
    return sorted(listed, key=unit_sort_key)


_SEPARATORS = re.compile(r"[\s,，、;；]+")


def scope_from_form(typed: str, buildings: Iterable[str], community_id: int) -> tuple[list[str] | None, str]:
    """The scope a draft page's form gives: the units of the ticked buildings and the typed unit ids; and its default label.

    None when nothing was ticked or typed (an item of the whole community). A
    typed id is folded as owners type it ("１－１０１" is "1-101"); whether it
    exists is the drafting service's to say.
    """
    ticked = [b for b in buildings if b]
    units: list[str] = []
    if ticked:
        units.extend(
            f"{name}-{number}"
            for name, number in db.session.execute(
                select(Building.name, Unit.number).join(Unit).where(Building.community_id == community_id, Building.name.in_(ticked))
            )
        )
    for part in _SEPARATORS.split(typed.strip()):
        if part:
            building, number = unit_label_parts(part)
            units.append(f"{building}-{number}" if number else part)
    if not ticked and not units:
        return None, ""
    with force_locale("zh_CN"):  # stored and published: in the owners' language, whatever the committee's page shows
        label = "、".join(str(_l("Building %(name)s", name=name)) for name in sorted(ticked, key=unit_sort_key))
    return units, label


def freeze_scopes(s: Session, assembly: AssemblySession, community: Community, entry_ids: Mapping[str, int]) -> None:
    """At announcement, inside its transaction: every scoped item's roll, from the register as it is now (RULES §9)."""
    scoped = [item for item in assembly.items if item.scope is not None]
    if not scoped:
        return
    units, developer = register_units(s, community.id)
    rows: list[dict[str, int]] = []
    for item in scoped:
        try:
            item.scope = checked_scope(units, item.scope or [])
        except RuleViolation as exc:
            raise RuleViolation("scope", f"{item.title}: {exc.reason}") from None
        roll = derive_scoped_roll(units, item.scope, developer)
        item.scope_area_centi, item.scope_heads = roll.total_area_centi, roll.total_heads
        rows.extend({"item_id": item.id, "roll_entry_id": entry_ids[v.key], "area_centi": v.area_centi} for v in roll.voters)
    s.execute(insert(ItemScopeEntry), rows)


def scope_digests(s: Session, assembly: AssemblySession, name: Callable[[int], str]) -> dict[str, str]:
    """Each scoped item's frozen roll as its SHA-256 (``ItemScope.digest``), by item id: what the announcement publishes."""
    frozen = scope_entries(s, assembly.id)
    return {
        str(item.id): scope_digest(item.scope, {name(entry): area for entry, area in frozen.get(item.id, {}).items()})
        for item in assembly.items
        if item.scope is not None
    }


def scope_entries(s: Session, assembly_id: int) -> dict[int, dict[int, int]]:
    """Each scoped item's frozen roll: item id -> roll entry id -> in-scope area."""
    out: dict[int, dict[int, int]] = {}
    for item_id, roll_entry_id, area in s.execute(
        select(ItemScopeEntry.item_id, ItemScopeEntry.roll_entry_id, ItemScopeEntry.area_centi)
        .join(Item, Item.id == ItemScopeEntry.item_id)
        .where(Item.session_id == assembly_id)
    ):
        out.setdefault(item_id, {})[roll_entry_id] = area
    return out


def items_for_voter(assembly: AssemblySession, roll_entry_id: int, frozen: Mapping[int, Mapping[int, int]] | None = None) -> list[Item]:
    """The items on a voter's ballot: every whole-community item, and each scoped item whose scope holds one of their counting units.

    ``frozen``: the session's ``scope_entries``, when the caller has read them already (a page of many letters).
    """
    if all(item.scope is None for item in assembly.items):
        return list(assembly.items)
    if frozen is None:
        inside = set(
            db.session.execute(
                select(ItemScopeEntry.item_id)
                .join(Item, Item.id == ItemScopeEntry.item_id)
                .where(Item.session_id == assembly.id, ItemScopeEntry.roll_entry_id == roll_entry_id)
            ).scalars()
        )
    else:
        inside = {item_id for item_id, voters in frozen.items() if roll_entry_id in voters}
    return [item for item in assembly.items if item.scope is None or item.id in inside]


@dataclass(frozen=True)
class ScopeSummary:
    """What the pages show of a scoped item: its label, its units, and once frozen its voters and area."""

    label: str
    units: tuple[str, ...]
    voters: int | None
    area_centi: int | None

    @property
    def unit_count(self) -> int:
        return len(self.units)


def scope_summary(item: Item) -> ScopeSummary | None:
    if item.scope is None:
        return None
    return ScopeSummary(item.scope_label, tuple(item.scope), item.scope_heads, item.scope_area_centi)
