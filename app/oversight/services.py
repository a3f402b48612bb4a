"""Certification of results by the street office, the review's anomaly list, and the office's dashboard.

A verdict needs a fresh TOTP code from the official, is signed with the
server's Ed25519 key over the result's and the bulletin seal's hashes, and,
when it certifies, publishes the result notice and starts the committee's
obligation to publish the decisions (RULES §6: 3 days under cn-national).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

from cryptography.exceptions import InvalidSignature
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..accounts.services import confirm_presence
from ..audit.models import AuditEvent
from ..audit.services import record
from ..clock import today_in_china
from ..communities.models import Community, Person
from ..communities.queries import community_roll
from ..db import Refusal, db
from ..domain.canonical import canonical_json
from ..domain.errors import NotFound, RuleViolation
from ..domain.figures import CommunityFacts, OfficeFigures, office_figures
from ..domain.lifecycle import SessionState, require_transition
from ..domain.receipts import PublishedKey, b64url, unb64url, utc_stamp
from ..domain.rules import get_profile
from ..elections import services as elections
from ..notices.markup import escape_markdown
from ..notices.models import NoticeKind
from ..notices.services import publish_system_notice
from ..orders.models import Order, OrderKind, OrderStatus
from ..orders.services import open_orders, publish_order
from ..security.actor import OWNER, Actor
from ..security.keys import signing_keyring
from ..security.permissions import can_certify, require
from ..sessions import bulletin
from ..sessions.models import AssemblySession, Ballot, Channel, Item, Letter, PaperBallot
from . import petitions
from .models import Certification, Dispute, DisputeStatus, PetitionStatus, Verdict
from .obligations import obligations


@dataclass(frozen=True)
class Anomaly:
    kind: str  # conflict | reissued | late_paper | proxy | register_changed | party_target
    count: int
    detail: str = ""


ANOMALY_LABELS = {
    "conflict": _l("Paper and online ballots for the same units"),
    "reissued": _l("Voting letters re-issued (old tokens revoked)"),
    "late_paper": _l("Paper ballots confirmed in the last hour of voting"),
    "proxy": _l("Ballots cast by proxies"),
    "register_changed": _l("The owner register changed after the roll was frozen"),
    "party_target": _l("An elected committee misses the local party-member target (acknowledge it to certify)"),
}


def anomalies(session: AssemblySession) -> list[Anomaly]:
    """What the official should look at before deciding; each with a count, and the units where that helps."""
    s = db.session()
    found: list[Anomaly] = []
    conflicts = (
        s.execute(select(AuditEvent.data).where(AuditEvent.action == "ballot.conflict", AuditEvent.target_id == session.public_id))
        .scalars()
        .all()
    )
    if conflicts:
        units = sorted({unit for data in conflicts for unit in (data or {}).get("units", [])})
        found.append(Anomaly("conflict", len(conflicts), "、".join(units)))
    reissued = s.execute(
        select(func.count()).select_from(Letter).where(Letter.session_id == session.id, Letter.revoked_at.is_not(None))
    ).scalar_one()
    if reissued:
        found.append(Anomaly("reissued", reissued))
    late = s.execute(
        select(func.count())
        .select_from(PaperBallot)
        .where(PaperBallot.session_id == session.id, PaperBallot.confirmed_at >= session.closes_at - timedelta(hours=1))
    ).scalar_one()
    if late:
        found.append(Anomaly("late_paper", late))
    proxies = s.execute(
        select(func.count())
        .select_from(Ballot)
        .where(Ballot.session_id == session.id, Ballot.channel == Channel.PROXY, Ballot.superseded_at.is_(None))
    ).scalar_one()
    if proxies:
        found.append(Anomaly("proxy", proxies))
    if community_roll(session.community_id).digest() != session.roll_sha256:
        found.append(Anomaly("register_changed", 1))
    misses = party_misses(session)
    if misses:
        found.append(Anomaly("party_target", len(misses), "；".join(misses)))
    return found


def party_misses(session: AssemblySession) -> list[str]:
    """Each elected committee of the result that misses the party target, with its figures."""
    out = []
    for item in (session.result or {}).get("items", []):
        check = item.get("party_check") if item.get("kind") == "election" else None
        if check and check.get("met") is False:
            out.append(f"{item['title']}: {check['party_members']}/{check['members']}")
    return out


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


def _office_community(s: Session, actor: Actor, community_id: int) -> Community:
    """The community an office action concerns; only an official of its street office may act."""
    community = s.get(Community, community_id)
    assert community is not None
    require(can_certify(actor, community))
    return community


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
    with db.write() as s:
        session = s.get(AssemblySession, session_id, with_for_update=True)
        if session is None:
            raise NotFound(str(_l("No such session.")))
        community = _office_community(s, actor, session.community_id)
        if session.state in (SessionState.CERTIFIED, SessionState.REJECTED):
            raise RuleViolation("state", str(_l("This result has already been decided.")))
        if session.state is not SessionState.TALLIED:
            raise RuleViolation("state", str(_l("Only a counted result can be certified.")))
        if verdict is Verdict.CERTIFIED and party_misses(session) and not acknowledge_party:
            raise RuleViolation(
                "acknowledge_party", str(_l("The elected committee misses the local party-member target: acknowledge it to certify."))
            )
        if not confirm_presence(s, actor, code, now=now, during="certification"):
            # The wrong code is audited; the refusal keeps that record.
            raise Refusal(RuleViolation("code", str(_l("The code is not valid. Enter the current code from your authenticator app."))))
        certification = _record_verdict(s, actor, session, community, verdict, reasons, now)
    return certification


def _record_verdict(
    s: Session, actor: Actor, session: AssemblySession, community: Community, verdict: Verdict, reasons: str, now: datetime
) -> Certification:
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
        title, body = result_text(session, certification)
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
        community_id=community.id,
        street_office_id=community.street_office_id,
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
        from ..elections.models import Election, ElectionState

        for election in s.execute(select(Election).where(Election.item_id.in_([i.id for i in session.items]))).scalars():
            election.state = ElectionState.FAILED
    return certification


def result_text(session: AssemblySession, certification: Certification) -> tuple[str, str]:
    """The result notice in Chinese: each item's outcome and figures, and the certification's signature."""
    result = session.result or {}
    with force_locale("zh_CN"):
        outcomes = {"passed": str(_l("Passed")), "rejected": str(_l("Not passed")), "no_quorum": str(_l("No quorum: not decided"))}
        title = str(_l("Voting result: %(title)s", title=session.title))
        lines = [
            str(_l("%(num)d ballots counted. The street office certified the result.", num=result.get("ballots", 0))),
        ]
        for item in result.get("items", []):
            if item.get("kind") == "election":
                lines += ["", f"### {item['position']}. {escape_markdown(item['title'])}", "", *election_lines(item)]
                continue
            agree, part = item["agree"], item["participating"]
            lines += [
                "",
                f"### {item['position']}. {escape_markdown(item['title'])}",
                "",
                f"**{outcomes[item['outcome']]}**",
                "",
                str(
                    _l(
                        "Voted: %(area)s m², %(heads)d owners. Agreed: %(agree_area)s m², %(agree_heads)d owners.",
                        area=part["area"],
                        heads=part["heads"],
                        agree_area=agree["area"],
                        agree_heads=agree["heads"],
                    )
                ),
            ]
        lines += [
            "",
            str(
                _l("Every figure and its reasons, the bulletin board and the recount: [%(path)s](%(path)s)", path=f"/s/{session.public_id}")
            ),
            "",
            str(_l("Certification signed with key %(key)s: `%(sig)s`", key=certification.key_id, sig=certification.signature)),
        ]
    return title, "\n".join(lines)


def candidate_names(ids: list[str]) -> dict[str, str]:
    from ..elections.models import Candidate

    rows = db.session.execute(
        select(Candidate.id, Person.name).join(Person, Person.id == Candidate.person_id).where(Candidate.id.in_([int(i) for i in ids]))
    ).all()
    return {str(candidate_id): name for candidate_id, name in rows}


def election_lines(item: dict[str, Any]) -> list[str]:
    """An election's outcome in the result notice (called under the Chinese locale): who, and the party check."""
    names = candidate_names([c["id"] for c in item["candidates"]])
    named = lambda ids: "、".join(escape_markdown(names.get(i, i)) for i in ids) or "—"  # noqa: E731
    check = item["party_check"]
    lines = [
        str(_l("Elected: %(names)s.", names=named(item["elected"]))),
        "",
        str(_l("Alternates: %(names)s.", names=named(item["alternates"]))),
    ]
    if item["tie"]:
        lines += ["", str(_l("Tied for the last places, to be decided by a runoff: %(names)s.", names=named(item["tie"])))]
    lines += [
        "",
        str(_l("The committee is formed.")) if item["committee_formed"] else str(_l("No committee is formed yet.")),
        "",
        str(_l("Party members among those elected: %(party)d of %(members)d", party=check["party_members"], members=check["members"])),
    ]
    return lines


