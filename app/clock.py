"""Dates and times as people in the community read them: the configured zone (Beijing time by default).

The database and the signed entries keep UTC; a day that a rule counts (a
deadline, a term's end, a petition's closing day) is a day on the community's
calendar, so it is computed here and nowhere else.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def today_in_china(now: datetime) -> date:
    """The calendar day ``now`` falls on in the community's zone."""
    return now.astimezone(zone()).date()


def local_to_utc(local: datetime) -> datetime:
    """A wall-clock time typed in a form (no zone) as the UTC instant it means."""
    return local.replace(tzinfo=zone()).astimezone(UTC)


def start_of_day(day: date) -> datetime:
    """Midnight at the start of ``day`` in the community's zone, in UTC."""
    return datetime.combine(day, time.min, tzinfo=zone()).astimezone(UTC)
