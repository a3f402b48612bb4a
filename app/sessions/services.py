"""Operations on assembly sessions: draft, items, announce (roll freeze, letters), letters, proxies.

Each public function is one user action: authorize, one write transaction, one audit event.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from fractions import Fraction
from typing import Any, NoReturn, Protocol

from flask_babel import force_locale, format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..audit.services import record, refuse
from ..communities.models import Community, Person
from ..communities.queries import community_roll
from ..db import db
from ..domain.canonical import canonical_json, sha256_hex
from ..domain.errors import NotFound, RuleViolation
from ..domain.lifecycle import SessionState, check_window, require_transition, state_at
from ..domain.numbers import format_area, percent
from ..domain.result import SessionItem, session_result
from ..domain.rules import MATTERS, get_profile
from ..domain.tally import Weight
from ..notices.markup import escape_markdown
from ..notices.models import NoticeKind
from ..notices.services import publish_system_notice
from ..security.actor import ANONYMOUS, CLOCK, OWNER, PROXY, Actor
from ..security.permissions import can_run_sessions, require
from . import bulletin
from .labels import FORM_LABELS, MATTER_LABELS
from .letters import letter_key, new_nonce, token_for, token_hash
from .models import (
    AssemblySession,
    Ballot,
    BallotApproval,
    BallotChoice,
    Channel,
    Item,
    Letter,
    PaperBallot,
    ProxyAuthorisation,
    RollEntry,
    SessionForm,
)

MAX_LETTER_ATTEMPTS = 5


def _session_for_committee(s: Session, actor: Actor, session_id: int) -> tuple[AssemblySession, Community]:
    session = s.get(AssemblySession, session_id)
    if session is None:
        raise NotFound(str(_l("No such session.")))
    community = s.get(Community, session.community_id)
    assert community is not None
    require(can_run_sessions(actor, community))
    return session, community


def _scope(community: Community) -> dict[str, int]:
    return {"community_id": community.id, "street_office_id": community.street_office_id}


def create_session(
    actor: Actor, *, community_id: int, title: str, form: SessionForm, opens_at: datetime, closes_at: datetime
) -> AssemblySession:
    title = title.strip()
    if not title or len(title) > 200:
        raise RuleViolation("title", str(_l("Give the session a title of at most 200 characters.")))
    if closes_at <= opens_at:
        raise RuleViolation("closes_at", str(_l("Voting must close after it opens.")))
    with db.write() as s:
        community = s.get(Community, community_id)
        if community is None:
            raise NotFound(str(_l("No such community.")))
        require(can_run_sessions(actor, community))
        session = AssemblySession(
            public_id=secrets.token_urlsafe(9),
            community_id=community.id,
            title=title,
            form=form,
            state=SessionState.DRAFT,
            opens_at=opens_at,
            closes_at=closes_at,
        )
        s.add(session)
        s.flush()
        record(s, actor, "session.create", "session", session.public_id, **_scope(community), data={"title": title, "form": form.value})
    return session


def add_item(actor: Actor, session_id: int, *, matter: str, title: str, body: str = "") -> Item:
    """A question item; only while the session is a draft (announced items are frozen)."""
    if matter not in MATTERS:
        raise RuleViolation("matter", str(_l("Choose the kind of matter.")))
    title = title.strip()
    if not title or len(title) > 300:
        raise RuleViolation("title", str(_l("Give the item a title of at most 300 characters.")))
    with db.write() as s:
        session, community = _session_for_committee(s, actor, session_id)
        if session.state is not SessionState.DRAFT:
            raise RuleViolation("state", str(_l("Items cannot be added or changed after the session is announced.")))
        position = (s.execute(select(func.max(Item.position)).where(Item.session_id == session.id)).scalar() or 0) + 1
        item = Item(session_id=session.id, position=position, kind="question", matter=matter, title=title, body=body.strip())
        s.add(item)
        s.flush()
        data = {"item": item.id, "matter": matter, "title": title}
        record(s, actor, "session.add_item", "session", session.public_id, **_scope(community), data=data)
    return item


def add_election_item(actor: Actor, session_id: int, *, election_id: int) -> Item:
    """Put an election whose slate is published on a draft session's ballot."""
    from ..elections.models import Election, ElectionState

    with db.write() as s:
        session, community = _session_for_committee(s, actor, session_id)
        if session.state is not SessionState.DRAFT:
            raise RuleViolation("state", str(_l("Items cannot be added or changed after the session is announced.")))
        election = s.get(Election, election_id, with_for_update=True)
        if election is None or election.community_id != community.id:
            raise RuleViolation("election", str(_l("Choose an election of this community.")))
        if election.state is not ElectionState.PUBLISHED:
            raise RuleViolation("election", str(_l("Only an election whose vetted slate is published can go to the vote.")))
        position = (s.execute(select(func.max(Item.position)).where(Item.session_id == session.id)).scalar() or 0) + 1
        item = Item(session_id=session.id, position=position, kind="election", matter="cn.elect_committee", title=election.title)
        s.add(item)
        s.flush()
        election.item_id, election.state = item.id, ElectionState.ON_BALLOT
        data = {"item": item.id, "election": election.public_id}
        record(s, actor, "session.add_election", "session", session.public_id, **_scope(community), data=data)
    return item


def elections_ready(community_id: int) -> list[Any]:
    """The community's elections whose slate is published and that wait for a session."""
    from ..elections.models import Election, ElectionState

    return list(
        db.session.execute(
            select(Election).where(Election.community_id == community_id, Election.state == ElectionState.PUBLISHED).order_by(Election.id)
        ).scalars()
    )


def remove_item(actor: Actor, item_id: int) -> None:
    """Take an item off a draft session; an election goes back to waiting for a session."""
    from ..elections.models import Election, ElectionState

    with db.write() as s:
        item = s.get(Item, item_id)
        if item is None:
            raise NotFound(str(_l("No such item.")))
        session, community = _session_for_committee(s, actor, item.session_id)
        if session.state is not SessionState.DRAFT:
            raise RuleViolation("state", str(_l("Items cannot be added or changed after the session is announced.")))
        election = s.execute(select(Election).where(Election.item_id == item.id)).scalar()
        if election is not None:
            election.item_id, election.state = None, ElectionState.PUBLISHED
        s.delete(item)
        s.flush()
        for position, other in enumerate(sorted((i for i in session.items if i.id != item_id), key=lambda i: i.position), 1):
            other.position = position
        record(s, actor, "session.remove_item", "session", session.public_id, **_scope(community), data={"item": item_id})