def decision_text(session: AssemblySession) -> tuple[str, str]:
    """A draft of the decisions (决定公告) of a certified session: the items that passed, in full."""
    result = {item["id"]: item for item in (session.result or {}).get("items", [])}
    with force_locale("zh_CN"):
        title = str(_l("Decisions of the owners' assembly: %(title)s", title=session.title))
        lines = [str(_l("The owners' assembly decided the following; the street office certified the result."))]
        for item in session.items:
            decided = result.get(str(item.id), {})
            if decided.get("kind") == "election" and decided.get("elected"):
                lines += ["", f"### {item.position}. {escape_markdown(item.title)}", "", *election_lines(decided)]
            if decided.get("outcome") == "passed":
                lines += ["", f"### {item.position}. {escape_markdown(item.title)}"]
                if item.body:
                    lines += ["", escape_markdown(item.body)]
        lines += ["", str(_l("The result and its figures: [%(path)s](%(path)s)", path=f"/s/{session.public_id}"))]
    return title, "\n".join(lines)


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


@dataclass(frozen=True)
class CommunityRow:
    community: Community
    open_sessions: int
    awaiting: int
    due: int
    overdue: int
    met: int
    met_on_time: int
    orders: int
    orders_overdue: int
    committee: elections.CommitteeView | None
    elections: int  # under way: nominating, on the slate, on a ballot, or counted and not yet seated
    petitions: list[petitions.Progress]  # collecting signatures

    @property
    def committee_kind(self) -> str:
        return "none" if self.committee is None else self.committee.committee.kind.value

    @property
    def flags(self) -> list[str]:
        """What needs the office's attention, as codes the page and the CSV share."""
        out = []
        view = self.committee
        if view is None:
            out.append("no_committee")
        else:
            out += view.term.flags
            if view.suspended:
                out.append("suspended")
            if view.committee.reelection_ordered_at is not None:
                out.append("reelection_ordered")
            if view.party_target_met is False:
                out.append("party_target_missed")
        if self.awaiting:
            out.append("awaiting_certification")
        if self.overdue:
            out.append("publication_overdue")
        if self.orders_overdue:
            out.append("order_overdue")
        if any(p.reached or p.measure.nearness >= NEAR_THRESHOLD for p in self.petitions):
            out.append("petition_near")
        return out

    def facts(self) -> CommunityFacts:
        owners = self.committee is not None and self.committee.committee.kind.value == "owners"
        return CommunityFacts(
            owners_committee=owners,
            party_target_met=self.committee.party_target_met if owners and self.committee else None,
            publications_met=self.met_on_time,
            publications_late=self.overdue + (self.met - self.met_on_time),
        )


