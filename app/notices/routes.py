"""The public board of a community (no login), its feed and export; the committee's notice pages."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..accounts.forms import ConfirmForm
from ..communities.models import Community
from ..communities.queries import community_by_slug
from ..db import db, utcnow
from ..domain.errors import NotFound, RuleViolation
from ..extensions import limiter, upload_limit
from ..qr import qr_svg_data_uri
from ..security.permissions import can_publish_notices, require
from ..security.web import current_actor
from ..web_params import choice_arg, year_arg
from . import services
from .forms import AttachForm, EditForm, NoticeForm
from .labels import CATEGORIES, DIRECTION_LABELS, KIND_LABELS, LEDGER_LABELS, file_size
from .models import Attachment, Notice, NoticeKind, NoticeState, Statement

bp = Blueprint("notices", __name__)


@bp.app_context_processor
def _labels() -> dict[str, object]:
    return {
        "kind_labels": KIND_LABELS,
        "can_publish_notices": can_publish_notices,
        "ledger_labels": LEDGER_LABELS,
        "category_labels": CATEGORIES,
        "direction_labels": DIRECTION_LABELS,
    }


bp.add_app_template_filter(file_size, "filesize")

# Characters XML 1.0 does not allow in a document, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@bp.app_template_filter()
def xml_text(value: object) -> str:
    """Text without the characters XML cannot hold; still escaped by the template, unless it was already markup."""
    cleaned = _NOT_XML.sub("", str(value))
    return Markup(cleaned) if isinstance(value, Markup) else cleaned


def _published(community: Community, public_id: str) -> Notice:
    notice = services.published_notice(community.id, public_id)
    if notice is None:
        raise NotFound(_("No such notice."))
    return notice


def _filters() -> tuple[NoticeKind | None, int | None]:
    kind = choice_arg("kind", (k.value for k in NoticeKind))
    return (NoticeKind(kind) if kind else None), year_arg()


# Public ------------------------------------------------------------------------------------------


@bp.get("/c/<slug>")
def board(slug: str) -> str:
    community = community_by_slug(slug)
    kind, year = _filters()
    notices = services.board(community.id, kind=kind, year=year)
    superseded = {n.supersedes_id for n in notices if n.supersedes_id}
    return render_template(
        "notices/board.html",
        community=community,
        notices=notices,
        superseded=superseded,
        kind=kind.value if kind else "",
        year=year,
        years=services.board_years(community.id),
    )


@bp.get("/c/<slug>/n/<public_id>")
def show_notice(slug: str, public_id: str) -> str:
    community = community_by_slug(slug)
    notice = _published(community, public_id)
    line = services.versions(notice)
    statement = db.session.execute(select(Statement).where(Statement.notice_id == notice.id)).scalar_one_or_none()
    return render_template(
        "notices/notice.html",
        community=community,
        notice=notice,
        versions=line,
        newest=line[0],
        files=services.attachments_of(notice.id),
        statement=statement,
    )


@bp.get("/c/<slug>/feed.atom")
def feed(slug: str) -> Response:
    community = community_by_slug(slug)
    notices = services.board(community.id)[:50]
    body = render_template(
        "notices/feed.atom", community=community, notices=notices, updated=notices[0].published_at if notices else community.created_at
    )
    return current_app.response_class(body, mimetype="application/atom+xml")


@bp.get("/c/<slug>/notices.json")
def export(slug: str) -> Response:
    community = community_by_slug(slug)
    kind, year = _filters()
    notices = services.board(community.id, kind=kind, year=year)
    response = jsonify(
        community={"slug": community.slug, "name": community.name},
        notices=[
            {
                "id": n.public_id,
                "kind": n.kind.value,
                "title": n.title,
                "version": n.version,
                "supersedes": services.public_id_of(n.supersedes_id),
                "published_at": n.published_at.isoformat().replace("+00:00", "Z") if n.published_at else None,
                "body": n.body,
                "url": url_for(".show_notice", slug=community.slug, public_id=n.public_id, _external=True),
            }
            for n in notices
        ],
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/c/<slug>/poster")
def poster(slug: str) -> str:
    """An A4 poster for the building entrance: the board's QR code and address."""
    community = community_by_slug(slug)
    url = url_for(".board", slug=community.slug, _external=True)
    return render_template("notices/poster.html", community=community, url=url, qr=qr_svg_data_uri(url))


# Committee ---------------------------------------------------------------------------------------


