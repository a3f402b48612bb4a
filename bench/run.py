"""``make bench``: every benchmark, each against the floor it measures in the same run, then one table.

    python bench/run.py [--quick] [--database-url URL]

--quick runs smaller sizes (for a look, not for the figures in bench/README.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_validation
import cast
import import_register
import result_page
import tally
import verify


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--database-url", default="", help="also run the database benchmarks on this (empty) PostgreSQL database")
    args = parser.parse_args()
    rows: list[dict[str, object]] = []
    quick = args.quick
    for title, run in (
        ("tally", lambda: tally.main(["--voters", "20000" if quick else "100000"])),
        ("recount", lambda: verify.main(["--entries", "10000" if quick else "100000"])),
        ("API body validation", lambda: api_validation.main(["--number", "500" if quick else "2000"])),
        ("register import", lambda: import_register.main(["--units", "1000" if quick else "5000"])),
        ("tally and result page", lambda: result_page.main(["--voters", "10000" if quick else "100000"])),
        ("cast", lambda: cast.main(["--voters", "1000" if quick else "10000"])),
    ):
        print(f"\n== {title}", flush=True)
        rows += run()
    if args.database_url:
        print("\n== cast on PostgreSQL", flush=True)
        rows += cast.main(["--voters", "1000" if quick else "10000", "--database-url", args.database_url])
    print("\n== summary")
    print(f"{'benchmark':<28}{'measure':<44}{'value':>10}  target")
    for row in rows:
        print(f"{row['bench']!s:<28}{row['measure']!s:<44}{row['value']!s:>10}  {row['target']}")


if __name__ == "__main__":
    main()
