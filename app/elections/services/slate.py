"""The slate: the vetted candidates, its check against the rules, and publishing it on the board."""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...communities.models import Community, Person
from ...db import db
from ...domain import committee as rules
from ...domain.errors import RuleViolation
from ...domain.rules import get_profile
from ...notices.markup import escape_markdown
from ...notices.models import NoticeKind
from ...notices.services import publish_system_notice
from ...security.actor import Actor
from ..models import (
    Candidate,
    CandidateStatus,
    Election,
    ElectionState,
)
from .common import (
    load_election,
    may_run,
)


def approved(election: Election) -> list[Candidate]:
    return [c for c in election.candidates if c.status is CandidateStatus.APPROVED]


def slate_check(election: Election, community: Community) -> rules.SlateCheck:
    target = get_profile(community.rule_profile).settings.party_target
    return rules.slate_check(target, election.seats, [c.counts_as_party for c in approved(election)])


def not_yet_publishable(election: Election, *, now: datetime) -> list[str]:
    """Why a nominating election's slate cannot be published now, first reason first: none once it can.

    The election's page shows these beside its disabled button, and ``publish_slate`` refuses with the first.
    """
    reasons = []
    if now < election.nominations_close_at:
        reasons.append(str(_l("The slate can be published once nominations have closed.")))
    if any(c.status is CandidateStatus.NOMINATED for c in election.candidates):
        reasons.append(str(_l("The street office has not yet vetted every candidate.")))
    elif not approved(election):
        reasons.append(str(_l("No candidate was approved; the election cannot go to the vote.")))
    return reasons


def publish_slate(actor: Actor, election_id: int, *, now: datetime) -> Election:
    """After the nomination period, with every candidate vetted: the slate becomes a public notice."""
    with db.write() as s:
        election, community = load_election(s, election_id, lock=True)
        may_run(actor, community)
        if election.state is not ElectionState.NOMINATING:
            raise RuleViolation("election", str(_l("The slate of this election is already published.")))
        waiting = not_yet_publishable(election, now=now)
        if waiting:
            raise RuleViolation("election", waiting[0])
        title, body = slate_text(s, election, community)
        notice = publish_system_notice(
            s, actor, community, kind=NoticeKind.ELECTION_SLATE, title=title, body=body, session_id=None, now=now
        )
        election.slate_notice_id = notice.id
        election.state = ElectionState.PUBLISHED
        check = slate_check(election, community)
        record(
            s,
            actor,
            "election.publish_slate",
            "election",
            election.public_id,
            **scope(community),
            now=now,
            data={"notice": notice.public_id, "slate": check.as_json()},
        )
    return election


def slate_text(s: Session, election: Election, community: Community) -> tuple[str, str]:
    """The slate notice in Chinese: seats, each approved candidate, and the party check in aggregate."""
    with force_locale("zh_CN"):
        title = str(_l("Candidates: %(title)s", title=election.title))
        lines = [
            str(_l("Members to elect: %(seats)d; alternates: %(alternates)d.", seats=election.seats, alternates=election.alternates)),
            "",
        ]
        for n, candidate in enumerate(approved(election), 1):
            person = s.get(Person, candidate.person_id)
            assert person is not None
            lines.append(f"{n}. {escape_markdown(person.name)}（{candidate.unit}）")
            if candidate.statement:
                lines.append(f"   {escape_markdown(candidate.statement)}")
        check = slate_check(election, community)
        if check.target is not None:
            lines += [
                "",
                str(
                    _l(
                        "Verified party members on the slate: %(party)d; the local target needs at least %(needed)d of %(seats)d members.",
                        party=check.verified_party,
                        needed=check.needed or 0,
                        seats=election.seats,
                    )
                ),
            ]
        lines += ["", str(_l("Each owner approves at most %(seats)d candidates.", seats=election.seats))]
    return title, "\n".join(lines)
