"""Part of a community as a committee names it: whole buildings, or units typed one by one (RULES §9).

A scope is kept as the unit ids the roll uses (``building-number``), so a project, an emergency and the
assembly item that decides it name the same units, and the apportionment shares the cost among exactly those.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.errors import RuleViolation
from ..domain.units import unit_label_parts, unit_sort_key
from .models import Building, Unit

MAX_LABEL = 100  # as an item keeps it (sessions.models.Item.scope_label)
_SEPARATORS = re.compile(r"[\s,，、;；]+")


@dataclass(frozen=True)
class Scope:
    units: tuple[str, ...]
    label: str


def unit_id(building: str, number: str) -> str:
    return f"{building}-{number}"


def resolve_scope(s: Session, community_id: int, *, buildings: Iterable[int | str] = (), units: str = "", label: str = "") -> Scope:
    """The units of the chosen buildings (by id or name) plus the typed units, where a typed building's name stands
    for all its units; each unknown unit or building is named. The label defaults to the buildings and units chosen."""
    rows = s.execute(
        select(Building.id, Building.name, Unit.number)
        .join(Unit, Unit.building_id == Building.id)
        .where(Building.community_id == community_id)
    ).all()
    by_building: dict[int, tuple[str, list[str]]] = {}
    known: dict[tuple[str, str], str] = {}
    for building_id, name, number in rows:
        by_building.setdefault(building_id, (name, []))[1].append(unit_id(name, number))
        known[(name, number)] = unit_id(name, number)
    by_name = {name: building_id for building_id, (name, _ids) in by_building.items()}
    chosen: set[str] = set()
    in_buildings: set[str] = set()
    names: list[str] = []
    tokens = [text for text in _SEPARATORS.split(units.strip()) if text]
    wanted = [*buildings, *(by_name[text] for text in tokens if text in by_name)]
    for building in dict.fromkeys(wanted):
        building_id = by_name.get(building, -1) if isinstance(building, str) else building
        if building_id not in by_building:
            raise RuleViolation("scope", str(_l("No building %(id)s in this community.", id=building)))
        name, ids = by_building[building_id]
        names.append(name)
        in_buildings.update(ids)
        chosen.update(ids)
    unknown: list[str] = []
    typed: list[str] = []
    for text in tokens:
        if text in by_name:
            continue
        found = known.get(unit_label_parts(text))
        if found is None:
            unknown.append(text)
        else:
            typed.append(found)
            chosen.add(found)
    if unknown:
        raise RuleViolation("scope", str(_l("No unit %(units)s in this community's register.", units="、".join(unknown))))
    if not chosen:
        raise RuleViolation("scope", str(_l("Choose the buildings or type the units this concerns.")))
    label = label.strip()
    if len(label) > MAX_LABEL:
        raise RuleViolation("scope_label", str(_l("Name the scope in at most 100 characters.")))
    if not label:
        with force_locale("zh_CN"):  # the label is published on the board, in its language
            parts = [str(_l("Building %(name)s", name=n)) for n in sorted(names, key=unit_sort_key)]
        parts += sorted(set(typed) - in_buildings, key=unit_sort_key)
        label = "、".join(p for p in parts if p)
        if len(label) > MAX_LABEL:  # many typed units: the label names the first, the scope keeps them all
            label = label[: MAX_LABEL - 1] + "…"
    return Scope(tuple(sorted(chosen, key=unit_sort_key)), label)


def buildings_of(s: Session, community_id: int) -> list[Building]:
    return list(s.execute(select(Building).where(Building.community_id == community_id)).scalars())
