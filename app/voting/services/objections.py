"""Objections to the count, filed by an owner from their letter and answered by those running the session (RULES §6).

"The ballot on record for my units is not mine" can be said as soon as there
is a ballot; the other kinds once the preliminary result is published, and
every kind only until the objection period ends. The street office decides
each one (``oversight.services.objections``).
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...communities.models import Community
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...domain.lifecycle import SessionState
from ...domain.objections import ObjectionKind, ObjectionStatus, Pending, can_file
from ...notices.services import checked_file, store_file
from ...security.actor import OWNER, Actor
from ...security.permissions import can_run_session, require
from ...sessions.models import AssemblySession, Ballot, Certification, CorrectionWindow, Letter, Verdict
from ...sessions.services.clock import sync_state
from ..models import Objection, ObjectionDocument

MAX_STATEMENT = 2000
MAX_FILES = 3


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def _kind(value: str | ObjectionKind) -> ObjectionKind:
    try:
        return value if isinstance(value, ObjectionKind) else ObjectionKind(value)
    except ValueError:
        raise RuleViolation("kind", str(_l("Choose what is wrong."))) from None


def file_objection(
    letter_id: int, kind: str | ObjectionKind, statement: str, *, files: list[Upload] | None = None, ip: str, now: datetime
) -> Objection:
    """From the owner's phone, with their letter opened: what is wrong, why, and any photos or scans."""
    kind = _kind(kind)
    statement = statement.strip()
    if not statement:
        raise RuleViolation("statement", str(_l("Say briefly what is wrong, for example that you did not vote.")))
    if len(statement) > MAX_STATEMENT:
        raise RuleViolation("statement", str(_l("At most %(max)d characters.", max=MAX_STATEMENT)))
    files = files or []
    if len(files) > MAX_FILES:
        raise RuleViolation("files", str(_l("At most %(max)d files.", max=MAX_FILES)))
    checked = []
    for upload in files:
        try:
            checked.append((checked_file(upload.filename, upload.data), upload.data))
        except RuleViolation as exc:
            raise RuleViolation("files", f"{upload.filename}: {exc.message}") from None
    known = db.session.get(Letter, letter_id)
    if known is not None:
        sync_state(known.session_id, now=now)  # a session whose time is up is closed and counted first
    try:
        with db.write() as s:
            letter = s.get(Letter, letter_id)
            if letter is None or letter.revoked_at is not None:
                raise NotFound(str(_l("Open your voting letter again.")))
            assembly = s.get(AssemblySession, letter.session_id, with_for_update={"key_share": True})
            community = s.get(Community, assembly.community_id) if assembly else None
            assert assembly is not None and community is not None
            _check_period(assembly, kind, now)
            ballot = s.execute(
                select(Ballot).where(
                    Ballot.session_id == letter.session_id, Ballot.roll_entry_id == letter.roll_entry_id, Ballot.superseded_at.is_(None)
                )
            ).scalar_one_or_none()
            if kind is ObjectionKind.NOT_MINE and ballot is None:
                raise RuleViolation("kind", str(_l("No ballot is on record for your units.")))
            objection = Objection(
                public_id=secrets.token_urlsafe(9),
                session_id=assembly.id,
                letter_id=letter.id,
                roll_entry_id=letter.roll_entry_id,
                kind=kind,
                ballot_id=ballot.id if kind is ObjectionKind.NOT_MINE and ballot else None,
                statement=statement,
                filed_at=now,
            )
            s.add(objection)
            s.flush()
            for (name, content_type, digest), content in checked:
                store_file(digest, content)
                s.add(
                    ObjectionDocument(
                        objection_id=objection.id,
                        filename=name,
                        content_type=content_type,
                        size=len(content),
                        sha256=digest,
                        uploaded_at=now,
                    )
                )
            data = {"objection": objection.public_id, "kind": kind.value, "ballot": objection.ballot_id, "files": len(checked), "ip": ip}
            record(s, OWNER, "objection.file", "session", assembly.public_id, **scope(community), now=now, data=data)
    except IntegrityError:
        raise RuleViolation("kind", str(_l("You have already objected on this ground; the street office will answer."))) from None
    return objection


def _check_period(assembly: AssemblySession, kind: ObjectionKind, now: datetime) -> None:
    if assembly.state is SessionState.OPEN and kind is ObjectionKind.NOT_MINE:
        return  # a ballot in my name while voting is still open: say so at once
    if assembly.state is SessionState.TALLIED and can_file(now, assembly.objections_until):
        return
    if assembly.state is SessionState.TALLIED and assembly.objections_until is not None:
        raise RuleViolation(
            "kind", str(_l("The objection period ended on %(until)s.", until=assembly.objections_until.strftime("%Y-%m-%d %H:%M UTC")))
        )
    raise RuleViolation("kind", str(_l("Objections can be made while the preliminary result is published.")))


def answer_objection(actor: Actor, objection_id: int, *, answer: str, now: datetime) -> Objection:
    """Those running the session answer: what they found. The street office then decides."""
    answer = answer.strip()
    if not answer:
        raise RuleViolation("answer", str(_l("Write what you found.")))
    if len(answer) > MAX_STATEMENT:
        raise RuleViolation("answer", str(_l("At most %(max)d characters.", max=MAX_STATEMENT)))
    with db.write() as s:
        objection, assembly, community = objection_for_update(s, objection_id)
        require(can_run_session(actor, community, assembly.convened_by))
        if objection.status not in (ObjectionStatus.FILED, ObjectionStatus.ANSWERED):
            raise RuleViolation("answer", str(_l("The street office has already decided this objection.")))
        objection.answer, objection.answered_by_user_id, objection.answered_at = answer, actor.user_id, now
        objection.status = ObjectionStatus.ANSWERED
        data = {"objection": objection.public_id}
        record(s, actor, "objection.answer", "session", assembly.public_id, **scope(community), now=now, data=data)
    return objection


