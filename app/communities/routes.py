"""Administration pages of the register: communities, buildings, units, import."""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..clock import today_in_china
from ..db import db, utcnow
from ..domain.errors import NotFound, RuleViolation
from ..extensions import limiter, upload_limit
from ..security.permissions import (
    can_manage_register,
    can_view_register,
    is_preparatory_member,
    require,
)
from ..security.web import current_actor
from ..web_params import id_arg, page_arg
from . import queries, services
from .forms import BuildingForm, RegisterConfirmForm, RegisterUploadForm
from .models import Community
from .register import RegisterFileError

bp = Blueprint("communities", __name__, url_prefix="/admin")


def _visible_community(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound(_("No such community."))
    require(can_view_register(current_actor(), community))
    return community


@bp.get("/")
@login_required
def index() -> str:
    actor = current_actor()
    communities = [c for c in db.session.execute(select(Community).order_by(Community.name)).scalars() if can_view_register(actor, c)]
    # A preparatory group member's way in: their group's page (the role lasts as long as the group).
    group_member_of = {c.id for c in communities if is_preparatory_member(actor, c.id)}
    return render_template("communities/index.html", communities=communities, group_member_of=group_member_of)


@bp.get("/c/<int:community_id>")
@login_required
def show_community(community_id: int) -> str:
    community = _visible_community(community_id)
    roll = queries.community_roll(community.id)
    return render_template(
        "communities/show.html",
        community=community,
        buildings=queries.building_summaries(community.id),
        roll=roll,
        building_form=BuildingForm(),
        can_manage=can_manage_register(current_actor(), community),
        group_member=is_preparatory_member(current_actor(), community.id),
        today=today_in_china(utcnow()),
    )


@bp.post("/c/<int:community_id>/buildings")
@login_required
def add_building(community_id: int) -> Response | str:
    community = _visible_community(community_id)
    form = BuildingForm()
    if form.validate_on_submit():
        try:
            services.add_building(current_actor(), community.id, form.name.data or "")
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(_("Building %(name)s added.", name=form.name.data), "success")
    else:
        flash(_("Give the building a name of at most 40 characters."), "error")
    return redirect(url_for(".show_community", community_id=community.id))


@bp.get("/c/<int:community_id>/units")
@login_required
def list_units(community_id: int) -> str:
    community = _visible_community(community_id)
    building_id = id_arg("building")
    page = page_arg()
    units, total = queries.units_page(community.id, building_id=building_id, page=page)
    return render_template(
        "communities/units.html",
        community=community,
        units=units,
        total=total,
        page=page,
        per_page=50,
        building_id=building_id,
        buildings=queries.building_summaries(community.id),
    )


UPLOAD_MAX_AGE_SECONDS = 24 * 3600


def _upload_dir() -> Path:
    """Register files waiting for confirmation; previews abandoned for a day are removed."""
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(mode=0o700, exist_ok=True)
    cutoff = time.time() - UPLOAD_MAX_AGE_SECONDS
    for stale in path.iterdir():
        if stale.stat().st_mtime < cutoff:
            stale.unlink(missing_ok=True)
    return path


@bp.route("/c/<int:community_id>/register", methods=["GET", "POST"])
@login_required
@limiter.limit(upload_limit, methods=["POST"])
def upload_register(community_id: int) -> Response | str:
    community = _visible_community(community_id)
    require(can_manage_register(current_actor(), community))
    form = RegisterUploadForm()
    if not form.validate_on_submit():
        return render_template("communities/register_upload.html", community=community, form=form)
    upload = form.file.data
    filename = Path(upload.filename or "register.csv").name
    data = upload.read()
    try:
        max_rows = current_app.config["REGISTER_MAX_ROWS"]
        check = services.check_register_file(current_actor(), community.id, filename, data, max_rows=max_rows)
    except RegisterFileError as exc:
        form.file.errors = [str(exc)]
        return render_template("communities/register_upload.html", community=community, form=form), 400  # type: ignore[return-value]
    token = ""
    if check.report.ok:
        token = secrets.token_urlsafe(18)
        suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
        (_upload_dir() / f"{token}{suffix}").write_bytes(data)
        (_upload_dir() / f"{token}.json").write_text(
            json.dumps({"user": current_user.id, "community": community.id, "filename": filename, "suffix": suffix})
        )
    return render_template(
        "communities/register_preview.html",
        community=community,
        filename=filename,
        check=check,
        preview_rows=check.good_rows[:50],
        flagged_rows=check.flagged_rows[:500],
        confirm_form=RegisterConfirmForm(token=token),
    )


@bp.post("/c/<int:community_id>/register/confirm")
@login_required
def confirm_register(community_id: int) -> Response:
    community = _visible_community(community_id)
    require(can_manage_register(current_actor(), community))
    form = RegisterConfirmForm()
    token = form.token.data or ""
    meta_path = _upload_dir() / f"{token}.json"
    if not form.validate_on_submit() or not token.replace("-", "").replace("_", "").isalnum() or not meta_path.exists():
        flash(_("This preview has expired; upload the file again."), "error")
        return redirect(url_for(".upload_register", community_id=community.id))
    meta = json.loads(meta_path.read_text())
    if meta["user"] != current_user.id or meta["community"] != community.id:
        abort(403)
    data_path = _upload_dir() / f"{token}{meta['suffix']}"
    try:
        report = services.import_register_file(
            current_actor(),
            community.id,
            meta["filename"],
            data_path.read_bytes(),
            max_rows=current_app.config["REGISTER_MAX_ROWS"],
        )
    except services.RegisterRejected as exc:
        flash(exc.reason, "error")
        return redirect(url_for(".upload_register", community_id=community.id))
    except RegisterFileError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".upload_register", community_id=community.id))
    finally:
        meta_path.unlink(missing_ok=True)
        data_path.unlink(missing_ok=True)
    flash(
        _(
            "Register imported: %(created)d new, %(updated)d updated, %(unchanged)d unchanged units.",
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
        ),
        "success",
    )
    return redirect(url_for(".show_community", community_id=community.id))
