"""Counting a session: the bulletin's signed entries summed, the rule engine's result, the seal at the close, the published roll.

The result is counted from the bulletin, never from the ballot tables alone:
at the close the tables must say ballot for ballot what the entries say, or
the result is held back and the first ballot that differs is on record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...communities.models import Community
from ...db import db
from ...domain.bulletin import BulletinBroken, Recount, count_entries
from ...domain.canonical import ZERO_HASH, canonical_json, sha256_hex
from ...domain.election import Candidate
from ...domain.errors import RuleViolation
from ...domain.lifecycle import SessionState, require_transition
from ...domain.numbers import format_area, percent
from ...domain.objections import period_end
from ...domain.result import ItemScope, SessionItem, session_result
from ...domain.rules import get_profile
from ...domain.tally import Weight
from ...notices.models import NoticeKind
from ...notices.services import publish_system_notice
from ...security.actor import CLOCK
from ..models import AssemblySession, Ballot, BallotApproval, BallotChoice, RollEntry
from . import bulletin, scopes, slates
from .agreement import Disagreement, StoredEntry, ballot_entries, first_difference, uncollected
from .slates import slates_of
from .texts import preliminary_text


def _sums(s: Session, assembly_id: int) -> tuple[Weight, dict[int, dict[str, Weight]], int]:
    """Participation and area/headcount per item and choice, summed by the database (DESIGN §7)."""
    count, area, heads = s.execute(
        select(func.count(), func.coalesce(func.sum(RollEntry.area_centi), 0), func.coalesce(func.sum(RollEntry.heads), 0))
        .select_from(Ballot)
        .join(RollEntry, RollEntry.id == Ballot.roll_entry_id)
        .where(Ballot.session_id == assembly_id, Ballot.superseded_at.is_(None))
    ).one()
    per_item: dict[int, dict[str, Weight]] = {}
    rows = s.execute(
        select(BallotChoice.item_id, BallotChoice.choice, func.sum(BallotChoice.area_centi), func.sum(BallotChoice.heads))
        .where(BallotChoice.session_id == assembly_id)
        .group_by(BallotChoice.item_id, BallotChoice.choice)
    )
    for item_id, choice, choice_area, choice_heads in rows:
        # PostgreSQL sums BIGINT as NUMERIC: back to integers.
        per_item.setdefault(item_id, {})[choice] = Weight(int(choice_area), int(choice_heads))
    approvals = s.execute(
        select(BallotApproval.item_id, BallotApproval.candidate_id, func.sum(BallotApproval.area_centi), func.sum(BallotApproval.heads))
        .where(BallotApproval.session_id == assembly_id)
        .group_by(BallotApproval.item_id, BallotApproval.candidate_id)
    )
    for item_id, candidate_id, approved_area, approved_heads in approvals:
        per_item.setdefault(item_id, {})[str(candidate_id)] = Weight(int(approved_area), int(approved_heads))
    return Weight(int(area), int(heads)), per_item, int(count)


def bulletin_count(entries: list[StoredEntry], items: list[SessionItem]) -> Recount:
    """The stored ballot entries counted as a recount counts them (their signatures are the server's own)."""
    if not entries:
        return Recount("", 0, 0, 0, ZERO_HASH, False, Weight(), {})
    return count_entries([e.entry for e in entries], items=items)


def result_of(assembly: AssemblySession, community: Community, count: Recount, items: list[SessionItem]) -> dict[str, object]:
    return session_result(
        get_profile(community.rule_profile),
        session=assembly.public_id,
        roll_sha256=assembly.roll_sha256,
        total=Weight(assembly.roll_area_centi or 0, assembly.roll_heads or 0),
        participating=count.participating,
        sums=count.sums,
        ballots=count.ballots,
        items=items,
        scoped=count.scoped,
    )


def compute_result(assembly: AssemblySession, community: Community, s: Session | None = None) -> dict[str, object]:
    """The rule engine's decision of every item from the bulletin's ballots so far."""
    s = s or db.session()
    items = session_items(assembly, s)
    with uncollected():
        return result_of(assembly, community, bulletin_count(ballot_entries(s, assembly.id, every=True), items), items)


def disagreement(s: Session, assembly: AssemblySession, items: list[SessionItem]) -> tuple[Recount | None, Disagreement | None]:
    """The bulletin's count of the session, and the first place its ballot tables say otherwise (None when they agree)."""
    with uncollected():
        entries = ballot_entries(s, assembly.id, every=True)
        try:
            count = bulletin_count(entries, items)
        except BulletinBroken as exc:
            return None, Disagreement(exc.seq, None, exc.reason)
        counted = frozenset(count.counted)
        ballots = [e for e in entries if e.ballot_id is not None]  # seals and corrections record no ballot
        return count, first_difference(s, assembly.id, assembly.public_id, ballots, counted)


# Announced sessions' items, which the frozen roll fixes (slates cannot change once published): every cast checks against them.
_announced_items: dict[tuple[str, datetime], list[SessionItem]] = {}
_ANNOUNCED_ITEMS_KEPT = 64


def session_items(assembly: AssemblySession, s: Session | None = None) -> list[SessionItem]:
    """The session's items as the result names them; an election with its approved slate and verified party flags."""
    if assembly.announced_at is None:
        return _session_items(assembly, s)
    cached = announced_items(assembly.public_id, assembly.announced_at)
    if cached is not None:
        return cached
    if len(_announced_items) >= _ANNOUNCED_ITEMS_KEPT:
        _announced_items.pop(next(iter(_announced_items)))
    items = _announced_items[(assembly.public_id, assembly.announced_at)] = _session_items(assembly, s)
    return list(items)


def announced_items(public_id: str, announced_at: datetime | None) -> list[SessionItem] | None:
    """The items of an announced session if this process has read them already, without loading the session."""
    items = _announced_items.get((public_id, announced_at)) if announced_at is not None else None
    return None if items is None else list(items)


def _session_items(assembly: AssemblySession, s: Session | None = None) -> list[SessionItem]:
    slates = slates_of(assembly.items, s)
    frozen = scopes.scope_entries(s or db.session(), assembly.id) if any(i.scope is not None for i in assembly.items) else {}
    name = bulletin.voter_pseudonyms(assembly.public_id) if frozen else None
    out = []
    for item in assembly.items:
        scope = None
        if item.scope is not None:
            # Before the announcement nobody is on the scope's roll yet: its totals are empty.
            inside = frozen.get(item.id, {})
            voters = {name(entry): area for entry, area in inside.items()} if name else {}
            total = Weight(item.scope_area_centi or 0, item.scope_heads or 0)
            scope = ItemScope(tuple(item.scope), total, voters, item.scope_label)
        slate = slates.get(item.id)
        if slate is None:
            out.append(SessionItem(str(item.id), item.matter, item.title, item.position, scope=scope))
            continue
        candidates = tuple(Candidate(c.id, c.party) for c in slate.candidates)
        out.append(
            SessionItem(str(item.id), item.matter, item.title, item.position, "election", slate.seats, slate.alternates, candidates, scope)
        )
    return out


def published_roll(assembly: AssemblySession) -> dict[str, Any]:
    """What anyone needs besides the bulletin to decide the session as the server does (``recount --roll``)."""
    community = db.session.get(Community, assembly.community_id)
    assert community is not None
    profile = assembly.result["profile"] if assembly.result else community.rule_profile
    roll: dict[str, Any] = {
        "session": assembly.public_id,
        "profile": profile,
        "roll_sha256": assembly.roll_sha256,
        "totals": Weight(assembly.roll_area_centi or 0, assembly.roll_heads or 0).as_json(),
        "items": [_roll_item(i) for i in session_items(assembly)],
    }
    if bulletin.seal_of(db.session(), assembly.id) is not None:
        # Once sealed, the participation list's count: a recount refuses a bulletin that counts fewer or more.
        ballots = db.session.execute(
            select(func.count()).select_from(Ballot).where(Ballot.session_id == assembly.id, Ballot.superseded_at.is_(None))
        ).scalar_one()
        roll["participation"] = {"ballots": ballots, "units": bulletin.participation(db.session(), assembly.id)}
    return roll


def _roll_item(item: SessionItem) -> dict[str, Any]:
    out: dict[str, Any] = {"id": item.id, "position": item.position, "title": item.title, "matter": item.matter}
    if item.scope is not None:
        # RULES §9: the scope's units and totals, and each in-scope voter (by bulletin name) with their in-scope area.
        out["scope"] = {
            "units": list(item.scope.units),
            "label": item.scope.label,
            "totals": item.scope.total.as_json(),
            "voters": {voter: format_area(area) for voter, area in sorted(item.scope.voters.items())},
            "sha256": item.scope.digest(),
        }
    if item.is_election:
        out |= {
            "kind": "election",
            "seats": item.seats,
            "alternates": item.alternates,
            "candidates": [{"id": c.id, "party": c.party} for c in item.candidates],
        }
    return out


def tally(s: Session, assembly: AssemblySession, community: Community, *, now: datetime) -> bool:
    """Seal the bulletin and store its result, in the closing transaction: nothing is accepted after the end.

    When the ballot tables disagree with the bulletin, nothing is sealed or
    published: the session stays closed (voting has ended, no result), the
    refusal is audited with the first ballot that differs, and False returned.
    """
    require_transition(assembly.state, SessionState.TALLIED)
    # The chain head first: a cast still in flight lands before the count and is counted.
    bulletin.lock_head(s, assembly.id)
    items = session_items(assembly, s)
    count, differs = disagreement(s, assembly, items)
    if differs is not None or count is None:
        assert differs is not None
        data = {"entry": differs.seq, "ballot": differs.ballot_id, "reason": differs.reason}
        record(s, CLOCK, "session.tally_refused", "session", assembly.public_id, **scope(community), now=now, data=data)
        return False
    sealed = bulletin.seal(s, assembly, now=now)
    result = result_of(assembly, community, count, items)
    assembly.result = result
    assembly.result_sha256 = sha256_hex(canonical_json(result))
    assembly.tallied_at = now
    assembly.state = SessionState.TALLIED
    # Published as preliminary at once; owners object until the profile's period ends (RULES §6).
    assembly.objections_until = period_end(now, get_profile(community.rule_profile).settings.objection_days)
    title, body = preliminary_text(assembly, seal=sealed["hash"])
    publish_system_notice(s, CLOCK, community, kind=NoticeKind.RESULT, title=title, body=body, session_id=assembly.id, now=now)
    decided = [i.id for i in assembly.items if i.kind == "election"]
    if decided:
        slates.source().items_decided(s, decided)
    record(
        s,
        CLOCK,
        "session.tally",
        "session",
        assembly.public_id,
        **scope(community),
        now=now,
        data={
            "result_sha256": assembly.result_sha256,
            "ballots": result["ballots"],
            "bulletin_head": sealed["head"],
            "objections_until": assembly.objections_until.isoformat(),
        },
    )
    return True


def recount_corrected(s: Session, assembly: AssemblySession, community: Community, *, now: datetime) -> None:
    """Seal the chain again once no voter's window is open, and publish the corrected preliminary result.

    Inside the transaction that closed the last window; the tables must agree with the bulletin as at the close.
    """
    items = session_items(assembly, s)
    count, differs = disagreement(s, assembly, items)
    if differs is not None or count is None:
        assert differs is not None
        raise RuleViolation("state", f"the ballot tables differ from the bulletin at entry {differs.seq}: {differs.reason}")
    sealed = bulletin.seal(s, assembly, now=now)
    before = assembly.result_sha256
    result = result_of(assembly, community, count, items)
    assembly.result = result
    assembly.result_sha256 = sha256_hex(canonical_json(result))
    title, body = preliminary_text(assembly, seal=sealed["hash"], corrected=True)
    publish_system_notice(s, CLOCK, community, kind=NoticeKind.RESULT, title=title, body=body, session_id=assembly.id, now=now)
    data = {"result_sha256": assembly.result_sha256, "before": before, "ballots": result["ballots"], "bulletin_head": sealed["head"]}
    record(s, CLOCK, "session.recount", "session", assembly.public_id, **scope(community), now=now, data=data)


@dataclass(frozen=True)
class Turnout:
    participating: Weight
    total: Weight

    @property
    def area_percent(self) -> str:
        return percent(Fraction(self.participating.area, self.total.area)) if self.total.area else "0.00"

    @property
    def heads_percent(self) -> str:
        return percent(Fraction(self.participating.heads, self.total.heads)) if self.total.heads else "0.00"


def turnout(assembly: AssemblySession) -> Turnout:
    """Live participation while voting is open; how anyone voted stays unknown until the close."""
    participating, _per_item, _count = _sums(db.session(), assembly.id)
    return Turnout(participating, Weight(assembly.roll_area_centi or 0, assembly.roll_heads or 0))
