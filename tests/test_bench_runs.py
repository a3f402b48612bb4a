"""The benchmarks still run against today's services: each at a tiny size, its figures not judged here (bench/ does that)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.mark.parametrize(
    ("script", "argv"),
    [
        ("tally", ["--voters", "200", "--repeat", "1"]),
        ("verify", ["--entries", "50", "--repeat", "1"]),
        ("import_register", ["--units", "50"]),
        ("result_page", ["--voters", "100"]),
        ("api_validation", ["--number", "5", "--repeat", "1"]),
    ],
)
def test_each_benchmark_runs_and_reports_its_rows(script: str, argv: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    # The benchmarks set these for the apps they build; the tests after this one must not inherit them.
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("GONGZHI_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delitem(sys.modules, script, raising=False)
    main: Callable[[list[str]], list[dict[str, object]]] = __import__(script).main
    rows = main(argv)
    assert rows and all({"bench", "measure", "value"} <= set(row) for row in rows)
