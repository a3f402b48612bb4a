"""The minutes of a held meeting: drafted from its record, signed by the members who attended, fixed once they all
have; a correction is a new version naming the one it supersedes, signed again, and both stay readable."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...clock import local_time
from ...communities.models import Community
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...elections.models import Committee, Membership
from ...notices.markup import escape_markdown
from ...security.actor import Actor
from ..labels import CHOICE_LABELS, MOTION_STATE_LABELS
from ..models import Attendance, Meeting, MeetingState, Minutes, MinutesSignature, MinutesState, MotionVote
from .common import load_meeting, names_of, seat_of

MAX_NOTES = 20_000


def meeting_record(s: Session, meeting: Meeting, committee: Committee) -> str:
    """The meeting's record as the minutes state it, in Chinese: time, place, who attended, each motion with its votes."""
    names = names_of(s, committee)
    roll = list(s.execute(select(Attendance).where(Attendance.meeting_id == meeting.id).order_by(Attendance.membership_id)).scalars())
    present = [names.get(a.membership_id, "?") for a in roll if a.present]
    absent = [names.get(a.membership_id, "?") for a in roll if not a.present]
    with force_locale("zh_CN"):
        facts = [
            str(_l("Time: %(when)s", when=local_time(meeting.starts_at))),
            str(_l("Place: %(place)s", place=escape_markdown(meeting.place))),
            str(_l("Members: %(seats)d seats", seats=committee.seats)),
            str(_l("Present (%(n)d): %(names)s", n=len(present), names="、".join(present) or "—")),
            str(_l("Absent (%(n)d): %(names)s", n=len(absent), names="、".join(absent) or "—")),
        ]
        blocks = [f"**{escape_markdown(meeting.title)}**", "\n".join(f"- {fact}" for fact in facts), str(_l("Agenda:")), meeting.agenda]
        for motion in meeting.motions:
            votes = list(s.execute(select(MotionVote).where(MotionVote.motion_id == motion.id).order_by(MotionVote.id)).scalars())
            by_choice = {
                choice: "、".join(names.get(v.membership_id, "?") for v in votes if v.counts and v.choice == choice) or "—"
                for choice in CHOICE_LABELS
            }
            seats = motion.seats or committee.seats
            count = str(
                _l(
                    "Agree %(agree)d, disagree %(disagree)d, abstain %(abstain)d; %(needed)d of all %(seats)d members must agree.",
                    agree=motion.agree,
                    disagree=motion.disagree,
                    abstain=motion.abstain,
                    needed=seats // 2 + 1,
                    seats=seats,
                )
            )
            result = str(
                _l(
                    "Result: %(state)s (%(share)s of all members agreed).",
                    state=MOTION_STATE_LABELS[motion.state.value],
                    share=f"{motion.agree}/{seats}",
                )
            )
            blocks += [
                "**" + str(_l("Motion %(n)d: %(text)s", n=motion.number, text=escape_markdown(motion.text))) + "**",
                "\n".join(["- " + count, *(f"- {CHOICE_LABELS[c]}: {n}" for c, n in by_choice.items()), "- " + result]),
            ]
    return "\n\n".join(blocks)


def _closed(s: Session, actor: Actor, public_id: str) -> tuple[Meeting, Community, Committee, int]:
    meeting, community = load_meeting(s, public_id, lock=True)
    committee, seat = seat_of(s, actor, community)
    if meeting.committee_id != committee.id or meeting.state is not MeetingState.CLOSED:
        raise RuleViolation("meeting", str(_l("Minutes are drafted once the meeting has closed.")))
    return meeting, community, committee, seat.id


def _notes(notes: str, *, required: bool) -> str:
    notes = notes.strip()
    if required and not notes:
        raise RuleViolation("notes", str(_l("Say what the correction changes, and why.")))
    if len(notes) > MAX_NOTES:
        raise RuleViolation("notes", str(_l("The notes are too long: at most %(max)d characters.", max=MAX_NOTES)))
    return notes


def draft_minutes(actor: Actor, meeting_public_id: str, *, notes: str, now: datetime) -> Minutes:
    """The first version of the minutes, drafted from the meeting's record, with the drafter's notes of the discussion."""
    notes = _notes(notes, required=False)
    with db.write() as s:
        meeting, community, committee, seat_id = _closed(s, actor, meeting_public_id)
        if s.execute(select(Minutes.id).where(Minutes.meeting_id == meeting.id)).first() is not None:
            raise RuleViolation("meeting", str(_l("This meeting's minutes are already drafted; sign them, or correct the signed version.")))
        minutes = Minutes(
            public_id=secrets.token_urlsafe(9),
            meeting_id=meeting.id,
            version=1,
            record=meeting_record(s, meeting, committee),
            notes=notes,
            drafted_by_id=seat_id,
            created_at=now,
        )
        s.add(minutes)
        s.flush()
        record(
            s,
            actor,
            "minutes.draft",
            "minutes",
            minutes.public_id,
            **scope(community),
            now=now,
            data={"meeting": meeting.public_id, "version": 1},
        )
    return minutes


