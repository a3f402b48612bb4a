"""The office's registry of companies, their staff and the communities' contracts."""

from __future__ import annotations

from . import bp  # noqa: F401
