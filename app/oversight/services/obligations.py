"""Everything a community owes the public, unmet first by due date: its ledgers' statements and its certified decisions."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ...clock import today_in_china
from ...committees import services as committees
from ...communities.models import Community
from ...db import db
from ...domain.rules import get_profile
from ...ledgers.services import statement_obligations
from ...notices.models import Notice, NoticeKind, NoticeState
from ...notices.obligations import Obligation
from ...sessions.models import AssemblySession, Certification, Verdict


def decision_obligations(community: Community) -> list[Obligation]:
    """Every certified session owes its decision notice within the profile's decision_publication_days of the certification."""
    s = db.session()
    days = get_profile(community.rule_profile).settings.decision_publication_days
    certified = s.execute(
        select(AssemblySession, Certification)
        .join(Certification, Certification.session_id == AssemblySession.id)
        .where(AssemblySession.community_id == community.id, Certification.verdict == Verdict.CERTIFIED)
    ).all()
    found = []
    for session, certification in certified:
        decision = (
            s.execute(
                select(Notice)
                .where(Notice.session_id == session.id, Notice.kind == NoticeKind.DECISION)
                .order_by((Notice.state == NoticeState.PUBLISHED).desc(), Notice.id)
            )
            .scalars()
            .first()
        )
        found.append(Obligation("decision", today_in_china(certification.decided_at) + timedelta(days=days), decision, session=session))
    return found


def committee_decision_obligations(community: Community, *, now: datetime) -> list[Obligation]:
    """Every decision the committee passed owes its notice within the profile's decision_publication_days of the vote."""
    return [Obligation("committee_decision", d.due, d.notice, session=d.motion) for d in committees.decisions_of(community, now=now)]


def obligations(community: Community, *, now: datetime) -> list[Obligation]:
    """What the community owes the public, unmet first by due date: statements, the assembly's and the committee's decisions."""
    owed = statement_obligations(community, now=now) + decision_obligations(community) + committee_decision_obligations(community, now=now)
    return sorted(owed, key=lambda o: (o.met, o.due))
