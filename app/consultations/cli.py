"""Consultations on the clock: ``flask close-due`` closes those whose last day has ended (wired by the factory)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from .services import close_due


def close_due_report(now: datetime) -> str:
    """Close the consultations due and say how many, for the command's output (nothing when none was due)."""
    closed = close_due(now)
    return _("closed %(closed)d consultation(s) and published their summaries", closed=closed) if closed else ""
