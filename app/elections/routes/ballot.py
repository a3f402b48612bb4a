"""Elections on a session's ballot: the session page's panel, and adding an election to a draft."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from ...accounts.forms import ConfirmForm
from ...communities.models import Community
from ...domain.errors import RuleViolation
from ...security.web import current_actor
from ...sessions.routes.common import load_assembly
from ...web_params import id_arg
from ..models import Election
from ..services import slates
from .common import bp


@bp.app_template_global()
def elections_ready(community: Community) -> list[Election]:
    """The session page's panel: the community's elections whose slate is published and that wait for a session."""
    return slates.elections_ready(community.id)


@bp.post("/committee/s/<public_id>/elections")
@login_required
def add_election_item(public_id: str) -> Response:
    assembly = load_assembly(public_id)[0]
    if ConfirmForm().validate_on_submit():
        try:
            slates.add_election_item(current_actor(), assembly.id, election_id=id_arg("election", form=True) or 0)
        except RuleViolation as exc:
            flash(exc.reason, "error")
    return redirect(url_for("sessions.show_session", public_id=public_id))
