"""Calendar-aware arithmetic on world time; backs the rule operators daysSince, hoursSince, monthsSince."""

from __future__ import annotations

from campaign_shared.calendar.convert import (
    WORLD_TIME_MAX,
    WORLD_TIME_MIN,
    check_world_time,
    days_in_month,
    to_date,
    unchecked_to_seconds,
)
from campaign_shared.calendar.errors import CalendarError, CalendarErrorCode
from campaign_shared.calendar.model import Calendar


def add(
    calendar: Calendar,
    seconds: int,
    years: int = 0,
    months: int = 0,
    days: int = 0,
    hours: int = 0,
    minutes: int = 0,
    seconds_: int = 0,
) -> int:
    """Move a world time by calendar units (any sign).

    Years and months move the date first, keeping the time of day and clamping the day to the target
    month's length (the 31st + 1 month in a calendar like Gregorian lands on Feb 28/29). Days, hours,
    minutes and seconds are then added as fixed durations. A year is `len(months)` months.
    """
    result = _shift_months(calendar, check_world_time(seconds), years * len(calendar.months) + months)
    derived = calendar._derived
    result += days * derived.spd + hours * derived.sph + minutes * derived.spm + seconds_
    if not WORLD_TIME_MIN <= result <= WORLD_TIME_MAX:
        raise CalendarError(CalendarErrorCode.OUT_OF_RANGE, "the result does not fit in a signed 64-bit world time")
    return result


def months_between(calendar: Calendar, start: int, end: int) -> int:
    """Whole calendar months from `start` to `end` (negative when `end` is earlier).

    For `end >= start` it is the largest n with `add(start, months=n) <= end`, so Jan 31 -> Feb 28 is one
    month (the month-end clamp), Jan 15 12:00 -> Feb 15 11:59 is zero. For `end < start` it is
    `-months_between(end, start)`, which keeps the function antisymmetric.
    """
    start, end = check_world_time(start), check_world_time(end)
    if end < start:
        return -months_between(calendar, end, start)
    first, last = to_date(calendar, start), to_date(calendar, end)
    count = (last.year - first.year) * len(calendar.months) + last.month - first.month
    if count > 0 and _shift_months(calendar, start, count) > end:
        count -= 1
    return count


def days_between(calendar: Calendar, start: int, end: int) -> int:
    """Whole days elapsed from `start` to `end`, truncated toward zero (23 h -> 0, -25 h -> -1)."""
    return _whole_units(check_world_time(end) - check_world_time(start), calendar._derived.spd)


def hours_between(calendar: Calendar, start: int, end: int) -> int:
    """Whole hours elapsed from `start` to `end`, truncated toward zero."""
    return _whole_units(check_world_time(end) - check_world_time(start), calendar._derived.sph)


def calendar_days_between(calendar: Calendar, start: int, end: int) -> int:
    """Number of midnights crossed from `start` to `end` (23:00 -> 01:00 next day is 1)."""
    spd = calendar._derived.spd
    return check_world_time(end) // spd - check_world_time(start) // spd


def _whole_units(delta: int, unit: int) -> int:
    return delta // unit if delta >= 0 else -(-delta // unit)


def _shift_months(calendar: Calendar, seconds: int, months: int) -> int:
    """Same day-of-month (clamped) and time of day, `months` months later; no int64 check."""
    if months == 0:
        return seconds
    when = to_date(calendar, seconds)
    year_shift, month0 = divmod(when.month - 1 + months, len(calendar.months))
    year = when.year + year_shift
    day = min(when.day, days_in_month(calendar, year, month0 + 1))
    return unchecked_to_seconds(calendar, year, month0 + 1, day, when.hour, when.minute, when.second)
