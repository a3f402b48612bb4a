"""The committee's meeting pages: its meetings and the call to convene one, a meeting (roll, motions, votes, minutes),
and the public record of held meetings with their confirmed minutes and the committee's decisions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..accounts.forms import ConfirmForm
from ..clock import local_to_utc, today_in_china
from ..communities.models import Community
from ..communities.queries import community_by_slug
from ..consultations import services as consultations
from ..consultations.models import ConsultationState
from ..db import db, utcnow
from ..domain.errors import NotFound, RuleViolation
from ..elections.models import Membership
from ..notices.markup import render, render_lines
from ..notices.models import Notice
from ..security.permissions import PermissionDenied, can_hold_meetings, can_view_meetings, require
from ..security.web import current_actor
from ..web_params import id_arg
from . import services
from .forms import AttendanceForm, CorrectionForm, MeetingForm, MinutesForm, MotionForm, PaperVoteForm, VoteForm
from .labels import CHANNEL_LABELS, CHOICE_LABELS, MEETING_STATE_LABELS, MINUTES_STATE_LABELS, MOTION_STATE_LABELS
from .models import Meeting, Minutes, Motion, MotionVote

bp = Blueprint("committees", __name__)


# Panels of pages lower packages own (the board's notices), which cannot ask the committee.
@bp.app_template_global()
def decision_revocation(notice: Notice) -> services.Revocation | None:
    return services.revocation_of(notice)


@bp.app_template_global()
def decision_revocations(community: Community) -> dict[int, services.Revocation]:
    """The community's revoked committee decisions by notice id, for a list of notices."""
    return services.revocations_in(community.id)


@bp.app_context_processor
def _labels() -> dict[str, object]:
    return {
        "meeting_state_labels": MEETING_STATE_LABELS,
        "motion_state_labels": MOTION_STATE_LABELS,
        "choice_labels": CHOICE_LABELS,
        "vote_channel_labels": CHANNEL_LABELS,
        "minutes_state_labels": MINUTES_STATE_LABELS,
        "can_hold_meetings": can_hold_meetings,
        "can_view_meetings": can_view_meetings,
    }


# The committee's pages --------------------------------------------------------------------------------------------


def _refuse_suspended(community: Community | None) -> None:
    """A member whose seat the street office suspended has lost the committee's pages: say why, not only "not allowed"."""
    actor = current_actor()
    if community is None or actor.person_id is None or can_view_meetings(actor, community):
        return
    committee = services.seated_committee(community)
    seat = (
        db.session.execute(
            select(Membership).where(
                Membership.committee_id == committee.id, Membership.person_id == actor.person_id, Membership.suspended_at.is_not(None)
            )
        ).scalar()
        if committee is not None
        else None
    )
    if seat is not None and seat.holds_seat:
        raise PermissionDenied(
            _(
                "Your seat on the committee is suspended by the street office: you cannot read or act on the committee's "
                "meetings until the suspension ends. The community's committee page on the board says why."
            )
        )


def _list_page(community_id: int, form: MeetingForm) -> tuple[str, int]:
    actor = current_actor()
    _refuse_suspended(db.session.get(Community, community_id))
    community, committee, meetings = services.meetings_for_committee(actor, community_id)
    now = utcnow()
    return render_template(
        "committees/meetings.html",
        community=community,
        committee=committee,
        meetings=meetings,
        form=form,
        seat=services.seat_of_actor(actor, committee),
        may_act=can_hold_meetings(actor, community),
        needed=services.needed_requests(community, committee) if committee else None,
        decisions=services.decisions_of(community, now=now),
        now=now,
        today=today_in_china(now),
    ), (400 if form.errors else 200)


@bp.get("/committee/c/<int:community_id>/meetings")
@login_required
def list_meetings(community_id: int) -> tuple[str, int]:
    return _list_page(community_id, MeetingForm())


@bp.post("/committee/c/<int:community_id>/meetings")
@login_required
def convene(community_id: int) -> Response | tuple[str, int]:
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound(_("No such community."))
    require(can_hold_meetings(current_actor(), community))
    form = MeetingForm()
    if form.validate_on_submit() and form.starts_at.data is not None:
        try:
            meeting = services.convene_meeting(
                current_actor(),
                community_id=community_id,
                title=form.title.data or "",
                agenda=form.agenda.data or "",
                place=form.place.data or "",
                starts_at=local_to_utc(form.starts_at.data),
                now=utcnow(),
            )
        except RuleViolation as exc:
            getattr(form, exc.field, form.title).errors.append(exc.reason)
        else:
            if meeting.state.value == "convened":
                flash(_("The meeting is convened; every member sees it on their meetings page."), "success")
            else:
                flash(_("Your request is recorded; the meeting is convened once enough members ask for it."), "success")
            return redirect(url_for(".show_meeting", public_id=meeting.public_id))
    return _list_page(community_id, form)


