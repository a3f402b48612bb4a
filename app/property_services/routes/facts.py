"""The service's facts: the company submits, the committee confirms, the board shows."""

from __future__ import annotations

from . import bp  # noqa: F401
