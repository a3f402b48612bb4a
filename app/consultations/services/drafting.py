"""The committee's side: draft a consultation, open it (its announcement on the board), close it (its summary)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...clock import local_time, start_of_day, today_in_china
from ...communities.models import Community
from ...communities.queries import community_roll
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...domain.numbers import format_area, percent
from ...notices.markup import escape_markdown
from ...notices.models import NoticeKind
from ...notices.services import publish_system_notice
from ...security.actor import CLOCK, Actor
from ...security.permissions import can_consult_owners, require
from ..models import Consultation, ConsultationOption, ConsultationRollLine, ConsultationState
from .common import closing_day, for_committee, is_due, summary

MIN_OPTIONS, MAX_OPTIONS = 2, 10
MAX_DESCRIPTION = 5000


def _checked(title: str, description: str, options: Sequence[str], closes_on: date | None, now: datetime) -> tuple[str, str, list[str]]:
    """The question, its explanation and its options as typed, each refusal naming its field (``options-3``: the fourth row)."""
    title, description = title.strip(), description.strip()
    if not title or len(title) > 200:
        raise RuleViolation("title", str(_l("Write the question, in at most 200 characters.")))
    if len(description) > MAX_DESCRIPTION:
        raise RuleViolation("description", str(_l("The explanation is too long: at most %(max)d characters.", max=MAX_DESCRIPTION)))
    kept: list[str] = []
    seen: dict[str, int] = {}
    for row, typed in enumerate(options):
        label = typed.strip()
        if not label:
            continue
        if len(label) > 200:
            raise RuleViolation(f"options-{row}", str(_l("Option %(n)d is too long: at most 200 characters.", n=row + 1)))
        if label in seen:
            raise RuleViolation(f"options-{row}", str(_l("Option %(n)d repeats option %(m)d.", n=row + 1, m=seen[label] + 1)))
        seen[label] = row
        kept.append(label)
    if len(kept) < MIN_OPTIONS:
        raise RuleViolation("options", str(_l("Give at least %(min)d options to choose from.", min=MIN_OPTIONS)))
    if len(kept) > MAX_OPTIONS:
        raise RuleViolation("options", str(_l("Give at most %(max)d options.", max=MAX_OPTIONS)))
    if closes_on is None:
        raise RuleViolation("closes_on", str(_l("Give the last day on which owners can answer.")))
    if closes_on <= today_in_china(now):
        raise RuleViolation("closes_on", str(_l("The last day to answer must be after today.")))
    return title, description, kept


def _end_of(day: date) -> datetime:
    return start_of_day(day + timedelta(days=1))


def draft_consultation(
    actor: Actor,
    *,
    community_id: int,
    title: str,
    description: str,
    options: Sequence[str],
    closes_on: date | None,
    now: datetime,
    purpose: str = "general",
) -> Consultation:
    """A new draft: the question, its explanation, 2–10 options, and the last day to answer. Nobody else sees it yet."""
    title, description, labels = _checked(title, description, options, closes_on, now)
    with db.write() as s:
        community = s.get(Community, community_id)
        if community is None:
            raise NotFound(str(_l("No such community.")))
        require(can_consult_owners(actor, community))
        consultation = draft_in(
            s, actor, community, title=title, description=description, options=labels, closes_on=closes_on, now=now, purpose=purpose
        )
    return consultation


def draft_in(
    s: Session,
    actor: Actor,
    community: Community,
    *,
    title: str,
    description: str,
    options: Sequence[str],
    closes_on: date | None,
    now: datetime,
    purpose: str,
) -> Consultation:
    """Inside the caller's write, authorized by the caller (a feature asking its own question, such as property
    services' satisfaction survey): the draft, checked and audited as ``draft_consultation`` does."""
    title, description, labels = _checked(title, description, options, closes_on, now)
    assert closes_on is not None
    consultation = Consultation(
        public_id=secrets.token_urlsafe(9),
        community_id=community.id,
        purpose=purpose,
        title=title,
        description=description,
        created_by_user_id=actor.user_id,
        created_at=now,
        closes_at=_end_of(closes_on),
        options=[ConsultationOption(position=i, label=label) for i, label in enumerate(labels)],
    )
    s.add(consultation)
    s.flush()
    data = {"title": title, "options": labels, "closes_on": closes_on.isoformat(), "purpose": purpose}
    record(s, actor, "consultation.draft", "consultation", consultation.public_id, **scope(community), now=now, data=data)
    return consultation


