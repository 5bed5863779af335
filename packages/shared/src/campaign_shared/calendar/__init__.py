"""World calendars and world time (SPEC §6).

World time is an int64 count of seconds since the first second of the calendar's epoch year; negative
values are dates before the epoch. Everything here is pure and synchronous.
"""

from campaign_shared.calendar.arithmetic import (
    add,
    calendar_days_between,
    days_between,
    hours_between,
    months_between,
)
from campaign_shared.calendar.convert import (
    WORLD_TIME_MAX,
    WORLD_TIME_MIN,
    check_world_time,
    days_in_month,
    days_in_year,
    is_leap_year,
    seconds_per_day,
    seconds_per_hour,
    seconds_per_minute,
    to_date,
    to_seconds,
    weekday_of,
)
from campaign_shared.calendar.eras import era_of_year, year_from_era
from campaign_shared.calendar.errors import CalendarError, CalendarErrorCode
from campaign_shared.calendar.format import format_date_iso, format_iso, format_long, format_year
from campaign_shared.calendar.model import Calendar, CalendarDateTime, Era, LeapRule, Month
from campaign_shared.calendar.parse import coerce_world_time, parse
from campaign_shared.calendar.presets import get_preset, list_presets, resolve_calendar

__all__ = [
    "WORLD_TIME_MAX",
    "WORLD_TIME_MIN",
    "Calendar",
    "CalendarDateTime",
    "CalendarError",
    "CalendarErrorCode",
    "Era",
    "LeapRule",
    "Month",
    "add",
    "calendar_days_between",
    "check_world_time",
    "coerce_world_time",
    "days_between",
    "days_in_month",
    "days_in_year",
    "era_of_year",
    "format_date_iso",
    "format_iso",
    "format_long",
    "format_year",
    "get_preset",
    "hours_between",
    "is_leap_year",
    "list_presets",
    "months_between",
    "parse",
    "resolve_calendar",
    "seconds_per_day",
    "seconds_per_hour",
    "seconds_per_minute",
    "to_date",
    "to_seconds",
    "weekday_of",
    "year_from_era",
]
