"""What the official looks at before deciding a result: the anomalies of a session, and an election's party target."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ...audit.models import AuditEvent
from ...communities.queries import community_roll
from ...db import db
from ...sessions.models import AssemblySession, Ballot, Channel, Letter, PaperBallot


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


def anomalies(assembly: AssemblySession) -> list[Anomaly]:
    """What the official should look at before deciding; each with a count, and the units where that helps."""
    s = db.session()
    found: list[Anomaly] = []
    conflicts = (
        s.execute(select(AuditEvent.data).where(AuditEvent.action == "ballot.conflict", AuditEvent.target_id == assembly.public_id))
        .scalars()
        .all()
    )
    if conflicts:
        units = sorted({unit for data in conflicts for unit in (data or {}).get("units", [])})
        found.append(Anomaly("conflict", len(conflicts), "、".join(units)))
    reissued = s.execute(
        select(func.count()).select_from(Letter).where(Letter.session_id == assembly.id, Letter.revoked_at.is_not(None))
    ).scalar_one()
    if reissued:
        found.append(Anomaly("reissued", reissued))
    late = s.execute(
        select(func.count())
        .select_from(PaperBallot)
        .where(PaperBallot.session_id == assembly.id, PaperBallot.confirmed_at >= assembly.closes_at - timedelta(hours=1))
    ).scalar_one()
    if late:
        found.append(Anomaly("late_paper", late))
    proxies = s.execute(
        select(func.count())
        .select_from(Ballot)
        .where(Ballot.session_id == assembly.id, Ballot.channel == Channel.PROXY, Ballot.superseded_at.is_(None))
    ).scalar_one()
    if proxies:
        found.append(Anomaly("proxy", proxies))
    if community_roll(assembly.community_id).digest() != assembly.roll_sha256:
        found.append(Anomaly("register_changed", 1))
    misses = party_misses(assembly)
    if misses:
        found.append(Anomaly("party_target", len(misses), "；".join(misses)))
    return found


def party_misses(assembly: AssemblySession) -> list[str]:
    """Each elected committee of the result that misses the party target, with its figures."""
    out = []
    for item in (assembly.result or {}).get("items", []):
        check = item.get("party_check") if item.get("kind") == "election" else None
        if check and check.get("met") is False:
            out.append(f"{item['title']}: {check['party_members']}/{check['members']}")
    return out
