"""Rule profiles as data (RULES §6).

Each profile is a JSON file in ``profiles/``: adding a file adds a profile, with
no code change. A profile lists, for the quorum and for each matter class, the
conditions that must all hold, and maps every matter to its class. A
condition is ``[measure, numerator, base, op, fraction]``, e.g.
``["heads", "participating", "total", ">=", "2/3"]``: participating headcount is
at least two thirds of the total headcount. ``"extends"`` names a profile whose
keys this one inherits; ``settings`` are merged key by key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from fractions import Fraction
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast

from .errors import RuleViolation
from .service_clock import ServiceClock, clock_as_json, parse_clock
from .service_standing import Thresholds, parse_thresholds, thresholds_as_json

Measure = Literal["area", "heads"]
Numerator = Literal["participating", "agree"]
Base = Literal["total", "participating", "cast"]
Op = Literal[">", ">="]

PROFILE_DIR = Path(__file__).resolve().parent / "profiles"
DEFAULT_PROFILE = "cn-national"
MATTERS: tuple[str, ...] = (
    "cn.rules_of_procedure",
    "cn.covenant",
    "cn.elect_committee",
    "cn.hire_manager",
    "cn.use_fund",
    "cn.raise_fund",
    "cn.rebuild",
    "cn.common_use",
    "cn.other",
)
_MEASURES = ("area", "heads")
_NUMERATORS = ("participating", "agree")
_BASES = ("total", "participating", "cast")
_OPS = (">", ">=")


@dataclass(frozen=True)
class Condition:
    measure: Measure
    numerator: Numerator
    base: Base
    op: Op
    fraction: Fraction

    def holds(self, numerator: int, base: int) -> bool:
        """Exact ``numerator / base (op) fraction``, compared in integers.

        An empty base (nobody participating, nothing cast) never meets a
        threshold: nobody has agreed to anything.
        """
        if base <= 0:
            return False
        left = numerator * self.fraction.denominator
        right = base * self.fraction.numerator
        return left > right if self.op == ">" else left >= right

    def as_json(self) -> dict[str, str]:
        return {"measure": self.measure, "numerator": self.numerator, "base": self.base, "op": self.op, "fraction": str(self.fraction)}


@dataclass(frozen=True)
class PartyTarget:
    share: Fraction
    minimum: int

    def as_json(self) -> dict[str, Any]:
        return {"share": str(self.share), "min": self.minimum}


@dataclass(frozen=True)
class NegativeEntry:
    """One entry of the negative list: a code (labelled where it is shown) and its limit (months of arrears, meetings
    missed), None where the conduct itself is the finding."""

    code: str
    limit: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "limit": self.limit}


@dataclass(frozen=True)
class Settings:
    notice_days: int
    window_min_days: int
    window_max_days: int
    revote: bool
    committee_min: int
    committee_max: int
    committee_odd: bool
    alternates_max_ratio: Fraction
    term_max_years: int
    decision_publication_days: int
    accounts_publication_months: int
    petition_area: Fraction
    petition_heads: Fraction
    petition_open_days: int  # how long a petition collects signatures
    petition_convene_days: int  # the committee convenes within this many days of the threshold
    party_target: PartyTarget | None
    # The preparatory group (RULES §10): an odd number of members, owners' representatives at least this share,
    # its member list published within these days of forming, the first assembly held within these days.
    group_odd: bool
    group_owner_share: Fraction
    group_publish_days: int
    first_assembly_days: int
    # The temporary management committee (物业管理委员会; Beijing reg. art. 48): at least this many members, odd,
    # owners' representatives at least this share.
    temporary_min: int
    temporary_odd: bool
    temporary_owner_share: Fraction
    # The formation rate an area should reach by each year (RULES §10): (year, fraction), in year order.
    formation_targets: tuple[tuple[int, Fraction], ...]
    # Emergency use of the maintenance fund (RULES §11): the kinds of danger that allow it (codes, labelled in
    # ``fund.labels``), the hours the street office has to answer, and the days after the works within which the
    # works and their costs are published.
    emergency_kinds: tuple[str, ...]
    emergency_answer_hours: int
    emergency_publish_days: int
    # The preliminary result (RULES §6): owners object for this many days after it is published (0: no period), and a
    # voter whose ballot was not theirs casts again with a re-issued letter within this many hours.
    objection_days: int
    objection_recast_hours: int
    # The committee's own conduct (RULES §5): members holding this share of all seats may convene a meeting besides the
    # chair; the committee should meet this many times a year (the yearly review counts it); the negative list
    # (履职负面清单) whose findings suspend a member at once, each entry a code with its limit where it has one.
    meeting_convene_share: Fraction
    meetings_per_year: int
    negative_list: tuple[NegativeEntry, ...]
    # The property-service company (RULES §12): the clock of an owner's complaint or repair request, its kinds (codes,
    # labelled in ``property_services.labels``), and the thresholds of the satisfaction warning, the exit procedure and
    # the monthly red and black lists.
    service_clock: ServiceClock
    complaint_kinds: tuple[str, ...]
    service_thresholds: Thresholds

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Fraction):
                value = str(value)
            elif isinstance(value, PartyTarget):
                value = value.as_json()
            elif f.name == "formation_targets":
                value = {str(year): str(share) for year, share in value}
            elif f.name in ("emergency_kinds", "complaint_kinds"):
                value = list(value)
            elif f.name == "negative_list":
                value = [entry.as_json() for entry in value]
            elif f.name == "service_clock":
                value = clock_as_json(value)
            elif f.name == "service_thresholds":
                value = thresholds_as_json(value)
            out[f.name] = value
        return out


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    quorum: tuple[Condition, ...]
    classes: Mapping[str, tuple[Condition, ...]]
    matters: Mapping[str, str]
    qualify: tuple[Condition, ...]
    settings: Settings

    def class_of(self, matter: str) -> str:
        try:
            return self.matters[matter]
        except KeyError:
            raise RuleViolation("matter", f'unknown matter "{matter}"') from None

    def conditions_for(self, matter: str) -> tuple[Condition, ...]:
        return self.classes[self.class_of(matter)]


def parse_fraction(text: object, field: str) -> Fraction:
    if isinstance(text, bool) or not isinstance(text, str | int):
        raise RuleViolation(field, f'expected a fraction such as "2/3", got {json.dumps(text, ensure_ascii=False)}')
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise RuleViolation(field, f'not a fraction: "{text}"') from None
    if not 0 <= value <= 1:
        raise RuleViolation(field, f"must be between 0 and 1, got {text}")
    return value


def parse_party_target(raw: object, field: str) -> PartyTarget | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - {"share", "min"} or "share" not in raw:
        raise RuleViolation(field, 'expected {"share": "1/2", "min": 3}')
    minimum = raw.get("min", 0)
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 0:
        raise RuleViolation(f"{field}.min", "expected a whole number, 0 or more")
    return PartyTarget(parse_fraction(raw["share"], f"{field}.share"), minimum)


def parse_formation_targets(raw: object, field: str) -> tuple[tuple[int, Fraction], ...]:
    """``{"2020": "3/10", "2021": "7/10"}``: the year, and the share of communities with a committee by then."""
    if not isinstance(raw, dict):
        raise RuleViolation(field, 'expected {"2022": "9/10", ...}')
    out = []
    for year, share in raw.items():
        if not (isinstance(year, str) and year.isascii() and year.isdigit() and len(year) == 4):
            raise RuleViolation(f"{field}.{year}", "expected a year of four digits")
        out.append((int(year), parse_fraction(share, f"{field}.{year}")))
    return tuple(sorted(out))


def parse_codes(raw: object, field: str) -> tuple[str, ...]:
    """``["roof_leak", "elevator_failure"]``: at least one code of lower-case letters, digits and underscores, none twice."""
    if not isinstance(raw, list) or not raw:
        raise RuleViolation(field, 'expected a list of codes such as ["roof_leak"]')
    out: list[str] = []
    for i, code in enumerate(raw):
        if not (isinstance(code, str) and 0 < len(code) <= 40 and code.isascii() and code[0].isalpha()):
            raise RuleViolation(f"{field}[{i}]", f"expected a code of letters, digits and _, got {json.dumps(code, ensure_ascii=False)}")
        if not all(c.islower() or c.isdigit() or c == "_" for c in code):
            raise RuleViolation(f"{field}[{i}]", f'expected a code of lower-case letters, digits and _, got "{code}"')
        if code in out:
            raise RuleViolation(f"{field}[{i}]", f'"{code}" is listed twice')
        out.append(code)
    return tuple(out)


def parse_negative_list(raw: object, field: str) -> tuple[NegativeEntry, ...]:
    """``[{"code": "fee_arrears", "limit": 6}, {"code": "office_for_gain"}]``: each code once, a limit of 1 or more where given."""
    if not isinstance(raw, list):
        raise RuleViolation(field, 'expected a list such as [{"code": "fee_arrears", "limit": 6}]')
    codes = parse_codes([e.get("code") if isinstance(e, dict) else e for e in raw], field) if raw else ()
    out = []
    for i, (entry, code) in enumerate(zip(raw, codes, strict=True)):
        if not isinstance(entry, dict) or set(entry) - {"code", "limit"}:
            raise RuleViolation(f"{field}[{i}]", 'expected {"code": ..., "limit": ...}')
        limit = entry.get("limit")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            raise RuleViolation(f"{field}[{i}].limit", "expected a whole number, 1 or more")
        out.append(NegativeEntry(code, limit))
    return tuple(out)


def _conditions(raw: object, field: str) -> tuple[Condition, ...]:
    if not isinstance(raw, list):
        raise RuleViolation(field, "expected a list of conditions")
    out = []
    for i, item in enumerate(raw):
        where = f"{field}[{i}]"
        if not isinstance(item, list) or len(item) != 5:
            raise RuleViolation(where, "expected [measure, numerator, base, op, fraction]")
        measure, numerator, base, op, fraction = item
        for value, allowed, name in (
            (measure, _MEASURES, "measure"),
            (numerator, _NUMERATORS, "numerator"),
            (base, _BASES, "base"),
            (op, _OPS, "op"),
        ):
            if value not in allowed:
                raise RuleViolation(where, f"{name} must be one of {', '.join(allowed)}, got {json.dumps(value)}")
        out.append(
            Condition(cast(Measure, measure), cast(Numerator, numerator), cast(Base, base), cast(Op, op), parse_fraction(fraction, where))
        )
    return tuple(out)


def _settings(raw: Mapping[str, Any], field: str) -> Settings:
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name not in raw:
            raise RuleViolation(f"{field}.{f.name}", "missing")
        value = raw[f.name]
        if f.name == "party_target":
            values[f.name] = parse_party_target(value, f"{field}.party_target")
        elif f.name == "formation_targets":
            values[f.name] = parse_formation_targets(value, f"{field}.formation_targets")
        elif f.name in ("emergency_kinds", "complaint_kinds"):
            values[f.name] = parse_codes(value, f"{field}.{f.name}")
        elif f.name in ("service_clock", "service_thresholds"):
            parse = parse_clock if f.name == "service_clock" else parse_thresholds
            try:
                values[f.name] = parse(value, f"{field}.{f.name}")
            except ValueError as e:
                where, _, message = str(e).partition(": ")
                raise RuleViolation(where, message) from None
        elif f.name == "negative_list":
            values[f.name] = parse_negative_list(value, f"{field}.negative_list")
        elif f.type in ("Fraction",):
            values[f.name] = parse_fraction(value, f"{field}.{f.name}")
        elif f.type == "bool":
            if not isinstance(value, bool):
                raise RuleViolation(f"{field}.{f.name}", "expected true or false")
            values[f.name] = value
        else:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise RuleViolation(f"{field}.{f.name}", "expected a whole number, 0 or more")
            values[f.name] = value
    unknown = set(raw) - {f.name for f in fields(Settings)}
    if unknown:
        raise RuleViolation(f"{field}.{sorted(unknown)[0]}", "unknown setting")
    for name in ("emergency_answer_hours", "emergency_publish_days", "objection_recast_hours"):
        if values[name] < 1:
            raise RuleViolation(f"{field}.{name}", "expected a whole number, 1 or more")
    return Settings(**values)


def _raw(name: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    path = PROFILE_DIR / f"{name}.json"
    if not path.is_file() or "/" in name or name.startswith("."):
        raise RuleViolation("profile", f'unknown profile "{name}"')
    if name in seen:
        raise RuleViolation("profile", f"profiles extend each other in a circle: {' -> '.join((*seen, name))}")
    raw = json.loads(path.read_text(encoding="utf-8"))
    parent_name = raw.pop("extends", None)
    if parent_name is None:
        return raw
    parent = _raw(parent_name, (*seen, name))
    merged = {**parent, **raw}
    merged["settings"] = {**parent.get("settings", {}), **raw.get("settings", {})}
    return merged


@cache
def get_profile(name: str) -> Profile:
    """Load and check a profile; a bad file names the offending field."""
    raw = _raw(name)
    where = f"profile {name}"
    classes = raw.get("classes")
    matters = raw.get("matters")
    if not isinstance(classes, dict) or not classes:
        raise RuleViolation(f"{where}.classes", "expected at least one matter class")
    if not isinstance(matters, dict):
        raise RuleViolation(f"{where}.matters", "expected a mapping of matter to class")
    for matter, cls in matters.items():
        if cls not in classes:
            raise RuleViolation(f"{where}.matters.{matter}", f'unknown class "{cls}"')
    return Profile(
        name=name,
        description=str(raw.get("description", "")),
        quorum=_conditions(raw.get("quorum", []), f"{where}.quorum"),
        classes=MappingProxyType({k: _conditions(v, f"{where}.classes.{k}") for k, v in classes.items()}),
        matters=MappingProxyType(dict(matters)),
        qualify=_conditions(raw.get("qualify", []), f"{where}.qualify"),
        settings=_settings(raw.get("settings", {}), f"{where}.settings"),
    )


def profile_names() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in PROFILE_DIR.glob("*.json")))
