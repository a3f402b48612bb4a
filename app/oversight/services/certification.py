"""Certification of results by the street office.

A verdict needs a fresh TOTP code from the official, is signed with the
server's Ed25519 key over the result's and the bulletin seal's hashes, and,
when it certifies, publishes the result notice and starts the committee's
obligation to publish the decisions (RULES §6: 3 days under cn-national).
"""

from __future__ import annotations

import json
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from flask import current_app
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...accounts.services import confirm_presence
from ...audit.services import record, scope
from ...communities.models import Community
from ...db import Refusal, db
from ...domain.canonical import canonical_json
from ...domain.errors import NotFound, RuleViolation
from ...domain.lifecycle import SessionState, require_transition
from ...domain.objections import blockers
from ...domain.receipts import PublishedKey, b64url, unb64url, utc_stamp
from ...elections.models import Election, ElectionState
from ...notices.models import NoticeKind
from ...notices.services import publish_system_notice
from ...security.actor import Actor
from ...security.keys import signing_keyring
from ...sessions.models import AssemblySession, Certification, Verdict
from ...sessions.services import bulletin, corrections
from ...sessions.services.texts import result_text
from ...voting.services import objections
from .access import office_community
from .review import party_misses


def certification_statement(session: AssemblySession, seal_hash: str, verdict: Verdict, decided_at: datetime) -> bytes:
    """The bytes the verdict is signed over (canonical JSON, as every signature here)."""
    return canonical_json(
        {
            "v": 1,
            "type": "certification",
            "session": session.public_id,
            "result_sha256": session.result_sha256,
            "seal": seal_hash,
            "verdict": verdict.value,
            "decided_at": utc_stamp(decided_at),
        }
    )


def verify_certification(certification: Certification, keys: list[PublishedKey]) -> bool:
    key = next((k for k in keys if k.key_id == certification.key_id and k.genuine), None)
    if key is None:
        return False
    try:
        key.public_key.verify(unb64url(certification.signature), certification.statement.encode())
    except (InvalidSignature, ValueError):
        return False
    return True


def decide(
    actor: Actor,
    session_id: int,
    *,
    verdict: Verdict,
    reasons: str,
    code: str,
    now: datetime,
    acknowledge_party: bool = False,
) -> Certification:
    """Certify or reject a tallied session. Needs a fresh authenticator code; a rejection needs its reasons;
    certifying an election that misses the party target needs the miss acknowledged (RULES §5)."""
    reasons = reasons.strip()
    if verdict is Verdict.REJECTED and not reasons:
        raise RuleViolation("reasons", str(_l("Give the reasons for rejecting the result.")))
    if len(reasons) > 5000:
        raise RuleViolation("reasons", str(_l("At most %(max)d characters.", max=5000)))
    corrections.close_due_windows(now=now, session_id=session_id)  # a window whose time is up: sealed and recounted first
    with db.write() as s:
        session = s.get(AssemblySession, session_id, with_for_update=True)
        if session is None:
            raise NotFound(str(_l("No such session.")))
        community = office_community(s, actor, session.community_id)
        if session.state in (SessionState.CERTIFIED, SessionState.REJECTED):
            raise RuleViolation("state", str(_l("This result has already been decided.")))
        if session.state is not SessionState.TALLIED:
            raise RuleViolation("state", str(_l("Only a counted result can be certified.")))
        if verdict is Verdict.CERTIFIED:
            _refuse_while_objectable(session, now)
        if verdict is Verdict.CERTIFIED and party_misses(session) and not acknowledge_party:
            raise RuleViolation(
                "acknowledge_party", str(_l("The elected committee misses the local party-member target: acknowledge it to certify."))
            )
        if not confirm_presence(s, actor, code, now=now, during="certification"):
            # The wrong code is audited; the refusal keeps that record.
            raise Refusal(RuleViolation("code", str(_l("The code is not valid. Enter the current code from your authenticator app."))))
        certification = record_verdict(s, actor, session, community, verdict, reasons, now)
    return certification


def _refuse_while_objectable(session: AssemblySession, now: datetime) -> None:
    """The preliminary result becomes final only after its objection period, every objection decided and carried out."""
    found = blockers(now, session.objections_until, objections.pending(session.id))
    if found.period_until is not None:
        until = format_datetime(found.period_until, "yyyy-MM-dd HH:mm")
        raise RuleViolation(
            "objections", str(_l("Owners may object to the preliminary result until %(until)s: certify after that.", until=until))
        )
    if found.undecided:
        names = "、".join(found.undecided)
        raise RuleViolation("objections", str(_l("Decide the owners' objections first: %(ids)s.", ids=names)))
    if found.unsettled:
        names = "、".join(found.unsettled)
        raise RuleViolation(
            "objections", str(_l("An upheld objection is still being carried out (the voter's window is open): %(ids)s.", ids=names))
        )


def record_verdict(
    s: Session, actor: Actor, session: AssemblySession, community: Community, verdict: Verdict, reasons: str, now: datetime
) -> Certification:
    corrections.close_all(s, session, now=now)  # a voter's window still open: sealed and recounted before signing
    seal = bulletin.seal_of(s, session.id)
    seal_hash = seal["hash"] if seal else ""
    statement = certification_statement(session, seal_hash, verdict, now)
    ring = signing_keyring(current_app.instance_path, now=now)
    target = SessionState.CERTIFIED if verdict is Verdict.CERTIFIED else SessionState.REJECTED
    require_transition(session.state, target)
    session.state = target
    certification = Certification(
        session_id=session.id,
        verdict=verdict,
        reasons=reasons,
        official_user_id=actor.user_id,
        decided_at=now,
        statement=statement.decode(),
        key_id=ring.current_id,
        signature=b64url(ring.current.sign(statement)),
    )
    if verdict is Verdict.CERTIFIED:
        title, body = result_text(session, key_id=certification.key_id, signature=certification.signature)
        notice = publish_system_notice(s, actor, community, kind=NoticeKind.RESULT, title=title, body=body, session_id=session.id, now=now)
        certification.notice_id = notice.id
    s.add(certification)
    s.flush()
    record(
        s,
        actor,
        f"session.{verdict.value}",
        "session",
        session.public_id,
        **scope(community),
        now=now,
        data={
            "result_sha256": session.result_sha256,
            "seal": seal_hash,
            "reasons": reasons or None,
            "key_id": ring.current_id,
            "party_target_misses": party_misses(session) or None,
        },
    )
    if verdict is Verdict.REJECTED:
        for election in s.execute(select(Election).where(Election.item_id.in_([i.id for i in session.items]))).scalars():
            election.state = ElectionState.FAILED
    return certification


def certification_of(session_id: int) -> Certification | None:
    return db.session.execute(select(Certification).where(Certification.session_id == session_id)).scalar_one_or_none()


def queue(street_office_id: int) -> list[tuple[AssemblySession, Community]]:
    """Tallied sessions of the office's communities, waiting for a verdict, oldest first."""
    rows = db.session.execute(
        select(AssemblySession, Community)
        .join(Community, Community.id == AssemblySession.community_id)
        .where(Community.street_office_id == street_office_id, AssemblySession.state == SessionState.TALLIED)
        .order_by(AssemblySession.tallied_at)
    )
    return [(a, c) for a, c in rows]


def as_json(certification: Certification) -> dict[str, object]:
    return {**json.loads(certification.statement), "key_id": certification.key_id, "sig": certification.signature}