def edit_draft(
    actor: Actor, consultation_id: int, *, title: str, description: str, options: Sequence[str], closes_on: date | None, now: datetime
) -> Consultation:
    """Change a draft's question, explanation, options or last day; once open, it no longer changes."""
    title, description, labels = _checked(title, description, options, closes_on, now)
    assert closes_on is not None
    with db.write() as s:
        consultation, community = for_committee(s, actor, consultation_id)
        if consultation.state is not ConsultationState.DRAFT:
            raise RuleViolation("consultation", str(_l("Only a draft can be changed: this consultation is already open.")))
        consultation.title, consultation.description = title, description
        consultation.closes_at = _end_of(closes_on)
        consultation.options.clear()
        s.flush()
        consultation.options.extend(ConsultationOption(position=i, label=label) for i, label in enumerate(labels))
        data = {"title": title, "options": labels, "closes_on": closes_on.isoformat()}
        record(s, actor, "consultation.edit", "consultation", consultation.public_id, **scope(community), now=now, data=data)
    return consultation


def public_path(community: Community, consultation: Consultation) -> str:
    """The consultation's page on the public board (a path: notices link to it from any host)."""
    return f"/c/{community.slug}/consultations/{consultation.public_id}"


def open_consultation(actor: Actor, consultation_id: int, *, now: datetime) -> Consultation:
    """Open a draft: the register's roll is kept with it, and a notice on the board announces it with its link."""
    with db.write() as s:
        consultation, community = for_committee(s, actor, consultation_id)
        open_in(s, actor, consultation, community, now=now)
    return consultation


def open_in(s: Session, actor: Actor, consultation: Consultation, community: Community, *, now: datetime) -> None:
    """Inside the caller's write, authorized by the caller: open the draft as ``open_consultation`` does."""
    if consultation.state is not ConsultationState.DRAFT:
        raise RuleViolation("consultation", str(_l("This consultation is already open.")))
    if is_due(consultation, now):
        raise RuleViolation("closes_on", str(_l("The last day to answer has passed: set a later one before opening.")))
    roll = community_roll(community.id)
    if not roll.voters:
        raise RuleViolation("consultation", str(_l("The register has no voters yet: import it before consulting the owners.")))
    consultation.state, consultation.opens_at = ConsultationState.OPEN, now
    consultation.roll_sha256, consultation.roll_area_centi, consultation.roll_heads = (
        roll.digest(),
        roll.total_area_centi,
        roll.total_heads,
    )
    lines = [
        {
            "consultation_id": consultation.id,
            "voter_key": v.key,
            "units": list(v.units),
            "area_centi": v.area_centi,
            "heads": v.headcount,
        }
        for v in roll.voters
    ]
    s.execute(insert(ConsultationRollLine), lines)
    with force_locale("zh_CN"):
        title = str(_l("Consultation: %(title)s", title=consultation.title))
        body = _announcement(consultation, community)
    notice = publish_system_notice(s, actor, community, kind=NoticeKind.GENERAL, title=title, body=body, session_id=None, now=now)
    consultation.announcement_notice_id = notice.id
    data = {"roll_sha256": consultation.roll_sha256, "notice": notice.public_id}
    record(s, actor, "consultation.open", "consultation", consultation.public_id, **scope(community), now=now, data=data)


def _announcement(consultation: Consultation, community: Community) -> str:
    parts = [f"**{escape_markdown(consultation.title)}**"]
    if consultation.description:
        parts.append(escape_markdown(consultation.description))
    parts.append("\n".join(f"{o.position + 1}\\. {escape_markdown(o.label)}" for o in consultation.options))
    parts.append(
        " ".join(
            [
                str(_l("Each voter of the roll answers once, from their voting letter or on the board with the register's details.")),
                str(_l("Answers are taken until the end of %(day)s.", day=closing_day(consultation).isoformat())),
                str(_l("The answers do not bind anyone: the committee hears the owners before it decides.")),
            ]
        )
    )
    link = str(_l("Answer the consultation"))
    parts.append(f"[{link}]({public_path(community, consultation)})")
    return "\n\n".join(parts)


