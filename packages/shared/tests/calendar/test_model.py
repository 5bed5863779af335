"""The calendar model: JSON round trips, presets, and validation with readable messages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from campaign_shared.calendar import (
    Calendar,
    CalendarError,
    CalendarErrorCode,
    days_in_month,
    format_long,
    get_preset,
    list_presets,
    resolve_calendar,
    to_date,
    to_seconds,
)


def _base(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Test",
        "months": [{"name": "Alpha", "days": 30}, {"name": "Beta", "days": 29}],
        "weekdays": ["Oneday", "Twoday", "Threeday"],
    }
    data.update(changes)
    return data


def test_presets_are_listed_and_found() -> None:
    names = list_presets()
    assert {"gregorian", "kindled", "tidewheel"} <= set(names)
    for name in names:
        calendar = get_preset(name)
        assert isinstance(calendar, Calendar)
        assert get_preset(f" {name.upper()} ") is calendar
    kindled = get_preset("kindled")
    assert len(kindled.months) == 13
    assert kindled.leap_rules
    assert kindled.eras
    assert get_preset("tidewheel").hours_per_day != 24


def test_unknown_preset() -> None:
    with pytest.raises(CalendarError) as caught:
        get_preset("eldmoor")
    assert caught.value.code == CalendarErrorCode.UNKNOWN_PRESET
    assert "gregorian" in str(caught.value)


@pytest.mark.parametrize("name", list_presets())
def test_preset_json_round_trip(name: str) -> None:
    calendar = get_preset(name)
    dumped = calendar.model_dump(mode="json")
    restored = Calendar.model_validate(json.loads(json.dumps(dumped)))
    assert restored == calendar
    assert Calendar.model_validate_json(calendar.model_dump_json()) == calendar
    assert restored.model_dump(mode="json") == dumped
    assert hash(restored) == hash(calendar)
    assert to_date(restored, 123_456_789_012) == to_date(calendar, 123_456_789_012)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_random_calendar_json_round_trip(calendars: st.SearchStrategy[Calendar], data: st.DataObject) -> None:
    calendar = data.draw(calendars)
    to_date(calendar, 10**9)  # fill the cache: it must not leak into the dump or equality
    restored = Calendar.model_validate(json.loads(calendar.model_dump_json()))
    assert restored == calendar
    assert restored.model_dump(mode="json") == calendar.model_dump(mode="json")


def test_resolve_calendar_accepts_names_objects_and_json() -> None:
    gregorian = get_preset("gregorian")
    assert resolve_calendar("gregorian") is gregorian
    assert resolve_calendar(gregorian) is gregorian
    assert resolve_calendar(gregorian.model_dump(mode="json")) == gregorian
    custom = resolve_calendar(_base())
    assert format_long(custom, 0) == "1 Alpha 1"


def test_resolve_calendar_reports_field_details() -> None:
    with pytest.raises(CalendarError) as caught:
        resolve_calendar(_base(months=[{"name": "Alpha", "days": 0}], hours_per_day=0))
    error = caught.value
    assert error.code == CalendarErrorCode.INVALID_CALENDAR
    fields = {d["field"] for d in error.details}
    assert "hours_per_day" in fields
    assert "months.0" in fields
    assert "at least 1 day" in str(error)


def test_model_is_immutable_and_copy_drops_cache() -> None:
    calendar = resolve_calendar(_base())
    with pytest.raises(ValidationError):
        calendar.name = "Other"
    assert days_in_month(calendar, 1, 1) == 30
    longer = calendar.model_copy(update={"hours_per_day": 10})
    assert to_seconds(longer, 1, 1, 2) == 10 * 3600


def test_defaults_and_optional_fields() -> None:
    calendar = Calendar.model_validate(_base())
    assert (calendar.seconds_per_minute, calendar.minutes_per_hour, calendar.hours_per_day) == (60, 60, 24)
    assert calendar.epoch_year == 1
    assert calendar.epoch_weekday == 0
    assert calendar.leap_rules == ()
    assert calendar.eras == ()
    assert calendar.months[0].short_name is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"months": []}, "at least one month"),
        ({"months": [{"name": "Alpha", "days": 0}]}, "'Alpha' has 0 days"),
        ({"months": [{"name": "Alpha", "days": -3}]}, "'Alpha' has -3 days; a month needs at least 1 day"),
        ({"months": [{"name": "Alpha", "days": 10_001}]}, "at most 10000 are allowed"),
        ({"months": [{"name": "", "days": 3}]}, "at least 1 character"),
        ({"months": [{"name": "Month 1", "days": 3}]}, "must not contain digits"),
        ({"months": [{"name": "Alpha", "days": 3}, {"name": "ALPHA", "days": 3}]}, "used twice"),
        (
            {"months": [{"name": "Alpha", "days": 3, "short_name": "Be"}, {"name": "be", "days": 3}]},
            "used twice",
        ),
        ({"months": [{"name": "Alpha", "days": "30"}]}, "valid integer"),
        ({"weekdays": []}, "at least one weekday"),
        ({"weekdays": ["Oneday", "oneday"]}, "'oneday' is used twice"),
        ({"weekdays": ["Day, one"]}, "must not contain digits, commas or colons"),
        ({"epoch_weekday": 3}, "epoch_weekday 3 is not a weekday index"),
        ({"epoch_weekday": -1}, "greater than or equal to 0"),
        ({"seconds_per_minute": 0}, "greater than or equal to 1"),
        ({"hours_per_day": 100_000}, "less than or equal to 1000"),
        ({"leap_rules": [{"every": 4, "month": 3}]}, "refers to month 3, but the calendar has 2 months"),
        ({"leap_rules": [{"every": 4, "month": 0}]}, "greater than or equal to 1"),
        ({"leap_rules": [{"every": 0, "month": 1}]}, "greater than or equal to 1"),
        ({"leap_rules": [{"every": 4, "month": 1, "days": 0}]}, "at least one day"),
        ({"leap_rules": [{"every": 4, "month": 1, "offset": 4}]}, "offset 4 must be smaller"),
        ({"leap_rules": [{"every": 4, "month": 2, "days": -29}]}, "leave month 'Beta' with 0 days"),
        (
            {
                "leap_rules": [
                    {"every": 2, "month": 2, "days": -21},
                    {"every": 3, "month": 2, "days": -8},
                ]
            },
            r"leave month 'Beta' with 0 days in years ≡ 0 \(mod 6\)",
        ),
        (
            {"leap_rules": [{"every": 99_991, "month": 1, "days": -1}, {"every": 99_989, "month": 1}]},
            "repeat only every",
        ),
        ({"eras": [{"name": "Age", "abbreviation": "A B", "start_year": 1}]}, "must be one word"),
        ({"eras": [{"name": "Age", "abbreviation": "1A", "start_year": 1}]}, "must be one word"),
        ({"eras": [{"name": "Age", "abbreviation": "AG"}]}, "needs a start_year"),
        (
            {"eras": [{"name": "Old", "abbreviation": "OL", "start_year": 1, "counts_backward": True}]},
            "another era must follow",
        ),
        (
            {
                "eras": [
                    {"name": "A", "abbreviation": "AA", "start_year": 10},
                    {"name": "B", "abbreviation": "BB", "start_year": 10},
                ]
            },
            "strictly increasing",
        ),
        (
            {
                "eras": [
                    {"name": "A", "abbreviation": "AA", "start_year": 10},
                    {"name": "B", "abbreviation": "BB", "counts_backward": True},
                ]
            },
            "only the first era",
        ),
        (
            {
                "eras": [
                    {"name": "A", "abbreviation": "AA", "start_year": 1},
                    {"name": "B", "abbreviation": "aa", "start_year": 5},
                ]
            },
            "used twice",
        ),
        ({"colour": "red"}, "Extra inputs are not permitted"),
        ({"name": ""}, "at least 1 character"),
    ],
)
def test_validation_messages(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Calendar.model_validate(_base(**changes))


def test_negative_rules_that_keep_months_positive_are_fine() -> None:
    """Gregorian-style exceptions: -1 every 100 never applies without +1 every 4."""
    calendar = Calendar.model_validate(
        _base(
            months=[{"name": "Alpha", "days": 30}, {"name": "Leapling", "days": 1}],
            leap_rules=[
                {"every": 4, "month": 2, "days": 1},
                {"every": 100, "month": 2, "days": -1},
            ],
        )
    )
    assert days_in_month(calendar, 100, 2) == 1
    assert days_in_month(calendar, 104, 2) == 2
