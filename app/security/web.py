"""Request-level protections: security headers, the officials' idle timeout, no caching of private pages and letters."""

from __future__ import annotations

import time

from flask import Flask, abort, current_app, flash, g, request, session
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from .actor import ANONYMOUS, Actor, actor_for

# No inline script or style anywhere; QR codes are data: images.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

# Everything under these paths carries a voting letter (its token, its holder, its ballot): no cache keeps it.
LETTER_PATHS = ("/v/", "/api/v1/letters/")


def _carries_nul() -> bool:
    if "\x00" in request.path:
        return True
    for _key, values in request.args.lists():
        if any("\x00" in v for v in values):
            return True
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return any("\x00" in key or any("\x00" in v for v in values) for key, values in request.form.lists())
    return False


def register(app: Flask) -> None:
    @app.before_request
    def _refuse_nul() -> None:
        # No text anyone means holds a NUL, and PostgreSQL refuses it in text columns: stop it at the door.
        # (JSON bodies are checked by the API's validator, which names the field.)
        if _carries_nul():
            abort(400)

    @app.before_request
    def _idle_timeout() -> None:
        if request.endpoint == "static" or not current_user.is_authenticated:
            return
        now = time.time()
        seen = session.get("seen", now)
        if now - seen > current_app.config["OFFICIAL_IDLE_MINUTES"] * 60:
            logout_user()
            session.clear()
            flash(_("You were logged out after a period without activity. Please sign in again."), "info")
            return
        session["seen"] = now

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        # Voting-letter URLs carry their token: never send them on as a referrer.
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure or current_app.config["HSTS"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # The API's answers to a bearer token or to a post (an owner's identity check, a staff password) are nobody's
        # to keep either.
        api_private = request.path.startswith("/api/") and (request.method != "GET" or "Authorization" in request.headers)
        if (
            request.path.startswith(LETTER_PATHS)
            or api_private
            or (request.endpoint != "static" and (current_user.is_authenticated or "pending_login" in session))
        ):
            headers["Cache-Control"] = "no-store"
        return response


def current_actor() -> Actor:
    """The actor of this request: the signed-in official with their grants, or anonymous. Read once per request."""
    if "actor" not in g:
        g.actor = actor_for(current_user) if current_user.is_authenticated else ANONYMOUS
    actor: Actor = g.actor
    return actor
