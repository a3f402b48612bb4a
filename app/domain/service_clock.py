"""The property-service company's clock on an owner's complaint or repair request (e.g. Changzhi: answered within 30
minutes, on site within 3 hours, resolved within 3 days), counted in calendar time or in working time.

Working time is the company's opening hours on its working days: weekdays, less the public holidays, plus the
weekend days the State Council makes working days (调休). A limit in minutes or hours counts only the open minutes;
a limit in days counts whole working days and falls at the same time of day (or at the close of the last one, if
the clock started after it). All times are naive local times (Beijing): callers convert at the edge.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta


class Unit(enum.Enum):
    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"


class Mode(enum.Enum):
    CALENDAR = "calendar"
    WORKING = "working"


@dataclass(frozen=True)
class Limit:
    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if self.amount < 1:
            raise ValueError("a limit is at least 1")

    @property
    def span(self) -> timedelta:
        """The limit as calendar time."""
        if self.unit is Unit.MINUTES:
            return timedelta(minutes=self.amount)
        if self.unit is Unit.HOURS:
            return timedelta(hours=self.amount)
        return timedelta(days=self.amount)


@dataclass(frozen=True)
class WorkingHours:
    opens: time = time(8, 30)
    closes: time = time(17, 30)
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday is 0
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)  # weekend days made working days (调休)

    def __post_init__(self) -> None:
        if not self.opens < self.closes:
            raise ValueError("the opening hours must close after they open")
        if self.holidays & self.workdays:
            raise ValueError("a day cannot be both a holiday and a working day")

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() in self.weekdays and day not in self.holidays

    def opening(self, day: date) -> datetime:
        return datetime.combine(day, self.opens)

    def closing(self, day: date) -> datetime:
        return datetime.combine(day, self.closes)

    def next_open(self, moment: datetime) -> datetime:
        """The moment itself if the company is open then, else the next opening (within ten years)."""
        day = moment.date()
        for _ in range(3660):
            if self.is_working_day(day):
                if moment < self.opening(day):
                    return self.opening(day)
                if moment < self.closing(day):
                    return moment
            day += timedelta(days=1)
            moment = self.opening(day)
        raise ValueError("no working day within ten years")


def _add_open_minutes(start: datetime, minutes: int, hours: WorkingHours) -> datetime:
    moment = hours.next_open(start)
    left = timedelta(minutes=minutes)
    while True:
        room = hours.closing(moment.date()) - moment
        if left <= room:
            return moment + left
        left -= room
        moment = hours.next_open(hours.closing(moment.date()))


def _add_working_days(start: datetime, days: int, hours: WorkingHours) -> datetime:
    """``days`` whole working days on: the same time of day on the ``days``-th working day after the start's, held to
    its opening hours (a clock started after the close runs from the next opening)."""
    moment = hours.next_open(start)
    clock = moment.time()
    day = moment.date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if hours.is_working_day(day):
            counted += 1
    return max(hours.opening(day), min(datetime.combine(day, clock), hours.closing(day)))


def deadline(start: datetime, limit: Limit, mode: Mode, hours: WorkingHours | None = None) -> datetime:
    """When a step started at ``start`` must be done."""
    if mode is Mode.CALENDAR:
        return start + limit.span
    if hours is None:
        raise ValueError("working time needs the working hours")
    if limit.unit is Unit.DAYS:
        return _add_working_days(start, limit.amount, hours)
    return _add_open_minutes(start, int(limit.span.total_seconds() // 60), hours)


def open_time_between(start: datetime, end: datetime, hours: WorkingHours) -> timedelta:
    """The working time from ``start`` to ``end`` (zero if ``end`` is not after ``start``)."""
    total = timedelta(0)
    day = start.date()
    while day <= end.date():
        if hours.is_working_day(day):
            lo, hi = max(start, hours.opening(day)), min(end, hours.closing(day))
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total


class Step(enum.Enum):
    ACKNOWLEDGE = "acknowledge"  # 受理: the company answers the owner
    ON_SITE = "on_site"  # 到场
    RESOLVE = "resolve"  # 办结


STEPS = (Step.ACKNOWLEDGE, Step.ON_SITE, Step.RESOLVE)


@dataclass(frozen=True)
class ServiceClock:
    """A profile's clock: each step's limit, all counted from the request's filing, in one mode."""

    limits: dict[Step, Limit]
    mode: Mode
    hours: WorkingHours | None = None

    def __post_init__(self) -> None:
        if set(self.limits) != set(STEPS):
            raise ValueError("the clock needs a limit for every step")
        if self.mode is Mode.WORKING and self.hours is None:
            raise ValueError("working time needs the working hours")

    def due(self, filed: datetime, step: Step) -> datetime:
        return deadline(filed, self.limits[step], self.mode, self.hours)

    def missed(self, filed: datetime, done: dict[Step, datetime], now: datetime) -> list[Step]:
        """The steps done after their time, or not done and past it: what escalates to the committee and the office."""
        out = []
        for step in STEPS:
            due = self.due(filed, step)
            at = done.get(step)
            if (at is not None and at > due) or (at is None and now > due):
                out.append(step)
        return out
