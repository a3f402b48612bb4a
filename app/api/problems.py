"""RFC 9457 problem details: the API's answer to every refusal and error, and the body-size limit behind them.

The general error handlers (``app.errors``) call these for API paths; this
module imports nothing of them, so errors flow one way (as microblog's
``api/errors.py``).
"""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from .spec import FieldError

MAX_BODY_BYTES = 64 * 1024
PROBLEM = "application/problem+json"


class Problem(Exception):
    """An RFC 9457 answer: status, title, detail, and the fields at fault."""

    def __init__(self, status: int, title: str, detail: str, *, kind: str = "about:blank", errors: list[FieldError] | None = None):
        super().__init__(detail)
        self.status, self.title, self.detail, self.kind, self.errors = status, title, detail, kind, errors or []


def problem_response(
    status: int, title: str, detail: str, *, kind: str = "about:blank", errors: list[FieldError] | None = None
) -> Response:
    body: dict[str, Any] = {"type": kind, "title": title, "status": status, "detail": detail, "instance": request.path}
    if errors:
        body["errors"] = [{"field": e.field, "pointer": e.pointer, "detail": e.detail} for e in errors]
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="gongzhi"'
    return response


def problem_for_http(err: HTTPException) -> Response:
    """Werkzeug's errors on API paths (405, 413, 429, …) as problem details."""
    titles = {404: _("Not found"), 405: _("Method not allowed"), 413: _("Too large"), 429: _("Too many requests")}
    details = {
        404: _("There is no such API operation. The operations are listed in /api/v1/openapi.json."),
        405: _("This operation does not take that method."),
        413: _("The body is larger than %(n)d KB.", n=MAX_BODY_BYTES // 1024),
        429: _("Too many requests. Please wait a minute and try again."),
    }
    status = err.code or 500
    response = problem_response(status, titles.get(status, err.name), details.get(status, err.description or ""))
    copy_allow(err, response)
    return response


def copy_allow(err: HTTPException, response: Response) -> None:
    """A 405 names the methods the address takes (RFC 9110 §15.5.6), whatever body it is given."""
    allow = dict(err.get_headers()).get("Allow")
    if allow:
        response.headers["Allow"] = allow
