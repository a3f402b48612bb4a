"""A passed motion's decision notice: drafted from the motion (never typed freely), published through the notices'
publish and second-member confirmation, due within the profile's days of the decision; revoked by the street office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...clock import local_time, today_in_china
from ...communities.models import Community
from ...consultations.models import Consultation
from ...consultations.services.drafting import public_path as consultation_path
from ...db import db
from ...domain import meetings as rules
from ...domain.errors import RuleViolation
from ...notices.markup import escape_markdown
from ...notices.models import Notice, NoticeKind, NoticeState
from ...notices.services import new_notice
from ...orders.models import Order
from ...security.actor import Actor
from ..models import Meeting, Motion, MotionState
from .common import load_motion, seat_of, settings_of


def consulted(motion: Motion) -> list[str]:
    """The decision notice's line on the owners' consultation the motion followed: its question and where its summary is."""
    asked = db.session.get(Consultation, motion.consultation_id) if motion.consultation_id is not None else None
    if asked is None:
        return []
    community = db.session.get(Community, asked.community_id)
    assert community is not None
    link = f"[{escape_markdown(asked.title)}]({consultation_path(community, asked)})"
    text = str(_l("Before deciding, the committee consulted the owners: %(consultation)s.", consultation=link))
    # A question ends in its own mark: "…快递柜？。" reads wrong.
    return [text[:-1] if text.endswith(("。", ".")) and asked.title.rstrip().endswith(("？", "?", "。", "！", "!")) else text]


def decision_text(community: Community, meeting: Meeting, motion: Motion) -> tuple[str, str]:
    """The notice's title and body, in Chinese, from the motion: its text, the count of all members, the meeting."""
    seats = motion.seats or 0
    with force_locale("zh_CN"):
        title = str(_l("Decision of the owners' committee: %(motion)s", motion=motion.title))
        body = "\n\n".join(
            [
                str(
                    _l(
                        "The owners' committee of %(community)s decided at its meeting “%(meeting)s” on %(when)s:",
                        community=community.name,
                        meeting=escape_markdown(meeting.title),
                        when=local_time(meeting.starts_at),
                    )
                ),
                escape_markdown(motion.text),
                str(
                    _l(
                        "Passed with %(share)s of all members agreeing (%(needed)d of %(seats)d needed); "
                        "%(disagree)d disagreed, %(abstain)d abstained.",
                        share=f"{motion.agree}/{seats}",
                        needed=rules.needed(seats) if seats else 0,
                        seats=seats,
                        disagree=motion.disagree,
                        abstain=motion.abstain,
                    )
                ),
                *consulted(motion),
                str(_l("The owners' committee of %(community)s", community=community.name)),
            ]
        )
    return title[:200], body


def draft_decision_notice(actor: Actor, motion_public_id: str, *, now: datetime) -> Notice:
    """The decision notice of a passed motion, as a draft for the notices' publish and second-member confirmation."""
    with db.write() as s:
        motion, meeting, community = load_motion(s, motion_public_id)
        committee, seat = seat_of(s, actor, community)
        if meeting.committee_id != committee.id:
            raise RuleViolation("motion", str(_l("This motion is not of your committee.")))
        if motion.state is not MotionState.PASSED:
            raise RuleViolation("motion", str(_l("Only a passed motion is published as a decision.")))
        if motion.revoked_at is not None:
            raise RuleViolation("motion", str(_l("The street office revoked this decision.")))
        if motion.notice_id is not None:
            raise RuleViolation("motion", str(_l("This decision's notice is already drafted; publish it from the notices.")))
        title, body = decision_text(community, meeting, motion)
        notice = new_notice(s, actor, community, kind=NoticeKind.DECISION, title=title, body=body, now=now)
        motion.notice_id = notice.id
        data = {"notice": notice.public_id, "by": seat.id}
        record(s, actor, "motion.decision_notice", "motion", motion.public_id, **scope(community), now=now, data=data)
    return notice


def drafted_from_motion(s: Session, notice: Notice) -> str | None:
    """The notices' edit guard: a decision notice drafted from a motion says what the members decided, word for word."""
    if notice.kind is not NoticeKind.DECISION or s.execute(select(Motion.id).where(Motion.notice_id == notice.id)).first() is None:
        return None
    return str(_l("This decision notice is drafted from the motion the members passed and is published as drafted."))


def seated_to_publish(s: Session, actor: Actor, notice: Notice) -> None:
    """The notices' publication guard: the members who ask for and confirm a decision drafted from a motion hold seats
    on that committee, not suspended (an account with the role alone does not)."""
    motion = s.execute(select(Motion).where(Motion.notice_id == notice.id)).scalar() if notice.kind is NoticeKind.DECISION else None
    if motion is None:
        return
    community = s.get(Community, notice.community_id)
    assert community is not None
    committee, _seat = seat_of(s, actor, community)
    meeting = s.get(Meeting, motion.meeting_id)
    if meeting is None or meeting.committee_id != committee.id:
        raise RuleViolation("motion", str(_l("This motion is not of your committee.")))


