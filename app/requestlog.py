"""One JSON line per request, with a request id the response carries back (X-Request-ID); no token in any log.

The path is logged as its route (``/v/<token>``), never as requested, so no
voting letter's token reaches a log file. Every other line the application or
gunicorn writes (an error's "Exception on /v/…", its traceback, gunicorn's
access and error logs) passes through ``ScrubTokens``, which writes a letter's
address the same way, ``/v/<token>``, and takes the token out of the rest of
the line too.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
from collections.abc import Iterable

from flask import Flask, g, has_request_context, request
from werkzeug.wrappers import Response

logger = logging.getLogger("gongzhi.request")
_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

PLACEHOLDER = "<token>"
# The addresses that carry a letter's token: /v/<token>… and /api/v1/letters/<token>…, also percent-encoded
# inside another address (the language switch's ?next=). The token runs to the next separator.
_SLASH = r"(?:/|%2[Ff])"
_TOKEN_IN_ADDRESS = re.compile(
    rf"((?:{_SLASH}v|{_SLASH}api{_SLASH}v1{_SLASH}letters){_SLASH})((?:%(?!2[Ff])[0-9A-Fa-f]{{2}}|[^/?#&%\s\"'<>\\])+)"
)
# A value found in an address is taken out of the rest of the text only when it is long enough to be a token.
_BARE_MIN = 8
_FORMATTER = logging.Formatter()


def tokens_in(text: str) -> set[str]:
    """The tokens the letters' addresses in ``text`` carry."""
    return {m.group(2) for m in _TOKEN_IN_ADDRESS.finditer(text)}


def scrub(text: str, known: Iterable[str] = ()) -> str:
    """``text`` with every letter's address written as its route (``/v/<token>``) and the tokens gone from the rest."""
    found = tokens_in(text) | set(known)
    text = _TOKEN_IN_ADDRESS.sub(lambda m: m.group(1) + PLACEHOLDER, text)
    for token in sorted(found, key=len, reverse=True):
        if len(token) >= _BARE_MIN:
            text = text.replace(token, PLACEHOLDER)
    return text


def _request_token() -> set[str]:
    if has_request_context() and request.view_args and isinstance(request.view_args.get("token"), str):
        return {request.view_args["token"]}
    return set()


class ScrubTokens(logging.Filter):
    """Rewrites a record's message, traceback and stack without any letter's token, before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        trace = record.exc_text or (_FORMATTER.formatException(record.exc_info) if record.exc_info else "")
        stack = record.stack_info or ""
        known = _request_token() | tokens_in(message) | tokens_in(trace) | tokens_in(stack)
        record.msg, record.args = scrub(message, known), ()
        if trace:
            record.exc_text = scrub(trace, known)  # formatters print exc_text as it is, never the exception again
        if stack:
            record.stack_info = scrub(stack, known)
        return True


def scrub_logger(log: logging.Logger) -> None:
    """Every record ``log`` writes goes through ``ScrubTokens`` (once, however often this is called)."""
    if not any(isinstance(f, ScrubTokens) for f in log.filters):
        log.addFilter(ScrubTokens())


def register(app: Flask) -> None:
    # Flask's "Exception on <path>" and whatever the views log; the development server's request lines.
    for log in (app.logger, logger, logging.getLogger("werkzeug")):
        scrub_logger(log)
    if not app.config.get("REQUEST_LOG", True):
        return
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False

    @app.before_request
    def _start() -> None:
        offered = request.headers.get("X-Request-ID", "")
        g.request_id = offered if _ID.match(offered) else secrets.token_hex(8)
        g.request_started = time.perf_counter()

    @app.after_request
    def _log(response: Response) -> Response:
        request_id = g.get("request_id", "")
        response.headers["X-Request-ID"] = request_id
        started = g.get("request_started")
        logger.info(
            json.dumps(
                {
                    "request_id": request_id,
                    "method": request.method,
                    "route": request.url_rule.rule if request.url_rule else "(no route)",
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
                    "user": getattr(g, "_login_user", None) and g._login_user.get_id(),
                },
                separators=(",", ":"),
            )
        )
        return response
