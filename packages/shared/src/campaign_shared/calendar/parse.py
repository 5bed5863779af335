"""Reading world time typed by people or sent to the `WorldTime` scalar.

Two shapes are accepted, both in the world's calendar:

* ISO-like: `YYYY-MM-DD[ HH:MM[:SS]]` (also `YYYY-M-D`, a `T` separator, a signed year such as
  `-0044-03-15`); years are absolute (astronomical) calendar years.
* Long form: `[Weekday[,]] D Month YEAR [ERA] [HH:MM[:SS]]`, e.g. `4 Emberfall 1207 KR 13:05`. Month,
  weekday and era names are case-insensitive; month short names and era full names (one word) work too.
  Without an era the year is absolute; with one it is the year of that era. A weekday, if given, must match.
"""

from __future__ import annotations

import re

from campaign_shared.calendar.convert import check_world_time, to_seconds, weekday_of
from campaign_shared.calendar.eras import year_from_era
from campaign_shared.calendar.errors import CalendarError, CalendarErrorCode
from campaign_shared.calendar.format import format_long
from campaign_shared.calendar.model import Calendar, name_key

MAX_TEXT_LENGTH = 200
"""Longer input is rejected before any regex or int() work (defence against hostile input)."""

_NUMBER = r"\d{1,6}"
_YEAR = r"[+-]?\d{1,20}"
_TIME = rf"(?P<hour>{_NUMBER}):(?P<minute>{_NUMBER})(?::(?P<second>{_NUMBER}))?"
_ISO = re.compile(
    rf"(?P<year>{_YEAR})-(?P<month>{_NUMBER})-(?P<day>{_NUMBER})(?:(?:[Tt]|\s+){_TIME})?",
    re.ASCII,
)
_LONG = re.compile(
    rf"(?:(?P<weekday>[^\d,:]+?)(?:\s*,\s*|\s+))?"
    rf"(?P<day>{_NUMBER})\s+(?P<month>[^\d,:]+?)\s+(?P<year>{_YEAR})"
    rf"(?:\s+(?P<era>[^\s\d,:+\-][^\s,:]*))?"
    rf"(?:\s+{_TIME})?",
    re.ASCII,
)


def parse(calendar: Calendar, text: str) -> int:
    """World time of a calendar date string; raises `CalendarError` with a specific code on bad input."""
    if not isinstance(text, str):
        raise CalendarError(CalendarErrorCode.INVALID_FORMAT, f"expected a date string, got {type(text).__name__}")
    stripped = text.strip()
    if len(stripped) > MAX_TEXT_LENGTH:
        raise CalendarError(CalendarErrorCode.INVALID_FORMAT, f"date text is longer than {MAX_TEXT_LENGTH} characters")
    match = _ISO.fullmatch(stripped)
    if match is not None:
        return to_seconds(
            calendar,
            int(match["year"]),
            int(match["month"]),
            int(match["day"]),
            *_time_fields(match),
        )
    match = _LONG.fullmatch(stripped)
    if match is not None:
        return _parse_long(calendar, match)
    example = format_long(calendar, 0)
    raise CalendarError(
        CalendarErrorCode.INVALID_FORMAT,
        f'cannot read {stripped[:60]!r} as a date: expected "YYYY-MM-DD[ HH:MM[:SS]]" or "{example}"',
    )


def coerce_world_time(calendar: Calendar, value: int | str) -> int:
    """Input side of the `WorldTime` scalar: an int64 number of seconds or a calendar date string."""
    if isinstance(value, str):
        return parse(calendar, value)
    return check_world_time(value)


def _time_fields(match: re.Match[str]) -> tuple[int, int, int]:
    if match["hour"] is None:
        return 0, 0, 0
    second = match["second"]
    return int(match["hour"]), int(match["minute"]), int(second) if second is not None else 0


def _parse_long(calendar: Calendar, match: re.Match[str]) -> int:
    derived = calendar._derived
    month_text = match["month"]
    month = derived.month_keys.get(name_key(month_text))
    if month is None:
        known = ", ".join(m.name for m in calendar.months)
        raise CalendarError(
            CalendarErrorCode.UNKNOWN_MONTH,
            f"unknown month {month_text!r}; {calendar.name} has {known}",
            field="month",
        )
    year = int(match["year"])
    era_text = match["era"]
    if era_text is not None:
        era_index = derived.era_keys.get(name_key(era_text))
        if era_index is None:
            known = ", ".join(e.abbreviation for e in calendar.eras) or "no eras"
            raise CalendarError(
                CalendarErrorCode.UNKNOWN_ERA,
                f"unknown era {era_text!r}; {calendar.name} has {known}",
                field="era",
            )
        year = year_from_era(calendar, era_index, year)
    seconds = to_seconds(calendar, year, month, int(match["day"]), *_time_fields(match))
    weekday_text = match["weekday"]
    if weekday_text is not None:
        weekday = derived.weekday_keys.get(name_key(weekday_text))
        if weekday is None:
            raise CalendarError(CalendarErrorCode.UNKNOWN_WEEKDAY, f"unknown weekday {weekday_text!r}", field="weekday")
        actual = weekday_of(calendar, seconds)
        if actual != weekday:
            raise CalendarError(
                CalendarErrorCode.INVALID_DATE,
                f"that day is a {calendar.weekdays[actual]}, not a {calendar.weekdays[weekday]}",
                field="weekday",
            )
    return seconds
