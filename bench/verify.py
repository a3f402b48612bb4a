"""Recount speed: a 100,000-entry bulletin against bare Ed25519 verification of the same signatures.

The floor verifies the same 100,000 signatures over the same signed bytes,
prepared in advance, with nothing else. The recount is
``app.domain.bulletin.recount``: every entry's shape, hash, key and signature,
the chain's links, superseding (1 % of the voters vote twice), and the sums
per item and choice. Parsing the file is reported apart.

    python bench/verify.py [--entries 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.domain.bulletin import recount
from app.domain.receipts import PublishedKey, _signed_part, key_id, make_entry, make_seal, pseudonym, sign_entry, unb64url


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def build(count: int, key: Ed25519PrivateKey) -> list[dict[str, object]]:
    rng = random.Random(278)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    chain: list[dict[str, object]] = []
    current: dict[str, str] = {}
    voters = [pseudonym(b"bench", "S", str(n)) for n in range(count)]
    for n in range(count - 1):
        voter = voters[n] if rng.random() > 0.01 or n == 0 else voters[rng.randrange(n)]
        entry = make_entry(
            session="S",
            seq=n + 1,
            cast_at=start + timedelta(seconds=n),
            voter=voter,
            area_centi=rng.randrange(3000, 20000) if voter not in current else int(chain[-1]["weights"]["area"].replace(".", "")),  # type: ignore[index]
            headcount=1,
            choices={"1": rng.choice(("agree", "disagree", "abstain")), "2": rng.choice(("agree", "disagree")), "3": "abstain"},
            supersedes=current.get(voter),
            prev=chain[-1]["hash"] if chain else None,  # type: ignore[arg-type]
        )
        if voter in current:  # a revote keeps the voter's weight
            entry["weights"] = next(e["weights"] for e in reversed(chain) if e["voter"] == voter)
        signed = sign_entry(entry, key)
        chain.append(signed)
        current[voter] = signed["hash"]  # type: ignore[assignment]
    closes = start + timedelta(days=7)
    seal = make_seal(session="S", seq=count, closes_at=closes, sealed_at=closes, head=chain[-1]["hash"], count=count - 1)  # type: ignore[arg-type]
    chain.append(sign_entry(seal, key))
    return chain


def main(argv: list[str] | None = None) -> list[dict[str, object]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    key = Ed25519PrivateKey.generate()
    keys = [PublishedKey(key_id(key), key.public_key(), "2026-01-01T00:00:00Z", None)]
    started = time.perf_counter()
    chain = build(args.entries, key)
    built = time.perf_counter() - started
    text = json.dumps({"entries": chain})

    public = key.public_key()
    prepared = [(unb64url(e["sig"]), _signed_part(e, e["hash"], e["key_id"])) for e in chain]  # type: ignore[arg-type]

    def floor() -> None:
        verify = public.verify
        for signature, message in prepared:
            verify(signature, message)

    result = recount(chain, keys)
    assert result.entries == args.entries and result.sealed and result.superseded > 0
    bare = best_of(args.repeat, floor)
    counted = best_of(args.repeat, lambda: recount(chain, keys))
    parsed = best_of(args.repeat, lambda: json.loads(text))
    print(f"recount, {args.entries} entries ({result.superseded} revotes), best of {args.repeat}, cpython {sys.version.split()[0]}")
    print(f"(building and signing the bulletin took {built:.1f} s; the file is {len(text) / 1e6:.1f} MB)")
    print(f"{'measure':<42}{'seconds':>9}{'× floor':>10}")
    print(f"{'floor (Ed25519 verify only)':<42}{bare:>9.3f}{1:>10.2f}")
    print(f"{'recount (shape, hash, chain, sig, tally)':<42}{counted:>9.3f}{counted / bare:>10.2f}")
    print(f"{'parsing bulletin.json (apart)':<42}{parsed:>9.3f}{parsed / bare:>10.2f}")
    return [
        {
            "bench": "recount (domain)",
            "measure": f"{args.entries} entries, × Ed25519 floor",
            "value": round(counted / bare, 2),
            "target": "-",
        }
    ]


if __name__ == "__main__":
    main()
