"""Shared fixtures: a hypothesis strategy for arbitrary valid calendars, and a naive reference model.

The reference walks year by year, so it is obviously right and independent from the closed-form layout.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume
from hypothesis import strategies as st
from pydantic import ValidationError

from campaign_shared.calendar import Calendar


def _letters(index: int) -> str:
    """Digit-free unique suffix: 0 -> 'a', 25 -> 'z', 26 -> 'ba', ..."""
    text = ""
    while True:
        index, rest = divmod(index, 26)
        text = chr(ord("a") + rest) + text
        if index == 0:
            return text


@st.composite
def _calendars(draw: st.DrawFn) -> Calendar:
    month_days = draw(st.lists(st.integers(1, 40), min_size=1, max_size=15))
    month_count = len(month_days)
    rules: list[dict[str, int]] = []
    for _ in range(draw(st.integers(0, 4))):
        every = draw(st.integers(1, 60))
        month = draw(st.integers(1, month_count))
        days = draw(st.integers(-3, 6).filter(lambda d: d != 0))
        days = max(days, -(month_days[month - 1] - 1))
        if days == 0:
            continue
        rules.append({"every": every, "month": month, "days": days, "offset": draw(st.integers(0, every - 1))})
    weekday_count = draw(st.integers(1, 10))
    eras: list[dict[str, Any]] = []
    starts = sorted(draw(st.sets(st.integers(-3000, 3000), max_size=3)))
    before_first: bool = draw(st.booleans())
    if starts and before_first:
        eras.append({"name": "Before", "abbreviation": "BF", "counts_backward": True})
    for i, start in enumerate(starts):
        backward = draw(st.booleans()) if i < len(starts) - 1 else False
        eras.append(
            {
                "name": f"Era {_letters(i)}",
                "abbreviation": f"E{_letters(i)}",
                "start_year": start,
                "counts_backward": backward,
            }
        )
    data = {
        "name": "Random",
        "seconds_per_minute": draw(st.integers(1, 100)),
        "minutes_per_hour": draw(st.integers(1, 100)),
        "hours_per_day": draw(st.integers(1, 40)),
        "months": [
            {"name": f"Month {_letters(i)}", "days": d, "short_name": f"m{_letters(i)}"}
            for i, d in enumerate(month_days)
        ],
        "weekdays": [f"Day {_letters(i)}" for i in range(weekday_count)],
        "leap_rules": rules,
        "epoch_year": draw(st.integers(-5000, 5000)),
        "epoch_weekday": draw(st.integers(0, weekday_count - 1)),
        "eras": eras,
    }
    try:
        return Calendar.model_validate(data)
    except ValidationError:
        assume(False)  # several negative rules stacked on one month: rare, just skip
        raise


@pytest.fixture(scope="session")
def calendars() -> st.SearchStrategy[Calendar]:
    return _calendars()


def naive_year_days(calendar: Calendar, year: int) -> list[int]:
    """Month lengths of `year`, straight from the rule definitions."""
    days = [m.days for m in calendar.months]
    for rule in calendar.leap_rules:
        if (year - rule.offset) % rule.every == 0:
            days[rule.month - 1] += rule.days
    return days


def naive_day_number(calendar: Calendar, year: int, month: int, day: int) -> int:
    """Days since the epoch by summing whole years one at a time."""
    total = 0
    if year >= calendar.epoch_year:
        for y in range(calendar.epoch_year, year):
            total += sum(naive_year_days(calendar, y))
    else:
        for y in range(year, calendar.epoch_year):
            total -= sum(naive_year_days(calendar, y))
    return total + sum(naive_year_days(calendar, year)[: month - 1]) + day - 1


@pytest.fixture(scope="session")
def naive() -> Callable[[Calendar, int, int, int], int]:
    return naive_day_number


@pytest.fixture(scope="session")
def naive_months() -> Callable[[Calendar, int], list[int]]:
    return naive_year_days
