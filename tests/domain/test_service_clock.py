"""The property-service clock: calendar and working time, holidays and make-up working days, the steps missed."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.service_clock import (
    Limit,
    Mode,
    ServiceClock,
    Step,
    Unit,
    WorkingHours,
    clock_as_json,
    deadline,
    open_time_between,
    parse_clock,
)

# 2026: National Day week off from 1 to 7 October, Sunday 27 September and Saturday 10 October worked instead.
HOURS = WorkingHours(
    opens=time(8, 30),
    closes=time(17, 30),
    holidays=frozenset(date(2026, 10, d) for d in range(1, 8)),
    workdays=frozenset({date(2026, 9, 27), date(2026, 10, 10)}),
)
CHANGZHI = {Step.ACKNOWLEDGE: Limit(30, Unit.MINUTES), Step.ON_SITE: Limit(3, Unit.HOURS), Step.RESOLVE: Limit(3, Unit.DAYS)}


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute)


def test_calendar_time_runs_round_the_clock() -> None:
    filed = at(5, 23, 50)  # a Saturday, late
    clock = ServiceClock(CHANGZHI, Mode.CALENDAR)
    assert clock.due(filed, Step.ACKNOWLEDGE) == at(6, 0, 20)
    assert clock.due(filed, Step.ON_SITE) == at(6, 2, 50)
    assert clock.due(filed, Step.RESOLVE) == at(8, 23, 50)


def test_working_minutes_wait_for_the_opening_and_carry_over_the_close() -> None:
    # Filed on Saturday night: the clock starts on Monday at 8:30.
    assert deadline(at(5, 23, 50), Limit(30, Unit.MINUTES), Mode.WORKING, HOURS) == at(7, 9, 0)
    # Filed at 16:00 on Monday: 1½ hours that day, 1½ hours on Tuesday from 8:30.
    assert deadline(at(7, 16, 0), Limit(3, Unit.HOURS), Mode.WORKING, HOURS) == at(8, 10, 0)
    # Exactly at the close: the limit falls at the close.
    assert deadline(at(7, 17, 0), Limit(30, Unit.MINUTES), Mode.WORKING, HOURS) == at(7, 17, 30)


def test_working_days_fall_at_the_same_time_of_day() -> None:
    assert deadline(at(7, 10, 15), Limit(3, Unit.DAYS), Mode.WORKING, HOURS) == at(10, 10, 15)  # Monday → Thursday
    assert deadline(at(10, 10, 15), Limit(3, Unit.DAYS), Mode.WORKING, HOURS) == at(15, 10, 15)  # Thursday → Tuesday
    # After the close, the next opening starts the clock.
    assert deadline(at(7, 20, 0), Limit(1, Unit.DAYS), Mode.WORKING, HOURS) == at(9, 8, 30)


def test_holidays_are_skipped_and_make_up_days_are_worked() -> None:
    # Filed on Wednesday 30 September: 1–7 October are off, Saturday 10 October is worked.
    filed = datetime(2026, 9, 30, 15, 0)
    assert deadline(filed, Limit(1, Unit.DAYS), Mode.WORKING, HOURS) == datetime(2026, 10, 8, 15, 0)
    assert deadline(filed, Limit(3, Unit.DAYS), Mode.WORKING, HOURS) == datetime(2026, 10, 10, 15, 0)
    # Sunday 27 September is a working day: a request filed that morning is answered the same day.
    assert deadline(datetime(2026, 9, 27, 9, 0), Limit(30, Unit.MINUTES), Mode.WORKING, HOURS) == datetime(2026, 9, 27, 9, 30)


def test_the_steps_done_late_or_not_done_in_time_are_missed() -> None:
    clock = ServiceClock(CHANGZHI, Mode.CALENDAR)
    filed = at(7, 9, 0)
    acknowledged = filed + timedelta(minutes=10)
    # At 12:01 the company answered in 10 minutes but is not on site: on-site is missed, resolving is not due yet.
    assert clock.missed(filed, {Step.ACKNOWLEDGE: acknowledged}, at(7, 12, 1)) == [Step.ON_SITE]
    # Exactly at the limit is in time.
    assert clock.missed(filed, {Step.ACKNOWLEDGE: acknowledged}, at(7, 12, 0)) == []
    done = {Step.ACKNOWLEDGE: acknowledged, Step.ON_SITE: at(7, 13, 0), Step.RESOLVE: at(9, 18, 0)}
    assert clock.missed(filed, done, at(20, 0, 0)) == [Step.ON_SITE]
    assert clock.missed(filed, {**done, Step.RESOLVE: at(10, 9, 1)}, at(20, 0, 0)) == [Step.ON_SITE, Step.RESOLVE]


def test_bad_clocks_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Limit(0, Unit.HOURS)
    with pytest.raises(ValueError, match="every step"):
        ServiceClock({Step.ACKNOWLEDGE: Limit(30, Unit.MINUTES)}, Mode.CALENDAR)
    with pytest.raises(ValueError, match="working hours"):
        ServiceClock(CHANGZHI, Mode.WORKING)
    with pytest.raises(ValueError, match="close after they open"):
        WorkingHours(opens=time(18), closes=time(9))
    with pytest.raises(ValueError, match="both a holiday"):
        WorkingHours(holidays=frozenset({date(2026, 10, 1)}), workdays=frozenset({date(2026, 10, 1)}))


moments = st.datetimes(min_value=datetime(2026, 9, 1), max_value=datetime(2026, 12, 31))
spans = st.integers(min_value=1, max_value=2000)


@given(moments, spans)
def test_working_minutes_count_exactly_the_open_minutes(start: datetime, minutes: int) -> None:
    due = deadline(start, Limit(minutes, Unit.MINUTES), Mode.WORKING, HOURS)
    assert open_time_between(start, due, HOURS) == timedelta(minutes=minutes)
    assert HOURS.is_working_day(due.date()) and HOURS.opens <= due.time() <= HOURS.closes


@given(moments, moments, st.sampled_from([Limit(30, Unit.MINUTES), Limit(3, Unit.HOURS), Limit(3, Unit.DAYS)]))
def test_a_later_request_is_never_due_earlier(a: datetime, b: datetime, limit: Limit) -> None:
    first, second = sorted((a, b))
    assert deadline(first, limit, Mode.WORKING, HOURS) <= deadline(second, limit, Mode.WORKING, HOURS)
    assert deadline(first, limit, Mode.CALENDAR) <= deadline(second, limit, Mode.CALENDAR)


@given(moments, st.sampled_from([Limit(30, Unit.MINUTES), Limit(3, Unit.HOURS), Limit(1, Unit.DAYS)]))
def test_working_time_never_comes_before_calendar_time(start: datetime, limit: Limit) -> None:
    assert deadline(start, limit, Mode.WORKING, HOURS) >= deadline(start, limit, Mode.CALENDAR)


def test_a_step_may_count_in_its_own_mode() -> None:
    # Changzhi: answered and on site round the clock, resolved in three working days.
    clock = ServiceClock(CHANGZHI, Mode.CALENDAR, HOURS, {Step.RESOLVE: Mode.WORKING})
    filed = at(4, 18, 0)  # a Friday evening
    assert clock.due(filed, Step.ACKNOWLEDGE) == at(4, 18, 30)
    assert clock.due(filed, Step.ON_SITE) == at(4, 21, 0)
    assert clock.due(filed, Step.RESOLVE) == at(10, 8, 30)  # Monday's opening starts it: Thursday at the opening
    with pytest.raises(ValueError, match="working hours"):
        ServiceClock(CHANGZHI, Mode.CALENDAR, None, {Step.RESOLVE: Mode.WORKING})


CHANGZHI_JSON = {
    "acknowledge": {"limit": "30 minutes", "mode": "calendar"},
    "on_site": {"limit": "3 hours", "mode": "calendar"},
    "resolve": {"limit": "3 days", "mode": "working"},
    "hours": {"opens": "08:30", "closes": "17:30", "weekdays": [1, 2, 3, 4, 5], "holidays": ["2027-01-01"], "workdays": []},
}


def test_a_profile_s_clock_reads_back_as_it_is_written() -> None:
    clock = parse_clock(CHANGZHI_JSON)
    assert clock.limits == CHANGZHI and clock.mode_of(Step.RESOLVE) is Mode.WORKING and clock.mode_of(Step.ON_SITE) is Mode.CALENDAR
    assert clock.hours is not None and clock.hours.holidays == frozenset({date(2027, 1, 1)})
    assert clock_as_json(clock) == CHANGZHI_JSON
    # Thursday 31 December 2026 at 10:00: New Year's Day is off, so three working days end on Wednesday 6 January.
    assert clock.due(datetime(2026, 12, 31, 10, 0), Step.RESOLVE) == datetime(2027, 1, 6, 10, 0)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"acknowledge": {"limit": "30 mins"}}, "service_clock.acknowledge.limit"),
        ({"acknowledge": {"limit": "0 minutes"}}, "service_clock.acknowledge.limit"),
        ({"on_site": {"limit": "3 hours", "mode": "office"}}, "service_clock.on_site.mode"),
        ({"resolve": None}, "service_clock.resolve"),
        ({"hours": {"opens": "8:30"}}, "service_clock.hours.opens"),
        ({"hours": {"weekdays": [0, 1]}}, "service_clock.hours.weekdays"),
        ({"hours": {"holidays": ["2027-13-01"]}}, "service_clock.hours.holidays[0]"),
        ({"hours": {"opens": "18:00", "closes": "09:00"}}, "service_clock.hours"),
        ({"hours": None, "resolve": {"limit": "3 days", "mode": "working"}}, "service_clock.hours"),
        ({"coffee": 1}, "service_clock"),
    ],
)
def test_a_bad_clock_in_a_profile_names_its_field(change: dict[str, object], where: str) -> None:
    raw = {**CHANGZHI_JSON, **change}
    if raw.get("hours") is None:
        raw.pop("hours", None)
    with pytest.raises(ValueError) as refused:
        parse_clock(raw)
    assert str(refused.value).split(": ")[0] == where
