"""Exactness of the conversions: round trips both ways and agreement with a naive year-by-year model."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_shared.calendar import (
    WORLD_TIME_MAX,
    WORLD_TIME_MIN,
    Calendar,
    CalendarDateTime,
    days_in_month,
    days_in_year,
    get_preset,
    is_leap_year,
    list_presets,
    seconds_per_day,
    to_date,
    to_seconds,
)

EXAMPLES = 300
world_times = st.integers(WORLD_TIME_MIN, WORLD_TIME_MAX)
near_times = st.integers(-(10**12), 10**12)
PRESETS = list_presets()

NaiveDay = Callable[[Calendar, int, int, int], int]
NaiveMonths = Callable[[Calendar, int], list[int]]


def _check_date_fields(calendar: Calendar, when: CalendarDateTime) -> None:
    assert 1 <= when.month <= len(calendar.months)
    assert 1 <= when.day <= days_in_month(calendar, when.year, when.month)
    assert 0 <= when.hour < calendar.hours_per_day
    assert 0 <= when.minute < calendar.minutes_per_hour
    assert 0 <= when.second < calendar.seconds_per_minute
    assert when.weekday is not None
    assert 0 <= when.weekday < len(calendar.weekdays)


@pytest.mark.parametrize("name", PRESETS)
@settings(max_examples=EXAMPLES, deadline=None)
@given(seconds=st.one_of(world_times, near_times))
def test_preset_seconds_date_seconds(name: str, seconds: int) -> None:
    calendar = get_preset(name)
    when = to_date(calendar, seconds)
    _check_date_fields(calendar, when)
    assert to_seconds(calendar, when) == seconds


@pytest.mark.parametrize("name", PRESETS)
@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.data())
def test_preset_date_seconds_date(name: str, data: st.DataObject) -> None:
    calendar = get_preset(name)
    when = data.draw(_dates(calendar, years=st.integers(-100_000, 100_000)))
    seconds = to_seconds(calendar, when)
    assert to_date(calendar, seconds) == CalendarDateTime(
        when.year,
        when.month,
        when.day,
        when.hour,
        when.minute,
        when.second,
        to_date(calendar, seconds).weekday,
    )


@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.data())
def test_random_calendar_round_trips(calendars: st.SearchStrategy[Calendar], data: st.DataObject) -> None:
    calendar = data.draw(calendars)
    seconds = data.draw(st.one_of(world_times, near_times, st.integers(-(10**7), 10**7)))
    when = to_date(calendar, seconds)
    _check_date_fields(calendar, when)
    assert to_seconds(calendar, when) == seconds
    year_range = st.integers(calendar.epoch_year - 10_000, calendar.epoch_year + 10_000)
    other = data.draw(_dates(calendar, years=year_range))
    back = to_date(calendar, to_seconds(calendar, other))
    assert (back.year, back.month, back.day, back.hour, back.minute, back.second) == (
        other.year,
        other.month,
        other.day,
        other.hour,
        other.minute,
        other.second,
    )


@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.data())
def test_random_calendar_matches_naive_model(
    calendars: st.SearchStrategy[Calendar], data: st.DataObject, naive: NaiveDay, naive_months: NaiveMonths
) -> None:
    calendar = data.draw(calendars)
    year = data.draw(st.integers(calendar.epoch_year - 300, calendar.epoch_year + 300))
    month_lengths = naive_months(calendar, year)
    assert [days_in_month(calendar, year, m) for m in range(1, len(month_lengths) + 1)] == month_lengths
    assert days_in_year(calendar, year) == sum(month_lengths)
    base = sum(m.days for m in calendar.months)
    assert is_leap_year(calendar, year) == (sum(month_lengths) != base)
    month = data.draw(st.integers(1, len(month_lengths)))
    day = data.draw(st.integers(1, month_lengths[month - 1]))
    expected_day = naive(calendar, year, month, day)
    spd = seconds_per_day(calendar)
    assert to_seconds(calendar, year, month, day) == expected_day * spd
    when = to_date(calendar, expected_day * spd + spd - 1)
    assert (when.year, when.month, when.day) == (year, month, day)
    assert when.weekday == (calendar.epoch_weekday + expected_day) % len(calendar.weekdays)


@pytest.mark.parametrize("name", PRESETS)
@settings(max_examples=EXAMPLES, deadline=None)
@given(year=st.integers(-(10**8), 10**8))
def test_year_boundaries_are_consecutive(name: str, year: int) -> None:
    """The last second of a year is followed by the first second of the next year."""
    calendar = get_preset(name)
    first = to_seconds(calendar, year, 1, 1)
    last_month = len(calendar.months)
    previous = to_date(calendar, first - 1)
    assert (previous.year, previous.month) == (year - 1, last_month)
    assert previous.day == days_in_month(calendar, year - 1, last_month)
    assert (previous.hour, previous.minute, previous.second) == (
        calendar.hours_per_day - 1,
        calendar.minutes_per_hour - 1,
        calendar.seconds_per_minute - 1,
    )
    assert to_seconds(calendar, year + 1, 1, 1) - first == days_in_year(calendar, year) * seconds_per_day(calendar)


@pytest.mark.parametrize("name", PRESETS)
def test_epoch_is_first_day_of_epoch_year(name: str) -> None:
    calendar = get_preset(name)
    assert to_date(calendar, 0) == CalendarDateTime(calendar.epoch_year, 1, 1, 0, 0, 0, calendar.epoch_weekday)
    assert to_seconds(calendar, calendar.epoch_year) == 0


@pytest.mark.parametrize("name", PRESETS)
def test_int64_extremes(name: str) -> None:
    calendar = get_preset(name)
    for seconds in (WORLD_TIME_MIN, WORLD_TIME_MAX, -1, 0, 1):
        assert to_seconds(calendar, to_date(calendar, seconds)) == seconds


def test_fields_overload_matches_dataclass() -> None:
    calendar = get_preset("kindled")
    assert to_seconds(calendar, 1207, 8, 4, 13, 5) == to_seconds(calendar, CalendarDateTime(1207, 8, 4, 13, 5, 0))


def test_consecutive_days_walk_the_calendar() -> None:
    """Step day by day over 30 years around the epoch of a calendar with several leap rules."""
    calendar = get_preset("tidewheel")
    spd = seconds_per_day(calendar)
    previous = to_date(calendar, -15 * 370 * spd)
    for day_number in range(-15 * 370 + 1, 15 * 370):
        current = to_date(calendar, day_number * spd)
        if previous.day < days_in_month(calendar, previous.year, previous.month):
            expected = (previous.year, previous.month, previous.day + 1)
        elif previous.month < len(calendar.months):
            expected = (previous.year, previous.month + 1, 1)
        else:
            expected = (previous.year + 1, 1, 1)
        assert (current.year, current.month, current.day) == expected
        assert current.weekday == ((previous.weekday or 0) + 1) % len(calendar.weekdays)
        previous = current


@st.composite
def _dates(draw: st.DrawFn, calendar: Calendar, years: st.SearchStrategy[int]) -> CalendarDateTime:
    year = draw(years)
    month = draw(st.integers(1, len(calendar.months)))
    day = draw(st.integers(1, days_in_month(calendar, year, month)))
    return CalendarDateTime(
        year,
        month,
        day,
        draw(st.integers(0, calendar.hours_per_day - 1)),
        draw(st.integers(0, calendar.minutes_per_hour - 1)),
        draw(st.integers(0, calendar.seconds_per_minute - 1)),
    )