def _meeting_page(public_id: str, **forms: FlaskForm) -> tuple[str, int]:
    actor = current_actor()
    meeting = db.session.execute(select(Meeting).where(Meeting.public_id == public_id)).scalar_one_or_none()
    _refuse_suspended(db.session.get(Community, meeting.community_id) if meeting is not None else None)
    view = services.meeting_view(actor, public_id)
    seat = services.seat_of_actor(actor, view.committee)
    paper = forms.get("paper_form") or PaperVoteForm()
    assert isinstance(paper, PaperVoteForm)
    paper.membership_id.choices = [(m.id, view.names.get(m.id, "?")) for m in view.seats if m.suspended_at is None]
    motion_form = forms.get("motion_form") or MotionForm()
    assert isinstance(motion_form, MotionForm)
    motion_form.consultation.choices = [("", _("None"))] + [
        (c.public_id, c.title) for c in consultations.consultations_of(view.community.id) if c.state is ConsultationState.CLOSED
    ]
    status = 400 if any(f.errors for f in forms.values()) else 200
    return render_template(
        "committees/meeting.html",
        view=view,
        meeting=view.meeting,
        community=view.community,
        seat=seat,
        may_act=can_hold_meetings(actor, view.community) and seat is not None and seat.suspended_at is None,
        now=utcnow(),
        motion_form=motion_form,
        paper_form=paper,
        paper_motion=request.form.get("motion") if forms.get("paper_form") else None,
        minutes_form=forms.get("minutes_form") or MinutesForm(),
        correction_form=forms.get("correction_form") or CorrectionForm(),
        confirm_form=ConfirmForm(),
        render=render,
        render_lines=render_lines,
    ), status


@bp.get("/committee/meetings/<public_id>")
@login_required
def show_meeting(public_id: str) -> tuple[str, int]:
    return _meeting_page(public_id)


def _act(back: str, action: Callable[[], Any], done: str, anchor: str = "") -> Response:
    """Run one service call for a button, flash its outcome or its refusal, and go back to the meeting."""
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
    else:
        try:
            action()
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(done, "success")
    return redirect(url_for(".show_meeting", public_id=back) + anchor)


@bp.post("/committee/meetings/<public_id>/support")
@login_required
def support(public_id: str) -> Response:
    return _act(
        public_id,
        lambda: services.support_request(current_actor(), public_id, now=utcnow()),
        _("Your request is recorded."),
    )


@bp.post("/committee/meetings/<public_id>/attendance")
@login_required
def attendance(public_id: str) -> Response:
    form = AttendanceForm()
    membership = id_arg("membership_id", form=True) or 0
    return _act(
        public_id,
        lambda: services.record_attendance(
            current_actor(), public_id, membership_id=membership, present=form.present.data == "1", now=utcnow()
        ),
        _("The roll is updated."),
        "#roll",
    )


@bp.post("/committee/meetings/<public_id>/motions")
@login_required
def add_motion(public_id: str) -> Response | tuple[str, int]:
    form = MotionForm()
    if form.validate_on_submit():
        try:
            motion = services.add_motion(
                current_actor(), public_id, text=form.text.data or "", consultation=form.consultation.data or "", now=utcnow()
            )
        except RuleViolation as exc:
            target = form.consultation if exc.field == "consultation" else form.text
            target.errors = [*target.errors, exc.reason]
        else:
            flash(_("The motion is put to the vote."), "success")
            return redirect(url_for(".show_meeting", public_id=public_id) + f"#motion-{motion.number}")
    return _meeting_page(public_id, motion_form=form)


@bp.post("/committee/meetings/<public_id>/close")
@login_required
def close_meeting(public_id: str) -> Response:
    return _act(
        public_id,
        lambda: services.close_meeting(current_actor(), public_id, now=utcnow()),
        _("The meeting is closed: its votes are counted and the roll completed. Draft the minutes next."),
    )


@bp.post("/committee/meetings/<public_id>/minutes")
@login_required
def draft_minutes(public_id: str) -> Response | tuple[str, int]:
    form = MinutesForm()
    if form.validate_on_submit():
        try:
            services.draft_minutes(current_actor(), public_id, notes=form.notes.data or "", now=utcnow())
        except RuleViolation as exc:
            form.notes.errors = [*form.notes.errors, exc.reason]
        else:
            flash(_("The minutes are drafted from the record; each member who attended confirms them."), "success")
            return redirect(url_for(".show_meeting", public_id=public_id) + "#minutes")
    return _meeting_page(public_id, minutes_form=form)


def _motion(public_id: str) -> Motion:
    motion = db.session.execute(select(Motion).where(Motion.public_id == public_id)).scalar_one_or_none()
    if motion is None:
        raise NotFound(_("No such motion."))
    return motion


@bp.post("/committee/motions/<public_id>/vote")
@login_required
def vote(public_id: str) -> Response:
    motion = _motion(public_id)
    choice = VoteForm().choice.data or ""
    return _act(
        motion.meeting.public_id,
        lambda: services.cast_vote(current_actor(), public_id, choice=choice, now=utcnow()),
        _("Your vote is recorded."),
        f"#motion-{motion.number}",
    )


