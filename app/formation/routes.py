"""The preparatory group's pages: the office forms it, the group and the office follow it, publish its list, dissolve it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ..accounts.forms import ConfirmForm
from ..clock import today_in_china
from ..communities.models import Community
from ..db import db, utcnow
from ..domain.errors import NotFound, RuleViolation
from ..domain.rules import get_profile
from ..elections.services import current_committee
from ..notices.models import Notice
from ..security.permissions import can_certify, can_view_sessions, is_preparatory_member, require
from ..security.web import current_actor
from . import services
from .forms import DissolveForm, GroupForm, parse_members
from .labels import KIND_LABELS
from .models import PreparatoryGroup

bp = Blueprint("formation", __name__)


@bp.app_template_global()
def preparatory_group_of(community: Community) -> PreparatoryGroup | None:
    """The community's open preparatory group, for the pages of packages below (the committee's page, the community's)."""
    return services.open_group(community.id)


@bp.app_template_global()
def may_form_group(community: Community) -> bool:
    """The community's page offers the office's form: an official of its office, no group, no committee in its term."""
    if not can_certify(current_actor(), community) or services.open_group(community.id) is not None:
        return False
    committee = current_committee(community.id)
    return committee is None or committee.term_end < today_in_china(utcnow())


def _community(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound(_("No such community."))
    return community


@bp.route("/office/c/<int:community_id>/preparatory-group", methods=["GET", "POST"])
@login_required
def form_group(community_id: int) -> Response | str:
    """One line per member: "kind, name, unit or organisation", the leader marked 组长; the new accounts are shown once."""
    community = _community(community_id)
    require(can_certify(current_actor(), community))
    form = GroupForm()
    credentials: list[services.Credential] = []
    group = None
    if form.validate_on_submit():
        members, problem = parse_members(form.members.data or "")
        if problem:
            form.members.errors.append(problem)
        else:
            try:
                group, credentials = services.form_group(current_actor(), community.id, members, utcnow())
            except RuleViolation as exc:
                form.members.errors.append(exc.reason)
            else:
                flash(_("The group is formed. Give each member their username and initial password now: shown once."), "success")
    return render_template(
        "formation/form.html",
        community=community,
        form=form,
        group=group,
        credentials=credentials,
        settings=get_profile(community.rule_profile).settings,
        committee=current_committee(community.id),
        existing=services.open_group(community.id) if group is None else None,
    )


@bp.get("/committee/c/<int:community_id>/preparatory-group")
@login_required
def show_group(community_id: int) -> str:
    community = _community(community_id)
    actor = current_actor()
    require(can_view_sessions(actor, community))
    group = services.latest_group(community.id)
    deadlines = services.deadlines(group, now=utcnow()) if group is not None and group.is_open else None
    notice = None
    if group is not None and group.members_notice_id is not None:
        notice = db.session.get(Notice, group.members_notice_id)
    return render_template(
        "formation/group.html",
        community=community,
        group=group,
        deadlines=deadlines,
        notice=notice,
        kind_labels=KIND_LABELS,
        is_member=is_preparatory_member(actor, community.id),
        may_publish=is_preparatory_member(actor, community.id) or can_certify(actor, community),
        may_dissolve=can_certify(actor, community),
        confirm_form=ConfirmForm(),
        dissolve_form=DissolveForm(),
    )


@bp.post("/committee/preparatory-group/<int:group_id>/publish")
@login_required
def publish(group_id: int) -> Response:
    group, community = services.load_group(group_id)
    actor = current_actor()
    require(is_preparatory_member(actor, community.id) or can_certify(actor, community))
    if ConfirmForm().validate_on_submit():
        try:
            services.publish_members(actor, group.id, utcnow())
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(_("The member list is on the community's board."), "success")
    return redirect(url_for(".show_group", community_id=community.id))


@bp.post("/office/preparatory-group/<int:group_id>/dissolve")
@login_required
def dissolve(group_id: int) -> Response:
    group, community = services.load_group(group_id)
    require(can_certify(current_actor(), community))
    form = DissolveForm()
    if form.validate_on_submit():
        try:
            services.dissolve(current_actor(), group.id, form.reason.data or "", utcnow())
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(_("The preparatory group is dissolved; its members' accounts lost the group's rights."), "success")
    else:
        flash(_("Say why the group is dissolved, in at most 300 characters."), "error")
    return redirect(url_for(".show_group", community_id=community.id))
