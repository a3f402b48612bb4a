"""Language selection: zh_CN by default, English on request."""

from __future__ import annotations

import os

from flask import current_app, has_request_context, request

LANG_COOKIE = "lang"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # Command-line use: GONGZHI_LANG=en gives English messages.
        wanted = os.environ.get("GONGZHI_LANG")
        return wanted if wanted in languages else current_app.config["BABEL_DEFAULT_LOCALE"]
    for candidate in (request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in languages:
            return candidate
    return current_app.config["BABEL_DEFAULT_LOCALE"]