# A petition with three quarters of the signatures it needs (on its slower measure) is flagged.
NEAR_THRESHOLD = Fraction(3, 4)


def dashboard(street_office_id: int, *, now: datetime) -> list[CommunityRow]:
    s = db.session()
    today = today_in_china(now)
    rows = []
    for community in s.execute(select(Community).where(Community.street_office_id == street_office_id).order_by(Community.name)).scalars():
        states = dict(
            s.execute(
                select(AssemblySession.state, func.count())
                .where(AssemblySession.community_id == community.id)
                .group_by(AssemblySession.state)
            ).all()
        )
        owed = obligations(community, now=now)
        pending = open_orders(community.id)
        rows.append(
            CommunityRow(
                community=community,
                open_sessions=states.get(SessionState.OPEN, 0) + states.get(SessionState.ANNOUNCED, 0),
                awaiting=states.get(SessionState.TALLIED, 0),
                due=sum(1 for o in owed if not o.met),
                overdue=sum(1 for o in owed if o.overdue(today)),
                met=sum(1 for o in owed if o.met),
                met_on_time=sum(1 for o in owed if o.met_on_time),
                orders=len(pending),
                orders_overdue=sum(1 for o in pending if o.overdue(today)),
                committee=elections.committee_view(community, now=now),
                elections=elections.open_elections_count(community.id),
                petitions=[
                    petitions.progress_of(p)
                    for p in petitions.petitions_of_community(community.id)
                    if petitions.petition_status(p, now) is PetitionStatus.OPEN
                ],
            )
        )
    return rows