@dataclass(frozen=True)
class Decision:
    """A passed motion and its notice: due by, published when, overdue or late."""

    motion: Motion
    meeting: Meeting
    due: date
    notice: Notice | None
    today: date

    @property
    def title(self) -> str:
        return self.motion.title

    @property
    def published(self) -> bool:
        return self.notice is not None and self.notice.state is NoticeState.PUBLISHED

    @property
    def published_on(self) -> date | None:
        if not self.published or self.notice is None or self.notice.published_at is None:
            return None
        return today_in_china(self.notice.published_at)

    @property
    def overdue(self) -> bool:
        return not self.published and self.today > self.due

    @property
    def late(self) -> bool:
        """Published after its day, or still unpublished past it."""
        on = self.published_on
        return self.overdue or (on is not None and on > self.due)

    @property
    def revoked(self) -> bool:
        return self.motion.revoked_at is not None


def due_of(community: Community, motion: Motion) -> date:
    assert motion.decided_at is not None
    return rules.decision_due(today_in_china(motion.decided_at), settings_of(community).decision_publication_days)


def decisions_of(community: Community, *, now: datetime, s: Session | None = None) -> list[Decision]:
    """Every passed motion of the community's committees, newest first, with its notice's state."""
    s = s or db.session()
    rows = s.execute(
        select(Motion, Meeting)
        .join(Meeting, Meeting.id == Motion.meeting_id)
        .where(Meeting.community_id == community.id, Motion.state == MotionState.PASSED)
        .order_by(Motion.decided_at.desc(), Motion.id.desc())
    ).all()
    today = today_in_china(now)
    out = []
    for motion, meeting in rows:
        notice = s.get(Notice, motion.notice_id) if motion.notice_id else None
        out.append(Decision(motion, meeting, due_of(community, motion), notice, today))
    return out


def overdue_decisions(community: Community, *, now: datetime) -> list[Decision]:
    return [d for d in decisions_of(community, now=now) if d.overdue]


def published_decisions(community_id: int) -> list[tuple[Motion, Notice]]:
    """The community's published, unrevoked committee decisions, for the street office's order to revoke one."""
    rows = db.session.execute(
        select(Motion, Notice)
        .join(Meeting, Meeting.id == Motion.meeting_id)
        .join(Notice, Notice.id == Motion.notice_id)
        .where(Meeting.community_id == community_id, Notice.state == NoticeState.PUBLISHED, Motion.revoked_at.is_(None))
        .order_by(Notice.published_at.desc())
    ).all()
    return [(m, n) for m, n in rows]


def revoke_decision(s: Session, community: Community, motion_id: int | None, *, now: datetime) -> int:
    """The street office's order revokes a published committee decision, inside the order's transaction. Returns its id."""
    motion = s.get(Motion, motion_id, with_for_update=True) if motion_id is not None else None
    meeting = s.get(Meeting, motion.meeting_id) if motion is not None else None
    if motion is None or meeting is None or meeting.community_id != community.id or motion.state is not MotionState.PASSED:
        raise RuleViolation("motion_id", str(_l("Choose a decision of this community's committee.")))
    notice = s.get(Notice, motion.notice_id) if motion.notice_id else None
    if notice is None or notice.state is not NoticeState.PUBLISHED:
        raise RuleViolation("motion_id", str(_l("Only a published committee decision can be revoked.")))
    if motion.revoked_at is not None:
        raise RuleViolation("motion_id", str(_l("This decision is already revoked.")))
    motion.revoked_at = now
    return motion.id


@dataclass(frozen=True)
class Revocation:
    revoked_at: datetime
    order: Order
    order_notice: Notice | None


def revocation_of(notice: Notice) -> Revocation | None:
    """The order that revoked the committee decision a notice (or any version of it) publishes, if one did."""
    if notice.kind is not NoticeKind.DECISION:
        return None
    s = db.session()
    line = [notice.id]
    earlier = notice
    while earlier.supersedes_id is not None:  # a corrected decision notice is the same decision
        line.append(earlier.supersedes_id)
        earlier = s.get(Notice, earlier.supersedes_id)  # type: ignore[assignment]
    motion = s.execute(select(Motion).where(Motion.notice_id.in_(line), Motion.revoked_at.is_not(None))).scalar_one_or_none()
    if motion is None or motion.revoked_at is None:
        return None
    order = s.execute(select(Order).where(Order.motion_id == motion.id).order_by(Order.id)).scalars().first()
    if order is None:
        return None
    return Revocation(motion.revoked_at, order, s.get(Notice, order.notice_id))


def revocations_in(community_id: int) -> dict[int, Revocation]:
    """Every revoked committee decision of the community, by the id of each version of its notice (one query for a
    board's worth of notices; revocations are few)."""
    s = db.session()
    rows = s.execute(
        select(Motion, Order)
        .join(Meeting, Meeting.id == Motion.meeting_id)
        .join(Order, Order.motion_id == Motion.id)
        .where(Meeting.community_id == community_id, Motion.revoked_at.is_not(None))
        .order_by(Order.id.desc())
    ).all()
    found: dict[int, Revocation] = {}
    for motion, order in rows:
        assert motion.revoked_at is not None and motion.notice_id is not None
        revocation = Revocation(motion.revoked_at, order, s.get(Notice, order.notice_id))
        version: int | None = motion.notice_id
        while version is not None:  # the decision's notice and every correction of it
            found[version] = revocation
            version = s.execute(select(Notice.id).where(Notice.supersedes_id == version)).scalar()
    return found
