"""The tally of a large session in the database, and its result page once it is closed.

N voters (default 100,000) with ballots on three questions are written straight
into the tables (the casting path is bench/cast.py's business). The floor is the
one GROUP BY that any tally needs; the tally is the server's own
(``compute_result``: the sums, then the rule engine). Closing stores the
result, so the result page afterwards renders from it without counting again.

    python bench/result_page.py [--voters 100000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv: list[str] | None = None) -> list[dict[str, object]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="gongzhi-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    os.environ.update(GONGZHI_INSTANCE_PATH=str(folder))
    from sqlalchemy import func, insert, select, text

    from app import create_app
    from app.communities import services
    from app.config import Config, as_mapping
    from app.db import db, utcnow
    from app.domain.lifecycle import SessionState
    from app.migrate import upgrade
    from app.security.actor import Grant, operator
    from app.security.roles import Role
    from app.sessions import services as sessions
    from app.sessions.models import AssemblySession, Ballot, BallotChoice, Channel, RollEntry, SessionForm
    from app.sessions.services import Voter, bulletin, counting

    # The request log stays on, as in production, but writes to the bench's folder rather than into the table.
    request_log = logging.getLogger("gongzhi.request")
    request_log.addHandler(logging.FileHandler(folder / "requests.log"))
    request_log.setLevel(logging.INFO)
    request_log.propagate = False
    app = create_app({**as_mapping(Config), "DATABASE_URL": url})
    actor = operator("bench", Grant.administrator())
    rng = random.Random(100_000)
    try:
        with app.app_context():
            upgrade()
            office = services.create_street_office(actor, code=f"bench-{secrets.token_hex(3)}", name="bench")
            community = services.create_community(actor, street_office_id=office.id, slug=f"b-{secrets.token_hex(3)}", name="基准")
            now = utcnow()
            actor = operator("bench", Grant.committee(community.id, Role.COMMITTEE_CHAIR))
            session = sessions.create_session(
                actor, community_id=community.id, title="基准会议", form=SessionForm.WRITTEN,
                opens_at=now - timedelta(days=10), closes_at=now - timedelta(minutes=1),
            )  # fmt: skip
            for title in ("议事规则", "续聘物业", "维修资金"):
                sessions.add_item(actor, session.id, matter="cn.hire_manager", title=title)
            started = time.perf_counter()
            areas = [rng.randrange(6000, 15000) for _ in range(args.voters)]
            with db.write() as s:
                assembly = s.get(AssemblySession, session.id)
                assert assembly is not None
                item_ids = [i.id for i in assembly.items]
                s.execute(
                    insert(RollEntry),
                    [
                        {"session_id": session.id, "voter_key": f"v{n}", "units": [f"1-{n}"], "area_centi": a, "heads": 1}
                        for n, a in enumerate(areas)
                    ],
                )
                entries = s.execute(select(RollEntry.id, RollEntry.area_centi).where(RollEntry.session_id == session.id)).all()
                options = ("agree", "agree", "disagree", "abstain")
                chosen = {e: {str(i): rng.choice(options) for i in item_ids} for e, _a in entries}
                s.execute(
                    insert(Ballot),
                    [
                        {"session_id": session.id, "roll_entry_id": e, "channel": Channel.ONLINE, "choices": chosen[e], "cast_at": now}
                        for e, _a in entries
                    ],
                )
                ballots = s.execute(select(Ballot.id, Ballot.roll_entry_id).where(Ballot.session_id == session.id)).all()
                area_of = dict(entries)
                s.execute(
                    insert(BallotChoice),
                    [
                        {
                            "ballot_id": b,
                            "session_id": session.id,
                            "item_id": int(i),
                            "choice": choice,
                            "area_centi": area_of[r],
                            "heads": 1,
                        }
                        for b, r in ballots
                        for i, choice in chosen[r].items()
                    ],
                )
                # Each ballot's signed bulletin entry, as casting appends it (the close checks the tables against them).
                bulletin.start_chain(s, session.id)
                head = bulletin.lock_head(s, session.id)
                for b, r in ballots:
                    ballot = Ballot(id=b, cast_at=now, choices=chosen[r])
                    bulletin.append_ballot(s, head, session.public_id, Voter(r, area_of[r], 1), ballot, None)
                assembly.state = SessionState.OPEN
                assembly.roll_area_centi, assembly.roll_heads = sum(areas) + 1_000_000, args.voters + 100
            print(f"wrote {args.voters} ballots in {time.perf_counter() - started:.1f} s", file=sys.stderr)

            def floor() -> None:
                db.session.execute(
                    select(BallotChoice.item_id, BallotChoice.choice, func.sum(BallotChoice.area_centi), func.sum(BallotChoice.heads))
                    .where(BallotChoice.session_id == session.id)
                    .group_by(BallotChoice.item_id, BallotChoice.choice)
                ).all()
                db.session.rollback()

            def tally() -> None:
                assembly = db.session.get(AssemblySession, session.id)
                sessions.compute_result(assembly, community)  # type: ignore[arg-type]
                db.session.rollback()

            def close_check() -> None:
                assembly = db.session.get(AssemblySession, session.id)
                count, differs = counting.disagreement(db.session(), assembly, counting.session_items(assembly))  # type: ignore[arg-type]
                assert count is not None and differs is None
                db.session.rollback()

            floor_s = min(timed(floor) for _ in range(5))
            tally_s = min(timed(tally) for _ in range(5))
            close_s = min(timed(close_check) for _ in range(3))
            sessions.sync_state(session.id, now=now)  # closes and stores the tally
            client = app.test_client()
            page_times = [timed(lambda: client.get(f"/s/{session.public_id}")) for _ in range(7)]
            assert client.get(f"/s/{session.public_id}").status_code == 200
            if url.startswith("sqlite"):
                db.session.execute(text("PRAGMA optimize"))
            db.engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    page_s = statistics.median(page_times)
    name = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"tally and result page, {args.voters} voters, 3 questions, {name}")
    print(f"{'measure':<44}{'ms':>9}{'× floor':>10}")
    print(f"{'floor (the GROUP BY of the sums)':<44}{floor_s * 1000:>9.1f}{1:>10.2f}")
    print(f"{'tally (sums and the rule engine)':<44}{tally_s * 1000:>9.1f}{tally_s / floor_s:>10.2f}")
    print(f"{'the close: bulletin counted, tables compared':<44}{close_s * 1000:>9.1f}{close_s / floor_s:>10.2f}")
    print(f"{'result page after the close (median of 7)':<44}{page_s * 1000:>9.1f}{'':>10}")
    return [
        {"bench": f"tally ({name})", "measure": f"{args.voters} voters, ms", "value": round(tally_s * 1000, 1), "target": "< 1000"},
        {"bench": f"tally ({name})", "measure": "× the GROUP BY floor", "value": round(tally_s / floor_s, 2), "target": "-"},
        {
            "bench": f"close ({name})",
            "measure": "bulletin counted, tables compared, ms",
            "value": round(close_s * 1000, 1),
            "target": "< 1000",
        },
        {
            "bench": f"result page ({name})",
            "measure": f"{args.voters} voters, closed, ms",
            "value": round(page_s * 1000, 1),
            "target": "< 300",
        },
    ]


def timed(fn: object) -> float:
    started = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
