"""Emergency use of the maintenance fund (RULES §11; 住宅专项维修资金管理办法 art. 28).

The committee applies (the kind of danger from the profile's list, the works, the
units they serve, the contractor, an estimate); the community's street office
confirms or refuses within the profile's hours, with a fresh authenticator code;
a confirmation is published on the board and the works may start. Costs are
booked against a confirmed application (the ledger's fund booking calls
``confirmed_application`` first); once the works are done the committee publishes
the works and their costs within the profile's days.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ...accounts.models import User
from ...accounts.services import confirm_presence
from ...audit.services import record
from ...audit.services import scope as scope_of
from ...clock import today_in_china, zone
from ...communities.models import Community
from ...communities.scope import resolve_scope
from ...db import Refusal, db
from ...domain.errors import NotFound, RuleViolation
from ...domain.ledger import LedgerKind, format_fen, parse_fen
from ...domain.rules import Settings, get_profile
from ...ledgers.models import EntryDirection, LedgerEntry
from ...notices.models import Attachment, Notice, NoticeKind
from ...notices.services import checked_file, publish_system_notice, store_file
from ...security.actor import Actor
from ...security.permissions import can_confirm_emergency, can_manage_fund, require
from ..labels import emergency_kind_label
from ..models.emergencies import EmergencyApplication, EmergencyState
from .contractors import check_contractor

MIN_WORKS = 10  # characters: a description of the works, not "." or "repair"
MAX_WORKS = 5000
MAX_REASON = 5000
MAX_SCOPE_LABEL = 100  # as an item keeps it
MAX_CONTRACTOR = 200

# The states in which an application is still open, and what it waits for.
OPEN_STATES = (EmergencyState.APPLIED, EmergencyState.CONFIRMED, EmergencyState.COMPLETED)


def settings_of(community: Community) -> Settings:
    return get_profile(community.rule_profile).settings


def _stamp(moment: datetime) -> str:
    """A moment as the board prints it: Beijing time, to the minute."""
    return moment.astimezone(zone()).strftime("%Y-%m-%d %H:%M")


def _community(s: Session, community_id: int) -> Community:
    community = s.get(Community, community_id)
    if community is None:
        raise NotFound(str(_l("No such community.")))
    return community


def _application(s: Session, application_id: int, *, lock: bool = False) -> tuple[EmergencyApplication, Community]:
    application = s.get(EmergencyApplication, application_id, with_for_update=lock)
    if application is None:
        raise NotFound(str(_l("No such emergency application.")))
    return application, _community(s, application.community_id)


# Scope ---------------------------------------------------------------------------------------------------------------


def parse_scope_text(text: str) -> list[str]:
    """What the form's box holds: unit ids or building names separated by commas, spaces or new lines."""
    for separator in ("，", "、", "；", ";", "\n", "\r", "\t"):
        text = text.replace(separator, ",")
    return [part for chunk in text.split(",") for part in chunk.split(" ") if part.strip()]


# Applying ------------------------------------------------------------------------------------------------------------


def _checked_works(works: str) -> str:
    works = (works or "").strip()
    if len(works) < MIN_WORKS:
        raise RuleViolation(
            "works",
            str(_l("Describe the works: what is damaged, where, and what will be done (at least %(min)d characters).", min=MIN_WORKS)),
        )
    if len(works) > MAX_WORKS:
        raise RuleViolation("works", str(_l("At most %(max)d characters.", max=MAX_WORKS)))
    return works


def _checked_estimate(estimate: str) -> int:
    try:
        return parse_fen(estimate)
    except RuleViolation:
        raise RuleViolation("estimate", str(_l("Give the estimate in yuan, greater than zero, such as 12,000.00."))) from None