@dataclass(frozen=True)
class Announcement:
    voters: int
    letters: int
    roll_sha256: str


def announce_session(actor: Actor, session_id: int, *, now: datetime) -> Announcement:
    """Announce: the notice period and window bounds of the profile, the roll frozen, a letter per holder."""
    with db.write() as s:
        session, community = _session_for_committee(s, actor, session_id)
        require_transition(session.state, SessionState.ANNOUNCED)
        if not session.items:
            raise RuleViolation("items", str(_l("Add at least one item before announcing.")))
        settings = get_profile(community.rule_profile).settings
        try:
            check_window(
                now=now,
                opens_at=session.opens_at,
                closes_at=session.closes_at,
                notice_days=settings.notice_days,
                min_days=settings.window_min_days,
                max_days=settings.window_max_days,
            )
        except RuleViolation as exc:
            message = _window_message(exc.field, settings.notice_days, settings.window_min_days, settings.window_max_days)
            raise RuleViolation(exc.field, message) from None
        roll = community_roll(community.id)
        if not roll.voters:
            raise RuleViolation("roll", str(_l("The owner register has no voters: import it first.")))
        entries = [
            {"session_id": session.id, "voter_key": v.key, "units": list(v.units), "area_centi": v.area_centi, "heads": v.headcount}
            for v in roll.voters
        ]
        s.execute(insert(RollEntry), entries)
        entry_ids = dict(s.execute(select(RollEntry.voter_key, RollEntry.id).where(RollEntry.session_id == session.id)).all())
        key = letter_key()
        letters = []
        for voter in roll.voters:
            for person_id in sorted(voter.holders, key=int):
                nonce = new_nonce()
                letters.append(
                    {
                        "session_id": session.id,
                        "roll_entry_id": entry_ids[voter.key],
                        "person_id": int(person_id),
                        "nonce": nonce,
                        "token_hash": token_hash(token_for(nonce, key)),
                        "issued_at": now,
                    }
                )
        s.execute(insert(Letter), letters)
        bulletin.start_chain(s, session.id)
        session.state = SessionState.ANNOUNCED
        session.announced_at = now
        session.roll_sha256 = roll.digest()
        session.roll_area_centi = roll.total_area_centi
        session.roll_heads = roll.total_heads
        title, body = announcement_text(session)
        notice = publish_system_notice(
            s, actor, community, kind=NoticeKind.ANNOUNCEMENT, title=title, body=body, session_id=session.id, now=now
        )
        record(
            s,
            actor,
            "session.announce",
            "session",
            session.public_id,
            **_scope(community),
            now=now,
            data={"roll_sha256": session.roll_sha256, "voters": roll.total_heads, "letters": len(letters), "notice": notice.public_id},
        )
    return Announcement(roll.total_heads, len(letters), roll.digest())


def announcement_text(session: AssemblySession) -> tuple[str, str]:
    """The announcement notice in Chinese, the owners' language: window, roll, every item in full (Markdown)."""
    with force_locale("zh_CN"):
        # flask-babel shows times in the configured zone (Asia/Shanghai).
        when = {
            "opens": format_datetime(session.opens_at, "yyyy-MM-dd HH:mm"),
            "closes": format_datetime(session.closes_at, "yyyy-MM-dd HH:mm"),
        }
        title = str(_l("Announcement: %(title)s", title=session.title))
        lines = [
            str(
                _l(
                    "Form: %(form)s. Voting opens at %(opens)s and closes at %(closes)s (Beijing time).",
                    form=FORM_LABELS[session.form.value],
                    **when,
                )
            ),
            "",
            str(
                _l(
                    "The voter roll is frozen as of this announcement: %(heads)d voters, %(area)s m² of exclusive area, SHA-256 %(sha)s.",
                    heads=session.roll_heads or 0,
                    area=format_area(session.roll_area_centi or 0),
                    sha=f"`{session.roll_sha256}`",
                )
            ),
            "",
            "## " + str(_l("Items")),
        ]
        for item in session.items:
            lines += ["", f"### {item.position}. {escape_markdown(item.title)}", "", f"*{MATTER_LABELS[item.matter]}*"]
            if item.body:
                lines += ["", escape_markdown(item.body)]
        lines += [
            "",
            str(_l("Vote by scanning the QR code on your voting letter with a phone, or bring the paper ballot to the committee.")),
            "",
            str(_l("The session, its turnout and its result: [%(path)s](%(path)s)", path=f"/s/{session.public_id}")),
        ]
    return title, "\n".join(lines)


def _window_message(field: str, notice: int, low: int, high: int) -> str:
    if field == "opens_at":
        return str(_l("Voting may open %(days)d days after the announcement at the earliest.", days=notice))
    return str(_l("The voting window must last from %(low)d to %(high)d days.", low=low, high=high))


def public_session(public_id: str, *, now: datetime) -> tuple[AssemblySession, SessionState]:
    """A session as the public sees it (never a draft), brought up to the clock first."""
    assembly = db.session.execute(select(AssemblySession).where(AssemblySession.public_id == public_id)).scalar_one_or_none()
    if assembly is None or assembly.state is SessionState.DRAFT:
        raise NotFound(str(_l("No such session.")))
    state = sync_state(assembly.id, now=now)
    db.session.refresh(assembly)
    return assembly, state


