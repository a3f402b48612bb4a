"""Owners' complaints and repair requests on the profile's clock (Changzhi: acknowledged within 30 minutes, on site
within 3 hours, resolved within 3 working days): the company's steps, the escalations, the street office's judgement.

The serving company's staff acknowledge, go on site and resolve, in that order, and record the follow-up visit after
the resolution. A step past its deadline escalates to the committee and the street office (``escalate_due``, run by
``flask close-due``); a step done late escalates when it is done, if the clock had not escalated it yet. Filing and
the owner's side are in ``request_filing``.

Every change is one transaction with its audit event and its request event; the text messages it causes are sent
after the commit (``app.sms``), to the owner's contact phone and to the company's.
"""

from __future__ import annotations

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...clock import local_time, today_in_china
from ...communities.models import Community
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...domain.service_clock import STEPS, Step
from ...security.actor import CLOCK, Actor
from ...security.permissions import can_judge_service, is_committee_member, is_preparatory_member, require
from ...sms import Message, send_all
from ..labels import request_step_label
from ..models import (
    Escalation,
    PropertyCompany,
    RequestCategory,
    RequestEvent,
    RequestState,
    ServiceRequest,
)
from .common import require_serving

MAX_TEXT = 2000
MAX_COMMENT = 1000
MAX_NOTE = 2000
# How much of the resolution the owner's text message quotes, on one line; the whole is on the request's page.
SMS_EXCERPT = 60
# A phone number as owners write it: digits, maybe a leading +, spaces or dashes between (0355-1234567).
PHONE = re.compile(r"^\+?[0-9][0-9 -]{3,27}[0-9]$")
OPEN_STATES = (RequestState.FILED, RequestState.ACKNOWLEDGED, RequestState.ON_SITE)

DUE_COLUMN = {Step.ACKNOWLEDGE: "due_acknowledge", Step.ON_SITE: "due_on_site", Step.RESOLVE: "due_resolve"}
DONE_COLUMN = {Step.ACKNOWLEDGE: "acknowledged_at", Step.ON_SITE: "on_site_at", Step.RESOLVE: "resolved_at"}
# The state a step leaves the request in, and the state it must find it in.
AFTER = {Step.ACKNOWLEDGE: RequestState.ACKNOWLEDGED, Step.ON_SITE: RequestState.ON_SITE, Step.RESOLVE: RequestState.RESOLVED}
BEFORE = {Step.ACKNOWLEDGE: RequestState.FILED, Step.ON_SITE: RequestState.ACKNOWLEDGED, Step.RESOLVE: RequestState.ON_SITE}
EVENT = {Step.ACKNOWLEDGE: "acknowledged", Step.ON_SITE: "on_site", Step.RESOLVE: "resolved"}


def due_of(request: ServiceRequest, step: Step) -> datetime:
    due: datetime = getattr(request, DUE_COLUMN[step])
    return due


def done_of(request: ServiceRequest, step: Step) -> datetime | None:
    done: datetime | None = getattr(request, DONE_COLUMN[step])
    return done


def step_status(due: datetime, done: datetime | None, now: datetime) -> str:
    """``on_time`` (done by the deadline, the deadline itself included), ``late`` (done after it), ``overdue`` (not
    done and past it) or ``pending``: the clock's ``missed`` read on the deadlines kept with the request."""
    if done is not None:
        return "on_time" if done <= due else "late"
    return "overdue" if now > due else "pending"


