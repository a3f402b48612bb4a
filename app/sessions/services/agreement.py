"""The ballot tables against the bulletin: every ballot row, choice row and approval as its signed entry says.

The bulletin is what was signed and published; the tables are what the pages
and the live turnout read. The close and ``flask audit verify`` both ask here
whether they still say the same, ballot by ballot in chain order, and name
the first ballot where they do not.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, Text, cast, func, select
from sqlalchemy.orm import Session

from ...domain.numbers import format_area
from ..models import Ballot, BallotApproval, BallotChoice, BulletinEntry, RollEntry
from .bulletin import voter_pseudonym, voter_pseudonyms


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


def ballot_entries(s: Session, session_id: int, *, every: bool = False) -> list[StoredEntry]:
    """The session's ballot entries in chain order, decoded from the stored canonical JSON, with the ballot each records.

    ``every``: the seals and corrections too, which a count after a correction needs (their ``ballot_id`` is None).
    """
    query = select(BulletinEntry.seq, BulletinEntry.ballot_id, BulletinEntry.body).where(BulletinEntry.session_id == session_id)
    if not every:
        query = query.where(BulletinEntry.kind == "ballot")
    rows = s.connection().execute(query.order_by(BulletinEntry.seq))
    return [StoredEntry(seq, ballot_id, _loads(body)) for seq, ballot_id, body in rows]


@contextmanager
def uncollected() -> Iterator[None]:
    """The cycle collector paused while a session's entries are decoded and counted, and resumed after.

    Decoded JSON holds no reference cycles: run again and again as the entries
    pile up, the collector would walk them all each time and find nothing.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


_decode = json.JSONDecoder().raw_decode  # the C scanner, without json.loads's layers


def _loads(body: str) -> Any:
    value, end = _decode(body)
    return value if end == len(body) else json.loads(body)  # anything after the value: json.loads refuses it


def _shown(choices: Mapping[str, Any]) -> str:
    return ", ".join(f"{item}: {'+'.join(c) if isinstance(c, list) else c}" for item, c in sorted(choices.items()))


def first_difference(
    s: Session, session_id: int, public_id: str, entries: Sequence[StoredEntry], counted: frozenset[int]
) -> Disagreement | None:
    """Compare every ballot of the session's tables with its entry (``counted``: the seqs the bulletin counts)."""
    if _all_agree(s, session_id, public_id, entries, counted):
        return None
    return _first_difference(s, session_id, public_id, entries, counted)


def _first_difference(
    s: Session, session_id: int, public_id: str, entries: Sequence[StoredEntry], counted: frozenset[int]
) -> Disagreement | None:
    """The ballot-by-ballot comparison that names the first difference (run when the quick check finds one)."""
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