def sync_state(session_id: int, *, now: datetime) -> SessionState:
    """Move an announced or open session along the clock (lazily, on the next request).

    A session that closes is tallied in the same transaction: nothing can be
    accepted after the end, so the count is final at once.
    """
    session = db.session.get(AssemblySession, session_id)
    if session is None:
        raise NotFound(str(_l("No such session.")))
    if state_at(session.state, session.opens_at, session.closes_at, now) is session.state:
        return session.state
    with db.write() as s:
        session = s.get(AssemblySession, session_id, with_for_update=True)
        assert session is not None
        community = s.get(Community, session.community_id)
        assert community is not None
        target = state_at(session.state, session.opens_at, session.closes_at, now)
        while session.state is not target:
            step = SessionState.OPEN if session.state is SessionState.ANNOUNCED else SessionState.CLOSED
            require_transition(session.state, step)
            session.state = step
            record(s, CLOCK, f"session.{step.value}", "session", session.public_id, **_scope(community), now=now)
        if session.state is SessionState.CLOSED:
            _tally(s, session, community, now=now)
    return session.state


def _sums(s: Session, session_id: int) -> tuple[Weight, dict[int, dict[str, Weight]], int]:
    """Participation and area/headcount per item and choice, summed by the database (DESIGN §7)."""
    count, area, heads = s.execute(
        select(func.count(), func.coalesce(func.sum(RollEntry.area_centi), 0), func.coalesce(func.sum(RollEntry.heads), 0))
        .select_from(Ballot)
        .join(RollEntry, RollEntry.id == Ballot.roll_entry_id)
        .where(Ballot.session_id == session_id, Ballot.superseded_at.is_(None))
    ).one()
    per_item: dict[int, dict[str, Weight]] = {}
    rows = s.execute(
        select(BallotChoice.item_id, BallotChoice.choice, func.sum(BallotChoice.area_centi), func.sum(BallotChoice.heads))
        .where(BallotChoice.session_id == session_id)
        .group_by(BallotChoice.item_id, BallotChoice.choice)
    )
    for item_id, choice, choice_area, choice_heads in rows:
        # PostgreSQL sums BIGINT as NUMERIC: back to integers.
        per_item.setdefault(item_id, {})[choice] = Weight(int(choice_area), int(choice_heads))
    approvals = s.execute(
        select(BallotApproval.item_id, BallotApproval.candidate_id, func.sum(BallotApproval.area_centi), func.sum(BallotApproval.heads))
        .where(BallotApproval.session_id == session_id)
        .group_by(BallotApproval.item_id, BallotApproval.candidate_id)
    )
    for item_id, candidate_id, approved_area, approved_heads in approvals:
        per_item.setdefault(item_id, {})[str(candidate_id)] = Weight(int(approved_area), int(approved_heads))
    return Weight(int(area), int(heads)), per_item, int(count)


def compute_result(session: AssemblySession, community: Community, s: Session | None = None) -> dict[str, object]:
    """The rule engine's decision of every item from the ballots cast so far."""
    s = s or db.session()
    participating, per_item, ballots = _sums(s, session.id)
    return session_result(
        get_profile(community.rule_profile),
        session=session.public_id,
        roll_sha256=session.roll_sha256,
        total=Weight(session.roll_area_centi or 0, session.roll_heads or 0),
        participating=participating,
        sums={str(item_id): sums for item_id, sums in per_item.items()},
        ballots=ballots,
        items=session_items(session, s),
    )


# Announced sessions' items, which the frozen roll fixes (slates cannot change once published): every cast checks against them.
_announced_items: dict[tuple[str, datetime], list[SessionItem]] = {}
_ANNOUNCED_ITEMS_KEPT = 64


def session_items(session: AssemblySession, s: Session | None = None) -> list[SessionItem]:
    """The session's items as the result names them; an election with its approved slate and verified party flags."""
    if session.announced_at is None:
        return _session_items(session, s)
    cached = announced_items(session.public_id, session.announced_at)
    if cached is not None:
        return cached
    if len(_announced_items) >= _ANNOUNCED_ITEMS_KEPT:
        _announced_items.pop(next(iter(_announced_items)))
    items = _announced_items[(session.public_id, session.announced_at)] = _session_items(session, s)
    return list(items)


def announced_items(public_id: str, announced_at: datetime | None) -> list[SessionItem] | None:
    """The items of an announced session if this process has read them already, without loading the session."""
    items = _announced_items.get((public_id, announced_at)) if announced_at is not None else None
    return None if items is None else list(items)


def _session_items(session: AssemblySession, s: Session | None = None) -> list[SessionItem]:
    from ..domain.election import Candidate as SlateCandidate
    from ..elections.models import Election, slate_json

    s = s or db.session()
    elections = {e.item_id: e for e in s.execute(select(Election).where(Election.item_id.in_([i.id for i in session.items]))).scalars()}
    out = []
    for item in session.items:
        election = elections.get(item.id)
        if election is None:
            out.append(SessionItem(str(item.id), item.matter, item.title, item.position))
            continue
        slate = tuple(SlateCandidate(c["id"], c["party"]) for c in slate_json(election))
        out.append(
            SessionItem(str(item.id), item.matter, item.title, item.position, "election", election.seats, election.alternates, slate)
        )
    return out


def published_roll(session: AssemblySession) -> dict[str, Any]:
    """What anyone needs besides the bulletin to decide the session as the server does (``recount --roll``)."""
    community = db.session.get(Community, session.community_id)
    assert community is not None
    profile = session.result["profile"] if session.result else community.rule_profile
    return {
        "session": session.public_id,
        "profile": profile,
        "roll_sha256": session.roll_sha256,
        "totals": Weight(session.roll_area_centi or 0, session.roll_heads or 0).as_json(),
        "items": [_roll_item(i) for i in session_items(session)],
    }


@dataclass(frozen=True)
class SlateCandidate:
    id: str
    name: str
    unit: str
    statement: str


@dataclass(frozen=True)
class Slate:
    seats: int
    alternates: int
    candidates: list[SlateCandidate]


# Slates of announced sessions, by session and item: a session's items are fixed once it is announced, and an election
# goes on a ballot only with its vetted slate published, so the approved candidates never change after. The session's
# public id keeps items of different databases (the tests') apart.
_published_slates: dict[tuple[str, datetime | None, int], Slate] = {}
_PUBLISHED_SLATES_KEPT = 256


