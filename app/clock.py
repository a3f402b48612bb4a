"""Dates and times as people in the community read them: the configured zone (Beijing time by default).

The database and the signed entries keep UTC; a day that a rule counts (a
deadline, a term's end, a petition's closing day) is a day on the community's
calendar, so it is computed here and nowhere else.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _


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


def zone_name() -> str:
    """The community's zone as people name it: Beijing time for Asia/Shanghai, else its name."""
    key = zone().key
    return _("Beijing time") if key == "Asia/Shanghai" else key


def local_time(moment: datetime | str | None, seconds: bool = False, named: bool = True) -> str:
    """A moment as a person reads it, in the community's zone and naming it: "2026-12-03 00:38 北京时间".

    ``moment`` is an aware datetime or the UTC text of a signed entry ("2026-12-02T16:38:13Z"). The
    one filter (``local_time``) for every time an owner or the public reads; signed JSON keeps UTC.
    ``named=False`` leaves the zone's name to the text around it (the printed letter names it in Chinese).
    """
    if moment is None or moment == "":
        return ""
    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    shown = when.astimezone(zone()).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    return f"{shown} {zone_name()}" if named else shown
