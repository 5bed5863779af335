"""Built-in calendars, looked up by name, and loading a calendar from a preset name or JSON.

The fantasy calendars and all their names are original to this project.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from campaign_shared.calendar.errors import CalendarError, CalendarErrorCode
from campaign_shared.calendar.model import Calendar


def _gregorian() -> Calendar:
    """Proleptic Gregorian; world time 0 = 0001-01-01 00:00:00, a Monday (matches `datetime`)."""
    months = [
        ("January", 31),
        ("February", 28),
        ("March", 31),
        ("April", 30),
        ("May", 31),
        ("June", 30),
        ("July", 31),
        ("August", 31),
        ("September", 30),
        ("October", 31),
        ("November", 30),
        ("December", 31),
    ]
    return Calendar.model_validate(
        {
            "name": "Gregorian",
            "months": [{"name": name, "days": days, "short_name": name[:3]} for name, days in months],
            "weekdays": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
            "leap_rules": [
                {"every": 4, "month": 2, "days": 1},
                {"every": 100, "month": 2, "days": -1},
                {"every": 400, "month": 2, "days": 1},
            ],
            "epoch_year": 1,
            "epoch_weekday": 0,
            "eras": [
                {"name": "Before Common Era", "abbreviation": "BCE", "counts_backward": True},
                {"name": "Common Era", "abbreviation": "CE", "start_year": 1},
            ],
        }
    )


def _kindled() -> Calendar:
    """Thirteen 28-day months; a leap week closes every fifth year, except every fortieth."""
    months = [
        ("Frostwake", "Fro"),
        ("Thawmere", "Tha"),
        ("Seedsong", "See"),
        ("Rainreach", "Rai"),
        ("Bloomward", "Blo"),
        ("Highsun", "Hig"),
        ("Goldmantle", "Gol"),
        ("Emberfall", "Emb"),
        ("Harrowtide", "Har"),
        ("Mistveil", "Mis"),
        ("Duskhollow", "Dus"),
        ("Deepwinter", "Dee"),
        ("Starhush", "Sta"),
    ]
    return Calendar.model_validate(
        {
            "name": "Kindled Reckoning",
            "months": [{"name": name, "days": 28, "short_name": short} for name, short in months],
            "weekdays": ["Ashday", "Brandday", "Cinderday", "Dawnday", "Emberday", "Flintday", "Gloamday"],
            "leap_rules": [
                {"every": 5, "month": 13, "days": 7},
                {"every": 40, "month": 13, "days": -7},
            ],
            "epoch_year": 1200,
            "epoch_weekday": 3,
            "eras": [
                {"name": "Before the Kindling", "abbreviation": "BK", "counts_backward": True},
                {"name": "Kindled Reckoning", "abbreviation": "KR", "start_year": 1},
            ],
        }
    )


def _tidewheel() -> Calendar:
    """A sea-folk count: 20-hour days of 50-minute hours, ten 36-day months, a 6-day week, two eras."""
    months = [
        "Brinewake",
        "Saltmere",
        "Kelprise",
        "Shoalgleam",
        "Highwater",
        "Driftlong",
        "Coralwane",
        "Foamreach",
        "Gullhaven",
        "Stillwater",
    ]
    return Calendar.model_validate(
        {
            "name": "Tidewheel Count",
            "seconds_per_minute": 60,
            "minutes_per_hour": 50,
            "hours_per_day": 20,
            "months": [{"name": name, "days": 36} for name in months],
            "weekdays": ["Shellday", "Kelpday", "Pearlday", "Reefday", "Gullday", "Stormday"],
            "leap_rules": [
                {"every": 3, "month": 10, "days": 2},
                {"every": 24, "month": 10, "days": -1},
                {"every": 8, "month": 5, "days": 1, "offset": 5},
            ],
            "epoch_year": 1,
            "epoch_weekday": 0,
            "eras": [
                {"name": "First Tide", "abbreviation": "FT", "start_year": 1},
                {"name": "Second Tide", "abbreviation": "ST", "start_year": 800},
            ],
        }
    )


_PRESETS: dict[str, Calendar] = {
    "gregorian": _gregorian(),
    "kindled": _kindled(),
    "tidewheel": _tidewheel(),
}


def list_presets() -> list[str]:
    """Preset names accepted by `get_preset` and by `createWorld(calendar: "<name>")`."""
    return list(_PRESETS)


def get_preset(name: str) -> Calendar:
    """A preset calendar by (case-insensitive) name; calendars are immutable, so instances are shared."""
    calendar = _PRESETS.get(name.strip().casefold())
    if calendar is None:
        raise CalendarError(
            CalendarErrorCode.UNKNOWN_PRESET,
            f"unknown calendar preset {name!r}; presets: {', '.join(_PRESETS)}",
            field="calendar",
        )
    return calendar


def resolve_calendar(spec: str | Mapping[str, Any] | Calendar) -> Calendar:
    """A calendar from what `createWorld` accepts: a preset name, a JSON object, or a Calendar.

    Validation problems become one INVALID_CALENDAR error with per-field `details`.
    """
    if isinstance(spec, Calendar):
        return spec
    if isinstance(spec, str):
        return get_preset(spec)
    try:
        return Calendar.model_validate(spec)
    except ValidationError as error:
        details = [
            {
                "field": ".".join(str(part) for part in item["loc"]) or "calendar",
                "message": item["msg"].removeprefix("Value error, "),
            }
            for item in error.errors(include_url=False)
        ]
        summary = "; ".join(f"{d['field']}: {d['message']}" for d in details)
        raise CalendarError(
            CalendarErrorCode.INVALID_CALENDAR,
            f"invalid calendar: {summary}",
            field="calendar",
            details=details,
        ) from error