def slate_of_item(item: Item) -> Slate | None:
    """An election item's approved candidates with their names, in ballot order; None for a question."""
    from ..elections.models import Candidate, CandidateStatus, Election

    if item.kind != "election":
        return None
    announced = item.session.announced_at is not None
    key = (item.session.public_id, item.session.announced_at, item.id)
    if announced and key in _published_slates:
        return _published_slates[key]
    election = db.session.execute(select(Election).where(Election.item_id == item.id)).scalar()
    if election is None:
        return None
    rows = db.session.execute(
        select(Candidate, Person.name)
        .join(Person, Person.id == Candidate.person_id)
        .where(Candidate.election_id == election.id, Candidate.status == CandidateStatus.APPROVED)
        .order_by(Candidate.id)
    ).all()
    slate = Slate(election.seats, election.alternates, [SlateCandidate(str(c.id), name, c.unit, c.statement) for c, name in rows])
    if announced:
        if len(_published_slates) >= _PUBLISHED_SLATES_KEPT:
            _published_slates.pop(next(iter(_published_slates)))
        _published_slates[key] = slate
    return slate


def _roll_item(item: SessionItem) -> dict[str, Any]:
    out: dict[str, Any] = {"id": item.id, "position": item.position, "title": item.title, "matter": item.matter}
    if item.is_election:
        out |= {
            "kind": "election",
            "seats": item.seats,
            "alternates": item.alternates,
            "candidates": [{"id": c.id, "party": c.party} for c in item.candidates],
        }
    return out


def _tally(s: Session, session: AssemblySession, community: Community, *, now: datetime) -> None:
    require_transition(session.state, SessionState.TALLIED)
    # Sealing takes the chain head: a cast still in flight lands first and is counted.
    sealed = bulletin.seal(s, session, now=now)
    result = compute_result(session, community, s)
    session.result = result
    session.result_sha256 = sha256_hex(canonical_json(result))
    session.tallied_at = now
    session.state = SessionState.TALLIED
    _elections_decided(s, session)
    record(
        s,
        CLOCK,
        "session.tally",
        "session",
        session.public_id,
        **_scope(community),
        now=now,
        data={"result_sha256": session.result_sha256, "ballots": result["ballots"], "bulletin_head": sealed["head"]},
    )


def _elections_decided(s: Session, session: AssemblySession) -> None:
    from ..elections.models import Election, ElectionState

    ids = [i.id for i in session.items if i.kind == "election"]
    for election in s.execute(select(Election).where(Election.item_id.in_(ids))).scalars():
        election.state = ElectionState.DECIDED


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


def turnout(session: AssemblySession) -> Turnout:
    """Live participation while voting is open; how anyone voted stays unknown until the close."""
    participating, _per_item, _count = _sums(db.session(), session.id)
    return Turnout(participating, Weight(session.roll_area_centi or 0, session.roll_heads or 0))


def advance_due_sessions(*, now: datetime) -> dict[str, int]:
    """Open and close every session whose time has come (``flask close-due``, safe to run every minute)."""
    due = (
        db.session.execute(
            select(AssemblySession.id).where(
                (AssemblySession.state == SessionState.ANNOUNCED) & (AssemblySession.opens_at <= now)
                | (AssemblySession.state == SessionState.OPEN) & (AssemblySession.closes_at <= now)
            )
        )
        .scalars()
        .all()
    )
    counts = {"opened": 0, "closed": 0}
    for session_id in due:
        before = db.session.get(AssemblySession, session_id)
        was = before.state if before else None
        after = sync_state(session_id, now=now)
        if was is SessionState.ANNOUNCED and after in (SessionState.OPEN, SessionState.CLOSED):
            counts["opened"] += 1
        if after in (SessionState.CLOSED, SessionState.TALLIED):
            counts["closed"] += 1
    return counts


class LetterStatus(Enum):
    OK = "ok"
    INVALID = "invalid"  # unknown, revoked, or of a session not yet announced
    LOCKED = "locked"
    WRONG_DIGITS = "wrong_digits"
    NO_DIGITS = "no_digits"  # nothing on record to confirm with


_LETTER_BY_TOKEN = select(Letter).where(Letter.token_hash == bindparam("token_hash"))
_letters = Letter.__table__
_LETTER_REF_BY_TOKEN = select(
    _letters.c.id, _letters.c.session_id, _letters.c.roll_entry_id, _letters.c.proxy_id, _letters.c.locked_at
).where(_letters.c.token_hash == bindparam("token_hash"), _letters.c.revoked_at.is_(None))


class LetterRef(Protocol):
    """What a cast needs of a letter: a loaded ``Letter`` is one, and so is the row ``find_letter_ref`` reads."""

    @property
    def id(self) -> int: ...
    @property
    def session_id(self) -> int: ...
    @property
    def roll_entry_id(self) -> int: ...
    @property
    def proxy_id(self) -> int | None: ...
    @property
    def locked_at(self) -> datetime | None: ...


def find_letter_ref(token: str) -> LetterRef | None:
    """``find_letter`` as one plain row, for the cast, which needs no more of the letter than this."""
    return db.session.connection().execute(_LETTER_REF_BY_TOKEN, {"token_hash": token_hash(token)}).first()  # type: ignore[return-value]


def find_letter(token: str) -> Letter | None:
    letter = db.session.execute(_LETTER_BY_TOKEN, {"token_hash": token_hash(token)}).scalar_one_or_none()
    if letter is None or letter.revoked_at is not None:
        return None
    return letter


def _expected_digits(s: Session, letter: Letter) -> str | None:
    if letter.proxy_id is not None:
        proxy = s.get(ProxyAuthorisation, letter.proxy_id)
        return proxy.proxy_id_last4 if proxy else None
    person = s.get(Person, letter.person_id)
    return person.id_last4 if person else None


