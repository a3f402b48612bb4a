"""The ballot tables against the bulletin: every ballot row, choice row and approval as its signed entry says.

The bulletin is what was signed and published; the tables are what the pages
and the live turnout read. The close and ``flask audit verify`` both ask here
whether they still say the same, ballot by ballot in chain order, and name
the first ballot where they do not.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.numbers import format_area
from ..models import Ballot, BallotApproval, BallotChoice, BulletinEntry, RollEntry
from .bulletin import voter_pseudonym


@dataclass(frozen=True)
class Disagreement:
    """The first place the tables and the bulletin differ: the entry's sequence number, the ballot and why."""

    seq: int
    ballot_id: int | None
    reason: str

    def __str__(self) -> str:
        return f"entry {self.seq}: {self.reason}"


@dataclass(frozen=True)
class StoredEntry:
    seq: int
    ballot_id: int | None
    entry: dict[str, Any]


def ballot_entries(s: Session, session_id: int) -> list[StoredEntry]:
    """The session's ballot entries in chain order, decoded from the stored canonical JSON, with the ballot each records."""
    rows = s.execute(
        select(BulletinEntry.seq, BulletinEntry.ballot_id, BulletinEntry.body)
        .where(BulletinEntry.session_id == session_id, BulletinEntry.kind == "ballot")
        .order_by(BulletinEntry.seq)
    )
    return [StoredEntry(seq, ballot_id, json.loads(body)) for seq, ballot_id, body in rows]


def _shown(choices: Mapping[str, Any]) -> str:
    return ", ".join(f"{item}: {'+'.join(c) if isinstance(c, list) else c}" for item, c in sorted(choices.items()))


def first_difference(
    s: Session, session_id: int, public_id: str, entries: Sequence[StoredEntry], counted: frozenset[int]
) -> Disagreement | None:
    """Compare every ballot of the session's tables with its entry (``counted``: the seqs the bulletin counts)."""
    ballots = {
        row.id: row
        for row in s.execute(
            select(Ballot.id, Ballot.roll_entry_id, Ballot.choices, Ballot.superseded_at, RollEntry.area_centi, RollEntry.heads)
            .join(RollEntry, RollEntry.id == Ballot.roll_entry_id)
            .where(Ballot.session_id == session_id)
        )
    }
    rows: dict[int, dict[str, tuple[str, int, int]]] = {}
    for ballot_id, item_id, choice, area, heads in s.execute(
        select(BallotChoice.ballot_id, BallotChoice.item_id, BallotChoice.choice, BallotChoice.area_centi, BallotChoice.heads).where(
            BallotChoice.session_id == session_id
        )
    ):
        rows.setdefault(ballot_id, {})[str(item_id)] = (choice, area, heads)
    approvals: dict[int, dict[str, set[tuple[str, int, int]]]] = {}
    for ballot_id, item_id, candidate_id, area, heads in s.execute(
        select(
            BallotApproval.ballot_id, BallotApproval.item_id, BallotApproval.candidate_id, BallotApproval.area_centi, BallotApproval.heads
        ).where(BallotApproval.session_id == session_id)
    ):
        approvals.setdefault(ballot_id, {}).setdefault(str(item_id), set()).add((str(candidate_id), area, heads))
    seen: set[int] = set()
    for stored in entries:
        found = _differs(stored, ballots, rows, approvals, public_id, counted)
        if found:
            return Disagreement(stored.seq, stored.ballot_id, found)
        seen.add(stored.ballot_id)  # type: ignore[arg-type]  # _differs refused a missing one
    after = (entries[-1].seq if entries else 0) + 1
    for ballot_id in sorted(set(ballots) - seen):
        return Disagreement(after, ballot_id, f"ballot {ballot_id} has no bulletin entry")
    for ballot_id in sorted((set(rows) | set(approvals)) - seen):
        return Disagreement(after, ballot_id, f"choice rows of ballot {ballot_id}, which has no bulletin entry")
    return None


def _differs(
    stored: StoredEntry,
    ballots: Mapping[int, Any],
    rows: Mapping[int, Mapping[str, tuple[str, int, int]]],
    approvals: Mapping[int, Mapping[str, set[tuple[str, int, int]]]],
    public_id: str,
    counted: frozenset[int],
) -> str | None:
    entry, ballot_id = stored.entry, stored.ballot_id
    if ballot_id is None:
        return "the entry names no ballot"
    ballot = ballots.get(ballot_id)
    if ballot is None:
        return f"ballot {ballot_id} is not in the ballot table"
    if entry["voter"] != voter_pseudonym(public_id, ballot.roll_entry_id):
        return f"ballot {ballot_id} is of another voter than its entry"
    weights = {"area": format_area(ballot.area_centi), "headcount": ballot.heads}
    if entry["weights"] != weights:
        return f"ballot {ballot_id}: its voter weighs {weights} on the roll, {entry['weights']} on the bulletin"
    if ballot.choices != entry["choices"]:
        return f"ballot {ballot_id}: the ballot table says {_shown(ballot.choices)}, the bulletin says {_shown(entry['choices'])}"
    current = stored.seq in counted
    if current != (ballot.superseded_at is None):
        tables, board = ("superseded", "current") if current else ("current", "superseded")
        return f"ballot {ballot_id} is {tables} in the tables, {board} on the bulletin"
    want_rows: dict[str, tuple[str, int, int]] = {}
    want_approvals: dict[str, set[tuple[str, int, int]]] = {}
    if current:
        for item, choice in entry["choices"].items():
            want_rows[item] = ("approve" if isinstance(choice, list) else choice, ballot.area_centi, ballot.heads)
            if isinstance(choice, list) and choice:
                want_approvals[item] = {(c, ballot.area_centi, ballot.heads) for c in choice}
    have_rows = rows.get(ballot_id, {})
    if have_rows != want_rows:
        differing = {i for i in set(have_rows) | set(want_rows) if have_rows.get(i) != want_rows.get(i)}
        item = min(differing, key=_item_order)
        have = have_rows.get(item, ("none",))[0]
        want = want_rows.get(item, ("none",))[0]
        if have == want:
            return f"ballot {ballot_id}: the choice row of item {item} carries other weights than the bulletin's"
        return f"ballot {ballot_id}: its choice row of item {item} says {have}, the bulletin says {want}"
    have_approvals = approvals.get(ballot_id, {})
    if have_approvals != want_approvals:
        differing = {i for i in set(have_approvals) | set(want_approvals) if have_approvals.get(i) != want_approvals.get(i)}
        item = min(differing, key=_item_order)
        return f"ballot {ballot_id}: its approvals of item {item} are not the bulletin's"
    return None


def _item_order(item: str) -> tuple[int, str]:
    return (int(item), "") if item.isdigit() else (1 << 62, item)