def close_consultation(actor: Actor, consultation_id: int, *, now: datetime) -> Consultation:
    """The committee ends an open consultation before its last day; its summary goes on the board."""
    with db.write() as s:
        consultation, community = for_committee(s, actor, consultation_id)
        if consultation.state is not ConsultationState.OPEN:
            raise RuleViolation("consultation", str(_l("Only an open consultation can be closed.")))
        close_now(s, actor, consultation, community, now=now)
    return consultation


def close_now(s: Session, actor: Actor, consultation: Consultation, community: Community, *, now: datetime) -> None:
    """Inside the caller's write: close it and publish its summary on the board."""
    consultation.state, consultation.closed_at = ConsultationState.CLOSED, now
    s.flush()
    with force_locale("zh_CN"):
        title = str(_l("Consultation summary: %(title)s", title=consultation.title))
        body = summary_text(consultation, community, s)
    notice = publish_system_notice(s, actor, community, kind=NoticeKind.GENERAL, title=title, body=body, session_id=None, now=now)
    consultation.summary_notice_id = notice.id
    counts = summary(consultation, s)
    data = {
        "notice": notice.public_id,
        "answers": {str(o.position + 1): {"area": format_area(o.area_centi), "heads": o.heads} for o in counts.options},
    }
    record(s, actor, "consultation.close", "consultation", consultation.public_id, **scope(community), now=now, data=data)


def summary_text(consultation: Consultation, community: Community, s: Session | None = None) -> str:
    """The summary notice: the counts by option, by area and headcount, and the participation; nobody's answer."""
    counts = summary(consultation, s)
    rows = [f"| {escape_markdown(o.label)} | {o.heads} | {format_area(o.area_centi)} |" for o in counts.options]
    head = " | ".join(str(text) for text in (_l("Option"), _l("Owners (headcount)"), _l("Area (m²)")))
    table = "\n".join([f"| {head} |", "| --- | ---: | ---: |", *rows])
    participation = str(
        _l(
            "%(heads)d of %(roll_heads)d voters answered (%(heads_share)s%%), holding %(area)s of %(roll_area)s m² (%(area_share)s%%).",
            heads=counts.heads,
            roll_heads=counts.roll_heads,
            heads_share=percent(counts.heads_share),
            area=format_area(counts.area_centi),
            roll_area=format_area(counts.roll_area_centi),
            area_share=percent(counts.area_share),
        )
    )
    period = str(
        _l(
            "Answers were taken from %(opened)s to %(closed)s.",
            opened=local_time(consultation.opens_at),
            closed=local_time(consultation.closed_at or consultation.closes_at),
        )
    )
    link = str(_l("The consultation"))
    return "\n\n".join(
        [
            f"**{escape_markdown(consultation.title)}**",
            period,
            participation,
            table,
            str(_l("A consultation does not bind anyone; who answered what is not published.")),
            f"[{link}]({public_path(community, consultation)})",
        ]
    )


def sync(consultation_id: int, *, now: datetime) -> ConsultationState | None:
    """Bring one consultation up to the clock: past its last day, it closes (as the clock) and its summary is published."""
    current = db.session.get(Consultation, consultation_id)
    if current is None or current.state is not ConsultationState.OPEN or not is_due(current, now):
        return current.state if current else None
    with db.write() as s:
        consultation = s.get(Consultation, consultation_id, with_for_update=True)
        assert consultation is not None
        if consultation.state is ConsultationState.OPEN and is_due(consultation, now):
            community = s.get(Community, consultation.community_id)
            assert community is not None
            close_now(s, CLOCK, consultation, community, now=now)
        state = consultation.state
    return state


def close_due(now: datetime) -> int:
    """Close every open consultation whose last day has ended (``flask close-due``); how many were closed."""
    due = (
        db.session.execute(select(Consultation.id).where(Consultation.state == ConsultationState.OPEN, Consultation.closes_at <= now))
        .scalars()
        .all()
    )
    return sum(1 for consultation_id in due if sync(consultation_id, now=now) is ConsultationState.CLOSED)