def confirm_letter(token: str, digits: str, *, ip: str, now: datetime) -> tuple[LetterStatus, Letter | None]:
    """The owner confirms who they are with the last four characters of their ID number.

    Five wrong tries lock the letter; every failure and the lock are audited.
    """
    with db.write() as s:
        letter = s.execute(select(Letter).where(Letter.token_hash == token_hash(token)).with_for_update()).scalar_one_or_none()
        anonymous = ANONYMOUS
        if letter is None or letter.revoked_at is not None:
            record(s, anonymous, "letter.invalid_token", "letter", "-", data={"ip": ip}, now=now)
            return LetterStatus.INVALID, None
        session = s.get(AssemblySession, letter.session_id)
        community = s.get(Community, session.community_id) if session else None
        assert session is not None and community is not None
        scope = _scope(community)
        if letter.locked_at is not None:
            return LetterStatus.LOCKED, letter
        expected = _expected_digits(s, letter)
        if expected is None:
            return LetterStatus.NO_DIGITS, letter
        # Bytes: compare_digest refuses non-ASCII str, and a phone keyboard can send anything.
        if hmac.compare_digest(expected.upper().encode(), "".join(digits.split()).upper().encode()):
            letter.confirmed_at = letter.confirmed_at or now
            letter.failed_attempts = 0
            record(s, anonymous, "letter.confirmed", "letter", letter.id, **scope, data={"ip": ip}, now=now)
            return LetterStatus.OK, letter
        letter.failed_attempts += 1
        data = {"ip": ip, "attempt": letter.failed_attempts}
        record(s, anonymous, "letter.wrong_digits", "letter", letter.id, **scope, data=data, now=now)
        if letter.failed_attempts >= MAX_LETTER_ATTEMPTS:
            letter.locked_at = now
            record(s, anonymous, "letter.locked", "letter", letter.id, **scope, data={"ip": ip}, now=now)
            return LetterStatus.LOCKED, letter
        return LetterStatus.WRONG_DIGITS, letter


@dataclass(frozen=True)
class IssuedLetter:
    letter: Letter
    token: str


def reissue_letter(actor: Actor, letter_id: int, *, now: datetime) -> IssuedLetter:
    """A new letter for the same holder; the old token stops working at once."""
    with db.write() as s:
        old = s.get(Letter, letter_id, with_for_update=True)
        if old is None:
            raise NotFound(str(_l("No such letter.")))
        session, community = _session_for_committee(s, actor, old.session_id)
        if session.state not in (SessionState.ANNOUNCED, SessionState.OPEN):
            raise RuleViolation("state", str(_l("Letters can be re-issued only until voting closes.")))
        if old.revoked_at is not None:
            raise RuleViolation("letter", str(_l("This letter was already replaced.")))
        old.revoked_at = now
        nonce = new_nonce()
        token = token_for(nonce)
        new = Letter(
            session_id=old.session_id,
            roll_entry_id=old.roll_entry_id,
            person_id=old.person_id,
            proxy_id=old.proxy_id,
            nonce=nonce,
            token_hash=token_hash(token),
            issued_at=now,
        )
        s.add(new)
        s.flush()
        record(s, actor, "letter.reissue", "letter", new.id, **_scope(community), data={"replaces": old.id}, now=now)
    return IssuedLetter(new, token)


def record_proxy(
    actor: Actor,
    session_id: int,
    *,
    unit: str,
    owner_name: str,
    proxy_name: str,
    proxy_id_last4: str,
    scan_reference: str,
    now: datetime,
) -> IssuedLetter:
    """Record a written authorisation; the proxy gets a letter that acts for the owner's voter."""
    proxy_name, scan_reference, proxy_id_last4 = proxy_name.strip(), scan_reference.strip(), proxy_id_last4.strip().upper()
    if not proxy_name:
        raise RuleViolation("proxy_name", str(_l("Give the proxy's name.")))
    if len(proxy_id_last4) != 4 or not (proxy_id_last4[:3].isdigit() and (proxy_id_last4[3].isdigit() or proxy_id_last4[3] == "X")):
        raise RuleViolation("proxy_id_last4", str(_l("Give the last four characters of the proxy's ID number.")))
    if not scan_reference:
        raise RuleViolation("scan_reference", str(_l("Give the reference of the scanned authorisation.")))
    with db.write() as s:
        session, community = _session_for_committee(s, actor, session_id)
        if session.state not in (SessionState.ANNOUNCED, SessionState.OPEN):
            raise RuleViolation("state", str(_l("Proxies can be recorded from the announcement until voting closes.")))
        entry = next((e for e in s.execute(select(RollEntry).where(RollEntry.session_id == session.id)).scalars() if unit in e.units), None)
        if entry is None:
            raise RuleViolation("unit", str(_l('Unit "%(unit)s" is not on the roll of this session.', unit=unit)))
        holder_ids = [int(i) for i in entry.voter_key.split("|")]
        owner = s.execute(
            select(Person).where(Person.id.in_(holder_ids), Person.name == owner_name.strip()).order_by(Person.id).limit(1)
        ).scalar_one_or_none()
        if owner is None:
            raise RuleViolation("owner", str(_l("This person is not a holder of that unit.")))
        owner_person_id = owner.id
        proxy = ProxyAuthorisation(
            session_id=session.id,
            roll_entry_id=entry.id,
            owner_person_id=owner_person_id,
            proxy_name=proxy_name,
            proxy_id_last4=proxy_id_last4,
            scan_reference=scan_reference,
            recorded_by_user_id=actor.user_id,
            recorded_at=now,
        )
        s.add(proxy)
        s.flush()
        nonce = new_nonce()
        token = token_for(nonce)
        letter = Letter(
            session_id=session.id,
            roll_entry_id=entry.id,
            person_id=owner_person_id,
            proxy_id=proxy.id,
            nonce=nonce,
            token_hash=token_hash(token),
            issued_at=now,
        )
        s.add(letter)
        s.flush()
        record(
            s,
            actor,
            "proxy.record",
            "proxy",
            proxy.id,
            **_scope(community),
            now=now,
            data={
                "session": session.public_id,
                "unit": unit,
                "owner": owner_person_id,
                "scan_reference": scan_reference,
                "letter": letter.id,
            },
        )
    return IssuedLetter(letter, token)


def letters_of_session(session_id: int) -> list[Letter]:
    """The current letters of a session, in the order they were issued."""
    return list(
        db.session.execute(select(Letter).where(Letter.session_id == session_id, Letter.revoked_at.is_(None)).order_by(Letter.id)).scalars()
    )


