"""Recounting a session from its public bulletin alone (DESIGN §4).

The recount trusts nothing but the entries and the published keys: every
signature and link of the chain is checked, superseded ballots are dropped
(each revote must name the voter's current entry), and the counted ballots
are summed by the same code the server tallies with. Given the session's
published roll (totals and items), it decides every item as the server does.

A scoped item (RULES §9) is summed over the voters its published scope names,
each weighing their in-scope area and one head; the entries keep the voter's
whole weights. A ballot that chooses on a scoped item for a voter outside its
scope breaks the bulletin at that entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .ballot import BallotRefused, complete_ballot, id_order
from .election import Candidate
from .errors import RuleViolation
from .numbers import AreaError, parse_area
from .receipts import PublishedKey, verify_chain
from .result import ItemScope, SessionItem, session_result, sum_scoped, sum_session
from .rules import get_profile
from .tally import ABSTAIN, QUESTION_CHOICES, CastBallot, Weight


class BulletinBroken(Exception):
    """The bulletin does not hold together: the entry (by sequence number) and why."""

    def __init__(self, seq: int, reason: str) -> None:
        super().__init__(f"entry {seq}: {reason}")
        self.seq = seq
        self.reason = reason


@dataclass(frozen=True)
class Recount:
    session: str
    entries: int
    ballots: int  # counted: the current ballot of each voter
    superseded: int
    head: str
    sealed: bool
    participating: Weight
    sums: dict[str, dict[str, Weight]]
    counted: tuple[int, ...] = ()  # the sequence numbers of the counted ballots, in chain order
    scoped: dict[str, Weight] = field(default_factory=dict)  # each scoped item's participation (RULES §9)

    def as_json(self) -> dict[str, Any]:
        scoped = {"scoped": {item: w.as_json() for item, w in self.scoped.items()}} if self.scoped else {}
        return scoped | {
            "session": self.session,
            "entries": self.entries,
            "ballots": self.ballots,
            "superseded": self.superseded,
            "head": self.head,
            "sealed": self.sealed,
            "participating": self.participating.as_json(),
            "items": {item: {c: w.as_json() for c, w in sums.items()} for item, sums in self.sums.items()},
        }


_CANONICAL_AREA = re.compile(r"(0|[1-9][0-9]*)\.([0-9]{2})")


def _area(text: str) -> int:
    """An entry's area in hundredths: the two-place text every entry carries read directly, anything else by parse_area."""
    found = _CANONICAL_AREA.fullmatch(text) if type(text) is str else None
    if found is not None:
        centi = int(found[1]) * 100 + int(found[2])
        if centi > 0:
            return centi
    return parse_area(text)


def _read_choices(seq: int, choices: Mapping[str, Any], elections: dict[str, set[str]]) -> dict[str, str | tuple[str, ...]]:
    """An entry's choices when the roll is not given: a list is an election's approvals, anything else a question's choice."""
    counted: dict[str, str | tuple[str, ...]] = {}
    for item_id, choice in choices.items():
        if isinstance(choice, list):
            elections.setdefault(item_id, set()).update(choice)
            counted[item_id] = tuple(choice) if choice else ABSTAIN
        elif choice in QUESTION_CHOICES:
            counted[item_id] = choice
        else:
            raise BulletinBroken(seq, f"choices.{item_id} is not one of {', '.join(QUESTION_CHOICES)}")
    return counted


def recount(
    entries: Sequence[Mapping[str, Any]],
    keys: Iterable[PublishedKey],
    *,
    items: Sequence[SessionItem] | None = None,
    whole: bool = False,
) -> Recount:
    """Check the chain and sum the counted ballots; raise BulletinBroken naming the first bad entry.

    ``items``, when known (from the roll), are the only items a ballot may name,
    and each election choice is checked against its slate and seats. Without
    them, an item is taken for an election when some ballot approves a list.
    ``whole``: the bulletin of a closed session, which must end with its seal;
    a chain whose tail was cut away is otherwise still a valid chain.
    """
    broken = verify_chain(entries, keys)
    if broken:
        raise BulletinBroken(*broken)
    if whole:
        require_seal(entries)
    return count_entries(entries, items=items)


def require_seal(entries: Sequence[Mapping[str, Any]]) -> None:
    """A closed session's bulletin ends with its seal: without one, entries may be missing from the end."""
    if not entries:
        raise BulletinBroken(0, "the bulletin has no entries")
    if entries[-1].get("type") != "seal":
        raise BulletinBroken(len(entries) + 1, "the bulletin is not sealed: its seal and any entries before it may have been cut")