def objection_for_update(s: Session, objection_id: int) -> tuple[Objection, AssemblySession, Community]:
    """The objection, locked for this transaction, with its session and community."""
    objection = s.get(Objection, objection_id, with_for_update=True)
    if objection is None:
        raise NotFound(str(_l("No such objection.")))
    assembly = s.get(AssemblySession, objection.session_id)
    community = s.get(Community, assembly.community_id) if assembly else None
    assert assembly is not None and community is not None
    return objection, assembly, community


# Reading -----------------------------------------------------------------------------------------


def objection_by_public_id(public_id: str) -> Objection | None:
    return db.session.execute(select(Objection).where(Objection.public_id == public_id)).scalar_one_or_none()


def objections_of_voter(session_id: int, roll_entry_id: int) -> list[Objection]:
    """What the holders of these units objected to, whichever of their letters they used: each shows on every letter."""
    return list(
        db.session.execute(
            select(Objection)
            .where(Objection.session_id == session_id, Objection.roll_entry_id == roll_entry_id)
            .order_by(Objection.filed_at)
        ).scalars()
    )


def objections_of_session(session_id: int) -> list[Objection]:
    return list(db.session.execute(select(Objection).where(Objection.session_id == session_id).order_by(Objection.filed_at)).scalars())


def documents_of(objection_id: int) -> list[ObjectionDocument]:
    return list(
        db.session.execute(
            select(ObjectionDocument).where(ObjectionDocument.objection_id == objection_id).order_by(ObjectionDocument.id)
        ).scalars()
    )


def window_of_objection(objection: Objection) -> CorrectionWindow | None:
    """The window an upheld objection opened for its voter (online or paper), if it did."""
    return db.session.execute(
        select(CorrectionWindow).where(
            CorrectionWindow.session_id == objection.session_id, CorrectionWindow.objection == objection.public_id
        )
    ).scalar_one_or_none()


def settled(objection: Objection) -> bool:
    """Upheld and its outcome carried out: the result rejected, or the voter's window closed."""
    if objection.status is not ObjectionStatus.UPHELD:
        return False
    if objection.order_id is not None or objection.settled_at is not None:
        return True
    window = window_of_objection(objection)
    return window is not None and window.closed_at is not None


def pending(session_id: int) -> list[Pending]:
    """The session's objections as certification sees them (an upheld one whose outcome is done counts as settled)."""
    out = []
    for objection in objections_of_session(session_id):
        status = objection.status
        if status is ObjectionStatus.UPHELD and settled(objection):
            status = ObjectionStatus.SETTLED
        out.append(Pending(objection.public_id, status))
    return out


@dataclass(frozen=True)
class Summary:
    """What anyone sees: how many objections of each kind, and how many are decided; never who made them."""

    total: int
    by_kind: dict[str, int]
    upheld: int
    dismissed: int
    undecided: int


def summary(session_id: int) -> Summary:
    rows = db.session.execute(select(Objection.kind, Objection.status).where(Objection.session_id == session_id)).all()
    kinds = Counter(kind.value for kind, _status in rows)
    statuses = Counter(status for _kind, status in rows)
    return Summary(
        total=len(rows),
        by_kind=dict(sorted(kinds.items())),
        upheld=statuses[ObjectionStatus.UPHELD] + statuses[ObjectionStatus.SETTLED],
        dismissed=statuses[ObjectionStatus.DISMISSED],
        undecided=statuses[ObjectionStatus.FILED] + statuses[ObjectionStatus.ANSWERED],
    )


@dataclass(frozen=True)
class TimelineStep:
    """One step from the count to the final result: ``step`` names it (``labels.TIMELINE_STEPS``), ``when`` it is or was due."""

    step: str  # closed, preliminary, objections_until, decided, rejected or certified
    when: datetime | None
    done: bool


def timeline(assembly: AssemblySession, now: datetime) -> list[TimelineStep]:
    """Closed, preliminary result published, objections until, objections decided, certified (or rejected); [] before the count."""
    if assembly.tallied_at is None:
        return []
    objections = objections_of_session(assembly.id)
    decided = [o.decided_at for o in objections if o.decided_at is not None]
    verdict = db.session.execute(select(Certification).where(Certification.session_id == assembly.id)).scalar_one_or_none()
    steps = [TimelineStep("closed", assembly.closes_at, True), TimelineStep("preliminary", assembly.tallied_at, True)]
    until = assembly.objections_until
    if until is not None and until > assembly.tallied_at:
        steps.append(TimelineStep("objections_until", until, now >= until))
    if objections:
        all_decided = len(decided) == len(objections)
        steps.append(TimelineStep("decided", max(decided) if all_decided else None, all_decided))
    if verdict is not None and verdict.verdict is Verdict.REJECTED:
        steps.append(TimelineStep("rejected", verdict.decided_at, True))
    else:
        steps.append(TimelineStep("certified", verdict.decided_at if verdict else None, verdict is not None))
    return steps
