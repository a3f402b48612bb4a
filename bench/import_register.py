"""Register import speed: a 5,000-unit register, against a floor measured in the same run.

The floor reads the same CSV with the csv module and writes the same units,
persons and holdings with plain executemany into tables of the same shape in a
new SQLite file: the least any import of this data must do. Gongzhi's import
also validates every row, checks buildings, matches persons, and audits.

    python bench/import_register.py [--units 5000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def make_register(units: int, seed: int = 5000) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    out.write("楼栋,房号,面积,面积来源,类型,计入表决,业主姓名,身份证后四位,电话,状态\n")
    for i in range(units):
        building, number = f"{i // 500 + 1}", f"{(i % 500) // 10 + 1}{i % 10 + 1:02d}"
        if i % 9 == 0:
            holders, ids = f"业主{i}甲、业主{i}乙", f"{rng.randrange(10000):04d};{rng.randrange(10000):04d}"
        else:
            holders, ids = f"业主{i}", f"{rng.randrange(10000):04d}"
        out.write(f"{building},{number},{rng.randrange(5000, 20000) / 100:.2f},,,,{holders},{ids},,\n")
    return out.getvalue().encode()


def floor(data: bytes, folder: Path) -> float:
    started = time.perf_counter()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))[1:]
    con = sqlite3.connect(folder / "floor.db")
    con.executescript(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        "CREATE TABLE unit (id INTEGER PRIMARY KEY, building TEXT, number TEXT, area INTEGER, UNIQUE (building, number));"
        "CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT, id_last4 TEXT);"
        "CREATE TABLE holding (unit_id INTEGER, person_id INTEGER, UNIQUE (unit_id, person_id));"
    )
    units, persons, holdings = [], [], []
    for n, row in enumerate(rows, start=1):
        units.append((n, row[0], row[1], int(row[2].replace(".", ""))))
        for name, last4 in zip(row[6].split("、"), row[7].split(";"), strict=True):
            persons.append((len(persons) + 1, name, last4))
            holdings.append((n, len(persons)))
    with con:
        con.executemany("INSERT INTO unit VALUES (?, ?, ?, ?)", units)
        con.executemany("INSERT INTO person VALUES (?, ?, ?)", persons)
        con.executemany("INSERT INTO holding VALUES (?, ?)", holdings)
    con.close()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> list[dict[str, object]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="gongzhi-bench-"))
    os.environ["GONGZHI_INSTANCE_PATH"] = str(folder)
    from app import create_app
    from app.communities import services
    from app.config import Config, as_mapping
    from app.db import db
    from app.migrate import upgrade
    from app.security.actor import Grant, operator

    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    app = create_app({**as_mapping(Config), "DATABASE_URL": url})
    actor = operator("bench", Grant.administrator())
    data = make_register(args.units)
    with app.app_context():
        upgrade()
        office = services.create_street_office(actor, code=f"bench-{os.getpid()}", name="bench")
        community = services.create_community(actor, street_office_id=office.id, slug=f"bench-{os.getpid()}", name="bench")
        for b in range(1, args.units // 500 + 2):
            services.add_building(actor, community.id, str(b))

        floor_s = floor(data, folder)
        started = time.perf_counter()
        report = services.import_register_file(actor, community.id, "bench.csv", data)
        first_s = time.perf_counter() - started
        assert report.created == args.units, report
        started = time.perf_counter()
        again = services.import_register_file(actor, community.id, "bench.csv", data)
        again_s = time.perf_counter() - started
        assert again.unchanged == args.units, again
        db.engine.dispose()

    print(f"register import, {args.units} units, {db_name(url)} (the floor always writes a new SQLite file)")
    print(f"{'measure':<34}{'seconds':>10}{'× floor':>10}")
    print(f"{'floor (csv + executemany)':<34}{floor_s:>10.3f}{1:>10.1f}")
    print(f"{'first import (all new)':<34}{first_s:>10.3f}{first_s / floor_s:>10.1f}")
    print(f"{'re-import (all unchanged)':<34}{again_s:>10.3f}{again_s / floor_s:>10.1f}")
    print(f"target: first import under 10 s -> {'met' if first_s < 10 else 'MISSED'}")
    return [
        {
            "bench": f"register import ({db_name(url)})",
            "measure": f"{args.units} units, first import, s",
            "value": round(first_s, 2),
            "target": "< 10",
        }
    ]


def db_name(url: str) -> str:
    return url.split(":", 1)[0]


if __name__ == "__main__":
    main()
