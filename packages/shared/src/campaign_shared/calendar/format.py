"""Rendering world time: the ISO-like form of the `WorldTime` scalar and the human long form.

Both forms are accepted back by `parse`, which returns exactly the same world time.
"""

from __future__ import annotations

from campaign_shared.calendar.convert import to_date
from campaign_shared.calendar.eras import era_of_year
from campaign_shared.calendar.model import Calendar, CalendarDateTime


def format_year(year: int) -> str:
    """At least four digits, sign in front of the padding: 7 -> "0007", -44 -> "-0044"."""
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


def format_iso(calendar: Calendar, seconds: int) -> str:
    """`YYYY-MM-DD HH:MM:SS` in calendar terms (the `WorldTime` scalar's output)."""
    return format_date_iso(to_date(calendar, seconds))


def format_date_iso(when: CalendarDateTime) -> str:
    return (
        f"{format_year(when.year)}-{when.month:02d}-{when.day:02d} {when.hour:02d}:{when.minute:02d}:{when.second:02d}"
    )


def format_long(
    calendar: Calendar,
    seconds: int,
    *,
    with_time: bool = False,
    with_weekday: bool = False,
    short_month: bool = False,
) -> str:
    """`4 Emberfall 1207 KR` style, optionally `Ashday, 4 Emberfall 1207 KR 13:05`.

    The year is written in the era it falls in (as a plain absolute year before the first era or when the
    calendar has none). The time is `HH:MM`, or `HH:MM:SS` when the second is not zero. `parse` of the
    result gives back the same world time when `with_time` is set, otherwise the start of that day.
    """
    when = to_date(calendar, seconds)
    month = calendar.months[when.month - 1]
    month_name = month.short_name if short_month and month.short_name else month.name
    era = era_of_year(calendar, when.year)
    year_text = f"{era[1]} {era[0].abbreviation}" if era is not None else str(when.year)
    text = f"{when.day} {month_name} {year_text}"
    if with_weekday:
        assert when.weekday is not None
        text = f"{calendar.weekdays[when.weekday]}, {text}"
    if with_time:
        text += f" {when.hour:02d}:{when.minute:02d}"
        if when.second:
            text += f":{when.second:02d}"
    return text
