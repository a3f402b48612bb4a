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
    """A profile's clock: each step's limit, all counted from the request's filing, in one mode, or in a mode of its
    own where ``modes`` names one (Changzhi answers and comes round the clock but resolves in working days)."""

    limits: dict[Step, Limit]
    mode: Mode
    hours: WorkingHours | None = None
    modes: dict[Step, Mode] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if set(self.limits) != set(STEPS):
            raise ValueError("the clock needs a limit for every step")
        if any(self.mode_of(step) is Mode.WORKING for step in STEPS) and self.hours is None:
            raise ValueError("working time needs the working hours")

    def mode_of(self, step: Step) -> Mode:
        return self.modes.get(step, self.mode)

    def due(self, filed: datetime, step: Step) -> datetime:
        return deadline(filed, self.limits[step], self.mode_of(step), self.hours)

    def missed(self, filed: datetime, done: dict[Step, datetime], now: datetime) -> list[Step]:
        """The steps done after their time, or not done and past it: what escalates to the committee and the office."""
        out = []
        for step in STEPS:
            due = self.due(filed, step)
            at = done.get(step)
            if (at is not None and at > due) or (at is None and now > due):
                out.append(step)
        return out


def _parse_limit(raw: object, where: str) -> Limit:
    """``"30 minutes"``, ``"3 hours"``, ``"3 days"``."""
    parts = raw.split() if isinstance(raw, str) else []
    units = {u.value: u for u in Unit}
    if len(parts) != 2 or not parts[0].isascii() or not parts[0].isdigit() or parts[1] not in units or int(parts[0]) < 1:
        raise ValueError(f'{where}: expected a limit such as "30 minutes", "3 hours" or "3 days"')
    return Limit(int(parts[0]), units[parts[1]])


def _parse_time(raw: object, where: str) -> time:
    try:
        assert isinstance(raw, str) and len(raw) == 5
        return time.fromisoformat(raw)
    except (AssertionError, ValueError):
        raise ValueError(f'{where}: expected a time such as "08:30"') from None


def _parse_days(raw: object, where: str) -> frozenset[date]:
    if not isinstance(raw, list):
        raise ValueError(f'{where}: expected a list of days such as ["2027-01-01"]')
    out = set()
    for i, text in enumerate(raw):
        try:
            assert isinstance(text, str)
            out.add(date.fromisoformat(text))
        except (AssertionError, ValueError):
            raise ValueError(f"{where}[{i}]: expected a day such as 2027-01-01") from None
    return frozenset(out)


def parse_clock(raw: object, where: str = "service_clock") -> ServiceClock:
    """A profile's clock: ``{"acknowledge": {"limit": "30 minutes", "mode": "calendar"}, "on_site": ..., "resolve":
    ..., "hours": {"opens": "08:30", "closes": "17:30", "weekdays": [1, 2, 3, 4, 5], "holidays": [...], "workdays":
    [...]}}``, weekdays numbered from Monday = 1 (ISO); ``hours`` is needed where a step counts working time."""
    if not isinstance(raw, dict) or set(raw) - {*(s.value for s in STEPS), "hours"}:
        raise ValueError(f"{where}: expected the steps acknowledge, on_site, resolve and the opening hours")
    limits: dict[Step, Limit] = {}
    modes: dict[Step, Mode] = {}
    for step in STEPS:
        entry = raw.get(step.value)
        if not isinstance(entry, dict) or set(entry) - {"limit", "mode"} or "limit" not in entry:
            raise ValueError(f'{where}.{step.value}: expected {{"limit": "3 hours", "mode": "calendar"}}')
        limits[step] = _parse_limit(entry["limit"], f"{where}.{step.value}.limit")
        try:
            modes[step] = Mode(entry.get("mode", "calendar"))
        except ValueError:
            raise ValueError(f"{where}.{step.value}.mode: expected calendar or working") from None
    hours = None
    if "hours" in raw:
        h = raw["hours"]
        if not isinstance(h, dict) or set(h) - {"opens", "closes", "weekdays", "holidays", "workdays"}:
            raise ValueError(f"{where}.hours: expected opens, closes, weekdays, holidays, workdays")
        weekdays = h.get("weekdays", [1, 2, 3, 4, 5])
        if not isinstance(weekdays, list) or not all(isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 7 for d in weekdays):
            raise ValueError(f"{where}.hours.weekdays: expected days 1 (Monday) to 7 (Sunday)")
        opens = _parse_time(h.get("opens", "08:30"), f"{where}.hours.opens")
        closes = _parse_time(h.get("closes", "17:30"), f"{where}.hours.closes")
        holidays = _parse_days(h.get("holidays", []), f"{where}.hours.holidays")
        workdays = _parse_days(h.get("workdays", []), f"{where}.hours.workdays")
        try:
            hours = WorkingHours(opens, closes, frozenset(d - 1 for d in weekdays), holidays, workdays)
        except ValueError as e:
            raise ValueError(f"{where}.hours: {e}") from None
    if any(m is Mode.WORKING for m in modes.values()) and hours is None:
        raise ValueError(f"{where}.hours: a step counted in working time needs the opening hours")
    return ServiceClock(limits, Mode.CALENDAR, hours, modes)


def clock_as_json(clock: ServiceClock) -> dict[str, object]:
    """The clock as a profile writes it (``parse_clock`` reads it back)."""
    out: dict[str, object] = {
        step.value: {"limit": f"{clock.limits[step].amount} {clock.limits[step].unit.value}", "mode": clock.mode_of(step).value}
        for step in STEPS
    }
    if clock.hours is not None:
        h = clock.hours
        out["hours"] = {
            "opens": h.opens.strftime("%H:%M"),
            "closes": h.closes.strftime("%H:%M"),
            "weekdays": sorted(d + 1 for d in h.weekdays),
            "holidays": sorted(d.isoformat() for d in h.holidays),
            "workdays": sorted(d.isoformat() for d in h.workdays),
        }
    return out
