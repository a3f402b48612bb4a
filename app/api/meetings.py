"""The committee's meetings (scope "committee", RULES §5): convene or ask for one, take the roll, put motions, vote in
the app or enter and confirm a paper vote, close a vote and the meeting, draft a passed motion's decision notice, and
draft, sign and correct the minutes. The public record is in ``record``.

Each operation is the meeting page's action: the service finds the token's maker's seat, and refuses naming the field.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..committees import services as committees
from ..committees.models import Meeting, Minutes, Motion, MotionVote
from ..committees.services.minutes import signatures_of
from ..committees.services.reading import MeetingView, MotionView
from ..communities.models import Community
from ..communities.queries import community_by_slug
from ..db import db, utcnow
from ..notices.services import public_id_of
from ..security.permissions import can_hold_meetings, can_view_meetings, require
from . import work_schemas as W
from .operations import COMMITTEE_ERRORS, Created, api_actor, not_found, operation, parse_stamp, path_id, stamp
from .schemas import NOTHING
from .serializers import consultation_public_id, notice_json

READ_ERRORS = (401, 403, 404)

# Shapes ----------------------------------------------------------------------------------------------------------


def vote_json(vote: MotionVote) -> dict[str, Any]:
    return {
        "id": vote.id,
        "member": vote.membership_id,
        "choice": vote.choice,
        "how": vote.how.value,
        "counts": vote.counts,
        "paper_reference": vote.paper_reference,
        "entered_by": vote.entered_by_id,
        "confirmed_by": vote.confirmed_by_id,
    }


def motion_json(view: MotionView, meeting: Meeting) -> dict[str, Any]:
    motion = view.motion
    return {
        "id": motion.public_id,
        "meeting": meeting.public_id,
        "number": motion.number,
        "title": motion.title,
        "text": motion.text,
        "state": motion.state.value,
        "seats": view.outcome.seats,
        "agree": view.outcome.agree,
        "disagree": view.outcome.disagree,
        "abstain": view.outcome.abstain,
        "needed": view.outcome.needed,
        "decided_at": stamp(motion.decided_at),
        "revoked": motion.revoked_at is not None,
        "consultation": consultation_public_id(motion),
        "decision_notice": public_id_of(motion.notice_id),
        "votes": [vote_json(v) for v in view.votes],
    }


def minutes_json(minutes: Minutes, signed: set[int]) -> dict[str, Any]:
    supersedes = db.session.get(Minutes, minutes.supersedes_id) if minutes.supersedes_id else None
    return {
        "id": minutes.public_id,
        "version": minutes.version,
        "state": minutes.state.value,
        "supersedes": supersedes.public_id if supersedes else None,
        "record": minutes.record,
        "notes": minutes.notes,
        "created_at": stamp(minutes.created_at),
        "confirmed_at": stamp(minutes.confirmed_at),
        "signed_by": sorted(signed),
    }


def meeting_json(view: MeetingView) -> dict[str, Any]:
    meeting = view.meeting
    return {
        "id": meeting.public_id,
        "community": view.community.slug,
        "title": meeting.title,
        "agenda": meeting.agenda,
        "place": meeting.place,
        "starts_at": stamp(meeting.starts_at),
        "state": meeting.state.value,
        "convened_at": stamp(meeting.convened_at),
        "closed_at": stamp(meeting.closed_at),
        "requests": view.requests,
        "requests_needed": view.requests_needed,
        "seats": [
            {
                "id": m.id,
                "name": view.names.get(m.id, ""),
                "role": m.role.value,
                "suspended": m.suspended_at is not None,
                "present": view.roll.get(m.id),
            }
            for m in view.seats
        ],
        "motions": [motion_json(mv, meeting) for mv in view.motions],
        "minutes": [minutes_json(m, view.signatures.get(m.id, set())) for m in view.minutes],
    }


def _meeting(public_id: str) -> dict[str, Any]:
    return meeting_json(committees.meeting_view(api_actor(), public_id))


def _motion(public_id: str) -> dict[str, Any]:
    motion = _motion_of(public_id)
    meeting = db.session.get(Meeting, motion.meeting_id)
    assert meeting is not None
    view = committees.meeting_view(api_actor(), meeting.public_id)
    return next(motion_json(mv, meeting) for mv in view.motions if mv.motion.id == motion.id)


# Lookups, before any body is read --------------------------------------------------------------------------------


def _community_of_meeting(meeting_id: str) -> Community:
    meeting = db.session.execute(select(Meeting).where(Meeting.public_id == meeting_id)).scalar_one_or_none()
    community = db.session.get(Community, meeting.community_id) if meeting is not None else None
    if meeting is None or community is None:
        raise not_found(_("No such meeting."))
    return community


def _motion_of(motion_id: str) -> Motion:
    motion = db.session.execute(select(Motion).where(Motion.public_id == motion_id)).scalar_one_or_none()
    if motion is None:
        raise not_found(_("No such motion."))
    return motion


def _holds_meetings_of(slug: str) -> None:
    require(can_hold_meetings(api_actor(), community_by_slug(slug)))


def _reads_meeting(meeting_id: str) -> None:
    require(can_view_meetings(api_actor(), _community_of_meeting(meeting_id)))


def _acts_in_meeting(meeting_id: str) -> None:
    require(can_hold_meetings(api_actor(), _community_of_meeting(meeting_id)))


def _meeting_of_motion(motion_id: str) -> Meeting:
    meeting = db.session.get(Meeting, _motion_of(motion_id).meeting_id)
    assert meeting is not None
    return meeting


def _acts_on_motion(motion_id: str, **_ignored: str) -> None:
    _acts_in_meeting(_meeting_of_motion(motion_id).public_id)


def _paper_vote(motion_id: str, vote_id: str) -> MotionVote:
    motion = _motion_of(motion_id)
    vote = db.session.get(MotionVote, path_id(vote_id, _("No such paper vote.")))
    if vote is None or vote.motion_id != motion.id:
        raise not_found(_("No such paper vote."))
    return vote


def _confirms(motion_id: str, vote_id: str) -> None:
    _acts_on_motion(motion_id)
    _paper_vote(motion_id, vote_id)


def _minutes_of(minutes_id: str) -> Minutes:
    minutes = db.session.execute(select(Minutes).where(Minutes.public_id == minutes_id)).scalar_one_or_none()
    if minutes is None:
        raise not_found(_("No such minutes."))
    return minutes


def _meeting_of_minutes(minutes_id: str) -> Meeting:
    meeting = db.session.get(Meeting, _minutes_of(minutes_id).meeting_id)
    assert meeting is not None
    return meeting


def _acts_on_minutes(minutes_id: str) -> None:
    _acts_in_meeting(_meeting_of_minutes(minutes_id).public_id)


# Meetings ---------------------------------------------------------------------------------------------------------


@operation(
    "POST",
    "/communities/{slug}/meetings",
    summary="Convene a meeting of the committee (the chair), or ask for one (another member)",
    tag="committee",
    body=W.NEW_MEETING,
    response=W.ref("Meeting"),
    status=201,
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="The chair's call convenes it; another member's is a request, convened once the profile's share of all "
    "seats asked (`requests_needed`). Refusals name `title`, `agenda`, `place`, `starts_at` (a time still to come) or `member`.",
    authorize=_holds_meetings_of,
)
def convene_meeting(slug: str, body: dict[str, Any]) -> dict[str, Any]:
    meeting = committees.convene_meeting(
        api_actor(),
        community_id=community_by_slug(slug).id,
        title=body["title"],
        agenda=body["agenda"],
        place=body["place"],
        starts_at=parse_stamp(body["starts_at"], "starts_at"),
        now=utcnow(),
    )
    return _meeting(meeting.public_id)


@operation(
    "GET",
    "/meetings/{meeting_id}",
    summary="A meeting as its committee reads it: the roll, the motions and their votes, the minutes",
    tag="committee",
    response=W.ref("Meeting"),
    auth="committee office",
    errors=READ_ERRORS,
    description="For the committee's members and its street office's officials, drafts and requests included.",
    authorize=_reads_meeting,
)
def get_meeting(meeting_id: str) -> dict[str, Any]:
    return _meeting(meeting_id)


@operation(
    "POST",
    "/meetings/{meeting_id}/support",
    summary="Join the members' request for a meeting",
    tag="committee",
    body=NOTHING,
    response=W.ref("Meeting"),
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="The chair's support convenes it at once; refused naming `meeting` when it is not waiting for requests.",
    authorize=_acts_in_meeting,
)
def support_meeting(meeting_id: str, body: dict[str, Any]) -> dict[str, Any]:
    committees.support_request(api_actor(), meeting_id, now=utcnow())
    return _meeting(meeting_id)


@operation(
    "POST",
    "/meetings/{meeting_id}/attendance",
    summary="Take the roll: a seated member attending or absent",
    tag="committee",
    body=W.ATTENDANCE,
    response=W.ref("Meeting"),
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="Once the meeting has begun (else refused naming `meeting`); `membership_id` is one of the meeting's `seats`.",
    authorize=_acts_in_meeting,
)
def record_attendance(meeting_id: str, body: dict[str, Any]) -> dict[str, Any]:
    committees.record_attendance(api_actor(), meeting_id, membership_id=body["membership_id"], present=body["present"], now=utcnow())
    return _meeting(meeting_id)


@operation(
    "POST",
    "/meetings/{meeting_id}/motions",
    summary="Put a motion to the members' vote at a convened meeting",
    description="Refusals name `text`, `meeting` (not convened, or closed) or `consultation` (not one the owners were asked).",
    tag="committee",
    body=W.NEW_MOTION,
    response=W.ref("Motion"),
    status=201,
    auth="committee",
    errors=COMMITTEE_ERRORS,
    authorize=_acts_in_meeting,
)
def add_motion(meeting_id: str, body: dict[str, Any]) -> dict[str, Any]:
    motion = committees.add_motion(api_actor(), meeting_id, text=body["text"], consultation=body.get("consultation", ""), now=utcnow())
    return _motion(motion.public_id)


@operation(
    "POST",
    "/meetings/{meeting_id}/close",
    summary="Close the meeting: open votes are counted, members off the roll recorded present if they voted",
    tag="committee",
    body=NOTHING,
    response=W.ref("Meeting"),
    auth="committee",
    errors=COMMITTEE_ERRORS,
    authorize=_acts_in_meeting,
)
def close_meeting(meeting_id: str, body: dict[str, Any]) -> dict[str, Any]:
    committees.close_meeting(api_actor(), meeting_id, now=utcnow())
    return _meeting(meeting_id)


@operation(
    "POST",
    "/meetings/{meeting_id}/minutes",
    summary="Draft the minutes of a closed meeting from its record",
    tag="committee",
    body=W.MINUTES_DRAFT,
    response=W.ref("Minutes"),
    status=201,
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="The record (time, place, attendance, each motion's votes) is written from the meeting; `notes` adds the "
    "discussion. The members who attended then sign it.",
    authorize=_acts_in_meeting,
)
def draft_minutes(meeting_id: str, body: dict[str, Any]) -> dict[str, Any]:
    minutes = committees.draft_minutes(api_actor(), meeting_id, notes=body.get("notes", ""), now=utcnow())
    return minutes_json(minutes, set())


# Motions ----------------------------------------------------------------------------------------------------------


@operation(
    "POST",
    "/motions/{motion_id}/vote",
    summary="Vote on a motion, once, in the app",
    tag="committee",
    body=W.VOTE,
    response=W.ref("Motion"),
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="A seated member whose seat is not suspended, while the meeting is under way; refusals name `member`, "
    "`motion` or `meeting`.",
    authorize=_acts_on_motion,
)
def vote_on_motion(motion_id: str, body: dict[str, Any]) -> dict[str, Any]:
    committees.cast_vote(api_actor(), motion_id, choice=body["choice"], now=utcnow())
    return _motion(motion_id)


@operation(
    "POST",
    "/motions/{motion_id}/paper-votes",
    summary="Enter a member's vote from the meeting's paper record",
    tag="committee",
    body=W.PAPER_VOTE,
    response=W.ref("MotionVote"),
    status=201,
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="It counts once a second, different member confirms it against the paper.",
    authorize=_acts_on_motion,
)
def enter_paper_vote(motion_id: str, body: dict[str, Any]) -> dict[str, Any]:
    vote = committees.enter_paper_vote(
        api_actor(),
        motion_id,
        membership_id=body["membership_id"],
        choice=body["choice"],
        paper_reference=body["paper_reference"],
        now=utcnow(),
    )
    return vote_json(vote)


@operation(
    "POST",
    "/motions/{motion_id}/paper-votes/{vote_id}/confirm",
    summary="Confirm a paper vote another member entered",
    tag="committee",
    body=NOTHING,
    response=W.ref("MotionVote"),
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="Refused naming `vote` for the member who entered it, or once confirmed.",
    authorize=_confirms,
)
def confirm_paper_vote(motion_id: str, vote_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return vote_json(committees.confirm_paper_vote(api_actor(), _paper_vote(motion_id, vote_id).id, now=utcnow()))


@operation(
    "POST",
    "/motions/{motion_id}/close",
    summary="Close the vote on a motion: it passes with more than half of all seats agreeing",
    tag="committee",
    body=NOTHING,
    response=W.ref("Motion"),
    auth="committee",
    errors=COMMITTEE_ERRORS,
    authorize=_acts_on_motion,
)
def close_motion(motion_id: str, body: dict[str, Any]) -> dict[str, Any]:
    committees.close_motion(api_actor(), motion_id, now=utcnow())
    return _motion(motion_id)


@operation(
    "POST",
    "/motions/{motion_id}/decision-notice",
    summary="Draft the decision notice of a passed motion, in the motion's words",
    tag="committee",
    body=NOTHING,
    response=W.ref("Notice"),
    status=201,
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="A draft that cannot be edited; publishing it with a second member's confirmation stays on the committee's "
    "pages. Refused naming `motion` for a motion not passed, revoked, or already drafted.",
    authorize=_acts_on_motion,
    location="The notice, which a token of the committee reads back while it is a draft.",
)
def draft_decision_notice(motion_id: str, body: dict[str, Any]) -> Created:
    notice = committees.draft_decision_notice(api_actor(), motion_id, now=utcnow())
    community = db.session.get(Community, notice.community_id)
    assert community is not None
    location = url_for("api.get_notice", slug=community.slug, notice_id=notice.public_id, _external=True)
    return Created(notice_json(notice, community), location)


# Minutes ----------------------------------------------------------------------------------------------------------


def _minutes_response(minutes: Minutes) -> dict[str, Any]:
    return minutes_json(minutes, signatures_of(minutes.id))


@operation(
    "POST",
    "/minutes/{minutes_id}/sign",
    summary="Confirm the draft minutes, as a member who attended",
    tag="committee",
    body=NOTHING,
    response=W.ref("Minutes"),
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="Once every attending member has, the version is confirmed and public; refusals name `minutes`.",
    authorize=_acts_on_minutes,
)
def sign_minutes(minutes_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return _minutes_response(committees.sign_minutes(api_actor(), minutes_id, now=utcnow()))


@operation(
    "POST",
    "/minutes/{minutes_id}/correct",
    summary="Correct confirmed minutes with a new version",
    tag="committee",
    body=W.MINUTES_CORRECTION,
    response=W.ref("Minutes"),
    status=201,
    auth="committee",
    errors=COMMITTEE_ERRORS,
    description="A new draft naming the version it supersedes, signed again; the old version stays readable.",
    authorize=_acts_on_minutes,
)
def correct_minutes(minutes_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return _minutes_response(committees.correct_minutes(api_actor(), minutes_id, notes=body["notes"], now=utcnow()))
