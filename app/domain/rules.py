"""Rule profiles as data (RULES §6).

A profile lists, for the quorum and for each matter class, conditions that
must all hold. A condition is ``(measure, numerator, base, op, fraction)``:
``heads participating >= 2/3 of total`` is
``Condition("heads", "participating", "total", ">=", Fraction(2, 3))``.
Adding a profile is adding an entry to ``PROFILES``: no code changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Literal

from .errors import RuleViolation

Measure = Literal["area", "heads"]
Numerator = Literal["participating", "agree"]
Base = Literal["total", "participating", "cast"]
Op = Literal[">", ">="]

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
SPECIAL_MATTERS = frozenset({"cn.raise_fund", "cn.rebuild", "cn.common_use"})


@dataclass(frozen=True)
class Condition:
    measure: Measure
    numerator: Numerator
    base: Base
    op: Op
    fraction: Fraction

    def holds(self, numerator: int, base: int) -> bool:
        """Exact comparison ``numerator / base (op) fraction`` in integers.

        An empty base (no participants, nothing cast) never satisfies a
        threshold: nobody has agreed to anything.
        """
        if base <= 0:
            return False
        left = numerator * self.fraction.denominator
        right = base * self.fraction.numerator
        return left > right if self.op == ">" else left >= right

    def describe(self) -> str:
        return f"{self.measure} {self.numerator} {self.op} {self.fraction} {self.base}"


def cond(measure: Measure, numerator: Numerator, op: Op, fraction: str, base: Base) -> Condition:
    return Condition(measure, numerator, base, op, Fraction(fraction))


@dataclass(frozen=True)
class PartyTarget:
    share: Fraction
    minimum: int


@dataclass(frozen=True)
class Settings:
    notice_days: int = 15
    window_min_days: int = 5
    window_max_days: int = 60
    revote: bool = False
    committee_min: int = 5
    committee_max: int = 11
    committee_odd: bool = True
    alternates_max_ratio: Fraction = Fraction(1)
    term_max_years: int = 5
    decision_publication_days: int = 3
    accounts_publication_months: int = 12
    petition_area: Fraction = Fraction(1, 5)
    petition_heads: Fraction = Fraction(1, 5)
    party_target: PartyTarget | None = None


@dataclass(frozen=True)
class Profile:
    name: str
    quorum: tuple[Condition, ...]
    classes: Mapping[str, tuple[Condition, ...]]
    matters: Mapping[str, str]
    settings: Settings = field(default_factory=Settings)
    # Elections: the condition a candidate's approvals must meet to qualify.
    qualify: tuple[Condition, ...] = ()

    def class_of(self, matter: str) -> str:
        try:
            return self.matters[matter]
        except KeyError:
            raise RuleViolation("matter", f'unknown matter "{matter}"') from None


def _cn_matters(special: str = "special") -> Mapping[str, str]:
    return MappingProxyType({m: (special if m in SPECIAL_MATTERS else "ordinary") for m in MATTERS})


_CN_QUORUM = (cond("area", "participating", ">=", "2/3", "total"), cond("heads", "participating", ">=", "2/3", "total"))
_CN_ORDINARY = (cond("area", "agree", ">", "1/2", "participating"), cond("heads", "agree", ">", "1/2", "participating"))
_CN_SPECIAL = (cond("area", "agree", ">=", "3/4", "participating"), cond("heads", "agree", ">=", "3/4", "participating"))

_cn_national = Profile(
    name="cn-national",
    quorum=_CN_QUORUM,
    classes=MappingProxyType({"ordinary": _CN_ORDINARY, "special": _CN_SPECIAL}),
    matters=_cn_matters(),
    qualify=_CN_ORDINARY,
)

PROFILES: Mapping[str, Profile] = MappingProxyType(
    {
        "cn-national": _cn_national,
        "cn-party50": Profile(
            name="cn-party50",
            quorum=_CN_QUORUM,
            classes=_cn_national.classes,
            matters=_cn_matters(),
            qualify=_CN_ORDINARY,
            settings=Settings(party_target=PartyTarget(Fraction(1, 2), 3)),
        ),
        # Codice civile art. 1136, first call.
        "it-1136-first-call": Profile(
            name="it-1136-first-call",
            quorum=(cond("area", "participating", ">=", "2/3", "total"), cond("heads", "participating", ">", "1/2", "total")),
            classes=MappingProxyType(
                {
                    "ordinary": (cond("heads", "agree", ">", "1/2", "participating"), cond("area", "agree", ">=", "1/2", "total")),
                    "special": (cond("heads", "agree", ">", "1/2", "participating"), cond("area", "agree", ">=", "2/3", "total")),
                }
            ),
            matters=_cn_matters(),
            qualify=(cond("heads", "agree", ">", "1/2", "participating"), cond("area", "agree", ">=", "1/2", "total")),
            settings=Settings(notice_days=5, committee_min=1, committee_max=99, committee_odd=False),
        ),
        # Ley de Propiedad Horizontal art. 17.7 (ordinary) and 17.3 (three fifths); area = cuota.
        "es-lph-17": Profile(
            name="es-lph-17",
            quorum=(),
            classes=MappingProxyType(
                {
                    "ordinary": (cond("heads", "agree", ">", "1/2", "total"), cond("area", "agree", ">", "1/2", "total")),
                    "special": (cond("heads", "agree", ">=", "3/5", "total"), cond("area", "agree", ">=", "3/5", "total")),
                }
            ),
            matters=_cn_matters(),
            qualify=(cond("heads", "agree", ">", "1/2", "total"), cond("area", "agree", ">", "1/2", "total")),
            settings=Settings(notice_days=6, committee_min=1, committee_max=99, committee_odd=False),
        ),
        # Loi du 10 juillet 1965: art. 24 (ordinary), art. 25 (absolute), art. 26 (double); area = tantièmes.
        "fr-1965": Profile(
            name="fr-1965",
            quorum=(),
            classes=MappingProxyType(
                {
                    "ordinary": (cond("area", "agree", ">", "1/2", "cast"),),
                    "absolute": (cond("area", "agree", ">", "1/2", "total"),),
                    "special": (cond("heads", "agree", ">", "1/2", "total"), cond("area", "agree", ">=", "2/3", "total")),
                }
            ),
            matters=_cn_matters(),
            qualify=(cond("area", "agree", ">", "1/2", "cast"),),
            settings=Settings(notice_days=21, committee_min=1, committee_max=99, committee_odd=False),
        ),
        # Wohnungseigentumsgesetz § 25: Kopfprinzip, abstentions not counted.
        "de-weg-25": Profile(
            name="de-weg-25",
            quorum=(),
            classes=MappingProxyType({"ordinary": (cond("heads", "agree", ">", "1/2", "cast"),)}),
            matters=MappingProxyType({m: "ordinary" for m in MATTERS}),
            qualify=(cond("heads", "agree", ">", "1/2", "cast"),),
            settings=Settings(notice_days=21, committee_min=1, committee_max=99, committee_odd=False),
        ),
    }
)


def profile_names() -> tuple[str, ...]:
    return tuple(PROFILES)


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise RuleViolation("profile", f'unknown profile "{name}"') from None


def settings_json(settings: Settings) -> dict[str, Any]:
    """Settings as JSON-friendly values (fractions as "a/b")."""
    out: dict[str, Any] = {}
    for key, value in settings.__dict__.items():
        if isinstance(value, Fraction):
            out[key] = str(value)
        elif isinstance(value, PartyTarget):
            out[key] = {"share": str(value.share), "min": value.minimum}
        else:
            out[key] = value
    return out
