"""One JSON line per request, with a request id the response carries back (X-Request-ID).

The path is logged as its route (``/v/<token>``), never as requested, so no
voting letter's token reaches a log file.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time

from flask import Flask, g, request
from werkzeug.wrappers import Response

logger = logging.getLogger("gongzhi.request")
_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def register(app: Flask) -> None:
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
