from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, make_response, redirect, render_template, request, send_from_directory, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from ..communities.queries import public_community_summaries
from ..db import db, probe_write
from ..i18n import LANG_COOKIE
from .forms import LanguageForm

bp = Blueprint("main", __name__)


@bp.get("/")
def home() -> str:
    return render_template("main/home.html", communities=public_community_summaries())


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Asked for by every browser on its first visit, whatever the page links."""
    return send_from_directory(current_app.static_folder or "static", "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400)


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path of this site ("/v/…"), else None: never another host ("//host", "/\\host") or a scheme."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(c in target for c in "\\\r\n\t\x00") or urlsplit(target).netloc or urlsplit(target).scheme:
        return None
    return target


@bp.post("/lang")
def set_language() -> Response:
    """Switch the language and stay on the page: its path comes with the form (``next``), as no Referer is ever sent."""
    form = LanguageForm()
    target = local_path(request.form.get("next")) or url_for("main.home")
    response = make_response(redirect(target))
    if form.validate_on_submit() and form.lang.data in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, form.lang.data, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@bp.get("/.well-known/gongzhi-keys.json")
def published_keys() -> tuple[Response, int]:
    """The public keys receipts are signed with, past ones included (DESIGN §4)."""
    from ..security.keys import cached_keyring

    try:
        ring = cached_keyring(current_app.instance_path)
    except FileNotFoundError:
        return jsonify(keys=[]), 200
    response = jsonify(keys=[k.as_json() for k in ring.published])
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response, 200


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Alive: the database answers and can commit a write, which a read-only or full disk cannot (``db.probe_write``)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return _no_store(jsonify(status="error", database="unreachable")), 503
    try:
        probe_write()
    except SQLAlchemyError as err:
        return _no_store(jsonify(status="error", database="cannot write", reason=_write_failure(err))), 503
    return _no_store(jsonify(status="ok", database="ok")), 200


def _write_failure(err: SQLAlchemyError) -> str:
    """Why a write failed, in a word an operator can act on (the driver's message may name hosts: it is not shown)."""
    message = str(getattr(err, "orig", None) or err).lower()
    for words, reason in ((("readonly", "read-only", "read only"), "read-only"), (("full", "no space"), "disk full")):
        if any(w in message for w in words):
            return reason
    if "locked" in message or "timeout" in message:
        return "busy"
    return "failed"


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Ready for traffic: the database answers and its schema is at the newest migration.

    The signing key is reported too; a missing one is made at the first cast.
    """
    from ..migrate import pending
    from ..security.keys import cached_keyring

    checks: dict[str, str] = {}
    try:
        checks["migrations"] = "pending" if pending() else "ok"
    except SQLAlchemyError:
        checks["migrations"] = "unreachable"
    try:
        cached_keyring(current_app.instance_path)
        checks["signing_key"] = "ok"
    except FileNotFoundError:
        checks["signing_key"] = "made at the first cast"
    ready = checks["migrations"] == "ok"
    return jsonify(status="ok" if ready else "not ready", **checks), 200 if ready else 503
