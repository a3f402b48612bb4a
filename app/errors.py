"""Maps errors to HTTP answers: a page for people, JSON for JSON clients."""

from __future__ import annotations

from flask import Flask, current_app, g, make_response, render_template, request
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from .api.problems import copy_allow, problem_for_http, problem_response
from .domain.errors import DomainError, NotFound
from .security.permissions import PermissionDenied
from .web_params import InvalidQuery


def _wants_json() -> bool:
    # A .json address (a board's export, a receipt) is read by programs: its errors are problem details too.
    return request.path.startswith("/api/") or request.path.endswith(".json") or request.accept_mimetypes.best == "application/json"


def _answer(status: int, title: str, detail: str) -> tuple[Response | str, int]:
    if _wants_json():
        return problem_response(status, title, detail), status
    return render_template("errors/error.html", status=status, title=title, detail=detail), status


# How long a client is told to wait while the database is away (Retry-After).
RETRY_SECONDS = 60


def _unavailable() -> Response:
    """503 while the database is away: problem details for programs, a page in both languages for people.

    The page is built from nothing the database holds (not even who is logged in): it must render while it is gone.
    """
    if _wants_json():
        response = problem_response(
            503, _("Temporarily unavailable"), _("The service cannot reach its database just now. Please try again in a minute.")
        )
    else:
        locale = get_locale()
        current = "en" if locale is not None and locale.language == "en" else "zh_CN"
        messages = []
        for code in sorted(("zh_CN", "en"), key=lambda c: c != current):
            with force_locale(code):
                messages.append(("zh-CN" if code == "zh_CN" else code, _("Temporarily unavailable"), _("Please try again in a minute.")))
        # Rendered without the context processors: one of them loads the logged-in user from the database.
        page = current_app.jinja_env.get_template("errors/unavailable.html").render(messages=messages)
        response = make_response(page, 503)
    response.headers["Retry-After"] = str(RETRY_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeout)
    def _database_gone(err: Exception) -> Response:
        # The connection was lost or refused, the pool is exhausted, or the file cannot be written: not this request's fault.
        orig = getattr(err, "orig", None)
        reason = next(iter(str(orig if orig is not None else err).strip().splitlines()), type(err).__name__)
        current_app.logger.error("Database unavailable on %s %s: %s", request.method, request.path, reason)
        # The rest of this answer sees no one logged in (not logged out): the headers asking who it is cannot load them.
        g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]
        return _unavailable()

    @app.errorhandler(PermissionDenied)
    def _forbidden(err: PermissionDenied) -> tuple[Response | str, int]:
        return _answer(403, _("Not allowed"), err.message)

    @app.errorhandler(NotFound)
    def _not_found(err: NotFound) -> tuple[Response | str, int]:
        return _answer(404, _("Not found"), err.message)

    @app.errorhandler(DomainError)
    def _refused(err: DomainError) -> tuple[Response | str, int]:
        # A rule refused the request and the view did not put the message on its form.
        return _answer(400, _("Not possible"), getattr(err, "reason", err.message))

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException) -> tuple[Response | str, int]:
        titles = {
            400: _("Bad request"),
            403: _("Not allowed"),
            404: _("Not found"),
            405: _("Method not allowed"),
            413: _("The file is too large"),
            429: _("Too many requests"),
        }
        details = {
            403: _("You are not allowed to do this."),
            404: _("The page you asked for does not exist."),
            413: _("Upload a smaller file."),
        }
        status = err.code or 500
        if request.path.startswith("/api/"):
            return problem_for_http(err), status
        if isinstance(err, InvalidQuery):
            return _answer(400, _("Bad request"), err.description or "")
        if isinstance(err, CSRFError):
            return _answer(400, _("The form has expired"), _("Go back, reload the page and try again."))
        body, code = _answer(status, titles.get(status, err.name), details.get(status, ""))
        if status == 405:
            response = make_response(body, code)
            copy_allow(err, response)
            return response, code
        return body, code

    @app.errorhandler(500)
    def _server_error(err: Exception) -> tuple[Response | str, int]:
        return _answer(500, _("Something went wrong"), _("The error is logged. Please try again later."))