def check_published(published: Mapping[str, Any], entries: Sequence[Mapping[str, Any]]) -> None:
    """The bulletin file's own count and head (``bulletin.json``) must be those of its last entry, the seal."""
    if "count" in published and published["count"] != len(entries):
        raise BulletinBroken(len(entries), f"the bulletin says it has {published['count']} entries, it holds {len(entries)}")
    if "head" in published and entries and published["head"] != entries[-1].get("hash"):
        raise BulletinBroken(len(entries), "the bulletin's head is not the hash of its last entry")
    if published.get("sealed") is False:
        raise BulletinBroken(len(entries), "the bulletin says it is not sealed")


def _correct(
    entry: Mapping[str, Any], current: dict[str, tuple[Mapping[str, Any], Any, int, int]], voided: dict[str, Any], windows: dict[str, str]
) -> None:
    """A correction after a seal: the voter's counted ballot it names leaves the count, and their window opens."""
    voter = entry["voter"]
    if entry["voids"] is not None:
        before = current.get(voter)
        if before is None or before[0]["hash"] != entry["voids"]:
            raise BulletinBroken(entry["seq"], "voids an entry that is not the voter's counted ballot")
        voided[voter] = current.pop(voter)[0]["weights"]  # a new ballot of theirs supersedes nothing
    if entry["until"] < entry["made_at"]:
        raise BulletinBroken(entry["seq"], "the voter's window ends before the correction was made")
    windows[voter] = entry["until"]


