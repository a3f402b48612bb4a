"""Owners' complaints and repair requests: filing, the company's steps, escalations, the ledger."""

from __future__ import annotations

from . import bp  # noqa: F401
