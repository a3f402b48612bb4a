"""Template helpers shared by every page."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, request
from flask_babel import get_locale
from markupsafe import Markup
from werkzeug.local import LocalProxy

from .clock import local_time
from .domain.ledger import format_fen
from .domain.numbers import format_area
from .domain.units import unit_sort_key
from .main.forms import LanguageForm
from .security.web import current_actor
from .sessions.labels import STATE_LABELS

LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def _globals() -> dict[str, object]:
        locale = get_locale()
        # Babel reads zh_CN as zh_Hans_CN; pages and cookies keep the short codes.
        current = "zh_CN" if locale is None or locale.language == "zh" else locale.language
        return {
            "current_language": current,
            # Chinese text takes the full-width colon and comma; the same templates serve English.
            "colon": "：" if current == "zh_CN" else ": ",
            "comma": "，" if current == "zh_CN" else ", ",
            "parens": ("（", "）") if current == "zh_CN" else (" (", ")"),
            "html_lang": "zh-CN" if current == "zh_CN" else current,
            "language_names": LANGUAGE_NAMES,
            "language_form": LanguageForm,
            "state_labels": STATE_LABELS,
            # Read only if a template asks: most public pages never do.
            "actor": LocalProxy(current_actor),
            # Where the language switch comes back to: this page, if it can be fetched again.
            "here": request.full_path.rstrip("?") if request.method == "GET" else "",
        }

    app.jinja_env.filters["area"] = format_area
    app.jinja_env.filters["fen"] = format_fen
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["units"] = units_text


def units_text(units: Iterable[str]) -> Markup:
    """A roll entry's units as people list them: in building and number order, 、 between, never broken at a hyphen."""
    return Markup("、").join(Markup('<span class="unit">{}</span>').format(unit) for unit in sorted(units, key=unit_sort_key))
