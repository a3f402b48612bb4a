"""What the meeting services share: the acting member's seat, loading a meeting or a motion, the profile's numbers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...communities.models import Community, Person
from ...domain.errors import NotFound, RuleViolation
from ...domain.meetings import MemberStanding
from ...domain.rules import Settings, get_profile
from ...elections.models import Committee, Membership
from ...elections.services import current_committee
from ...security.actor import Actor
from ...security.permissions import can_hold_meetings, can_view_meetings, require
from ..models import Meeting, Motion

# The rules' problem codes (domain.meetings.vote_problem) as people read them.
VOTE_MESSAGES = {
    "not_a_member": _l("Only a seated member of this committee votes on its motions."),
    "suspended": _l("This member's seat is suspended by order of the street office: the seat still counts, but the member cannot vote."),
    "twice": _l("This member has already voted on this motion; each member votes once."),
    "choice": _l("Choose agree, disagree or abstain."),
}


SUSPENDED = _l("Your seat is suspended by order of the street office: it still counts, but you cannot vote or act for the committee.")


def settings_of(community: Community) -> Settings:
    return get_profile(community.rule_profile).settings


def committee_of(s: Session, community: Community) -> Committee:
    committee = current_committee(community.id, s)
    if committee is None:
        raise RuleViolation("committee", str(_l("This community has no seated committee.")))
    return committee


def seat_of(s: Session, actor: Actor, community: Community, *, acting: bool = True) -> tuple[Committee, Membership]:
    """The actor's seat on the community's current committee: a committee account of another community is refused,
    an account not linked to a seat is told so, and a suspended seat cannot act (``acting``)."""
    committee = current_committee(community.id, s)
    seat = None
    if committee is not None and actor.person_id is not None:
        seat = next((m for m in committee.members if m.holds_seat and m.person_id == actor.person_id), None)
    suspended = seat is not None and seat.suspended_at is not None
    if not can_hold_meetings(actor, community):
        # A suspension takes the committee's rights from the member's account: say why rather than just refuse.
        if suspended:
            raise RuleViolation("member", str(SUSPENDED))
        require(False)
    if committee is None:
        raise RuleViolation("committee", str(_l("This community has no seated committee.")))
    if seat is None:
        raise RuleViolation(
            "member", str(_l("Only a seated member of the committee acts in its meetings; your account is not linked to a seat on it."))
        )
    if acting and suspended:
        raise RuleViolation("member", str(SUSPENDED))
    return committee, seat


def standings(committee: Committee) -> dict[str, MemberStanding]:
    """Every seat held now, by membership id: active, or suspended (keeps the seat, does not vote)."""
    return {
        str(m.id): MemberStanding.SUSPENDED if m.suspended_at is not None else MemberStanding.ACTIVE
        for m in committee.members
        if m.holds_seat
    }


def load_meeting(s: Session, public_id: str, *, lock: bool = False) -> tuple[Meeting, Community]:
    query = select(Meeting).where(Meeting.public_id == public_id)
    meeting = s.execute(query.with_for_update() if lock else query).scalar_one_or_none()
    if meeting is None:
        raise NotFound(str(_l("No such meeting.")))
    community = s.get(Community, meeting.community_id)
    assert community is not None
    return meeting, community


def load_motion(s: Session, public_id: str) -> tuple[Motion, Meeting, Community]:
    """The motion, locked for the transaction: votes, confirmations, the close and the notice queue on it, so a vote is
    never stored beside a count that left it out."""
    motion = s.execute(select(Motion).where(Motion.public_id == public_id).with_for_update()).scalar_one_or_none()
    if motion is None:
        raise NotFound(str(_l("No such motion.")))
    meeting = s.get(Meeting, motion.meeting_id)
    assert meeting is not None
    community = s.get(Community, meeting.community_id)
    assert community is not None
    return motion, meeting, community


def readable_meeting(s: Session, actor: Actor, public_id: str) -> tuple[Meeting, Community]:
    """A meeting for its committee's members, its street office and the administrators."""
    meeting, community = load_meeting(s, public_id)
    require(can_view_meetings(actor, community))
    return meeting, community


def names_of(s: Session, committee: Committee) -> dict[int, str]:
    """Each membership's register name, by membership id."""
    rows = s.execute(
        select(Membership.id, Person.name).join(Person, Person.id == Membership.person_id).where(Membership.committee_id == committee.id)
    ).all()
    return {mid: name for mid, name in rows}
