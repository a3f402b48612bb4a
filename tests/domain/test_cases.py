"""`python -m app.domain evaluate` on every case file in tests/cases/ prints the expected result."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CASES = Path(__file__).resolve().parent.parent / "cases"
ROOT = CASES.parent.parent
CASE_FILES = sorted(p for p in CASES.glob("*.json") if not p.name.endswith(".expected.json"))


def contains(actual: Any, expected: Any, path: str = "") -> list[str]:
    """Every key and value of ``expected`` is in ``actual`` (lists element by element)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"]
        problems = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{path}.{key}: missing")
            else:
                problems += contains(actual[key], value, f"{path}.{key}")
        return problems
    if isinstance(expected, list) and expected and isinstance(expected[0], dict):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: expected {len(expected)} entries, got {actual!r}"]
        return [p for i, (a, e) in enumerate(zip(actual, expected, strict=True)) for p in contains(a, e, f"{path}[{i}]")]
    return [] if actual == expected else [f"{path}: expected {expected!r}, got {actual!r}"]


def evaluate(path: Path | str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.domain", "evaluate", str(path)], cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=60
    )


def test_every_case_has_an_expected_result() -> None:
    assert len(CASE_FILES) >= 7
    for case in CASE_FILES:
        assert case.with_suffix(".expected.json").exists(), case.name


@pytest.mark.parametrize("case", CASE_FILES, ids=lambda p: p.stem)
def test_case_file_gives_the_expected_result(case: Path) -> None:
    done = evaluate(case)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    expected = json.loads(case.with_suffix(".expected.json").read_text(encoding="utf-8"))
    assert contains(json.loads(done.stdout), expected) == []


def test_dash_reads_the_case_from_standard_input() -> None:
    case = CASE_FILES[0]
    from_file, from_stdin = evaluate(case), evaluate("-", stdin=case.read_text(encoding="utf-8"))
    assert from_stdin.returncode == 0 and from_stdin.stdout == from_file.stdout


def base_case() -> dict[str, Any]:
    return json.loads((CASES / "rules7-example.json").read_text(encoding="utf-8"))


def with_change(change: Any) -> dict[str, Any]:
    case = base_case()
    change(case)
    return case


MALFORMED = [
    ("unknown profile", lambda c: c.update(profile="cn-mars"), 'profile: unknown profile "cn-mars"'),
    ("unknown matter", lambda c: c["items"][0].update(matter="cn.party"), 'items[0].matter: unknown matter "cn.party"'),
    ("unknown candidate", lambda c: c["ballots"][0]["choices"].update(e1=["c9"]), 'ballots[0].choices.e1: unknown candidate "c9"'),
    ("three decimals", lambda c: c["units"][1].update(area="120.005"), "units[1].area: more than two decimals: 120.005"),
    ("negative area", lambda c: c["units"][0].update(area="-89.50"), "units[0].area: negative: -89.50"),
    ("area as a number", lambda c: c["units"][0].update(area=89.5), 'units[0].area: expected a decimal string such as "89.50", got 89.5'),
    (
        "unknown unit",
        lambda c: (
            c["units"].append({"id": "1-103", "area": "75.00", "holders": ["p3"]}),
            c["ballots"].extend([{"unit": "1-102"}, {"unit": "1-103"}, {"unit": "9-999"}]),
        ),
        'ballots[3].unit: unknown unit "9-999"',
    ),
    ("non-voting unit", lambda c: c["ballots"].append({"unit": "P-001"}), 'ballots[1].unit: unit "P-001" does not vote'),
    ("too many approvals", lambda c: c["items"][1].update(seats=1), "ballots[0].choices.e1: 2 approvals for 1 seats"),
    (
        "duplicate voter",
        lambda c: c["ballots"].append({"unit": "1-101"}),
        'ballots[1].unit: the voter of unit "1-101" has already voted in ballots[0]',
    ),
    (
        "unknown choice",
        lambda c: c["ballots"][0]["choices"].update(q1="yes"),
        'ballots[0].choices.q1: unknown choice "yes" (agree, disagree, abstain or invalid)',
    ),
    ("missing units", lambda c: c.pop("units"), "units: missing"),
    ("unknown item in ballot", lambda c: c["ballots"][0]["choices"].update(q9="agree"), 'ballots[0].choices.q9: unknown item "q9"'),
]


@pytest.mark.parametrize(("name", "change", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_case_exits_2_with_one_line_naming_the_field(name: str, change: Any, message: str) -> None:
    done = evaluate("-", stdin=json.dumps(with_change(change), ensure_ascii=False))
    assert (done.returncode, done.stdout, done.stderr) == (2, "", message + "\n")


def test_not_json_and_missing_file_are_one_line_too(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{ units: ", encoding="utf-8")
    done = evaluate(bad)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "not JSON" in done.stderr
    done = evaluate(tmp_path / "nope.json")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "cannot read" in done.stderr