def text_field(value: str | None, field: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(field, str(_l("Required.")))
    if len(value) > limit:
        raise RuleViolation(field, str(_l("At most %(max)d characters.", max=limit)))
    return value


def excerpt(text: str, limit: int = SMS_EXCERPT) -> str:
    """What a text message quotes of what someone typed: one line, at most ``limit`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def short_time(moment: datetime) -> str:
    """A deadline as a text message gives it: local time, without the zone's name."""
    return local_time(moment, named=False)


def load_request(s: Session, public_id: str, *, lock: bool = False) -> ServiceRequest:
    query = select(ServiceRequest).where(ServiceRequest.public_id == public_id)
    request = s.scalars(query.with_for_update() if lock else query).first()
    if request is None:
        raise NotFound(str(_l("No such request.")))
    return request


# ---------------------------------------------------------------- the company's steps


def _escalation(s: Session, request: ServiceRequest, community: Community, step: Step, now: datetime) -> Message:
    """A missed step's escalation row, its event and audit, and the text to the company (sent by the caller)."""
    due = due_of(request, step)
    s.add(Escalation(request_id=request.id, community_id=request.community_id, step=step.value, due_at=due, escalated_at=now))
    request.events.append(RequestEvent(action="escalated", at=now, note=step.value))
    record(
        s,
        CLOCK,
        "request.escalate",
        "property_request",
        request.public_id,
        **scope(community),
        now=now,
        data={"step": step.value, "due": due.isoformat()},
    )
    company = s.get(PropertyCompany, request.company_id)
    words = {"community": community.name, "number": request.public_id, "step": request_step_label(step.value), "due": short_time(due)}
    text = str(
        _l(
            "%(community)s: request %(number)s missed its deadline to %(step)s (%(due)s); "
            "the owners' committee and the street office have been told.",
            **words,
        )
    )
    return Message(company.contact_phone if company else "", text, f"request:{request.public_id}:escalated:{step.value}")


def _escalated_steps(s: Session, request_id: int) -> set[str]:
    return set(s.scalars(select(Escalation.step).where(Escalation.request_id == request_id)))


def _take_step(actor: Actor, public_id: str, step: Step, *, resolution: str = "", now: datetime) -> ServiceRequest:
    messages: list[Message] = []
    with db.write() as s:
        request = load_request(s, public_id, lock=True)
        contract = require_serving(s, actor, request.community_id, today_in_china(now))
        require(contract.company_id == request.company_id)
        if request.state is not BEFORE[step]:
            if done_of(request, step) is not None:
                raise RuleViolation("step", str(_l("This step is recorded already.")))
            first = next(earlier for earlier in STEPS[: STEPS.index(step)] if done_of(request, earlier) is None)
            raise RuleViolation("step", str(_l('Record "%(step)s" first.', step=request_step_label(first.value))))
        community = s.get(Community, request.community_id)
        company = s.get(PropertyCompany, request.company_id)
        assert community is not None and company is not None
        setattr(request, DONE_COLUMN[step], now)
        request.state = AFTER[step]
        if step is Step.RESOLVE:
            request.resolution = resolution
        request.events.append(RequestEvent(action=EVENT[step], at=now, by_user_id=actor.user_id, note=resolution))
        late = now > due_of(request, step)
        record(
            s,
            actor,
            f"request.{step.value}",
            "property_request",
            request.public_id,
            **scope(community),
            now=now,
            data={"late": late},
        )
        if late and step.value not in _escalated_steps(s, request.id):
            messages.append(_escalation(s, request, community, step, now))
        words = {"community": community.name, "number": request.public_id, "company": company.name, "resolution": excerpt(resolution)}
        owner = {
            Step.ACKNOWLEDGE: _l("%(community)s: %(company)s has acknowledged your request %(number)s.", **words),
            Step.ON_SITE: _l("%(community)s: the staff of %(company)s are on site for your request %(number)s.", **words),
            Step.RESOLVE: _l(
                "%(community)s: your request %(number)s is resolved: %(resolution)s "
                "Please rate it with your voting letter or on the community's board.",
                **words,
            ),
        }[step]
        messages.insert(0, Message(request.contact_phone, str(owner), f"request:{request.public_id}:{EVENT[step]}"))
    send_all(messages)
    return request


def acknowledge(actor: Actor, public_id: str, *, now: datetime) -> ServiceRequest:
    """The company acknowledges the request (受理)."""
    return _take_step(actor, public_id, Step.ACKNOWLEDGE, now=now)


def arrive_on_site(actor: Actor, public_id: str, *, now: datetime) -> ServiceRequest:
    """The company's staff are on site (到场)."""
    return _take_step(actor, public_id, Step.ON_SITE, now=now)


def resolve(actor: Actor, public_id: str, *, resolution: str, now: datetime) -> ServiceRequest:
    """The company resolves the request (办结), saying what it did."""
    text = text_field(resolution, "resolution", MAX_NOTE, required=True)
    return _take_step(actor, public_id, Step.RESOLVE, resolution=text, now=now)


def record_follow_up(actor: Actor, public_id: str, *, note: str, now: datetime) -> ServiceRequest:
    """The follow-up visit (回访) after the resolution, once, with what the owner said."""
    text = text_field(note, "note", MAX_NOTE, required=True)
    with db.write() as s:
        request = load_request(s, public_id, lock=True)
        contract = require_serving(s, actor, request.community_id, today_in_china(now))
        require(contract.company_id == request.company_id)
        if request.state not in (RequestState.RESOLVED, RequestState.CLOSED):
            raise RuleViolation("note", str(_l("The follow-up visit comes after the resolution.")))
        if request.follow_up_at is not None:
            raise RuleViolation("note", str(_l("The follow-up visit is recorded already.")))
        request.follow_up_at, request.follow_up_note = now, text
        request.events.append(RequestEvent(action="follow_up", at=now, by_user_id=actor.user_id, note=text))
        community = s.get(Community, request.community_id)
        assert community is not None
        record(s, actor, "request.follow_up", "property_request", request.public_id, **scope(community), now=now)
    return request


# ---------------------------------------------------------------- the clock, the committee and the office


def escalate_due(now: datetime) -> str:
    """Escalate every step past its deadline (``flask close-due``); the report line for the command's output.

    One escalation per request and step, whenever it runs: safe to run every minute. A step exactly at its deadline
    is not late."""
    messages: list[Message] = []
    with db.write() as s:
        for step in STEPS:
            due, done = getattr(ServiceRequest, DUE_COLUMN[step]), getattr(ServiceRequest, DONE_COLUMN[step])
            already = exists().where(Escalation.request_id == ServiceRequest.id, Escalation.step == step.value)
            found = s.scalars(
                select(ServiceRequest)
                .where(ServiceRequest.state.in_(OPEN_STATES), done.is_(None), due < now, ~already)
                .order_by(ServiceRequest.id)
                .with_for_update()
            )
            for request in found:
                community = s.get(Community, request.community_id)
                assert community is not None
                messages.append(_escalation(s, request, community, step, now))
    send_all(messages)
    if not messages:
        return ""
    return str(_l("escalated %(count)d missed step(s) of property-service requests", count=len(messages)))


def _noting(s: Session, escalation_id: int, community_id: int) -> tuple[Escalation, Community]:
    escalation = s.scalars(select(Escalation).where(Escalation.id == escalation_id).with_for_update()).first()
    community = s.get(Community, community_id)
    if escalation is None or community is None or escalation.community_id != community.id:
        raise NotFound(str(_l("No such escalation.")))
    return escalation, community


def note_by_committee(actor: Actor, community_id: int, escalation_id: int, *, now: datetime) -> Escalation:
    """The committee (or the preparatory group) has seen the missed step: it leaves the committee's list."""
    with db.write() as s:
        escalation, community = _noting(s, escalation_id, community_id)
        require(is_committee_member(actor, community.id) or is_preparatory_member(actor, community.id))
        if escalation.noted_by_committee_at is None:
            escalation.noted_by_committee_at = now
            data = {"escalation": escalation.id, "step": escalation.step, "by": "committee"}
            record(
                s,
                actor,
                "request.escalation_noted",
                "property_request",
                escalation.request.public_id,
                **scope(community),
                now=now,
                data=data,
            )
    return escalation


def note_by_office(actor: Actor, community_id: int, escalation_id: int, *, now: datetime) -> Escalation:
    """The street office has seen the missed step: it leaves the office's list."""
    with db.write() as s:
        escalation, community = _noting(s, escalation_id, community_id)
        require(can_judge_service(actor, community))
        if escalation.noted_by_office_at is None:
            escalation.noted_by_office_at = now
            data = {"escalation": escalation.id, "step": escalation.step, "by": "office"}
            record(
                s,
                actor,
                "request.escalation_noted",
                "property_request",
                escalation.request.public_id,
                **scope(community),
                now=now,
                data=data,
            )
    return escalation


def judge_complaint(actor: Actor, public_id: str, *, upheld: bool, now: datetime) -> ServiceRequest:
    """The street office's ledger review: a complaint upheld (founded) or not; an upheld one counts toward the
    company's exit procedure. The office may change its mark; each is on record."""
    with db.write() as s:
        request = load_request(s, public_id, lock=True)
        community = s.get(Community, request.community_id)
        assert community is not None
        require(can_judge_service(actor, community))
        if request.category is not RequestCategory.COMPLAINT:
            raise RuleViolation("upheld", str(_l("Only complaints are upheld or not; a repair request is not judged.")))
        request.upheld, request.upheld_by_user_id, request.upheld_at = upheld, actor.user_id, now
        request.events.append(RequestEvent(action="upheld" if upheld else "not_upheld", at=now, by_user_id=actor.user_id))
        record(s, actor, "request.judge", "property_request", request.public_id, **scope(community), now=now, data={"upheld": upheld})
    return request
