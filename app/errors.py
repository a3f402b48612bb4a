"""Maps errors to HTTP answers: a page for people, JSON for JSON clients."""

from __future__ import annotations

from flask import Flask, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
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


def register(app: Flask) -> None:
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
