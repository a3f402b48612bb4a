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
        current = str(locale) if locale else app.config["BABEL_DEFAULT_LOCALE"]
        return {
            "current_language": current,
            "html_lang": "zh-CN" if current == "zh_CN" else current,
            "language_names": LANGUAGE_NAMES,
            "language_form": LanguageForm,
        }

    app.jinja_env.filters["area"] = format_area
