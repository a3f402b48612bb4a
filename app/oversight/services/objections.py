"""The street office decides owners' objections to a preliminary result, and carries out the upheld ones (RULES §6).

Upheld, "this ballot is not mine" takes the ballot out of the count and gives
the voter a short window to vote again: online, with the letter that cast it
replaced, or on paper entered by two members. Any upheld objection can
instead reject the result, with an order to convene the owners again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...accounts.services import confirm_presence
from ...audit.services import record, scope
from ...clock import today_in_china
from ...communities.models import Community
from ...db import Refusal, db
from ...domain.errors import RuleViolation
from ...domain.lifecycle import SessionState
from ...domain.objections import OUTCOMES, ObjectionStatus, Outcome
from ...orders.models import OrderKind
from ...orders.services import publish_order
from ...security.actor import Actor
from ...sessions.models import AssemblySession, Ballot, Letter, Verdict
from ...sessions.services import corrections
from ...sessions.services.letters import replace_letter
from ...voting.models import Objection
from ...voting.services.objections import objection_for_update
from .access import office_community
from .certification import record_verdict


@dataclass(frozen=True)
class Decided:
    objection: Objection
    token: str | None = None  # the re-issued letter's, for the committee to print and hand over


def decide_objection(
    actor: Actor,
    objection_id: int,
    *,
    upheld: bool,
    reasons: str,
    now: datetime,
    outcome: str | Outcome | None = None,
    code: str = "",
    order_due_on: date | None = None,
) -> Decided:
    """Uphold or dismiss, with reasons; an upheld objection names its outcome, carried out in the same transaction."""
    reasons = reasons.strip()
    if not reasons:
        raise RuleViolation("reasons", str(_l("Give the reasons for your decision.")))
    if len(reasons) > 5000:
        raise RuleViolation("reasons", str(_l("At most %(max)d characters.", max=5000)))
    with db.write() as s:
        objection, assembly, community = objection_for_update(s, objection_id)
        office_community(s, actor, community.id)
        if objection.status not in (ObjectionStatus.FILED, ObjectionStatus.ANSWERED):
            raise RuleViolation("status", str(_l("This objection is already decided.")))
        if assembly.state is not SessionState.TALLIED:
            raise RuleViolation(
                "status", str(_l("Objections are decided once the preliminary result is published, before it is certified."))
            )
        chosen = _outcome(objection, outcome) if upheld else None
        if chosen is Outcome.REJECTED:
            # Checked before anything changes: a refused code keeps only its audit record.
            if order_due_on is None or order_due_on <= today_in_china(now):
                raise RuleViolation("order_due_on", str(_l("Set a deadline after today for the owners to be convened again.")))
            if not confirm_presence(s, actor, code, now=now, during="certification"):
                raise Refusal(RuleViolation("code", str(_l("The code is not valid. Enter the current code from your authenticator app."))))
        objection.decision, objection.decided_by_user_id, objection.decided_at = reasons, actor.user_id, now
        objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
        objection.outcome = chosen
        token = None
        if chosen is Outcome.REJECTED:
            assert order_due_on is not None
            record_verdict(s, actor, assembly, community, Verdict.REJECTED, reasons, now)
            order = publish_order(
                s,
                actor,
                community,
                OrderKind.CONVENE,
                str(_l("Convene the owners again: %(title)s", title=assembly.title)),
                str(_l("The street office upheld an objection to the count and rejected the result: %(reasons)s", reasons=reasons)),
                order_due_on,
                now=now,
                session_id=assembly.id,
            )
            objection.order_id, objection.settled_at = order.id, now
        elif chosen is not None:
            token = _reopen(s, actor, objection, assembly, community, chosen, now)
        data = {"objection": objection.public_id, "upheld": upheld, "outcome": objection.outcome.value if objection.outcome else None}
        record(s, actor, "objection.decide", "session", assembly.public_id, **scope(community), now=now, data=data)
    return Decided(objection, token)


def _outcome(objection: Objection, outcome: str | Outcome | None) -> Outcome:
    allowed = OUTCOMES[objection.kind]
    try:
        chosen = outcome if isinstance(outcome, Outcome) else Outcome(outcome or "")
    except ValueError:
        chosen = None
    if chosen not in allowed:
        raise RuleViolation("outcome", str(_l("Choose what follows from upholding the objection.")))
    return chosen


def _reopen(
    s: Session, actor: Actor, objection: Objection, assembly: AssemblySession, community: Community, chosen: Outcome, now: datetime
) -> str | None:
    """The voter's ballot out of the count and their window open; online, the letter that cast it replaced."""
    ballot = s.get(Ballot, objection.ballot_id) if objection.ballot_id else None
    if ballot is not None and ballot.superseded_at is not None:
        ballot = None  # already out of the count
    channel = "online" if chosen is Outcome.REISSUE else "paper"
    corrections.open_window(
        s,
        actor,
        assembly,
        community,
        roll_entry_id=objection.roll_entry_id,
        voids=ballot,
        channel=channel,
        objection=objection.public_id,
        now=now,
    )
    if chosen is not Outcome.REISSUE or ballot is None or ballot.letter_id is None:
        return None
    used = s.get(Letter, ballot.letter_id, with_for_update=True)
    if used is None or used.revoked_at is not None:
        return None
    # Whoever cast it held that letter: it stops working, and its holder gets a new one to vote with in the window.
    issued = replace_letter(s, used, now=now)
    objection.reissued_letter_id = issued.letter.id
    data = {"replaces": used.id, "objection": objection.public_id}
    record(s, actor, "letter.reissue", "letter", issued.letter.id, **scope(community), data=data, now=now)
    return issued.token


def objections_to_decide(street_office_id: int) -> list[tuple[Objection, AssemblySession]]:
    """The office's communities' objections still waiting for its decision, oldest first."""
    rows = db.session.execute(
        select(Objection, AssemblySession)
        .join(AssemblySession, AssemblySession.id == Objection.session_id)
        .join(Community, Community.id == AssemblySession.community_id)
        .where(
            Community.street_office_id == street_office_id,
            Objection.status.in_([ObjectionStatus.FILED, ObjectionStatus.ANSWERED]),
            # Still to be decided: a result already certified or rejected leaves them moot.
            AssemblySession.state.in_([SessionState.OPEN, SessionState.TALLIED]),
        )
        .order_by(Objection.filed_at)
    )
    return [(o, a) for o, a in rows]