def letter_token(letter: Letter) -> str:
    """The token of a letter, for printing it (again)."""
    return token_for(letter.nonce)


BALLOT_CHOICES = ("agree", "disagree", "abstain")


def receipt_of_letter(letter: Letter) -> dict[str, Any] | None:
    """The signed receipt of the ballot that counts for the letter's voter, if one was cast."""
    ballot = current_ballot(letter.session_id, letter.roll_entry_id)
    return None if ballot is None else bulletin.receipt_of(db.session(), ballot.id)


def revote_allowed(session: AssemblySession | None) -> bool:
    """Whether the community's rule profile lets owners change their ballot until the close."""
    community = db.session.get(Community, session.community_id) if session else None
    return community is not None and get_profile(community.rule_profile).settings.revote


def current_ballot(session_id: int, roll_entry_id: int) -> Ballot | None:
    return db.session.execute(
        select(Ballot).where(Ballot.session_id == session_id, Ballot.roll_entry_id == roll_entry_id, Ballot.superseded_at.is_(None))
    ).scalar_one_or_none()


def cast_ballot(token: str, choices: Choices, *, ip: str, now: datetime, letter: LetterRef | None = None) -> Ballot:
    """Cast the voter's ballot with a letter; every item left blank is an abstention.

    One current ballot per voter is the database's unique index: of two racing
    casts exactly one lands, and the other is told the voter has voted. A form
    naming an unknown item or choice is refused and audited as tampering.
    ``letter``, when the caller has just looked it up by ``token``, saves a query.
    """
    letter = letter or find_letter(token)
    if letter is None or letter.locked_at is not None:
        raise RuleViolation("letter", str(_l("This voting letter is not valid.")))
    prepared = _prepare_cast(letter, choices, now=now)
    try:
        with db.write() as s:
            return _cast(s, prepared, ip=ip, now=now)
    except IntegrityError:
        # Another cast for the same voter landed first.
        raise RuleViolation("ballot", str(_l("A ballot has already been cast for these units; it cannot be changed."))) from None


@dataclass(frozen=True)
class Voter:
    """A roll entry's weights, as a ballot's rows and bulletin entry carry them."""

    id: int
    area_centi: int
    heads: int


@dataclass(frozen=True)
class _PreparedCast:
    """What a cast reads that cannot change while voting is open: read before the write lock, so the lock is held briefly."""

    letter_id: int
    session_id: int
    session_public_id: str
    voter: Voter
    choices: Choices | None  # None: the form named an item or choice the ballot does not offer
    revote: bool
    scope: dict[str, int]
    actor: Actor
    channel: Channel
    pseudonym: str  # the voter's name on the bulletin


# The cast's statements, built once: building one costs more than running it, and every cast runs them.
_sessions, _communities, _roll = AssemblySession.__table__, Community.__table__, RollEntry.__table__
_ballots, _ballot_choices, _ballot_approvals = Ballot.__table__, BallotChoice.__table__, BallotApproval.__table__
_CAST_READ = (
    select(
        _sessions.c.public_id,
        _sessions.c.state,
        _sessions.c.opens_at,
        _sessions.c.closes_at,
        _sessions.c.announced_at,
        _communities.c.id,
        _communities.c.street_office_id,
        _communities.c.rule_profile,
        _roll.c.area_centi,
        _roll.c.heads,
    )
    .join(_communities, _communities.c.id == _sessions.c.community_id)
    .join(_roll, _roll.c.session_id == _sessions.c.id)
    .where(_sessions.c.id == bindparam("session_id"), _roll.c.id == bindparam("roll_entry_id"))
)
_CURRENT_BALLOT_ID = select(_ballots.c.id).where(
    _ballots.c.session_id == bindparam("session_id"),
    _ballots.c.roll_entry_id == bindparam("roll_entry_id"),
    _ballots.c.superseded_at.is_(None),
)
_INSERT_BALLOT = insert(_ballots).returning(_ballots.c.id)
_INSERT_CHOICES = insert(_ballot_choices)
_INSERT_APPROVALS = insert(_ballot_approvals)


def _prepare_cast(letter: LetterRef, choices: Choices, *, now: datetime) -> _PreparedCast:
    # One read for the session, its community and the voter's roll entry, instead of one per object.
    params = {"session_id": letter.session_id, "roll_entry_id": letter.roll_entry_id}
    row = db.session.connection().execute(_CAST_READ, params).one()
    state = row.state
    if state_at(state, row.opens_at, row.closes_at, now) is not state:
        state = sync_state(letter.session_id, now=now)  # the clock moved it: record that first
    if state_at(state, row.opens_at, row.closes_at, now) is not SessionState.OPEN:
        raise RuleViolation("state", str(_l("Voting is not open for this session.")))
    items = announced_items(row.public_id, row.announced_at)
    if items is None:
        session = db.session.get(AssemblySession, letter.session_id)
        assert session is not None
        items = session_items(session)
    try:
        complete: Choices | None = complete_against(items, choices)
    except BallotTampered:
        complete = None
    return _PreparedCast(
        letter_id=letter.id,
        session_id=letter.session_id,
        session_public_id=row.public_id,
        voter=Voter(letter.roll_entry_id, row.area_centi, row.heads),
        choices=complete,
        revote=get_profile(row.rule_profile).settings.revote,
        scope={"community_id": row.id, "street_office_id": row.street_office_id},
        actor=OWNER if letter.proxy_id is None else PROXY,
        channel=Channel.ONLINE if letter.proxy_id is None else Channel.PROXY,
        pseudonym=bulletin.voter_pseudonym(row.public_id, letter.roll_entry_id),
    )


