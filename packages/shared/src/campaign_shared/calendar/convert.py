"""Exact conversions between world time (int seconds since the epoch) and calendar dates.

World time is a signed 64-bit integer; negative values are dates before the epoch and are fully supported
(astronomical year numbering, so the year before 1 is 0). Anything outside the int64 range raises
`OUT_OF_RANGE`, because the database column and the wire format are 64-bit.
"""

from __future__ import annotations

from typing import overload

from campaign_shared.calendar.errors import CalendarError, CalendarErrorCode
from campaign_shared.calendar.model import Calendar, CalendarDateTime

WORLD_TIME_MIN = -(2**63)
WORLD_TIME_MAX = 2**63 - 1


def check_world_time(seconds: int) -> int:
    """Reject non-integers (bool and float included) and values outside int64."""
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise CalendarError(
            CalendarErrorCode.INVALID_FORMAT,
            f"world time must be an integer number of seconds, got {type(seconds).__name__}",
        )
    if not WORLD_TIME_MIN <= seconds <= WORLD_TIME_MAX:
        raise CalendarError(
            CalendarErrorCode.OUT_OF_RANGE, f"world time {seconds} does not fit in a signed 64-bit integer"
        )
    return seconds


def seconds_per_minute(calendar: Calendar) -> int:
    return calendar._derived.spm


def seconds_per_hour(calendar: Calendar) -> int:
    return calendar._derived.sph


def seconds_per_day(calendar: Calendar) -> int:
    """Length of a day in seconds; the unit of `days` in `add` and `days_between`."""
    return calendar._derived.spd


def days_in_year(calendar: Calendar, year: int) -> int:
    return calendar._derived.layout.cumulative(year)[-1]


def is_leap_year(calendar: Calendar, year: int) -> bool:
    """True when the leap rules change the length of `year` (a net-zero combination is not a leap year)."""
    layout = calendar._derived.layout
    return layout.cumulative(year)[-1] != layout.base_year_days


def days_in_month(calendar: Calendar, year: int, month: int) -> int:
    """Days of `month` (1-based) in `year`, leap rules applied."""
    if not 1 <= month <= len(calendar.months):
        raise CalendarError(
            CalendarErrorCode.INVALID_DATE,
            f"month {month} does not exist; {calendar.name} has months 1..{len(calendar.months)}",
            field="month",
        )
    cumulative = calendar._derived.layout.cumulative(year)
    return cumulative[month] - cumulative[month - 1]


def weekday_of(calendar: Calendar, seconds: int) -> int:
    """0-based weekday index of the day containing `seconds`."""
    day_number = check_world_time(seconds) // calendar._derived.spd
    return (calendar.epoch_weekday + day_number) % len(calendar.weekdays)


def to_date(calendar: Calendar, seconds: int) -> CalendarDateTime:
    """Break a world time down into calendar fields."""
    seconds = check_world_time(seconds)
    derived = calendar._derived
    day_number, second_of_day = divmod(seconds, derived.spd)
    year, day_of_year = derived.layout.year_of_day(day_number)
    month, day = derived.layout.month_of_day(year, day_of_year)
    hour, rest = divmod(second_of_day, derived.sph)
    minute, second = divmod(rest, derived.spm)
    weekday = (calendar.epoch_weekday + day_number) % len(calendar.weekdays)
    return CalendarDateTime(year, month, day, hour, minute, second, weekday)


@overload
def to_seconds(calendar: Calendar, when: CalendarDateTime, /) -> int: ...


@overload
def to_seconds(
    calendar: Calendar,
    year: int,
    /,
    month: int = 1,
    day: int = 1,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
) -> int: ...


def to_seconds(
    calendar: Calendar,
    when: CalendarDateTime | int,
    /,
    month: int = 1,
    day: int = 1,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
) -> int:
    """World time of a date, given as a `CalendarDateTime` or as fields (year first).

    Every field is range-checked against the calendar (INVALID_DATE / INVALID_TIME) and the result against
    int64 (OUT_OF_RANGE). A `CalendarDateTime.weekday`, if set, must match the date.
    """
    weekday: int | None = None
    if isinstance(when, CalendarDateTime):
        year, month, day = when.year, when.month, when.day
        hour, minute, second = when.hour, when.minute, when.second
        weekday = when.weekday
    else:
        year = when
    seconds = unchecked_to_seconds(calendar, year, month, day, hour, minute, second)
    if weekday is not None:
        actual = weekday_of(calendar, seconds)
        if weekday != actual:
            raise CalendarError(
                CalendarErrorCode.INVALID_DATE,
                f"{year}-{month:02d}-{day:02d} is a {calendar.weekdays[actual]}, not weekday {weekday}",
                field="weekday",
            )
    if not WORLD_TIME_MIN <= seconds <= WORLD_TIME_MAX:
        raise CalendarError(
            CalendarErrorCode.OUT_OF_RANGE,
            f"year {year} is too far from the epoch: world time must fit in a signed 64-bit integer",
            field="year",
        )
    return seconds


def unchecked_to_seconds(
    calendar: Calendar, year: int, month: int, day: int, hour: int, minute: int, second: int
) -> int:
    """`to_seconds` with field checks but without the int64 check (arithmetic uses it for bounds)."""
    for name, value in (
        ("year", year),
        ("month", month),
        ("day", day),
        ("hour", hour),
        ("minute", minute),
        ("second", second),
    ):
        if type(value) is not int:
            raise CalendarError(
                CalendarErrorCode.INVALID_FORMAT,
                f"{name} must be an integer, got {type(value).__name__}",
                field=name,
            )
    derived = calendar._derived
    layout = derived.layout
    month_count = len(calendar.months)
    if not 1 <= month <= month_count:
        raise CalendarError(
            CalendarErrorCode.INVALID_DATE,
            f"month {month} does not exist; {calendar.name} has months 1..{month_count}",
            field="month",
        )
    cumulative = layout.cumulative(year)
    month_days = cumulative[month] - cumulative[month - 1]
    if not 1 <= day <= month_days:
        raise CalendarError(
            CalendarErrorCode.INVALID_DATE,
            f"day {day} does not exist: {calendar.months[month - 1].name} {year} has {month_days} days",
            field="day",
        )
    for name, value, limit in (
        ("hour", hour, calendar.hours_per_day),
        ("minute", minute, calendar.minutes_per_hour),
        ("second", second, calendar.seconds_per_minute),
    ):
        if not 0 <= value < limit:
            raise CalendarError(CalendarErrorCode.INVALID_TIME, f"{name} {value} is not in 0..{limit - 1}", field=name)
    day_number = layout.days_before_year(year) + cumulative[month - 1] + day - 1
    return day_number * derived.spd + hour * derived.sph + minute * derived.spm + second
