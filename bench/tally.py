"""Tally speed: a 100,000-voter, 3-item session against a floor measured in the same run.

The floor is a plain Python loop that only sums the same areas: once over the
ballots for each item, with no choices looked at. The evaluation is the whole
decision of the three items (participation, area and headcount per choice,
quorum, both majorities, the explanation), as the result page computes it.
Also reported: a 10-candidate election over the same ballots.

    python bench/tally.py [--voters 100000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.domain.election import Candidate, ElectionItem, tally_election
from app.domain.rules import get_profile
from app.domain.tally import QUESTION_CHOICES, CastBallot, QuestionItem, Weight, tally_questions


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: list[str] | None = None) -> list[dict[str, object]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)

    rng = random.Random(278)
    profile = get_profile("cn-national")
    items = [QuestionItem("q1", "cn.hire_manager"), QuestionItem("q2", "cn.raise_fund"), QuestionItem("q3", "cn.use_fund")]
    weights = [rng.randrange(3000, 20000) for _ in range(args.voters)]
    candidates = tuple(Candidate(f"c{i}", i % 2 == 0) for i in range(10))
    ballots = [
        CastBallot(
            area,
            {
                "q1": rng.choice(QUESTION_CHOICES[:3]),
                "q2": rng.choice(QUESTION_CHOICES[:3]),
                "q3": rng.choice(QUESTION_CHOICES),
                "e": tuple(rng.sample([c.id for c in candidates], 5)),
            },
        )
        for area in weights
    ]
    total = Weight(sum(weights) + 10_000_00, args.voters + 100)  # some voters did not vote

    def floor() -> int:
        sums = 0
        for _item in items:
            s = 0
            for ballot in ballots:
                s += ballot.area
            sums += s
        return sums

    def evaluate() -> object:
        return tally_questions(profile, items, total, ballots)

    election = ElectionItem("e", 7, 2, candidates)

    def elect() -> object:
        return tally_election(profile, election, total, ballots)

    floor_s = best_of(args.repeat, floor)
    eval_s = best_of(args.repeat, evaluate)
    elect_s = best_of(args.repeat, elect)
    print(f"tally, {args.voters} voters, 3 question items (best of {args.repeat}, {sys.implementation.name} {sys.version.split()[0]})")
    print(f"{'measure':<40}{'ms':>10}{'× floor':>10}")
    print(f"{'floor (sum areas once per item)':<40}{floor_s * 1000:>10.1f}{1:>10.2f}")
    print(f"{'full evaluation of the 3 items':<40}{eval_s * 1000:>10.1f}{eval_s / floor_s:>10.2f}")
    print(f"{'election, 10 candidates, 5 approvals':<40}{elect_s * 1000:>10.1f}{elect_s / floor_s:>10.2f}")
    print(
        f"targets: within 5× the floor -> {'met' if eval_s <= 5 * floor_s else 'MISSED'}; under 1 s -> {'met' if eval_s < 1 else 'MISSED'}"
    )
    print(f"median spread: {statistics.median([best_of(1, evaluate) for _ in range(3)]) * 1000:.1f} ms")
    return [
        {
            "bench": "tally (domain)",
            "measure": f"{args.voters} voters, 3 questions, × floor",
            "value": round(eval_s / floor_s, 2),
            "target": "<= 5",
        },
        {
            "bench": "tally (domain)",
            "measure": f"{args.voters} voters, 3 questions, ms",
            "value": round(eval_s * 1000, 1),
            "target": "< 1000",
        },
    ]


if __name__ == "__main__":
    main()
