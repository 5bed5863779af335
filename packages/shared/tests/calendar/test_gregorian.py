"""The Gregorian preset must agree with Python's proleptic Gregorian `datetime` over its whole range."""

from __future__ import annotations

import calendar as stdlib_calendar
from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_shared.calendar import (
    days_in_month,
    days_in_year,
    format_iso,
    format_long,
    get_preset,
    is_leap_year,
    parse,
    seconds_per_day,
    to_date,
    to_seconds,
)

GREGORIAN = get_preset("gregorian")
ORIGIN = datetime(1, 1, 1)
datetimes = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)).map(
    lambda dt: dt.replace(microsecond=0)
)


def _seconds(dt: datetime) -> int:
    return (dt - ORIGIN) // timedelta(seconds=1)


@settings(max_examples=500, deadline=None)
@given(dt=datetimes)
def test_to_seconds_and_to_date_agree_with_datetime(dt: datetime) -> None:
    seconds = _seconds(dt)
    assert seconds == int((dt - ORIGIN).total_seconds())
    assert to_seconds(GREGORIAN, dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second) == seconds
    when = to_date(GREGORIAN, seconds)
    assert (when.year, when.month, when.day, when.hour, when.minute, when.second) == (
        dt.year,
        dt.month,
        dt.day,
        dt.hour,
        dt.minute,
        dt.second,
    )
    assert when.weekday == dt.weekday()
    assert GREGORIAN.weekdays[dt.weekday()] == dt.strftime("%A")


@settings(max_examples=500, deadline=None)
@given(dt=datetimes)
def test_formatting_and_parsing_agree_with_datetime(dt: datetime) -> None:
    seconds = _seconds(dt)
    assert format_iso(GREGORIAN, seconds) == dt.isoformat(sep=" ")
    assert parse(GREGORIAN, dt.isoformat(sep=" ")) == seconds
    assert parse(GREGORIAN, dt.isoformat()) == seconds
    expected_long = f"{dt.strftime('%A')}, {dt.day} {dt.strftime('%B')} {dt.year} CE"
    assert format_long(GREGORIAN, seconds, with_weekday=True) == expected_long
    assert parse(GREGORIAN, expected_long) == _seconds(datetime(dt.year, dt.month, dt.day))


def test_every_year_and_month_agree_with_stdlib() -> None:
    """Exhaustive over 1..9999: year starts, leap years, month lengths."""
    spd = seconds_per_day(GREGORIAN)
    assert spd == 86_400
    for year in range(1, 10_000):
        assert to_seconds(GREGORIAN, year) == (date(year, 1, 1).toordinal() - 1) * spd
        assert is_leap_year(GREGORIAN, year) == stdlib_calendar.isleap(year)
        assert days_in_year(GREGORIAN, year) == (366 if stdlib_calendar.isleap(year) else 365)
        for month in range(1, 13):
            assert days_in_month(GREGORIAN, year, month) == stdlib_calendar.monthrange(year, month)[1]


def test_known_dates() -> None:
    assert to_date(GREGORIAN, 0).weekday == date(1, 1, 1).weekday() == 0
    assert format_iso(GREGORIAN, _seconds(datetime(2000, 2, 29, 12))) == "2000-02-29 12:00:00"
    assert format_long(GREGORIAN, _seconds(datetime(1969, 7, 20, 20, 17)), with_time=True) == ("20 July 1969 CE 20:17")
    assert not is_leap_year(GREGORIAN, 1900)
    assert is_leap_year(GREGORIAN, 2000)
    assert is_leap_year(GREGORIAN, 0)  # proleptic, astronomical year 0 = 1 BCE


def test_years_before_one_continue_the_proleptic_calendar() -> None:
    """Negative world time: year 0 is 1 BCE (a leap year), counted backwards in the long form."""
    last_day_of_1_bce = to_date(GREGORIAN, -1)
    assert (last_day_of_1_bce.year, last_day_of_1_bce.month, last_day_of_1_bce.day) == (0, 12, 31)
    assert last_day_of_1_bce.weekday == 6  # the day before Monday 0001-01-01
    assert to_seconds(GREGORIAN, 0, 1, 1) == -366 * 86_400
    assert format_iso(GREGORIAN, -1) == "0000-12-31 23:59:59"
    assert format_long(GREGORIAN, -1) == "31 December 1 BCE"
    ides = parse(GREGORIAN, "-0043-03-15")
    assert format_long(GREGORIAN, ides) == "15 March 44 BCE"
    assert parse(GREGORIAN, "15 March 44 BCE") == ides
    assert format_iso(GREGORIAN, ides) == "-0043-03-15 00:00:00"
