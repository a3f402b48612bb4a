"""Language selection: zh_CN by default, English on request."""

from __future__ import annotations

import os
from functools import cache

from babel import Locale
from flask import current_app, has_request_context, request

LANG_COOKIE = "lang"


@cache
def _locale(code: str) -> Locale:
    # Parsing a locale reads Babel's data files; each request would pay for it again.
    return Locale.parse(code)


def select_locale() -> Locale:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # Command-line use: GONGZHI_LANG=en gives English messages.
        wanted = os.environ.get("GONGZHI_LANG")
        return _locale(wanted if wanted in languages else current_app.config["BABEL_DEFAULT_LOCALE"])
    for candidate in (request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in languages:
            return _locale(candidate)
    return _locale(current_app.config["BABEL_DEFAULT_LOCALE"])
