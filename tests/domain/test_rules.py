"""Rule profiles are data: every profile loads, and a new file is a new profile."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest

from app.domain import rules
from app.domain.case import evaluate_json
from app.domain.errors import RuleViolation
from app.domain.rules import MATTERS, get_profile, profile_names


def test_the_six_profiles_of_rules_section_6_are_there() -> None:
    assert set(profile_names()) >= {"cn-national", "cn-party50", "it-1136-first-call", "es-lph-17", "fr-1965", "de-weg-25"}


@pytest.mark.parametrize("name", profile_names())
def test_every_profile_classes_every_matter(name: str) -> None:
    profile = get_profile(name)
    assert set(profile.matters) == set(MATTERS)
    for matter in MATTERS:
        assert profile.conditions_for(matter)


def test_cn_national_settings_are_those_of_the_law() -> None:
    p = get_profile("cn-national")
    s = p.settings
    assert (s.notice_days, s.window_min_days, s.window_max_days, s.revote) == (15, 5, 60, False)
    assert (s.committee_min, s.committee_max, s.committee_odd, s.term_max_years) == (5, 11, True, 5)
    assert (s.decision_publication_days, s.accounts_publication_months, s.party_target) == (3, 12, None)
    assert (s.petition_area, s.petition_heads) == (Fraction(1, 5), Fraction(1, 5))
    assert [p.class_of(m) for m in ("cn.raise_fund", "cn.rebuild", "cn.common_use")] == ["special"] * 3
    assert {p.class_of(m) for m in MATTERS} - {"special"} == {"ordinary"}


def test_cn_party50_adds_only_the_party_target() -> None:
    national, party = get_profile("cn-national"), get_profile("cn-party50")
    assert party.settings.party_target == rules.PartyTarget(Fraction(1, 2), 3)
    assert party.quorum == national.quorum and dict(party.classes) == dict(national.classes)


@pytest.fixture
def profile_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "profiles"
    shutil.copytree(rules.PROFILE_DIR, folder)
    monkeypatch.setattr(rules, "PROFILE_DIR", folder)
    rules.get_profile.cache_clear()
    yield folder
    rules.get_profile.cache_clear()


def test_a_new_profile_file_is_a_new_profile_without_code(profile_dir: Path) -> None:
    (profile_dir / "cn-simple-majority.json").write_text(
        json.dumps(
            {
                "extends": "cn-national",
                "quorum": [],
                "classes": {"ordinary": [["heads", "agree", "cast", ">", "1/2"]], "special": [["heads", "agree", "cast", ">=", "2/3"]]},
            }
        ),
        encoding="utf-8",
    )
    case = {
        "profile": "cn-simple-majority",
        "units": [
            {"id": "1", "area": "1.00", "holders": ["a"]},
            {"id": "2", "area": "1.00", "holders": ["b"]},
            {"id": "3", "area": "1.00", "holders": ["c"]},
        ],
        "items": [{"id": "q", "kind": "question", "matter": "cn.other"}],
        "ballots": [{"unit": "1", "choices": {"q": "agree"}}],
    }
    assert evaluate_json(case)["items"][0]["outcome"] == "passed"  # 1 of 1 cast; no quorum in this profile


def test_a_malformed_profile_names_its_field(profile_dir: Path) -> None:
    (profile_dir / "broken.json").write_text(
        json.dumps({"extends": "cn-national", "quorum": [["area", "participating", "total", "≥", "2/3"]]}), encoding="utf-8"
    )
    with pytest.raises(RuleViolation) as err:
        get_profile("broken")
    assert err.value.field == "profile broken.quorum[0]" and "op must be one of" in err.value.reason


def test_profile_names_cannot_reach_outside_the_folder() -> None:
    with pytest.raises(RuleViolation, match="unknown profile"):
        get_profile("../profiles/cn-national")


def test_formation_targets_are_years_and_fractions(profile_dir: Path) -> None:
    assert get_profile("cn-beijing").settings.as_json()["formation_targets"] == {"2020": "3/10", "2021": "7/10", "2022": "9/10"}
    assert get_profile("cn-national").settings.formation_targets == ()
    for targets, field in (({"22": "1/2"}, "formation_targets.22"), ({"2022": "3/2"}, "formation_targets.2022"), ([], "formation_targets")):
        (profile_dir / "cn-bad-targets.json").write_text(
            json.dumps({"extends": "cn-national", "settings": {"formation_targets": targets}}), encoding="utf-8"
        )
        rules.get_profile.cache_clear()
        try:
            get_profile("cn-bad-targets")
        except RuleViolation as exc:
            assert exc.field.endswith(field), exc.field
        else:
            raise AssertionError(f"{targets} was accepted")


def test_emergency_settings_are_those_of_the_law_and_inherited() -> None:
    s = get_profile("cn-national").settings
    assert s.emergency_kinds == (
        "roof_leak",
        "elevator_failure",
        "water_supply_drainage",
        "external_wall",
        "fire_equipment",
        "other_danger",
    )
    assert (s.emergency_answer_hours, s.emergency_publish_days) == (24, 30)
    assert s.as_json()["emergency_kinds"][0] == "roof_leak"
    for name in profile_names():
        assert get_profile(name).settings.emergency_kinds == s.emergency_kinds


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"emergency_kinds": []}, "settings.emergency_kinds"),
        ({"emergency_kinds": "roof_leak"}, "settings.emergency_kinds"),
        ({"emergency_kinds": ["roof_leak", "Roof"]}, "settings.emergency_kinds[1]"),
        ({"emergency_kinds": ["roof_leak", 3]}, "settings.emergency_kinds[1]"),
        ({"emergency_kinds": ["roof_leak", "roof_leak"]}, "settings.emergency_kinds[1]"),
        ({"emergency_kinds": ["1st"]}, "settings.emergency_kinds[0]"),
        ({"emergency_answer_hours": 0}, "settings.emergency_answer_hours"),
        ({"emergency_answer_hours": "24"}, "settings.emergency_answer_hours"),
        ({"emergency_publish_days": -1}, "settings.emergency_publish_days"),
        ({"emergency_publish_days": True}, "settings.emergency_publish_days"),
    ],
)
def test_bad_emergency_settings_name_the_field(profile_dir: Path, settings: dict[str, object], field: str) -> None:
    (profile_dir / "cn-bad-emergency.json").write_text(json.dumps({"extends": "cn-national", "settings": settings}), encoding="utf-8")
    rules.get_profile.cache_clear()
    with pytest.raises(RuleViolation) as exc:
        get_profile("cn-bad-emergency")
    assert exc.value.field.endswith(field), exc.value.field


def test_the_property_service_clock_and_thresholds_come_from_the_profile(profile_dir: Path) -> None:
    changzhi = get_profile("cn-changzhi").settings
    assert changzhi.as_json()["service_clock"]["acknowledge"] == {"limit": "30 minutes", "mode": "calendar"}
    assert changzhi.as_json()["service_clock"]["resolve"] == {"limit": "3 days", "mode": "working"}
    assert changzhi.complaint_kinds == get_profile("cn-national").settings.complaint_kinds  # inherited
    assert get_profile("cn-baotou").settings.service_thresholds.exit_upheld_over == 20
    (profile_dir / "cn-bad-clock.json").write_text(
        json.dumps({"extends": "cn-national", "settings": {"service_clock": {"acknowledge": {"limit": "soon"}}}}), encoding="utf-8"
    )
    rules.get_profile.cache_clear()
    with pytest.raises(RuleViolation) as err:
        get_profile("cn-bad-clock")
    assert err.value.field == "profile cn-bad-clock.settings.service_clock.acknowledge.limit"
