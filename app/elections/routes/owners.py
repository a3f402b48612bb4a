"""An owner's election page: the slate, and putting oneself forward."""

from __future__ import annotations

from flask import flash, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from ...communities.models import Person
from ...db import db, utcnow
from ...domain.errors import RuleViolation
from ...extensions import limiter
from .. import services
from ..forms import (
    SelfNominationForm,
    StatusForm,
)
from ..models import Candidate, CandidateStatus, ElectionState
from .common import bp, load_election, nomination_limit


@bp.route("/e/<public_id>", methods=["GET", "POST"])
@limiter.limit(nomination_limit, methods=["POST"])
def public_election(public_id: str) -> Response | str:
    """The election's public page: the vetted slate; during nominations, stand as a candidate or check your nomination."""
    election, community = load_election(public_id)
    now = utcnow()
    form, status_form = SelfNominationForm(prefix="n"), StatusForm(prefix="s")
    mine: Candidate | None = None
    if request.method == "POST" and request.form.get("action") == "nominate" and form.validate_on_submit():
        try:
            mine = services.nominate_self(
                election.id,
                unit=form.unit.data or "",
                name=form.name.data or "",
                id_last4=form.id_last4.data or "",
                statement=form.statement.data or "",
                party_declared=bool(form.party_declared.data),
                ip=request.remote_addr or "-",
                now=now,
            )
        except RuleViolation as exc:
            getattr(form, exc.field, form.unit).errors.append(exc.reason)
        else:
            flash(_("Your nomination is received. The street office vets every candidate; check back here for the outcome."), "success")
    elif request.method == "POST" and request.form.get("action") == "status" and status_form.validate_on_submit():
        mine = services.find_own_candidacy(
            election.id,
            unit=status_form.unit.data or "",
            name=status_form.name.data or "",
            id_last4=status_form.id_last4.data or "",
            ip=request.remote_addr or "-",
            now=now,
        )
        if mine is None:
            status_form.unit.errors.append(_("No nomination in this election matches these details."))
    slate = []
    if election.state is not ElectionState.NOMINATING:
        names = {
            p.id: p for p in db.session.execute(select(Person).where(Person.id.in_([c.person_id for c in election.candidates]))).scalars()
        }
        slate = [(c, names[c.person_id]) for c in election.candidates if c.status is CandidateStatus.APPROVED]
    return render_template(
        "elections/public.html",
        election=election,
        community=community,
        slate=slate,
        form=form,
        status_form=status_form,
        mine=mine,
        open_now=election.state is ElectionState.NOMINATING and election.nominations_open_at <= now < election.nominations_close_at,
        check=services.slate_check(election, community) if slate else None,
    )
