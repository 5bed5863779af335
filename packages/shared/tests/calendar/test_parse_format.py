"""Parsing and formatting: round trips, accepted spellings, and one test per error code."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_shared.calendar import (
    WORLD_TIME_MAX,
    WORLD_TIME_MIN,
    CalendarError,
    CalendarErrorCode,
    coerce_world_time,
    format_iso,
    format_long,
    format_year,
    get_preset,
    list_presets,
    parse,
    resolve_calendar,
    seconds_per_day,
    to_date,
    to_seconds,
)

PRESETS = list_presets()
GREGORIAN = get_preset("gregorian")
KINDLED = get_preset("kindled")
TIDEWHEEL = get_preset("tidewheel")
world_times = st.one_of(st.integers(WORLD_TIME_MIN, WORLD_TIME_MAX), st.integers(-(10**11), 10**11))


@pytest.mark.parametrize("name", PRESETS)
@settings(max_examples=300, deadline=None)
@given(seconds=world_times)
def test_iso_round_trip(name: str, seconds: int) -> None:
    calendar = get_preset(name)
    text = format_iso(calendar, seconds)
    assert parse(calendar, text) == seconds
    assert parse(calendar, text.replace(" ", "T")) == seconds
    assert coerce_world_time(calendar, text) == seconds


@pytest.mark.parametrize("name", PRESETS)
@settings(max_examples=300, deadline=None)
@given(seconds=world_times, weekday=st.booleans(), short=st.booleans())
def test_long_round_trip(name: str, seconds: int, weekday: bool, short: bool) -> None:
    calendar = get_preset(name)
    text = format_long(calendar, seconds, with_time=True, with_weekday=weekday, short_month=short)
    assert parse(calendar, text) == seconds
    assert parse(calendar, text.upper()) == seconds
    start_of_day = seconds - seconds % seconds_per_day(calendar)
    if start_of_day < WORLD_TIME_MIN:  # the first, partial day of the int64 range
        return
    assert parse(calendar, format_long(calendar, seconds, with_weekday=weekday)) == start_of_day


def test_iso_format_pads_years_to_four_digits() -> None:
    assert format_year(7) == "0007"
    assert format_year(0) == "0000"
    assert format_year(-44) == "-0044"
    assert format_year(12345) == "12345"
    assert format_iso(GREGORIAN, to_seconds(GREGORIAN, 7, 3, 9, 4, 5, 6)) == "0007-03-09 04:05:06"
    assert format_iso(GREGORIAN, to_seconds(GREGORIAN, 12345, 12, 31)) == "12345-12-31 00:00:00"


@pytest.mark.parametrize(
    "text",
    [
        "2024-02-09 10:11:00",
        "2024-02-09 10:11",
        "2024-2-9 10:11",
        "2024-02-09T10:11",
        "2024-02-09t10:11:00",
        "  2024-02-09   10:11  ",
        "+2024-02-09 10:11",
        "9 February 2024 CE 10:11",
        "9 february 2024 10:11",
        "9 Feb 2024 ce 10:11:00",
        "Friday, 9 February 2024 CE 10:11",
        "friday 9 FEB 2024 10:11",
    ],
)
def test_accepted_spellings(text: str) -> None:
    assert parse(GREGORIAN, text) == to_seconds(GREGORIAN, 2024, 2, 9, 10, 11)


def test_fantasy_long_forms() -> None:
    seconds = parse(KINDLED, "4 Emberfall 1207 KR 13:05")
    when = to_date(KINDLED, seconds)
    assert (when.year, when.month, when.day, when.hour, when.minute) == (1207, 8, 4, 13, 5)
    assert format_long(KINDLED, seconds, with_time=True) == "4 Emberfall 1207 KR 13:05"
    assert parse(KINDLED, "1207-08-04 13:05") == seconds
    assert parse(KINDLED, "4 emb 1207 kr 13:05") == seconds
    # Before the Kindling counts backwards: 1 BK is year 0.
    assert format_long(KINDLED, parse(KINDLED, "0000-01-01")) == "1 Frostwake 1 BK"
    assert parse(KINDLED, "1 Frostwake 10 BK") == parse(KINDLED, "-0009-01-01")
    # Tidewheel: second era from year 800, no era before year 1, 20-hour days.
    assert format_long(TIDEWHEEL, parse(TIDEWHEEL, "0800-01-01")) == "1 Brinewake 1 ST"
    assert format_long(TIDEWHEEL, parse(TIDEWHEEL, "0799-01-01")) == "1 Brinewake 799 FT"
    assert format_long(TIDEWHEEL, parse(TIDEWHEEL, "0000-01-01")) == "1 Brinewake 0"
    assert parse(TIDEWHEEL, "1 Brinewake -5") == parse(TIDEWHEEL, "-0005-01-01")
    assert format_iso(TIDEWHEEL, parse(TIDEWHEEL, "0001-01-01 19:49:59")) == "0001-01-01 19:49:59"
    # The full era name works when it is one word; without an era the year is absolute.
    assert parse(TIDEWHEEL, "3 Kelprise 5 ST") == parse(TIDEWHEEL, "0804-03-03")
    assert parse(TIDEWHEEL, "3 Kelprise 804") == parse(TIDEWHEEL, "0804-03-03")


def test_multi_word_month_names() -> None:
    calendar = resolve_calendar(
        {
            "name": "Two words",
            "months": [{"name": "Ashen Eve", "days": 10}, {"name": "Long  Night", "days": 5}],
            "weekdays": ["One"],
            "eras": [{"name": "Dawn", "abbreviation": "DW", "start_year": 1}],
        }
    )
    seconds = parse(calendar, "3 long night 1")
    assert format_long(calendar, seconds) == "3 Long  Night 1 DW"
    assert parse(calendar, "3   Long Night 1 dawn") == seconds
    assert parse(calendar, format_long(calendar, seconds)) == seconds
    assert format_long(calendar, parse(calendar, "0000-01-01")) == "1 Ashen Eve 0"  # before the first era


@pytest.mark.parametrize(
    ("calendar_name", "text", "code"),
    [
        ("gregorian", "garbage", CalendarErrorCode.INVALID_FORMAT),
        ("gregorian", "", CalendarErrorCode.INVALID_FORMAT),
        ("gregorian", "2024/01/01", CalendarErrorCode.INVALID_FORMAT),
        ("gregorian", "2024-01-01 10", CalendarErrorCode.INVALID_FORMAT),
        ("gregorian", "2024-01-01 10:00:00.5", CalendarErrorCode.INVALID_FORMAT),
        ("gregorian", "2024-01-01 10:00 PM", CalendarErrorCode.INVALID_FORMAT),
        ("gregorian", "٢٠٢٤-01-01", CalendarErrorCode.INVALID_FORMAT),  # non-ASCII digits
        ("gregorian", "1" * 300 + "-01-01", CalendarErrorCode.INVALID_FORMAT),
        ("gregorian", "2023-02-29", CalendarErrorCode.INVALID_DATE),
        ("gregorian", "1900-02-29", CalendarErrorCode.INVALID_DATE),
        ("gregorian", "2024-04-31", CalendarErrorCode.INVALID_DATE),
        ("gregorian", "2024-13-01", CalendarErrorCode.INVALID_DATE),
        ("gregorian", "2024-00-10", CalendarErrorCode.INVALID_DATE),
        ("gregorian", "2024-01-00", CalendarErrorCode.INVALID_DATE),
        ("gregorian", "31 April 2024 CE", CalendarErrorCode.INVALID_DATE),
        ("gregorian", "1 January 0 CE", CalendarErrorCode.INVALID_DATE),
        ("gregorian", "Friday, 1 January 2024", CalendarErrorCode.INVALID_DATE),
        ("tidewheel", "1 Brinewake 900 FT", CalendarErrorCode.INVALID_DATE),
        ("kindled", "1207-13-36", CalendarErrorCode.INVALID_DATE),
        ("gregorian", "2024-01-01 25:00", CalendarErrorCode.INVALID_TIME),
        ("gregorian", "2024-01-01 24:00", CalendarErrorCode.INVALID_TIME),
        ("gregorian", "2024-01-01 10:60", CalendarErrorCode.INVALID_TIME),
        ("gregorian", "2024-01-01 10:00:60", CalendarErrorCode.INVALID_TIME),
        ("tidewheel", "0001-01-01 20:00", CalendarErrorCode.INVALID_TIME),
        ("tidewheel", "0001-01-01 10:50", CalendarErrorCode.INVALID_TIME),
        ("gregorian", "4 Smarch 2024", CalendarErrorCode.UNKNOWN_MONTH),
        ("kindled", "4 Emberfell 1207 KR", CalendarErrorCode.UNKNOWN_MONTH),
        ("gregorian", "4 January 2024 AR", CalendarErrorCode.UNKNOWN_ERA),
        ("kindled", "4 Emberfall 1207 CE", CalendarErrorCode.UNKNOWN_ERA),
        ("gregorian", "Funday, 1 January 2024", CalendarErrorCode.UNKNOWN_WEEKDAY),
        ("gregorian", "292277024628-01-01", CalendarErrorCode.OUT_OF_RANGE),
        ("gregorian", "-292277024627-01-01", CalendarErrorCode.OUT_OF_RANGE),
        ("gregorian", "99999999999999999999-01-01", CalendarErrorCode.OUT_OF_RANGE),
    ],
)
def test_parse_error_codes(calendar_name: str, text: str, code: CalendarErrorCode) -> None:
    with pytest.raises(CalendarError) as caught:
        parse(get_preset(calendar_name), text)
    assert caught.value.code == code
    assert isinstance(caught.value, ValueError)
    assert str(caught.value)


def test_error_messages_explain_the_problem() -> None:
    with pytest.raises(CalendarError, match="February 2023 has 28 days"):
        parse(GREGORIAN, "2023-02-29")
    with pytest.raises(CalendarError, match=r"hour 25 is not in 0\.\.23"):
        parse(GREGORIAN, "2024-01-01 25:00")
    with pytest.raises(CalendarError, match="1 Frostwake 1200 KR"):
        parse(KINDLED, "next tuesday")


def test_coerce_world_time() -> None:
    assert coerce_world_time(GREGORIAN, 42) == 42
    assert coerce_world_time(GREGORIAN, "0001-01-01 00:00:42") == 42
    for bad, code in [
        (True, CalendarErrorCode.INVALID_FORMAT),
        (1.5, CalendarErrorCode.INVALID_FORMAT),
        (None, CalendarErrorCode.INVALID_FORMAT),
        (2**63, CalendarErrorCode.OUT_OF_RANGE),
        (-(2**63) - 1, CalendarErrorCode.OUT_OF_RANGE),
    ]:
        with pytest.raises(CalendarError) as caught:
            coerce_world_time(GREGORIAN, bad)  # type: ignore[arg-type]
        assert caught.value.code == code


def test_non_string_parse_input() -> None:
    with pytest.raises(CalendarError) as caught:
        parse(GREGORIAN, 20240101)  # type: ignore[arg-type]
    assert caught.value.code == CalendarErrorCode.INVALID_FORMAT
