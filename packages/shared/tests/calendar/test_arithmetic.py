"""Calendar-aware arithmetic: month-end clamping, whole-unit differences, and their invariants."""

from __future__ import annotations

import calendar as stdlib_calendar
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_shared.calendar import (
    WORLD_TIME_MAX,
    WORLD_TIME_MIN,
    Calendar,
    CalendarError,
    CalendarErrorCode,
    add,
    calendar_days_between,
    days_between,
    get_preset,
    hours_between,
    list_presets,
    months_between,
    parse,
    to_date,
)

GREGORIAN = get_preset("gregorian")
ORIGIN = datetime(1, 1, 1)


def g(text: str) -> int:
    return parse(GREGORIAN, text)


@pytest.mark.parametrize(
    ("start", "kwargs", "expected"),
    [
        ("2023-01-31", {"months": 1}, "2023-02-28"),
        ("2024-01-31", {"months": 1}, "2024-02-29"),
        ("2024-03-31", {"months": -1}, "2024-02-29"),
        ("2023-03-31", {"months": -1}, "2023-02-28"),
        ("2024-05-31", {"months": 1}, "2024-06-30"),
        ("2024-12-31 18:30", {"months": 1}, "2025-01-31 18:30"),
        ("2024-01-15", {"months": -13}, "2022-12-15"),
        ("2024-02-29", {"years": 1}, "2025-02-28"),
        ("2024-02-29", {"years": 4}, "2028-02-29"),
        ("2096-02-29", {"years": 4}, "2100-02-28"),
        ("2024-01-31", {"years": 1, "months": 1}, "2025-02-28"),
        ("2024-01-31", {"months": 1, "days": 1}, "2024-03-01"),
        ("2024-01-01", {"days": 1, "hours": 25, "minutes": 61, "seconds_": 61}, "2024-01-03 02:02:01"),
        ("2024-01-01", {"days": -1}, "2023-12-31"),
        ("0001-01-01", {"seconds_": -1}, "0000-12-31 23:59:59"),
    ],
)
def test_add(start: str, kwargs: dict[str, int], expected: str) -> None:
    assert add(GREGORIAN, g(start), **kwargs) == g(expected)


def test_add_out_of_range() -> None:
    with pytest.raises(CalendarError) as caught:
        add(GREGORIAN, WORLD_TIME_MAX, seconds_=1)
    assert caught.value.code == CalendarErrorCode.OUT_OF_RANGE
    with pytest.raises(CalendarError) as caught:
        add(GREGORIAN, WORLD_TIME_MIN, years=-1)
    assert caught.value.code == CalendarErrorCode.OUT_OF_RANGE


@settings(max_examples=400, deadline=None)
@given(
    dt=st.datetimes(min_value=datetime(200, 1, 1), max_value=datetime(9700, 12, 31)),
    months=st.integers(-1800, 1800),
)
def test_add_months_matches_stdlib_clamping(dt: datetime, months: int) -> None:
    dt = dt.replace(microsecond=0)
    year_shift, month0 = divmod(dt.month - 1 + months, 12)
    year = dt.year + year_shift
    day = min(dt.day, stdlib_calendar.monthrange(year, month0 + 1)[1])
    expected = dt.replace(year=year, month=month0 + 1, day=day)
    seconds = (dt - ORIGIN) // timedelta(seconds=1)
    assert add(GREGORIAN, seconds, months=months) == (expected - ORIGIN) // timedelta(seconds=1)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2024-01-31", "2024-02-29", 1),
        ("2023-01-31", "2023-02-28", 1),
        ("2023-01-31", "2023-02-27", 0),
        ("2024-01-15 12:00", "2024-02-15 11:59", 0),
        ("2024-01-15 12:00", "2024-02-15 12:00", 1),
        ("2024-01-15", "2025-01-14", 11),
        ("2024-01-15", "2025-01-15", 12),
        ("2024-01-15", "2024-01-15", 0),
        ("2024-03-31", "2024-04-30", 1),
        ("2024-02-29", "2024-03-28", 0),
        ("2024-02-15", "2024-01-15", -1),
        ("2024-02-29", "2024-01-31", -1),
        ("2024-03-01", "2024-01-31", -1),
        ("-0001-06-01", "0001-06-01", 24),
    ],
)
def test_months_between(start: str, end: str, months: int) -> None:
    assert months_between(GREGORIAN, g(start), g(end)) == months