@bp.post("/committee/motions/<public_id>/paper")
@login_required
def paper_vote(public_id: str) -> Response | tuple[str, int]:
    motion = _motion(public_id)
    form = PaperVoteForm()
    form.membership_id.choices = []  # any id: the service checks the seat
    id_arg("membership_id", form=True)  # one no record could have is a bad request, not a lookup
    if form.validate_on_submit():
        try:
            services.enter_paper_vote(
                current_actor(),
                public_id,
                membership_id=form.membership_id.data or 0,
                choice=form.choice.data or "",
                paper_reference=form.paper_reference.data or "",
                now=utcnow(),
            )
        except RuleViolation as exc:
            target = getattr(form, exc.field, None) if exc.field in ("choice", "paper_reference") else form.membership_id
            target.errors = [*target.errors, exc.reason]  # type: ignore[union-attr]
        else:
            flash(_("The paper vote is entered; it counts once a second member confirms it."), "success")
            return redirect(url_for(".show_meeting", public_id=motion.meeting.public_id) + f"#motion-{motion.number}")
    return _meeting_page(motion.meeting.public_id, paper_form=form)


@bp.post("/committee/motions/<public_id>/close")
@login_required
def close_motion(public_id: str) -> Response:
    motion = _motion(public_id)
    return _act(
        motion.meeting.public_id,
        lambda: services.close_motion(current_actor(), public_id, now=utcnow()),
        _("The vote is closed and counted against all members."),
        f"#motion-{motion.number}",
    )


@bp.post("/committee/motions/<public_id>/decision")
@login_required
def decision_notice(public_id: str) -> Response:
    motion = _motion(public_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".show_meeting", public_id=motion.meeting.public_id))
    try:
        notice = services.draft_decision_notice(current_actor(), public_id, now=utcnow())
    except RuleViolation as exc:
        flash(exc.reason, "error")
        return redirect(url_for(".show_meeting", public_id=motion.meeting.public_id) + f"#motion-{motion.number}")
    flash(_("The decision notice is drafted from the motion. Publish it; a second member confirms it."), "success")
    return redirect(url_for("notices.edit_notice", public_id=notice.public_id))


@bp.post("/committee/votes/<int:vote_id>/confirm")
@login_required
def confirm_paper_vote(vote_id: int) -> Response:
    vote = db.session.get(MotionVote, vote_id)
    motion = db.session.get(Motion, vote.motion_id) if vote is not None else None
    if vote is None or motion is None:
        raise NotFound(_("No such paper vote."))
    return _act(
        motion.meeting.public_id,
        lambda: services.confirm_paper_vote(current_actor(), vote_id, now=utcnow()),
        _("The paper vote is confirmed and counts."),
        f"#motion-{motion.number}",
    )


def _minutes_meeting(public_id: str) -> str:
    minutes = db.session.execute(select(Minutes).where(Minutes.public_id == public_id)).scalar_one_or_none()
    meeting = db.session.get(Meeting, minutes.meeting_id) if minutes is not None else None
    if meeting is None:
        raise NotFound(_("No such minutes."))
    return meeting.public_id


@bp.post("/committee/minutes/<public_id>/sign")
@login_required
def sign_minutes(public_id: str) -> Response:
    return _act(
        _minutes_meeting(public_id),
        lambda: services.sign_minutes(current_actor(), public_id, now=utcnow()),
        _("Your confirmation of the minutes is recorded."),
        "#minutes",
    )


@bp.post("/committee/minutes/<public_id>/correct")
@login_required
def correct_minutes(public_id: str) -> Response | tuple[str, int]:
    meeting_id = _minutes_meeting(public_id)
    form = CorrectionForm()
    if form.validate_on_submit():
        try:
            services.correct_minutes(current_actor(), public_id, notes=form.notes.data or "", now=utcnow())
        except RuleViolation as exc:
            form.notes.errors = [*form.notes.errors, exc.reason]
        else:
            flash(_("A corrected version is drafted; the confirmed one stays as it was until the members confirm this one."), "success")
            return redirect(url_for(".show_meeting", public_id=meeting_id) + "#minutes")
    return _meeting_page(meeting_id, correction_form=form)


# The public record ------------------------------------------------------------------------------------------------


@bp.get("/c/<slug>/meetings")
def public_meetings(slug: str) -> str:
    community: Community = community_by_slug(slug)
    now = utcnow()
    return render_template(
        "committees/public.html",
        community=community,
        held=services.held_meetings(community),
        upcoming=services.upcoming(community, now),
        decisions=[d for d in services.decisions_of(community, now=now) if d.published],
        today=today_in_china(now),
    )


@bp.get("/c/<slug>/meetings/<public_id>")
def public_meeting(slug: str, public_id: str) -> str:
    community: Community = community_by_slug(slug)
    held = services.held_meeting(community, public_id)
    version = request.args.get("v", type=int)
    shown = next((m for m in held.versions if m.version == version), held.minutes)
    return render_template(
        "committees/public_minutes.html", community=community, held=held, shown=shown, render=render, render_lines=render_lines
    )
