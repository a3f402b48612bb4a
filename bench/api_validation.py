"""API body validation: ``app.api.spec.validate`` on each request body, valid and invalid, against ``json.loads`` of the same bytes.

The floor is decoding the raw body, which every request pays before it is
validated. Validation runs as the API runs it: with the routes' registry of
components, inside a request context with the Chinese catalogue, so the
invalid bodies pay for translating their messages. Figures are the median
over the repeats of the mean time per call, in microseconds.

    python bench/api_validation.py [--number 2000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import timeit
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask
from flask_babel import Babel

from app.api import schemas as S
from app.api.spec import Registry, validate

TRANSLATIONS = Path(__file__).resolve().parent.parent / "app" / "translations"

# name: (schema, valid body, invalid body); the cast is a ballot of three questions and an election.
BODIES: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = {
    "open_letter": (S.OPEN_LETTER, {"digits": "1234"}, {"digits": ""}),
    "cast": (
        S.CAST,
        {"digits": "1234", "choices": {"101": "agree", "102": "disagree", "103": "abstain", "104": ["7", "8", "9", "10", "11"]}},
        {"digits": "1234", "choices": {"101": "yes", "102": 3, "x": "agree", "104": ["7", "7x"]}, "colour": "red"},
    ),
    "session": (
        S.NEW_SESSION,
        {"title": "2026年度业主大会", "form": "written", "opens_at": "2026-12-20T09:00:00+08:00", "closes_at": "2027-01-05T18:00:00Z"},
        {"title": "会议\x00", "form": "online", "opens_at": "2026-02-30T09:00:00+08:00", "closes_at": 5},
    ),
    "item": (
        S.NEW_ITEM,
        {"matter": "cn.other", "title": "安装充电桩", "body": "在地下车库安装二十个充电桩。" * 20},
        {"matter": "cn.nothing", "title": ""},
    ),
    "notice": (
        S.NEW_NOTICE,
        {"kind": "general", "title": "停水通知", "body": "周六上午九时至十二时停水。" * 40},
        {"kind": "gossip", "title": "x" * 201},
    ),
    "order": (
        S.NEW_ORDER,
        {"kind": "rectify", "subject": "公示账目", "body": "请于期限内公示2026年公共收益。", "due_on": "2026-12-31"},
        {"kind": "rectify", "subject": "公示账目", "body": "", "due_on": "next week", "extra": True},
    ),
}


def per_call(repeat: int, number: int, fn: Callable[[], object]) -> float:
    """Median over ``repeat`` runs of the mean seconds per call."""
    return statistics.median(t / number for t in timeit.repeat(fn, repeat=repeat, number=number))


def main(argv: list[str] | None = None) -> list[dict[str, object]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)

    flask_app = Flask(__name__)
    flask_app.config["BABEL_DEFAULT_LOCALE"] = "zh_CN"
    Babel(flask_app, default_translation_directories=str(TRANSLATIONS))
    registry = Registry(S.COMPONENTS)
    rows: list[dict[str, object]] = []
    runtime = f"{sys.implementation.name} {sys.version.split()[0]}"
    print(f"API body validation, µs per body (median of {args.repeat} × {args.number} calls, {runtime})")
    print(f"{'body':<13}{'floor':>8}{'valid':>8}{'× floor':>9}{'floor':>8}{'invalid':>9}{'× floor':>9}{'errors':>8}")
    with flask_app.test_request_context():
        for name, (schema, good, bad) in BODIES.items():
            raw_good = json.dumps(good, ensure_ascii=False).encode()
            raw_bad = json.dumps(bad, ensure_ascii=False).encode()
            good_value, bad_value = json.loads(raw_good), json.loads(raw_bad)
            assert validate(schema, good_value, registry) == [], name
            errors = validate(schema, bad_value, registry)
            assert errors and all(e.detail for e in errors), name
            floor_good = per_call(args.repeat, args.number, partial(json.loads, raw_good))
            valid = per_call(args.repeat, args.number, partial(validate, schema, good_value, registry))
            floor_bad = per_call(args.repeat, args.number, partial(json.loads, raw_bad))
            invalid = per_call(args.repeat, args.number, partial(validate, schema, bad_value, registry))
            print(
                f"{name:<13}{floor_good * 1e6:>8.2f}{valid * 1e6:>8.2f}{valid / floor_good:>9.2f}"
                f"{floor_bad * 1e6:>8.2f}{invalid * 1e6:>9.2f}{invalid / floor_bad:>9.2f}{len(errors):>8}"
            )
            for kind, ratio in (("valid", valid / floor_good), ("invalid", invalid / floor_bad)):
                rows.append(
                    {"bench": "API validation", "measure": f"{name} body, {kind}, × json.loads", "value": round(ratio, 2), "target": "-"}
                )
    print("(floor: json.loads of the same bytes; invalid bodies include translating their messages into Chinese)")
    return rows


if __name__ == "__main__":
    main()
