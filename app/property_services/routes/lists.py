"""The satisfaction survey, the office's findings and the monthly red and black lists."""

from __future__ import annotations

from . import bp  # noqa: F401