def _minutes(s: Session, public_id: str) -> Minutes:
    minutes = s.execute(select(Minutes).where(Minutes.public_id == public_id).with_for_update()).scalar_one_or_none()
    if minutes is None:
        raise NotFound(str(_l("No such minutes.")))
    return minutes


def attending(s: Session, meeting_id: int) -> set[int]:
    return set(
        s.execute(select(Attendance.membership_id).where(Attendance.meeting_id == meeting_id, Attendance.present.is_(True))).scalars()
    )


def awaited(s: Session, meeting_id: int) -> set[int]:
    """The attending members whose confirmation the minutes wait for: those still holding an active seat.

    A member suspended (or gone) since the meeting can no longer sign, so the minutes do not wait for them.
    """
    present = attending(s, meeting_id)
    if not present:
        return present
    query = select(Membership.id).where(Membership.id.in_(present), Membership.ended_at.is_(None), Membership.suspended_at.is_(None))
    active = set(s.execute(query).scalars())
    return present & active


def sign_minutes(actor: Actor, minutes_public_id: str, *, now: datetime) -> Minutes:
    """An attending member confirms the draft; once every attending member with an active seat has, the version is fixed
    and public. A member who signed already fixes it when the only signatures missing are of members suspended since."""
    with db.write() as s:
        minutes = _minutes(s, minutes_public_id)
        meeting = s.get(Meeting, minutes.meeting_id)
        assert meeting is not None
        meeting, community, _committee, seat_id = _closed(s, actor, meeting.public_id)
        if minutes.state is not MinutesState.DRAFT:
            raise RuleViolation(
                "minutes", str(_l("These minutes are confirmed and can no longer change; correct them with a new version."))
            )
        present = attending(s, meeting.id)
        if seat_id not in present:
            raise RuleViolation("minutes", str(_l("Only the members who attended the meeting confirm its minutes.")))
        signed = set(s.execute(select(MinutesSignature.membership_id).where(MinutesSignature.minutes_id == minutes.id)).scalars())
        needed = awaited(s, meeting.id)
        if seat_id in signed and not needed <= signed:
            raise RuleViolation("minutes", str(_l("You have already confirmed these minutes.")))
        if seat_id not in signed:
            s.add(MinutesSignature(minutes_id=minutes.id, membership_id=seat_id, signed_at=now))
            signed.add(seat_id)
        if needed <= signed:
            minutes.state, minutes.confirmed_at = MinutesState.CONFIRMED, now
        s.flush()
        data = {"member": seat_id, "state": minutes.state.value, "version": minutes.version}
        record(s, actor, "minutes.sign", "minutes", minutes.public_id, **scope(community), now=now, data=data)
    return minutes


def correct_minutes(actor: Actor, minutes_public_id: str, *, notes: str, now: datetime) -> Minutes:
    """A new draft version of confirmed minutes, naming the one it supersedes; the old version stays as it was."""
    notes = _notes(notes, required=True)
    with db.write() as s:
        old = _minutes(s, minutes_public_id)
        meeting = s.get(Meeting, old.meeting_id)
        assert meeting is not None
        meeting, community, committee, seat_id = _closed(s, actor, meeting.public_id)
        if old.state is not MinutesState.CONFIRMED:
            raise RuleViolation("minutes", str(_l("Only confirmed minutes are corrected; the draft is still open for signatures.")))
        if s.execute(select(Minutes.id).where(Minutes.supersedes_id == old.id)).first() is not None:
            raise RuleViolation("minutes", str(_l("This version already has a correction; correct the newest version.")))
        minutes = Minutes(
            public_id=secrets.token_urlsafe(9),
            meeting_id=meeting.id,
            version=old.version + 1,
            supersedes_id=old.id,
            record=meeting_record(s, meeting, committee),
            notes=notes,
            drafted_by_id=seat_id,
            created_at=now,
        )
        s.add(minutes)
        s.flush()
        data = {"meeting": meeting.public_id, "version": minutes.version, "supersedes": old.public_id}
        record(s, actor, "minutes.correct", "minutes", minutes.public_id, **scope(community), now=now, data=data)
    return minutes


def versions_of(meeting_id: int) -> list[Minutes]:
    """Every version of a meeting's minutes, newest first."""
    return list(db.session.execute(select(Minutes).where(Minutes.meeting_id == meeting_id).order_by(Minutes.version.desc())).scalars())


def signatures_of(minutes_id: int) -> set[int]:
    return set(db.session.execute(select(MinutesSignature.membership_id).where(MinutesSignature.minutes_id == minutes_id)).scalars())
