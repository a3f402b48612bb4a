"""An item's documents: the committee attaches them to a draft; anyone reads them once the session is announced."""

from __future__ import annotations

from flask import flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from ...accounts.forms import ConfirmForm
from ...db import db, utcnow
from ...domain.errors import NotFound, RuleViolation
from ...domain.lifecycle import SessionState
from ...extensions import limiter, upload_limit
from ...notices.forms import AttachForm
from ...notices.services import attachments_folder
from ...security.web import current_actor
from .. import services
from ..models import AssemblySession, Item, ItemDocument
from .common import bp, load_assembly


def _item(item_id: int) -> tuple[Item, AssemblySession]:
    item = db.session.get(Item, item_id)
    if item is None:
        raise NotFound(_("No such item."))
    assembly = db.session.get(AssemblySession, item.session_id)
    assert assembly is not None
    load_assembly(assembly.public_id)  # refused to anyone who may not see the draft
    return item, assembly


@bp.post("/committee/items/<int:item_id>/documents")
@login_required
@limiter.limit(upload_limit)
def attach_document(item_id: int) -> Response:
    item, assembly = _item(item_id)
    upload = AttachForm()
    if not upload.validate_on_submit():
        flash(_("Choose a PDF, PNG or JPEG file."), "error")
    else:
        file = upload.file.data
        try:
            services.attach_document(current_actor(), item.id, filename=file.filename or "", data=file.read(), now=utcnow())
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(_("File attached."), "success")
    return redirect(url_for(".show_session", public_id=assembly.public_id, _anchor=f"item-{item.id}"))


@bp.post("/committee/documents/<int:document_id>/remove")
@login_required
def remove_document(document_id: int) -> Response:
    document = db.session.get(ItemDocument, document_id)
    if document is None:
        raise NotFound(_("No such file."))
    item, assembly = _item(document.item_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.remove_document(current_actor(), document.id, now=utcnow())
        except RuleViolation as exc:
            flash(exc.reason, "error")
        else:
            flash(_("File removed."), "success")
    return redirect(url_for(".show_session", public_id=assembly.public_id, _anchor=f"item-{item.id}"))


@bp.get("/s/<public_id>/documents/<int:document_id>")
def item_document(public_id: str, document_id: int) -> Response:
    """Public once the session is announced, as its announcement is; a draft's files only to those who may see the draft."""
    assembly = db.session.execute(select(AssemblySession).where(AssemblySession.public_id == public_id)).scalar_one_or_none()
    document = db.session.get(ItemDocument, document_id)
    item = db.session.get(Item, document.item_id) if document else None
    if assembly is None or document is None or item is None or item.session_id != assembly.id:
        raise NotFound(_("No such file."))
    if assembly.state is SessionState.DRAFT:
        load_assembly(public_id)
    return send_file(
        attachments_folder() / document.sha256,
        mimetype=document.content_type,
        download_name=document.filename,
        max_age=86400 if assembly.state is not SessionState.DRAFT else 0,
    )