def apply(
    actor: Actor,
    *,
    community_id: int,
    kind: str,
    works: str,
    scope: list[str],
    scope_label: str,
    contractor: str,
    estimate: str,
    now: datetime,
) -> EmergencyApplication:
    """The committee applies for emergency use; the street office's answer falls due the profile's hours from now."""
    works = _checked_works(works)
    estimate_fen = _checked_estimate(estimate)
    contractor = (contractor or "").strip()
    if len(contractor) > MAX_CONTRACTOR:
        raise RuleViolation("contractor", str(_l("At most %(max)d characters.", max=MAX_CONTRACTOR)))
    scope_label = (scope_label or "").strip()
    if len(scope_label) > MAX_SCOPE_LABEL:
        raise RuleViolation("scope_label", str(_l("At most %(max)d characters.", max=MAX_SCOPE_LABEL)))
    with db.write() as s:
        community = _community(s, community_id)
        require(can_manage_fund(actor, community))
        settings = settings_of(community)
        if kind not in settings.emergency_kinds:
            raise RuleViolation("kind", str(_l("Choose one of the kinds of emergency the rules name.")))
        check_contractor(s, community, contractor, now)
        found = resolve_scope(s, community.id, units=" ".join(scope), label=scope_label)
        units, scope_label = list(found.units), found.label
        application = EmergencyApplication(
            public_id=secrets.token_urlsafe(9),
            community_id=community.id,
            kind=kind,
            works=works,
            scope=units,
            scope_label=scope_label,
            contractor=contractor,
            estimate_fen=estimate_fen,
            state=EmergencyState.APPLIED,
            applied_by_user_id=actor.user_id,
            applied_at=now,
            answer_due_at=now + timedelta(hours=settings.emergency_answer_hours),
            changed_at=now,
        )
        s.add(application)
        s.flush()
        record(
            s,
            actor,
            "emergency.apply",
            "emergency",
            application.public_id,
            **scope_of(community),
            now=now,
            data={
                "kind": kind,
                "units": len(units),
                "estimate_fen": estimate_fen,
                "answer_due_at": application.answer_due_at.isoformat(),
            },
        )
    return application


# The street office's answer ------------------------------------------------------------------------------------------


def _official_name(s: Session, actor: Actor) -> str:
    user = s.get(User, actor.user_id) if actor.user_id is not None else None
    return user.display_name if user is not None else actor.label