def count_entries(entries: Sequence[Mapping[str, Any]], *, items: Sequence[SessionItem] | None = None) -> Recount:
    """Apply superseding and sum the counted ballots of entries already known to be genuine (``recount`` checks them).

    The server counts its own stored entries with this at the close: the
    signed entries decide the result, whatever the ballot tables hold.
    """
    if not entries:
        raise BulletinBroken(0, "the bulletin has no entries")
    elections: dict[str, set[str]] = {}  # item id -> candidates seen, when the roll is not given
    # voter -> (their current entry, its counted choices, area, heads); superseding replaces it
    current: dict[str, tuple[Mapping[str, Any], dict[str, str | tuple[str, ...]], int, int]] = {}
    seen_items: set[str] = set()
    superseded = 0
    checked: dict[tuple[Any, ...], dict[str, str | tuple[str, ...]]] = {}
    areas: dict[str, int] = {}
    scoped = [item for item in items or () if item.scope is not None]
    sealed = False
    # After a seal, only a voter an upheld objection reopened the chain for casts, before the end of their window.
    windows: dict[str, str] = {}
    voided: dict[str, Any] = {}  # voters whose ballot a correction took out of the count: its weights
    for entry in entries:
        kind = entry["type"]
        if kind != "ballot":
            if kind == "seal":
                sealed = True
                windows.clear()
            elif kind == "correction":
                _correct(entry, current, voided, windows)
            continue
        seq, voter, weights = entry["seq"], entry["voter"], entry["weights"]
        if sealed:
            until = windows.pop(voter, None)
            if until is None:
                raise BulletinBroken(seq, "a ballot after the seal, with no correction reopening the chain for its voter")
            if entry["cast_at"] > until:
                raise BulletinBroken(seq, "cast after the end of the voter's extra window")
        before = current.get(voter)
        if voter in voided and voided[voter] != weights:
            raise BulletinBroken(seq, "the voter's weights differ from the ballot the correction took out")
        if entry["supersedes"] is None:
            if before is not None:
                raise BulletinBroken(seq, f"a second ballot of the voter of entry {before[0]['seq']} that does not supersede it")
        else:
            if before is None or before[0]["hash"] != entry["supersedes"]:
                raise BulletinBroken(seq, "supersedes an entry that is not this voter's current ballot")
            if before[0]["weights"] != weights:
                raise BulletinBroken(seq, "the voter's weights differ from the ballot it supersedes")
            superseded += 1
        text = weights["area"]
        area = areas.get(text) if type(text) is str else None
        if area is None:
            try:
                area = _area(text)
            except AreaError as exc:
                raise BulletinBroken(seq, f"weights.area {exc}") from None
            if type(text) is str:
                areas[text] = area
        heads = weights["headcount"]
        if heads < 1:
            raise BulletinBroken(seq, "weights.headcount must be at least 1")
        choices = entry["choices"]
        if items is not None:
            # The scoped items whose scope does not hold this voter: their ballot leaves them out.
            outside = tuple(item.id for item in scoped if not item.scope.holds(voter)) if scoped else ()  # type: ignore[union-attr]
            for item in scoped:
                inside = item.scope.voters.get(voter)  # type: ignore[union-attr]
                if inside is not None and inside > area:
                    raise BulletinBroken(seq, f"the voter weighs more in the scope of item {item.id} than on the roll")
                # The server signs every item of a voter's ballot: a gap means the roll put this voter in the scope after the fact.
                if inside is not None and item.id not in choices:
                    raise BulletinBroken(seq, f"no choice on item {item.id}, though the roll puts this voter in its scope")
            # Few ballots differ: each distinct set of choices is checked against the items once.
            try:
                key: tuple[Any, ...] = (outside, *choices.items())
                counted = checked.get(key)
            except TypeError:  # an election's list of approvals
                key = (outside, *((i, c if type(c) is str else tuple(c)) for i, c in choices.items()))
                counted = checked.get(key)
            if counted is None:
                try:
                    complete = complete_ballot(items, choices, invalid=True, voter=voter if scoped else None)
                except BallotRefused as exc:
                    raise BulletinBroken(seq, str(exc)) from None
                counted = checked[key] = {i: tuple(c) if isinstance(c, list) else c for i, c in complete.items()}
        else:
            counted = _read_choices(seq, choices, elections)
            seen_items.update(choices)
        current[voter] = (entry, counted, area, heads)
    if items is None:
        items = [
            SessionItem(i, "", "", 0, "election", 0, 0, tuple(Candidate(c) for c in sorted(elections[i], key=id_order)))
            if i in elections
            else SessionItem(i, "", "", 0)
            for i in sorted(seen_items, key=id_order)
        ]
    # The ballots that chose alike are summed together: the sums are the same, the rule engine sees few ballots.
    # With the roll's items, alike choices share one dict (``checked``); without, each ballot keeps its own.
    alike: dict[int, list[Any]] = {}
    for _entry, counted, area, heads in current.values():
        same = alike.get(id(counted))
        if same is None:
            alike[id(counted)] = [counted, area, heads]
        else:
            same[1] += area
            same[2] += heads
    whole = [item for item in items if item.scope is None]
    participating, sums = sum_session((CastBallot(area, counted, heads) for counted, area, heads in alike.values()), whole)
    scoped_participation: dict[str, Weight] = {}
    for item in scoped:
        scoped_participation[item.id], sums[item.id] = sum_scoped(((v, c[1]) for v, c in current.items()), item)
    last = entries[-1]
    return Recount(
        session=entries[0]["session"],
        entries=len(entries),
        ballots=len(current),
        superseded=superseded,
        head=last["hash"],
        sealed=last["type"] == "seal",
        participating=participating,
        sums=sums,
        counted=tuple(sorted(entry["seq"] for entry, _counted, _area, _heads in current.values())),
        scoped=scoped_participation,
    )


