"""Owners' complaints and repair requests on the profile's clock."""

from __future__ import annotations

from datetime import datetime


def escalate_due(now: datetime) -> str:
    """Escalate every step past its deadline (``flask close-due``); the report line for the command's output."""
    return ""
