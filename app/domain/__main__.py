"""``python -m app.domain evaluate CASE.json``: the rule engine on a case file (RULES §7).

Prints the result as JSON on stdout. A malformed case exits with status 2 and
one line on stderr naming the offending field. ``-`` reads standard input.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .case import evaluate_json
from .errors import RuleViolation


def _read(path: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()  # noqa: SIM115
    except OSError as exc:
        raise SystemExit(_fail(f"{path}: cannot read: {exc.strerror}")) from None
    except UnicodeDecodeError:
        raise SystemExit(_fail(f"{path}: not UTF-8 text")) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SystemExit(_fail(f"{path}: not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")) from None


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.domain", description="Gongzhi's rule engine")
    commands = parser.add_subparsers(dest="command", required=True)
    evaluate = commands.add_parser("evaluate", help="evaluate a case file (RULES §7) and print the result")
    evaluate.add_argument("case", help="case JSON file, or - for standard input")
    args = parser.parse_args(argv)

    raw = _read(args.case)
    try:
        result = evaluate_json(raw)
    except RuleViolation as exc:
        return _fail(f"{exc.field}: {exc.reason}")
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