@dataclass(frozen=True)
class PublishedRoll:
    """What a session publishes about its frozen roll: enough to decide its items."""

    session: str
    profile: str
    roll_sha256: str
    total: Weight
    items: tuple[SessionItem, ...]
    participation: int | None = None  # the ballots the participation list counts, once the session is closed

    @classmethod
    def from_json(cls, raw: Any) -> PublishedRoll:
        def need(obj: Any, field: str, kind: type | tuple[type, ...], where: str) -> Any:
            if not isinstance(obj, Mapping) or field not in obj:
                raise RuleViolation(f"{where}{field}", "missing")
            value = obj[field]
            if not isinstance(value, kind) or isinstance(value, bool):
                raise RuleViolation(f"{where}{field}", "has the wrong type")
            return value

        profile = need(raw, "profile", str, "")
        matters = get_profile(profile).matters  # an unknown profile names itself
        totals = need(raw, "totals", Mapping, "")
        try:
            area = parse_area(need(totals, "area", str, "totals."))
        except AreaError as exc:
            raise RuleViolation("totals.area", str(exc)) from None
        items = []
        for index, item in enumerate(need(raw, "items", list, "")):
            where = f"items[{index}]."
            if need(item, "matter", str, where) not in matters:
                raise RuleViolation(f"{where}matter", f"not a matter of profile {profile}")
            extra: dict[str, Any] = {}
            if item.get("kind", "question") == "election":
                slate = need(item, "candidates", list, where)
                extra = {
                    "kind": "election",
                    "seats": need(item, "seats", int, where),
                    "alternates": need(item, "alternates", int, where),
                    "candidates": tuple(_candidate(c, f"{where}candidates[{n}].", need) for n, c in enumerate(slate)),
                }
            if "scope" in item:
                extra["scope"] = _scope(item["scope"], f"{where}scope.", need)
            items.append(
                SessionItem(
                    str(need(item, "id", (str, int), where)),
                    need(item, "matter", str, where),
                    need(item, "title", str, where),
                    need(item, "position", int, where),
                    **extra,
                )
            )
        participation = None
        if "participation" in raw:
            participation = need(need(raw, "participation", Mapping, ""), "ballots", int, "participation.")
        return cls(
            session=need(raw, "session", str, ""),
            profile=profile,
            roll_sha256=need(raw, "roll_sha256", str, ""),
            total=Weight(area, need(totals, "heads", int, "totals.")),
            items=tuple(items),
            participation=participation,
        )


def _scope(raw: Any, where: str, need: Any) -> ItemScope:
    """A scoped item's published scope: its units, label, totals and in-scope voters, whose areas and count must make the totals."""
    units = need(raw, "units", list, where)
    if not units or any(type(u) is not str for u in units):
        raise RuleViolation(f"{where}units", "expected a non-empty list of unit ids")
    totals = need(raw, "totals", Mapping, where)
    try:
        area = parse_area(need(totals, "area", str, f"{where}totals."))
    except AreaError as exc:
        raise RuleViolation(f"{where}totals.area", str(exc)) from None
    total = Weight(area, need(totals, "heads", int, f"{where}totals."))
    voters: dict[str, int] = {}
    for name, text in need(raw, "voters", Mapping, where).items():
        if type(text) is not str:
            raise RuleViolation(f"{where}voters.{name}", "has the wrong type")
        try:
            voters[name] = parse_area(text)
        except AreaError as exc:
            raise RuleViolation(f"{where}voters.{name}", str(exc)) from None
    if len(voters) != total.heads or sum(voters.values()) != total.area:
        raise RuleViolation(f"{where}totals", "the scope's voters do not add up to its totals")
    label = raw.get("label", "")
    if type(label) is not str:
        raise RuleViolation(f"{where}label", "has the wrong type")
    scope = ItemScope(tuple(units), total, voters, label)
    published = raw.get("sha256")
    if published is not None and published != scope.digest():
        raise RuleViolation(f"{where}sha256", "the scope's units and voters are not the roll whose SHA-256 it states")
    return scope


def _candidate(raw: Any, where: str, need: Any) -> Candidate:
    candidate_id = need(raw, "id", str, where)
    party = raw.get("party", False)
    if type(party) is not bool:
        raise RuleViolation(f"{where}party", "has the wrong type")
    return Candidate(candidate_id, party)


def decide(count: Recount, roll: PublishedRoll) -> dict[str, Any]:
    """The session's result from a recount and its roll: the same JSON the server publishes."""
    if roll.session != count.session:
        raise RuleViolation("session", f"the roll is of session {roll.session}, the bulletin of {count.session}")
    if count.participating.area > roll.total.area or count.participating.heads > roll.total.heads:
        raise RuleViolation("totals", "the counted ballots weigh more than the whole roll")
    for index, item in enumerate(roll.items):
        inside = count.scoped.get(item.id)
        if item.scope is not None and inside is not None and (inside.area > item.scope.total.area or inside.heads > item.scope.total.heads):
            raise RuleViolation(f"items[{index}].scope.totals", "the counted ballots weigh more than the scope")
    if roll.participation is not None and roll.participation != count.ballots:
        raise RuleViolation(
            "participation.ballots", f"the participation list has {roll.participation} ballots, the bulletin counts {count.ballots}"
        )
    return session_result(
        get_profile(roll.profile),
        session=roll.session,
        roll_sha256=roll.roll_sha256,
        total=roll.total,
        participating=count.participating,
        sums=count.sums,
        ballots=count.ballots,
        items=roll.items,
        scoped=count.scoped,
    )