def _cast(s: Session, p: _PreparedCast, *, ip: str, now: datetime) -> Ballot:
    if p.choices is None:
        tampered = RuleViolation("choices", str(_l("The ballot form was changed; please open your letter again.")))
        refuse(s, p.actor, "ballot.tampered", "letter", p.letter_id, tampered, **p.scope, data={"ip": ip}, now=now)
    head = bulletin.lock_head(s, p.session_id)  # first, so every cast of the session queues here; refuses a sealed chain
    existing = s.connection().execute(_CURRENT_BALLOT_ID, {"session_id": p.session_id, "roll_entry_id": p.voter.id}).scalar_one_or_none()
    if existing is not None:
        if not p.revote:
            voted = RuleViolation("ballot", str(_l("A ballot has already been cast for these units; it cannot be changed.")))
            refuse(s, p.actor, "ballot.duplicate", "letter", p.letter_id, voted, **p.scope, data={"ip": ip, "ballot": existing}, now=now)
        # Revoting allowed: the old ballot is kept, superseded, and no longer counted.
        s.execute(update(Ballot).where(Ballot.id == existing).values(superseded_at=now))
        s.execute(delete(BallotChoice).where(BallotChoice.ballot_id == existing))
        s.execute(delete(BallotApproval).where(BallotApproval.ballot_id == existing))
    ballot = _insert_ballot(
        s, head, p.session_id, p.session_public_id, p.voter, p.choices, p.channel, p.letter_id, now,
        supersedes=existing, pseudonym=p.pseudonym,
    )  # fmt: skip
    data = {"session": p.session_public_id, "letter": p.letter_id, "supersedes": existing}
    record(s, p.actor, "ballot.cast", "ballot", ballot.id, **p.scope, now=now, data=data)
    return ballot


class BallotTampered(Exception):
    """The submitted choices name an item, choice or candidate the session's ballot does not offer."""


Choices = dict[str, Any]  # item id -> "agree" | "disagree" | "abstain", or a list of candidate ids


def complete_choices(s: Session, session: AssemblySession, choices: Choices) -> Choices:
    """Every item of the session with its choice; blank items abstain, an empty approval list too.

    Raises BallotTampered for anything the form could not have sent, and a
    RuleViolation naming the item when more candidates are approved than seats.
    """
    return complete_against(session_items(session, s), choices)


def complete_against(session_items: list[SessionItem], choices: Choices) -> Choices:
    """``complete_choices`` for items already at hand."""
    items = {item.id: item for item in session_items}
    if set(choices) - set(items):
        raise BallotTampered
    complete: Choices = {}
    for item_id, item in items.items():
        choice = choices.get(item_id, "abstain")
        if not item.is_election:
            if choice not in BALLOT_CHOICES:
                raise BallotTampered
            complete[item_id] = choice
            continue
        if choice == "abstain" or choice == []:
            complete[item_id] = "abstain"
            continue
        if not isinstance(choice, list) or any(not isinstance(c, str) for c in choice):
            raise BallotTampered
        known = {c.id for c in item.candidates}
        if set(choice) - known or len(set(choice)) != len(choice):
            raise BallotTampered
        if len(choice) > item.seats:
            raise RuleViolation(
                f"item-{item_id}",
                str(
                    _l(
                        "%(title)s: you approved %(n)d candidates; approve at most %(seats)d.",
                        title=item.title,
                        n=len(choice),
                        seats=item.seats,
                    )
                ),
            )
        complete[item_id] = sorted(choice, key=int)
    return complete


def _insert_ballot(
    s: Session,
    head: bulletin.ChainHead,
    session_id: int,
    session_public_id: str,
    voter: Voter | RollEntry,
    choices: Choices,
    channel: Channel,
    letter_id: int | None,
    now: datetime,
    *,
    supersedes: int | None = None,
    pseudonym: str | None = None,
) -> Ballot:
    """The ballot, its weighted choice rows and its signed bulletin entry; the unique index refuses a second current ballot."""
    row = {
        "session_id": session_id,
        "roll_entry_id": voter.id,
        "letter_id": letter_id,
        "channel": channel,
        "choices": choices,
        "cast_at": now,
    }
    # A plain INSERT … RETURNING inside the write lock: the unit of work would cost more than the statement.
    conn = s.connection()
    ballot_id = conn.execute(_INSERT_BALLOT, row).scalar_one()
    ballot = Ballot(id=ballot_id, **row)  # what the caller reads; not added to the session
    bulletin.append_ballot(s, head, session_public_id, voter, ballot, supersedes, pseudonym_of_voter=pseudonym)
    conn.execute(
        _INSERT_CHOICES,
        [
            {
                "ballot_id": ballot.id,
                "session_id": session_id,
                "item_id": int(item_id),
                "choice": "approve" if isinstance(choice, list) else choice,
                "area_centi": voter.area_centi,
                "heads": voter.heads,
            }
            for item_id, choice in choices.items()
        ],
    )
    approvals = [
        {
            "ballot_id": ballot.id,
            "session_id": session_id,
            "item_id": int(item_id),
            "candidate_id": int(candidate_id),
            "area_centi": voter.area_centi,
            "heads": voter.heads,
        }
        for item_id, choice in choices.items()
        if isinstance(choice, list)
        for candidate_id in choice
    ]
    if approvals:
        conn.execute(_INSERT_APPROVALS, approvals)
    return ballot


def _entry_for_unit(s: Session, session_id: int, unit: str) -> RollEntry:
    for entry in s.execute(select(RollEntry).where(RollEntry.session_id == session_id)).scalars():
        if unit in entry.units:
            return entry
    raise RuleViolation("unit", str(_l('Unit "%(unit)s" is not on the roll of this session.', unit=unit)))


def _open_for_committee(s: Session, actor: Actor, session_id: int, now: datetime) -> tuple[AssemblySession, Community]:
    session, community = _session_for_committee(s, actor, session_id)
    if state_at(session.state, session.opens_at, session.closes_at, now) is not SessionState.OPEN:
        raise RuleViolation("state", str(_l("Voting is not open for this session.")))
    return session, community