def _committee_community(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound(_("No such community."))
    require(can_publish_notices(current_actor(), community))
    return community


def _committee_notice(public_id: str) -> tuple[Notice, Community]:
    notice = db.session.execute(select(Notice).where(Notice.public_id == public_id)).scalar_one_or_none()
    if notice is None:
        raise NotFound(_("No such notice."))
    return notice, _committee_community(notice.community_id)


@bp.route("/committee/c/<int:community_id>/notices", methods=["GET", "POST"])
@login_required
def list_notices(community_id: int) -> Response | str:
    community = _committee_community(community_id)
    form = NoticeForm()
    if form.validate_on_submit():
        try:
            notice = services.draft_notice(
                current_actor(),
                community_id=community.id,
                kind=NoticeKind(form.kind.data),
                title=form.title.data or "",
                body=form.body.data or "",
                now=utcnow(),
            )
        except RuleViolation as exc:
            getattr(form, exc.field, form.title).errors.append(exc.reason)
        else:
            flash(_("Draft saved. Check it, then publish it."), "success")
            return redirect(url_for(".edit_notice", public_id=notice.public_id))
    return render_template("notices/list.html", community=community, notices=services.committee_notices(community.id), form=form)


@bp.route("/committee/n/<public_id>", methods=["GET", "POST"])
@login_required
def edit_notice(public_id: str) -> Response | str:
    notice, community = _committee_notice(public_id)
    form = EditForm(obj=notice)
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.edit_draft(current_actor(), notice.id, title=form.title.data or "", body=form.body.data or "", now=utcnow())
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(_("Draft saved."), "success")
        return redirect(url_for(".edit_notice", public_id=public_id))
    from .markup import render

    preview = notice.body_html if notice.state is NoticeState.PUBLISHED else render(notice.body)
    return render_template(
        "notices/edit.html",
        community=community,
        notice=notice,
        form=form,
        action=ConfirmForm(),
        preview=preview,
        files=services.attachments_of(notice.id),
        upload=AttachForm(),
    )


def _act(public_id: str, action: str) -> Response:
    notice, _community = _committee_notice(public_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".edit_notice", public_id=public_id))
    actor, now = current_actor(), utcnow()
    try:
        if action == "publish":
            done = services.publish_notice(actor, notice.id, now=now)
            message = _("Published.") if done.state is NoticeState.PUBLISHED else _("Waiting for a second committee member to confirm.")
        elif action == "confirm":
            done = services.confirm_notice(actor, notice.id, now=now)
            message = _("Confirmed and published.")
        else:
            done = services.correct_notice(actor, notice.id, now=now)
            message = _("A new version is drafted. Edit it, then publish it; the old version stays visible.")
    except RuleViolation as exc:
        flash(exc.reason, "error")
        return redirect(url_for(".edit_notice", public_id=public_id))
    flash(message, "success")
    return redirect(url_for(".edit_notice", public_id=done.public_id))


@bp.post("/committee/n/<public_id>/publish")
@login_required
def publish(public_id: str) -> Response:
    return _act(public_id, "publish")


@bp.post("/committee/n/<public_id>/confirm")
@login_required
def confirm(public_id: str) -> Response:
    return _act(public_id, "confirm")


@bp.post("/committee/n/<public_id>/correct")
@login_required
def correct(public_id: str) -> Response:
    return _act(public_id, "correct")


@bp.get("/c/<slug>/accounts")
def accounts(slug: str) -> str:
    """Published statements of both ledgers, with charts; no login."""
    community = community_by_slug(slug)
    published = services.published_statements(community.id)
    return render_template("notices/accounts.html", community=community, published=published)


@bp.post("/committee/n/<public_id>/attach")
@login_required
@limiter.limit(upload_limit)
def attach(public_id: str) -> Response:
    notice, _community = _committee_notice(public_id)
    upload = AttachForm()
    if not upload.validate_on_submit():
        flash(_("Choose a PDF, PNG or JPEG file."), "error")
        return redirect(url_for(".edit_notice", public_id=public_id))
    file = upload.file.data
    try:
        services.attach(current_actor(), notice.id, filename=file.filename or "", data=file.read(), now=utcnow())
    except RuleViolation as exc:
        flash(exc.reason, "error")
    else:
        flash(_("File attached."), "success")
    return redirect(url_for(".edit_notice", public_id=public_id))


@bp.post("/committee/n/<public_id>/files/<int:attachment_id>/remove")
@login_required
def detach(public_id: str, attachment_id: int) -> Response:
    notice, _community = _committee_notice(public_id)
    found = db.session.get(Attachment, attachment_id)
    if found is None or found.notice_id != notice.id:
        raise NotFound(_("No such file."))
    if ConfirmForm().validate_on_submit():
        try:
            services.detach(current_actor(), found.id, now=utcnow())
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(_("File removed."), "success")
    return redirect(url_for(".edit_notice", public_id=public_id))


@bp.get("/c/<slug>/n/<public_id>/files/<int:attachment_id>")
def attachment(slug: str, public_id: str, attachment_id: int) -> Response:
    community = community_by_slug(slug)
    notice = _published(community, public_id)
    found = db.session.get(Attachment, attachment_id)
    if found is None or found.notice_id != notice.id:
        raise NotFound(_("No such file."))
    return services.stored_file_response(found.sha256, found.content_type, found.filename, max_age=86400)