@pytest.mark.parametrize("name", list_presets())
@settings(max_examples=300, deadline=None)
@given(a=st.integers(-(10**12), 10**12), b=st.integers(-(10**12), 10**12))
def test_months_between_invariants(name: str, a: int, b: int) -> None:
    calendar = get_preset(name)
    n = months_between(calendar, a, b)
    assert months_between(calendar, b, a) == -n
    start, end = min(a, b), max(a, b)
    whole = abs(n)
    assert add(calendar, start, months=whole) <= end < add(calendar, start, months=whole + 1)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_months_between_random_calendars(calendars: st.SearchStrategy[Calendar], data: st.DataObject) -> None:
    calendar = data.draw(calendars)
    a = data.draw(st.integers(-(10**10), 10**10))
    b = data.draw(st.integers(-(10**10), 10**10))
    start, end = min(a, b), max(a, b)
    n = months_between(calendar, start, end)
    assert n >= 0
    assert add(calendar, start, months=n) <= end < add(calendar, start, months=n + 1)
    shifted = to_date(calendar, add(calendar, start, months=n))
    original = to_date(calendar, start)
    assert shifted.day <= original.day
    assert (shifted.hour, shifted.minute, shifted.second) == (original.hour, original.minute, original.second)


def test_days_and_hours_between_truncate_toward_zero() -> None:
    day = 86_400
    assert days_between(GREGORIAN, 0, day - 1) == 0
    assert days_between(GREGORIAN, 0, day) == 1
    assert days_between(GREGORIAN, 0, -1) == 0
    assert days_between(GREGORIAN, 0, -day - 3600) == -1
    assert days_between(GREGORIAN, g("2024-02-28"), g("2024-03-01")) == 2
    assert days_between(GREGORIAN, g("2023-02-28"), g("2023-03-01")) == 1
    assert hours_between(GREGORIAN, 0, 3599) == 0
    assert hours_between(GREGORIAN, 0, 7200) == 2
    assert hours_between(GREGORIAN, 7200, 0) == -2
    assert hours_between(GREGORIAN, 0, -3599) == 0


def test_calendar_days_counts_midnights() -> None:
    assert calendar_days_between(GREGORIAN, g("2024-01-01 23:00"), g("2024-01-02 01:00")) == 1
    assert days_between(GREGORIAN, g("2024-01-01 23:00"), g("2024-01-02 01:00")) == 0
    assert calendar_days_between(GREGORIAN, g("2024-01-02 01:00"), g("2024-01-01 23:00")) == -1


def test_units_follow_the_calendar() -> None:
    tidewheel = get_preset("tidewheel")  # 20 hours of 50 minutes
    start = parse(tidewheel, "0001-01-01")
    assert add(tidewheel, start, hours=20) == parse(tidewheel, "0001-01-02")
    assert add(tidewheel, start, minutes=50) == parse(tidewheel, "0001-01-01 01:00")
    assert days_between(tidewheel, start, parse(tidewheel, "0001-02-01")) == 36
    assert hours_between(tidewheel, start, parse(tidewheel, "0001-01-02 05:00")) == 25
    kindled = get_preset("kindled")  # leap week in month 13 every 5 years, except every 40
    assert months_between(kindled, parse(kindled, "1205-13-35"), parse(kindled, "1206-01-28")) == 1
    assert add(kindled, parse(kindled, "1205-13-35"), years=1) == parse(kindled, "1206-13-28")
    assert add(kindled, parse(kindled, "1205-13-35"), years=35) == parse(kindled, "1240-13-28")
    assert add(kindled, parse(kindled, "1205-13-35"), years=40) == parse(kindled, "1245-13-35")
