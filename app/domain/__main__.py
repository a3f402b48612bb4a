"""The domain core from the command line, reading only the files it is given.

- ``evaluate CASE.json``: the rule engine on a case file (RULES §7); prints the
  result JSON. A malformed case exits 2 with one line naming the offending field.
- ``verify-receipt R.json --keys keys.json``: checks a ballot receipt (DESIGN §4).
- ``recount bulletin.json --keys keys.json [--roll roll.json]``: checks every
  signature and link of a closed session's bulletin, that it ends with its
  seal (and matches the file's own count and head), applies superseding and
  prints the tally (with the roll: the same result JSON the server publishes,
  after checking the ballots counted against the roll's participation list;
  an item with a ``scope`` in the roll is decided against the scope's totals
  with its voters' in-scope areas, RULES §9).

verify-receipt and recount exit 1 with one line naming what failed (the entry's
sequence number for a broken bulletin). ``-`` reads standard input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from .bulletin import BulletinBroken, PublishedRoll, check_published, decide, recount
from .case import evaluate_json
from .errors import RuleViolation
from .receipts import PublishedKey, tracker, verify_receipt


def _read(path: str, status: int = 2) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()  # noqa: SIM115
    except OSError as exc:
        raise SystemExit(_fail(f"{path}: cannot read: {exc.strerror}", status)) from None
    except UnicodeDecodeError:
        raise SystemExit(_fail(f"{path}: not UTF-8 text", status)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SystemExit(_fail(f"{path}: not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", status)) from None


def _fail(message: str, status: int = 2) -> int:
    print(message, file=sys.stderr)
    return status


def _keys(path: str) -> list[PublishedKey]:
    raw = _read(path, 1)
    listed = raw.get("keys") if isinstance(raw, dict) else None
    if not isinstance(listed, list) or not listed:
        raise SystemExit(_fail(f'{path}: expected {{"keys": [...]}} with at least one key', 1))
    keys = []
    for index, key in enumerate(listed):
        try:
            keys.append(PublishedKey.from_json(key))
        except (KeyError, TypeError, ValueError, AttributeError):
            raise SystemExit(_fail(f"{path}: keys[{index}] is not an Ed25519 key as DESIGN §4 lists it", 1)) from None
    return keys


def _verify_receipt(path: str, keys_path: str) -> int:
    receipt, keys = _read(path, 1), _keys(keys_path)
    reason = verify_receipt(receipt, keys)
    if reason:
        return _fail(f"{path}: NOT VALID: {reason}", 1)
    print(f"valid: entry {receipt['seq']} of session {receipt['session']}, tracker {tracker(receipt['hash'])}, key {receipt['key_id']}")
    return 0


def _recount(path: str, keys_path: str, roll_path: str | None) -> int:
    raw, keys = _read(path, 1), _keys(keys_path)
    entries = raw.get("entries") if isinstance(raw, dict) else raw
    if not isinstance(entries, list):
        return _fail(f'{path}: expected {{"entries": [...]}} or a list of entries', 1)
    roll = None
    if roll_path is not None:
        try:
            roll = PublishedRoll.from_json(_read(roll_path, 1))
        except RuleViolation as exc:
            return _fail(f"{roll_path}: {exc.field}: {exc.reason}", 1)
    try:
        count = recount(entries, keys, items=None if roll is None else roll.items, whole=True)
        if isinstance(raw, dict):
            check_published(raw, entries)
        result = count.as_json() if roll is None else decide(count, roll)
    except BulletinBroken as exc:
        return _fail(f"{path}: BROKEN at entry {exc.seq}: {exc.reason}", 1)
    except RuleViolation as exc:
        return _fail(f"{roll_path}: {exc.field}: {exc.reason}", 1)
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.domain", description="Gongzhi's rule engine")
    commands = parser.add_subparsers(dest="command", required=True)
    evaluate = commands.add_parser("evaluate", help="evaluate a case file (RULES §7) and print the result")
    evaluate.add_argument("case", help="case JSON file, or - for standard input")
    verify = commands.add_parser("verify-receipt", help="check a ballot receipt against the published keys")
    verify.add_argument("receipt", help="receipt JSON file, or - for standard input")
    verify.add_argument("--keys", required=True, help="the published keys (/.well-known/gongzhi-keys.json)")
    count = commands.add_parser("recount", help="check a session's bulletin and recount it")
    count.add_argument("bulletin", help="bulletin JSON file (/s/<id>/bulletin.json), or - for standard input")
    count.add_argument("--keys", required=True, help="the published keys (/.well-known/gongzhi-keys.json)")
    count.add_argument("--roll", help="the session's roll (/s/<id>/roll.json): decide every item as the server does")
    args = parser.parse_args(argv)

    try:
        if args.command == "verify-receipt":
            return _verify_receipt(args.receipt, args.keys)
        if args.command == "recount":
            return _recount(args.bulletin, args.keys, args.roll)
    except SystemExit as exc:  # a file that cannot be read, already explained on stderr
        return int(exc.code or 0)
    raw = _read(args.case)
    try:
        result = evaluate_json(raw)
    except RuleViolation as exc:
        return _fail(f"{exc.field}: {exc.reason}")
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`): no traceback; silence the final flush (Python's signal docs).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 1
    sys.exit(status)