def _all_agree(s: Session, session_id: int, public_id: str, entries: Sequence[StoredEntry], counted: frozenset[int]) -> bool:
    """True only when every table says exactly what the entries say; False on any doubt (``_first_difference`` then decides).

    The same comparison as ``_differs``, made fast: the columns needed read on
    the connection, each ballot's choice rows and approvals folded into one
    text (with their count and weight range) by the database, and what a given
    set of choices should look like worked out once per distinct set.
    """
    conn = s.connection()
    concat = func.string_agg if conn.dialect.name == "postgresql" else func.group_concat
    # Each ballot with its roll weights and its choice rows folded (one pass down the ballot_id index, no sort).
    ballots: dict[int, list[Any]] = {
        ballot_id: rest
        for ballot_id, *rest in conn.execute(
            select(Ballot.id, Ballot.roll_entry_id, cast(Ballot.choices, Text), Ballot.superseded_at.is_(None))
            .add_columns(RollEntry.area_centi, RollEntry.heads, *_folded(concat, BallotChoice, BallotChoice.choice, BallotChoice.id))
            .join(RollEntry, RollEntry.id == Ballot.roll_entry_id)
            .outerjoin(BallotChoice, (BallotChoice.ballot_id == Ballot.id) & (BallotChoice.session_id == session_id))
            .where(Ballot.session_id == session_id)
            .group_by(Ballot.id, RollEntry.id)
        )
    }
    joined = sum(found[6] for found in ballots.values())
    if joined != conn.execute(select(func.count()).where(BallotChoice.session_id == session_id)).scalar_one():
        return False  # choice rows of the session on ballots that are not its own
    approvals: dict[int, list[Any]] = {
        ballot_id: rest
        for ballot_id, *rest in conn.execute(
            select(BallotApproval.ballot_id)
            .add_columns(*_folded(concat, BallotApproval, cast(BallotApproval.candidate_id, String), BallotApproval.id))
            .where(BallotApproval.session_id == session_id)
            .group_by(BallotApproval.ballot_id)
        )
    }
    name = voter_pseudonyms(public_id)
    wanted: dict[str, tuple[Any, dict[str, str], dict[str, frozenset[str]]]] = {}  # choices text -> choices, rows, approvals
    read_rows: dict[str, dict[str, str]] = {}
    read_approvals: dict[str, dict[str, frozenset[str]]] = {}
    seen: set[int] = set()
    for stored in entries:
        entry, ballot_id = stored.entry, stored.ballot_id
        found = ballots.get(ballot_id)  # type: ignore[arg-type]
        if found is None:
            return False
        roll_entry_id, choices_text, is_current, area, heads, *folded_rows = found
        weights = entry["weights"]
        if len(weights) != 2 or weights.get("headcount") != heads or weights.get("area") != f"{area // 100}.{area % 100:02d}":
            return False
        if entry["voter"] != name(roll_entry_id):
            return False
        want = wanted.get(choices_text)
        if want is None:
            choices = json.loads(choices_text)
            if not isinstance(choices, dict):
                return False
            want = wanted[choices_text] = (
                choices,
                {item: "approve" if isinstance(c, list) else c for item, c in choices.items()},
                {item: frozenset(c) for item, c in choices.items() if isinstance(c, list) and c},
            )
        choices, want_rows, want_approvals = want
        if choices != entry["choices"]:
            return False
        current = stored.seq in counted
        if current != bool(is_current):
            return False
        have_rows = folded_rows if folded_rows[1] else None
        have_approvals = approvals.get(ballot_id)  # type: ignore[arg-type]
        if not current:
            if have_rows is not None or have_approvals is not None:
                return False
        else:
            if want_rows:
                if have_rows is None or not _folded_agree(have_rows, want_rows, area, heads, read_rows, sets=False):
                    return False
            elif have_rows is not None:
                return False
            if want_approvals:
                if have_approvals is None or not _folded_agree(have_approvals, want_approvals, area, heads, read_approvals, sets=True):
                    return False
            elif have_approvals is not None:
                return False
        seen.add(ballot_id)  # type: ignore[arg-type]
    return len(seen) == len(entries) and seen == set(ballots) and seen.issuperset(approvals)


def _folded(concat: Any, table: Any, value: Any, row_id: Any) -> tuple[Any, ...]:
    """A ballot's rows of ``table`` folded: ``item=value,...``, how many, and the range of their weights."""
    return (
        concat(cast(table.item_id, String) + "=" + value, ","),
        func.count(row_id),
        func.min(table.area_centi),
        func.max(table.area_centi),
        func.min(table.heads),
        func.max(table.heads),
    )


def _folded_agree(folded: Sequence[Any], want: Mapping[str, Any], area: int, heads: int, cache: dict[str, Any], *, sets: bool) -> bool:
    """One ballot's rows, folded by the database into ``item=value,...``, their count and weight range, against ``want``.

    ``sets``: approvals, a set of candidates per item; otherwise one choice per item.
    """
    text, count, low_area, high_area, low_heads, high_heads = folded
    if (low_area, high_area, low_heads, high_heads) != (area, area, heads, heads):
        return False
    read = cache.get(text)
    if read is None:
        parts = text.split(",")
        pairs = [part.partition("=") for part in parts]
        if not sets:
            read = {item: value for item, _eq, value in pairs}
            total = len(read)
        else:
            grouped: dict[str, set[str]] = {}
            for item, _eq, value in pairs:
                grouped.setdefault(item, set()).add(value)
            read = {item: frozenset(values) for item, values in grouped.items()}
            total = sum(len(values) for values in grouped.values())
        if total != len(parts) or any(not eq for _item, eq, _value in pairs):
            read = {}
        cache[text] = read
    expected = len(want) if not sets else sum(len(values) for values in want.values())
    return count == expected and read == want


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