def decide(actor: Actor, application_id: int, *, confirm: bool, reason: str, totp_code: str, now: datetime) -> EmergencyApplication:
    """An official of the community's street office confirms or refuses, with a fresh authenticator code.

    A refusal needs its reasons. A confirmation is published on the board at once. An answer after
    ``answer_due_at`` is still taken; how late it came is kept in the audit and shown on the page.
    """
    reason = (reason or "").strip()
    if not confirm and not reason:
        raise RuleViolation("reason", str(_l("Give the reasons for refusing the emergency use.")))
    if len(reason) > MAX_REASON:
        raise RuleViolation("reason", str(_l("At most %(max)d characters.", max=MAX_REASON)))
    with db.write() as s:
        application, community = _application(s, application_id, lock=True)
        require(can_confirm_emergency(actor, community))
        if application.state is not EmergencyState.APPLIED:
            raise RuleViolation("state", str(_l("This application has already been answered.")))
        if not confirm_presence(s, actor, totp_code, now=now, during="emergency"):
            # The wrong code is audited; the refusal keeps that record.
            raise Refusal(RuleViolation("totp_code", str(_l("The code is not valid. Enter the current code from your authenticator app."))))
        application.state = EmergencyState.CONFIRMED if confirm else EmergencyState.REFUSED
        application.decided_by_user_id = actor.user_id
        application.decided_at = now
        application.decision_reason = reason or None
        application.changed_at = now
        late = now > application.answer_due_at
        if confirm:
            official = _official_name(s, actor)
            title, body = _confirmation_text(application, community, official, now)
            publish_system_notice(s, actor, community, kind=NoticeKind.GENERAL, title=title, body=body, session_id=None, now=now)
        record(
            s,
            actor,
            "emergency.confirm" if confirm else "emergency.refuse",
            "emergency",
            application.public_id,
            **scope_of(community),
            now=now,
            data={
                "reason": reason or None,
                "answer_due_at": application.answer_due_at.isoformat(),
                "late_minutes": int((now - application.answer_due_at).total_seconds() // 60) if late else None,
            },
        )
    return application


def _units_served(application: EmergencyApplication) -> str:
    return _("%(label)s (%(num)d units)", label=application.scope_label, num=len(application.scope))


def _confirmation_text(application: EmergencyApplication, community: Community, official: str, now: datetime) -> tuple[str, str]:
    kind = emergency_kind_label(application.kind)
    title = _("Emergency use of the maintenance fund confirmed: %(kind)s", kind=kind)
    lines = [
        _("The street office has confirmed an emergency use of %(community)s's maintenance fund.", community=community.name),
        "",
        "- " + _("Kind of emergency: %(value)s", value=kind),
        "- " + _("Works: %(value)s", value=application.works.replace("\n", "\n  ")),
        "- " + _("Units served: %(value)s", value=_units_served(application)),
        "- " + _("Contractor: %(value)s", value=application.contractor or "—"),
        "- " + _("Estimate: %(value)s", value=f"¥{format_fen(application.estimate_fen)}"),
        "- " + _("Confirmed by: %(value)s", value=official),
        "- " + _("Confirmed at: %(value)s", value=_stamp(now)),
        "",
        _(
            "The works may start. The works, their acceptance and their costs will be published within %(days)d days after the works.",
            days=settings_of(community).emergency_publish_days,
        ),
    ]
    return title, "\n".join(lines)


# After the works -----------------------------------------------------------------------------------------------------


def complete(actor: Actor, application_id: int, *, works_done_on: date, now: datetime) -> EmergencyApplication:
    """The committee records the day the works were done; the works and costs fall due the profile's days after it."""
    with db.write() as s:
        application, community = _application(s, application_id, lock=True)
        require(can_manage_fund(actor, community))
        if application.state is not EmergencyState.CONFIRMED:
            raise RuleViolation("state", str(_l("Only works the street office confirmed can be recorded as done.")))
        today = today_in_china(now)
        decided_on = today_in_china(application.decided_at) if application.decided_at else today
        if works_done_on > today:
            raise RuleViolation("works_done_on", str(_l("The works cannot be done on a day still to come.")))
        if works_done_on < decided_on:
            raise RuleViolation(
                "works_done_on", str(_l("The works were confirmed on %(day)s; they cannot be done before.", day=decided_on.isoformat()))
            )
        application.works_done_on = works_done_on
        application.publish_due_on = works_done_on + timedelta(days=settings_of(community).emergency_publish_days)
        application.state = EmergencyState.COMPLETED
        application.changed_at = now
        record(
            s,
            actor,
            "emergency.complete",
            "emergency",
            application.public_id,
            **scope_of(community),
            now=now,
            data={"works_done_on": works_done_on.isoformat(), "publish_due_on": application.publish_due_on.isoformat()},
        )
    return application


@dataclass(frozen=True)
class AcceptanceFile:
    filename: str
    data: bytes


def costs_of(s: Session, application_id: int) -> list[LedgerEntry]:
    """The fund's entries booked against the application, in the order of their days."""
    return list(
        s.execute(
            select(LedgerEntry)
            .where(LedgerEntry.emergency_id == application_id, LedgerEntry.ledger == LedgerKind.MAINTENANCE_FUND)
            .order_by(LedgerEntry.entry_date, LedgerEntry.id)
        ).scalars()
    )


def booked_fen(s: Session, application_id: int) -> int:
    """What the fund has spent on the application so far: its expenses, less any income booked back against it."""
    signed = case((LedgerEntry.direction == EntryDirection.EXPENSE, LedgerEntry.amount_fen), else_=-LedgerEntry.amount_fen)
    total = s.execute(
        select(func.coalesce(func.sum(signed), 0)).where(
            LedgerEntry.emergency_id == application_id, LedgerEntry.ledger == LedgerKind.MAINTENANCE_FUND
        )
    ).scalar_one()
    return int(total)


def publish(actor: Actor, application_id: int, *, acceptance_file: AcceptanceFile | None = None, now: datetime) -> EmergencyApplication:
    """The committee publishes the works and the costs booked against them, with the acceptance record if there is one."""
    checked = checked_file(acceptance_file.filename, acceptance_file.data) if acceptance_file is not None else None
    with db.write() as s:
        application, community = _application(s, application_id, lock=True)
        require(can_manage_fund(actor, community))
        if application.state is EmergencyState.PUBLISHED:
            raise RuleViolation("state", str(_l("The works and costs of this emergency have already been published.")))
        if application.state is not EmergencyState.COMPLETED:
            raise RuleViolation("state", str(_l("Record the day the works were done first.")))
        entries = costs_of(s, application.id)
        total = booked_fen(s, application.id)
        title, body = _publication_text(application, community, entries, total)
        notice = publish_system_notice(s, actor, community, kind=NoticeKind.GENERAL, title=title, body=body, session_id=None, now=now)
        if checked is not None and acceptance_file is not None:
            name, content_type, digest = checked
            store_file(digest, acceptance_file.data)
            s.add(
                Attachment(
                    notice_id=notice.id,
                    filename=name,
                    content_type=content_type,
                    size=len(acceptance_file.data),
                    sha256=digest,
                    uploaded_at=now,
                )
            )
        application.published_notice_id = notice.id
        application.state = EmergencyState.PUBLISHED
        application.changed_at = now
        late = application.publish_due_on is not None and today_in_china(now) > application.publish_due_on
        record(
            s,
            actor,
            "emergency.publish",
            "emergency",
            application.public_id,
            **scope_of(community),
            now=now,
            data={
                "notice": notice.public_id,
                "entries": len(entries),
                "booked_fen": total,
                "acceptance_sha256": checked[2] if checked else None,
                "late": late or None,
            },
        )
    return application


def _publication_text(application: EmergencyApplication, community: Community, entries: list[LedgerEntry], total: int) -> tuple[str, str]:
    kind = emergency_kind_label(application.kind)
    title = _("Emergency works and their costs: %(kind)s", kind=kind)
    lines = [
        _("The works of an emergency use of %(community)s's maintenance fund, and what they cost.", community=community.name),
        "",
        "- " + _("Kind of emergency: %(value)s", value=kind),
        "- " + _("Works: %(value)s", value=application.works.replace("\n", "\n  ")),
        "- " + _("Units served: %(value)s", value=_units_served(application)),
        "- " + _("Contractor: %(value)s", value=application.contractor or "—"),
        "- " + _("Confirmed by the street office: %(value)s", value=_stamp(application.decided_at) if application.decided_at else "—"),
        "- " + _("Works done on: %(value)s", value=application.works_done_on.isoformat() if application.works_done_on else "—"),
        "- " + _("Estimate: %(value)s", value=f"¥{format_fen(application.estimate_fen)}"),
        "- " + _("Costs booked: %(value)s", value=f"¥{format_fen(total)}"),
        "",
    ]
    if entries:
        lines += [
            f"| {_('Date')} | {_('Payee')} | {_('Voucher')} | {_('Amount (yuan)')} |",
            "| --- | --- | --- | ---: |",
        ]
        for e in entries:
            sign = "" if e.direction is EntryDirection.EXPENSE else "-"
            lines.append(
                f"| {e.entry_date.isoformat()} | {e.counterparty or '—'} | {e.voucher or '—'} | {sign}{format_fen(e.amount_fen)} |"
            )
    else:
        lines.append(_("No cost has been booked against these works."))
    return title, "\n".join(lines)


# What other packages ask --------------------------------------------------------------------------------------------


def confirmed_application(s: Session, community: Community, application_id: int) -> EmergencyApplication:
    """The application a fund cost is booked against, inside the caller's transaction: it must be this community's,
    confirmed by the street office and not yet published; otherwise ``RuleViolation("emergency", why)``."""
    application = s.get(EmergencyApplication, application_id)
    if application is None or application.community_id != community.id:
        raise RuleViolation("emergency", str(_l("There is no such emergency application in this community.")))
    if application.state is EmergencyState.APPLIED:
        raise RuleViolation("emergency", str(_l("The street office has not yet confirmed this emergency application.")))
    if application.state is EmergencyState.REFUSED:
        day = today_in_china(application.decided_at).isoformat() if application.decided_at else "—"
        raise RuleViolation(
            "emergency",
            str(
                _l(
                    "The street office refused this emergency application on %(day)s: %(reason)s",
                    day=day,
                    reason=application.decision_reason or "",
                )
            ),
        )
    if application.state is EmergencyState.PUBLISHED:
        raise RuleViolation("emergency", str(_l("The works and costs of this emergency have already been published.")))
    return application


# Reading -------------------------------------------------------------------------------------------------------------


def for_committee(actor: Actor, community_id: int) -> tuple[Community, list[EmergencyApplication]]:
    """The community's applications, newest first, for its committee (or its street office)."""
    s = db.session()
    community = _community(s, community_id)
    require(can_manage_fund(actor, community) or can_confirm_emergency(actor, community))
    rows = s.execute(
        select(EmergencyApplication)
        .where(EmergencyApplication.community_id == community.id)
        .order_by(EmergencyApplication.applied_at.desc(), EmergencyApplication.id.desc())
    ).scalars()
    return community, list(rows)


def by_public_id(actor: Actor, public_id: str) -> tuple[EmergencyApplication, Community]:
    """One application, for its community's committee and its street office."""
    s = db.session()
    application = s.execute(select(EmergencyApplication).where(EmergencyApplication.public_id == public_id)).scalar_one_or_none()
    if application is None:
        raise NotFound(str(_l("No such emergency application.")))
    community = _community(s, application.community_id)
    require(can_manage_fund(actor, community) or can_confirm_emergency(actor, community))
    return application, community


def user_name(user_id: int | None) -> str:
    if user_id is None:
        return "—"
    user = db.session.get(User, user_id)
    return user.display_name if user is not None else "—"


def public_emergencies(community_id: int) -> list[tuple[EmergencyApplication, int, Notice | None]]:
    """What the board shows of emergency use: every confirmed application, what it has cost so far, and its publication."""
    s = db.session()
    found = s.execute(
        select(EmergencyApplication)
        .where(
            EmergencyApplication.community_id == community_id,
            EmergencyApplication.state.in_([EmergencyState.CONFIRMED, EmergencyState.COMPLETED, EmergencyState.PUBLISHED]),
        )
        .order_by(EmergencyApplication.applied_at.desc())
    ).scalars()
    return [(a, booked_fen(s, a.id), s.get(Notice, a.published_notice_id) if a.published_notice_id else None) for a in found]