def figures(rows: list[CommunityRow]) -> OfficeFigures:
    return office_figures([r.facts() for r in rows])


def decision_days(community: Community) -> int:
    return get_profile(community.rule_profile).settings.decision_publication_days


def as_json(certification: Certification) -> dict[str, object]:
    return {**json.loads(certification.statement), "key_id": certification.key_id, "sig": certification.signature}


# Orders ------------------------------------------------------------------------------------------

def issue_order(
    actor: Actor,
    *,
    community_id: int,
    kind: OrderKind,
    subject: str,
    body: str,
    due_on: date | None,
    now: datetime,
    item_id: int | None = None,
    member: str = "",
) -> Order:
    """An order with its deadline, published on the community's board at once.

    A revocation marks the item revoked; a suspension takes the member's rights
    at once; a re-election order marks the committee and opens an election the
    street office runs, with nominations until the deadline.
    """
    subject, body = subject.strip(), body.strip()
    if not subject or len(subject) > 150:
        raise RuleViolation("subject", str(_l("Give the order a subject of at most 150 characters.")))
    if not body:
        raise RuleViolation("body", str(_l("Write what the committee must do, and why.")))
    with db.write() as s:
        community = s.get(Community, community_id)
        if community is None:
            raise NotFound(str(_l("No such community.")))
        require(can_certify(actor, community))
        if due_on is None or due_on <= today_in_china(now):
            raise RuleViolation("due_on", str(_l("Set a deadline after today.")))
        item = None
        effects: dict[str, int | None] = {}
        if kind is OrderKind.REVOKE:
            item = _revocable_item(s, community, item_id)
            item.revoked_at = now
        elif kind is OrderKind.SUSPEND:
            effects["membership_id"] = elections.suspend_member(s, community, member, now=now)
        elif kind is OrderKind.REELECT:
            effects["committee_id"], effects["election_id"] = elections.order_reelection(s, actor, community, subject, due_on, now=now)
        where = {"item_id": item.id, "session_id": item.session_id} if item is not None else {}
        order = publish_order(s, actor, community, kind, subject, body, due_on, now=now, **where, **effects)
    return order


def _revocable_item(s: Session, community: Community, item_id: int | None) -> Item:
    item = s.get(Item, item_id) if item_id is not None else None
    session = s.get(AssemblySession, item.session_id) if item else None
    if item is None or session is None or session.community_id != community.id:
        raise RuleViolation("item_id", str(_l("Choose the item of this community whose decision is revoked.")))
    if session.state is not SessionState.CERTIFIED:
        raise RuleViolation("item_id", str(_l("Only a certified decision can be revoked.")))
    if item.revoked_at is not None:
        raise RuleViolation("item_id", str(_l("This decision is already revoked.")))
    return item


def close_order(actor: Actor, order_id: int, *, status: OrderStatus, note: str, now: datetime) -> Order:
    """The office records that the committee complied, or withdraws the order."""
    if status is OrderStatus.OPEN:
        raise RuleViolation("status", str(_l("Choose complied or withdrawn.")))
    with db.write() as s:
        order = s.get(Order, order_id, with_for_update=True)
        if order is None:
            raise NotFound(str(_l("No such order.")))
        community = _office_community(s, actor, order.community_id)
        if order.status is not OrderStatus.OPEN:
            raise RuleViolation("status", str(_l("This order is already closed.")))
        order.status, order.closed_at, order.closed_by_user_id, order.closing_note = status, now, actor.user_id, note.strip()
        if order.kind is OrderKind.SUSPEND and status is OrderStatus.WITHDRAWN and order.membership_id is not None:
            elections.lift_suspension(s, order.membership_id)
        record(
            s,
            actor,
            f"order.{status.value}",
            "order",
            order.public_id,
            community_id=community.id,
            street_office_id=community.street_office_id,
            now=now,
            data={"note": order.closing_note or None},
        )
    return order


