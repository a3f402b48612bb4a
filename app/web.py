"""Template helpers shared by every page."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale

from .domain.numbers import format_area
from .main.forms import LanguageForm

LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def _globals() -> dict[str, object]:
        locale = get_locale()
        # Babel reads zh_CN as zh_Hans_CN; pages and cookies keep the short codes.
        current = "zh_CN" if locale is None or locale.language == "zh" else locale.language
        return {
            "current_language": current,
            "html_lang": "zh-CN" if current == "zh_CN" else current,
            "language_names": LANGUAGE_NAMES,
            "language_form": LanguageForm,
        }

    app.jinja_env.filters["area"] = format_area
