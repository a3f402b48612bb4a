"""Gongzhi (共治): owner-assembly e-voting and committee governance.

The factory is imported lazily so that ``python -m app.domain`` (the pure rule
engine) loads no web framework.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

    from .config import Config


def create_app(config: type[Config] | dict[str, Any] | None = None) -> Flask:
    """Application factory: configuration, instance folder, extensions, blueprints, CLI."""
    from .factory import build_app

    return build_app(config)