# Disputes ----------------------------------------------------------------------------------------


def file_dispute(letter_id: int, statement: str, *, ip: str, now: datetime) -> Dispute:
    """From the owner's phone, with their letter opened: "the ballot on record for my units is not mine"."""
    statement = statement.strip()
    if not statement:
        raise RuleViolation("statement", str(_l("Say briefly what is wrong, for example that you did not vote.")))
    if len(statement) > 2000:
        raise RuleViolation("statement", str(_l("At most %(max)d characters.", max=2000)))
    try:
        with db.write() as s:
            letter = s.get(Letter, letter_id)
            if letter is None or letter.revoked_at is not None:
                raise NotFound(str(_l("Open your voting letter again.")))
            ballot = s.execute(
                select(Ballot).where(
                    Ballot.session_id == letter.session_id, Ballot.roll_entry_id == letter.roll_entry_id, Ballot.superseded_at.is_(None)
                )
            ).scalar_one_or_none()
            if ballot is None:
                raise RuleViolation("statement", str(_l("No ballot is on record for your units.")))
            session = s.get(AssemblySession, letter.session_id)
            community = s.get(Community, session.community_id) if session else None
            assert session is not None and community is not None
            dispute = Dispute(
                public_id=secrets.token_urlsafe(9),
                session_id=session.id,
                letter_id=letter.id,
                ballot_id=ballot.id,
                statement=statement,
                filed_at=now,
            )
            s.add(dispute)
            s.flush()
            record(
                s,
                OWNER,
                "dispute.file",
                "session",
                session.public_id,
                community_id=community.id,
                street_office_id=community.street_office_id,
                now=now,
                data={"dispute": dispute.public_id, "ballot": ballot.id, "channel": ballot.channel.value, "ip": ip},
            )
    except IntegrityError:
        raise RuleViolation("statement", str(_l("You have already reported this; the street office will answer."))) from None
    return dispute


def resolve_dispute(actor: Actor, dispute_id: int, *, resolution: str, now: datetime) -> Dispute:
    resolution = resolution.strip()
    if not resolution:
        raise RuleViolation("resolution", str(_l("Write what was found and done.")))
    with db.write() as s:
        dispute = s.get(Dispute, dispute_id, with_for_update=True)
        session = s.get(AssemblySession, dispute.session_id) if dispute else None
        if dispute is None or session is None:
            raise NotFound(str(_l("No such dispute.")))
        community = _office_community(s, actor, session.community_id)
        if dispute.status is DisputeStatus.RESOLVED:
            raise RuleViolation("resolution", str(_l("This dispute is already resolved.")))
        dispute.status, dispute.resolution, dispute.resolved_by_user_id, dispute.resolved_at = (
            DisputeStatus.RESOLVED,
            resolution,
            actor.user_id,
            now,
        )
        record(
            s,
            actor,
            "dispute.resolve",
            "session",
            session.public_id,
            community_id=community.id,
            street_office_id=community.street_office_id,
            now=now,
            data={"dispute": dispute.public_id},
        )
    return dispute


@dataclass(frozen=True)
class DisputeView:
    dispute: Dispute
    units: list[str]
    channel: str


def disputes_of_session(session_id: int) -> list[DisputeView]:
    rows = db.session.execute(
        select(Dispute, Letter, Ballot)
        .join(Letter, Letter.id == Dispute.letter_id)
        .join(Ballot, Ballot.id == Dispute.ballot_id)
        .where(Dispute.session_id == session_id)
        .order_by(Dispute.filed_at)
    )
    return [DisputeView(d, list(letter.roll_entry.units), b.channel.value) for d, letter, b in rows]


def dispute_of_letter(letter_id: int) -> Dispute | None:
    return db.session.execute(select(Dispute).where(Dispute.letter_id == letter_id)).scalar_one_or_none()


def open_disputes(street_office_id: int) -> list[tuple[Dispute, AssemblySession, Community]]:
    rows = db.session.execute(
        select(Dispute, AssemblySession, Community)
        .join(AssemblySession, AssemblySession.id == Dispute.session_id)
        .join(Community, Community.id == AssemblySession.community_id)
        .where(Community.street_office_id == street_office_id, Dispute.status == DisputeStatus.OPEN)
        .order_by(Dispute.filed_at)
    )
    return [(d, a, c) for d, a, c in rows]