def enter_paper_ballot(actor: Actor, session_id: int, *, unit: str, choices: Choices, paper_reference: str, now: datetime) -> PaperBallot:
    """First of two committee members: type in a paper ballot. It does not count until confirmed."""
    paper_reference = paper_reference.strip()
    if not paper_reference or len(paper_reference) > 100:
        raise RuleViolation("paper_reference", str(_l("Give the number printed on the paper ballot.")))
    with db.write() as s:
        session, community = _open_for_committee(s, actor, session_id, now)
        entry = _entry_for_unit(s, session.id, unit.strip())
        try:
            complete = complete_choices(s, session, choices)
        except BallotTampered:
            raise RuleViolation("choices", str(_l("Choose agree, disagree or abstain for each item."))) from None
        existing = _counted_ballot(s, session, entry)
        if existing is not None:
            _refuse_conflict(s, actor, session, community, entry, existing, now=now, reference=paper_reference)
        pending = s.execute(
            select(PaperBallot.id).where(
                PaperBallot.roll_entry_id == entry.id, PaperBallot.confirmed_at.is_(None), PaperBallot.conflict_at.is_(None)
            )
        ).first()
        if pending is not None:
            raise RuleViolation("unit", str(_l("A paper ballot for these units is already waiting for confirmation.")))
        paper = PaperBallot(
            session_id=session.id,
            roll_entry_id=entry.id,
            choices=complete,
            paper_reference=paper_reference,
            entered_by_user_id=actor.user_id,
            entered_at=now,
        )
        s.add(paper)
        s.flush()
        record(
            s,
            actor,
            "paper.enter",
            "paper_ballot",
            paper.id,
            **_scope(community),
            now=now,
            data={"session": session.public_id, "units": entry.units, "reference": paper_reference},
        )
    return paper


def confirm_paper_ballot(actor: Actor, paper_id: int, *, now: datetime) -> Ballot:
    """Second committee member: confirm a paper ballot someone else entered; then it counts."""
    try:
        with db.write() as s:
            paper = s.get(PaperBallot, paper_id, with_for_update=True)
            if paper is None:
                raise NotFound(str(_l("No such paper ballot.")))
            session, community = _open_for_committee(s, actor, paper.session_id, now)
            head = bulletin.lock_head(s, session.id)
            if paper.confirmed_at is not None or paper.conflict_at is not None:
                raise RuleViolation("paper", str(_l("This paper ballot was already dealt with.")))
            if paper.entered_by_user_id is not None and paper.entered_by_user_id == actor.user_id:
                raise RuleViolation("paper", str(_l("A second committee member must confirm the ballot you entered.")))
            entry = s.get(RollEntry, paper.roll_entry_id)
            assert entry is not None
            existing = _counted_ballot(s, session, entry)
            if existing is not None:
                paper.conflict_at = now
                _refuse_conflict(s, actor, session, community, entry, existing, now=now, reference=paper.paper_reference)
            ballot = _insert_ballot(s, head, session.id, session.public_id, entry, dict(paper.choices), Channel.PAPER, None, now)
            paper.confirmed_at, paper.confirmed_by_user_id, paper.ballot_id = now, actor.user_id, ballot.id
            record(
                s,
                actor,
                "paper.confirm",
                "paper_ballot",
                paper.id,
                **_scope(community),
                now=now,
                data={"session": session.public_id, "ballot": ballot.id, "reference": paper.paper_reference},
            )
    except IntegrityError:
        raise RuleViolation("ballot", str(_l("A ballot has already been cast for these units; it cannot be changed."))) from None
    return ballot


def _counted_ballot(s: Session, session: AssemblySession, entry: RollEntry) -> Ballot | None:
    return s.execute(
        select(Ballot).where(Ballot.session_id == session.id, Ballot.roll_entry_id == entry.id, Ballot.superseded_at.is_(None))
    ).scalar_one_or_none()


def _refuse_conflict(
    s: Session,
    actor: Actor,
    session: AssemblySession,
    community: Community,
    entry: RollEntry,
    existing: Ballot,
    *,
    now: datetime,
    reference: str,
) -> NoReturn:
    """A paper ballot for a voter who has one already: the conflict is logged for the street office, and refused."""
    conflict = RuleViolation(
        "unit",
        str(
            _l(
                "These units already have a ballot (%(channel)s); the paper ballot does not count and the conflict is logged.",
                channel=existing.channel.value,
            )
        ),
    )
    data = {"units": entry.units, "paper_reference": reference, "existing_ballot": existing.id, "existing_channel": existing.channel.value}
    refuse(s, actor, "ballot.conflict", "session", session.public_id, conflict, **_scope(community), now=now, data=data)


@dataclass(frozen=True)
class PrintedLetter:
    letter: Letter
    holder: Person
    token: str


def print_letters(actor: Actor, session_id: int, *, building: str, now: datetime) -> list[PrintedLetter]:
    """Every current letter whose units lie in ``building`` ("" for all), for printing; audited."""
    with db.write() as s:
        session, community = _session_for_committee(s, actor, session_id)
        if session.state not in (SessionState.ANNOUNCED, SessionState.OPEN):
            raise RuleViolation("state", str(_l("Letters can be printed from the announcement until voting closes.")))
        rows = s.execute(
            select(Letter, Person)
            .join(Person, Person.id == Letter.person_id)
            .join(RollEntry, RollEntry.id == Letter.roll_entry_id)
            .where(Letter.session_id == session.id, Letter.revoked_at.is_(None))
            .order_by(RollEntry.id, Person.name)
        ).all()
        key = letter_key()
        printed = [
            PrintedLetter(letter, person, token_for(letter.nonce, key))
            for letter, person in rows
            if not building or any(unit.split("-", 1)[0] == building for unit in letter.roll_entry.units)
        ]
        record(
            s,
            actor,
            "letters.print",
            "session",
            session.public_id,
            **_scope(community),
            now=now,
            data={"building": building or None, "letters": len(printed)},
        )
    return printed


@dataclass(frozen=True)
class PastBallot:
    session: AssemblySession
    ballot: Ballot | None


def ballot_history(letter: Letter) -> list[PastBallot]:
    """The same voter's other sessions in the community, newest first, with the ballot each counted."""
    entry = db.session.get(RollEntry, letter.roll_entry_id)
    assert entry is not None
    rows = db.session.execute(
        select(AssemblySession, RollEntry)
        .join(RollEntry, RollEntry.session_id == AssemblySession.id)
        .where(RollEntry.voter_key == entry.voter_key, AssemblySession.id != letter.session_id)
        .order_by(AssemblySession.opens_at.desc())
    ).all()
    return [PastBallot(session, current_ballot(session.id, other.id)) for session, other in rows]
