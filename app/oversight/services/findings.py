"""The negative list (履职负面清单): the street office's findings against committee members and how they end.

Recording a finding suspends the member at once (the committee role is withdrawn) and
publishes it on the community's board. It stands until the office records its outcome:
the assembly removed the member (the first alternate takes the seat), or the finding
was overturned (the suspension is lifted). While it stands nothing else gives the rights back.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...audit.services import record, scope
from ...clock import today_in_china
from ...communities.models import Community, Person
from ...db import db, utcnow
from ...domain.errors import NotFound, RuleViolation
from ...domain.rules import NegativeEntry, get_profile
from ...elections import services as elections
from ...elections.labels import entry_label
from ...elections.models import Committee, Finding, FindingDocument, FindingOutcome, Membership
from ...notices.markup import escape_markdown
from ...notices.models import NoticeKind
from ...notices.services import checked_file, publish_system_notice, store_file
from ...security.actor import Actor
from ...security.permissions import can_judge_conduct, require
from ...sessions.services.authority import deciding_item

findings_in = elections.findings_in  # for the yearly review: findings against a committee's members in a period

MAX_EVIDENCE = 5000
MAX_FILES = 5
SUMMARY_CHARS = 200
# The assembly's matter that removes (replaces) committee members.
REMOVAL_MATTERS = ("cn.elect_committee",)

# What the board never shows of the evidence: ID numbers (18 or 15 digits) and phone numbers (mobile, landline).
# A run of digits, however spaced, dashed or prefixed (+86 138 1234 5678, 110101 19900101 123X, 010-8765-4321).
_DIGIT_RUN = re.compile(r"(?<![\d.,])\+?\d(?:[\s\-]?\d){6,}(?:[\s\-]?[Xx])?(?![\d.,])")
_DATE = re.compile(r"(19|20)\d{2}-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])")


def _personal(match: re.Match[str]) -> str:
    """Mask a phone or ID number; keep a date (2025-03-01, 20250301), which evidence needs and which names nobody."""
    run = match.group(0)
    digits = re.sub(r"[^\dXx]", "", run)
    if len(digits) <= 8 and _DATE.fullmatch(run.replace(" ", "")):
        return run
    return "***"


def mask_personal(text: str) -> str:
    """ID and phone numbers masked: every run of seven or more digits but a date."""
    return _DIGIT_RUN.sub(_personal, text)


def summarise_evidence(text: str) -> str:
    """The evidence as the board shows it: ID and phone numbers masked, cut to a summary."""
    masked = mask_personal(" ".join(text.split()))
    return masked if len(masked) <= SUMMARY_CHARS else masked[: SUMMARY_CHARS - 1] + "…"


def negative_entries(community: Community) -> list[tuple[NegativeEntry, str]]:
    """The community's negative list with each entry's label in the current language."""
    return [(e, entry_label(e)) for e in get_profile(community.rule_profile).settings.negative_list]


def _entry(community: Community, code: str) -> NegativeEntry:
    entry = next((e for e in get_profile(community.rule_profile).settings.negative_list if e.code == code), None)
    if entry is None:
        raise RuleViolation("code", str(_l("Choose an entry of this community's negative list.")))
    return entry


def record_finding(
    actor: Actor,
    *,
    community_id: int,
    membership_id: int,
    code: str,
    evidence: str,
    found_on: date,
    now: datetime,
    files: Sequence[tuple[str, bytes]] = (),
) -> Finding:
    """The office finds that a seated member falls under one entry: suspended at once, and published on the board."""
    evidence = evidence.strip()
    if not evidence:
        raise RuleViolation("evidence", str(_l("Describe the evidence of the finding.")))
    if len(evidence) > MAX_EVIDENCE:
        raise RuleViolation("evidence", str(_l("At most %(max)d characters.", max=MAX_EVIDENCE)))
    if found_on > today_in_china(now):
        raise RuleViolation("found_on", str(_l("The date of the finding cannot be in the future.")))
    if len(files) > MAX_FILES:
        raise RuleViolation("files", str(_l("At most %(max)d files per finding.", max=MAX_FILES)))
    checked = []
    for filename, raw in files:
        try:
            checked.append((*checked_file(filename, raw), raw))
        except RuleViolation as exc:
            raise RuleViolation("files", f"{filename}: {exc.reason}") from exc
    with db.write() as s:
        community = s.get(Community, community_id)
        if community is None:
            raise NotFound(str(_l("No such community.")))
        require(can_judge_conduct(actor, community))
        entry = _entry(community, code)
        committee = elections.current_committee(community.id, s)
        membership = s.get(Membership, membership_id, with_for_update=True)
        if committee is None or membership is None or membership.committee_id != committee.id or not membership.holds_seat:
            raise RuleViolation("membership_id", str(_l("Choose a seated member of this community's committee.")))
        already = s.execute(
            select(Finding.id).where(
                Finding.membership_id == membership.id, Finding.code == entry.code, Finding.outcome == FindingOutcome.STANDING
            )
        ).first()
        if already is not None:
            raise RuleViolation("code", str(_l("A finding of this entry against this member already stands.")))
        elections.suspend_membership(s, membership.id, now=now)
        person = s.get(Person, membership.person_id)
        assert person is not None
        with force_locale("zh_CN"):
            title = str(_l("Negative-list finding: %(name)s, committee member", name=person.name))
            body = "\n\n".join(
                [
                    str(
                        _l(
                            "On %(day)s the street office found that %(name)s, a member of the committee, falls under "
                            "this entry of the negative list: %(entry)s.",
                            day=found_on.isoformat(),
                            name=escape_markdown(person.name),
                            entry=entry_label(entry),
                        )
                    ),
                    str(_l("Evidence (summary): %(summary)s", summary=escape_markdown(summarise_evidence(evidence)))),
                    str(
                        _l(
                            "The member's duties are suspended from today until the finding ends: the owners' assembly may "
                            "remove the member, or the street office may lift the finding."
                        )
                    ),
                ]
            )
        notice = publish_system_notice(s, actor, community, kind=NoticeKind.ORDER, title=title, body=body, session_id=None, now=now)
        finding = Finding(
            public_id=secrets.token_urlsafe(9),
            community_id=community.id,
            committee_id=committee.id,
            membership_id=membership.id,
            code=entry.code,
            limit=entry.limit,
            found_on=found_on,
            evidence=evidence,
            notice_id=notice.id,
            recorded_by_user_id=actor.user_id,
            recorded_at=now,
        )
        s.add(finding)
        s.flush()
        for name, kind, digest, content in checked:
            store_file(digest, content)
            s.add(
                FindingDocument(finding_id=finding.id, filename=name, content_type=kind, size=len(content), sha256=digest, uploaded_at=now)
            )
        data = {
            "finding": finding.public_id,
            "member": membership.id,
            "code": entry.code,
            "limit": entry.limit,
            "found_on": found_on.isoformat(),
            "files": len(checked),
        }
        record(s, actor, "finding.record", "committee", committee.id, **scope(community), now=now, data=data)
    return finding


def decide_finding(
    actor: Actor,
    finding_id: int,
    *,
    outcome: str | FindingOutcome,
    note: str,
    now: datetime,
    item_id: int | None = None,
) -> Finding:
    """How a standing finding ends: "removed" by the assembly item named (the first alternate takes the seat), or "lifted"."""
    try:
        chosen = outcome if isinstance(outcome, FindingOutcome) else FindingOutcome(outcome)
    except ValueError:
        chosen = FindingOutcome.STANDING
    if chosen is FindingOutcome.STANDING:
        raise RuleViolation("outcome", str(_l("Choose removed by the assembly or lifted.")))
    note = note.strip()
    if len(note) > 2000:
        raise RuleViolation("note", str(_l("At most %(max)d characters.", max=2000)))
    if chosen is FindingOutcome.LIFTED and not note:
        raise RuleViolation("note", str(_l("Say why the finding is lifted; the board shows it.")))
    with db.write() as s:
        finding = s.get(Finding, finding_id, with_for_update=True)
        if finding is None:
            raise NotFound(str(_l("No such finding.")))
        community = s.get(Community, finding.community_id)
        assert community is not None
        require(can_judge_conduct(actor, community))
        if not finding.standing:
            raise RuleViolation("outcome", str(_l("This finding has already ended.")))
        membership = s.get(Membership, finding.membership_id, with_for_update=True)
        committee = s.get(Committee, finding.committee_id)
        assert membership is not None and committee is not None
        person = s.get(Person, membership.person_id)
        assert person is not None
        successor = None
        finding.outcome, finding.outcome_note = chosen, note
        finding.decided_by_user_id, finding.decided_at = actor.user_id, now
        with force_locale("zh_CN"):
            entry = entry_label(NegativeEntry(finding.code, finding.limit))
            if chosen is FindingOutcome.REMOVED:
                if item_id is None:
                    raise RuleViolation("item_id", str(_l("Name the certified assembly item that removed the member.")))
                item = deciding_item(s, community.id, item_id, matters=REMOVAL_MATTERS, field="item_id")
                finding.removal_item_id = item.id
                if membership.ended_at is None:
                    reason = str(_l("Removed by the owners' assembly (item %(id)d) after a negative-list finding", id=item.id))
                    successor = elections.end_membership(s, membership, committee, reason=reason, now=now)
                title = str(_l("Committee member removed: %(name)s", name=person.name))
                text = str(
                    _l(
                        "The owners' assembly removed %(name)s from the committee (item %(id)d), following the street office's "
                        "negative-list finding of %(day)s: %(entry)s.",
                        name=escape_markdown(person.name),
                        id=item.id,
                        day=finding.found_on.isoformat(),
                        entry=entry,
                    )
                )
                if successor is not None:
                    next_person = s.get(Person, successor.person_id)
                    text += "\n\n" + str(
                        _l("The first alternate, %(name)s, takes the seat.", name=escape_markdown(next_person.name if next_person else ""))
                    )
            else:
                lifted = elections.lift_suspension(s, membership.id)
                title = str(_l("Negative-list finding lifted: %(name)s", name=person.name))
                text = str(
                    _l(
                        "The street office lifted its negative-list finding of %(day)s against %(name)s (%(entry)s): %(note)s",
                        day=finding.found_on.isoformat(),
                        name=escape_markdown(person.name),
                        entry=entry,
                        note=escape_markdown(mask_personal(note)),
                    )
                )
                text += "\n\n" + (
                    str(_l("The member's duties resume."))
                    if lifted
                    else str(_l("The member stays suspended by another finding or order of the street office."))
                )
            if note and chosen is FindingOutcome.REMOVED:
                text += "\n\n" + escape_markdown(mask_personal(note))
        notice = publish_system_notice(s, actor, community, kind=NoticeKind.ORDER, title=title, body=text, session_id=None, now=now)
        finding.outcome_notice_id = notice.id
        data = {
            "finding": finding.public_id,
            "outcome": chosen.value,
            "item": finding.removal_item_id,
            "successor": successor.id if successor else None,
        }
        record(s, actor, "finding.decide", "committee", committee.id, **scope(community), now=now, data=data)
    return finding


# Reading -----------------------------------------------------------------------------------------


def findings_of(community_id: int) -> list[Finding]:
    """The community's findings, newest first."""
    return list(
        db.session.execute(select(Finding).where(Finding.community_id == community_id).order_by(Finding.found_on.desc(), Finding.id.desc()))
        .scalars()
        .all()
    )


def finding_by_public_id(public_id: str) -> Finding | None:
    return db.session.execute(select(Finding).where(Finding.public_id == public_id)).scalar_one_or_none()


def seated_members(community: Community) -> list[tuple[Membership, Person]]:
    """Who a finding can be made against: the current committee's members holding seats."""
    view = elections.committee_view(community, now=utcnow())
    return list(view.members) if view is not None else []
