"""The calendar definition (stored as JSON on a World, sent over GraphQL) and the broken-down date type.

A calendar is a frozen pydantic model: it is validated once when loaded and its derived tables are cached
on the instance, so conversions never re-validate or rebuild anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from math import lcm
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, model_validator

from campaign_shared.calendar.layout import CalendarLayout, LeapTerm

MAX_MONTHS = 100
MAX_MONTH_DAYS = 10_000
MAX_WEEKDAYS = 100
MAX_LEAP_RULES = 16
MAX_LEAP_EVERY = 100_000
MAX_ERAS = 32
MAX_UNIT = 1_000
MAX_ABS_YEAR = 10**12
MAX_MONTH_CYCLE = 100_000
"""Longest leap cycle we brute-force to prove a month never shrinks below one day."""

_FORBIDDEN_IN_LABEL = re.compile(r"[0-9,:]")
_BAD_ABBREVIATION = re.compile(r"^[0-9+\-]|[\s,:]")

_MODEL_CONFIG = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

Label = Annotated[StrictStr, Field(min_length=1, max_length=64)]
Year = Annotated[StrictInt, Field(ge=-MAX_ABS_YEAR, le=MAX_ABS_YEAR)]
TimeUnit = Annotated[StrictInt, Field(ge=1, le=MAX_UNIT)]


def name_key(name: str) -> str:
    """Case- and whitespace-insensitive key used for every name lookup (parsing, duplicates)."""
    return " ".join(name.split()).casefold()


def _check_label(value: str, what: str) -> None:
    """Month and weekday names must not contain what the long form uses as separators or numbers."""
    if _FORBIDDEN_IN_LABEL.search(value):
        raise ValueError(f"{what} {value!r} must not contain digits, commas or colons")


class Month(BaseModel):
    """One month; `short_name` is an optional abbreviation accepted when parsing."""

    model_config = _MODEL_CONFIG

    name: Label
    days: StrictInt
    short_name: Annotated[StrictStr, Field(min_length=1, max_length=16)] | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        _check_label(self.name, "month name")
        if self.short_name is not None:
            _check_label(self.short_name, "month short name")
        if self.days < 1:
            raise ValueError(f"month {self.name!r} has {self.days} days; a month needs at least 1 day")
        if self.days > MAX_MONTH_DAYS:
            raise ValueError(f"month {self.name!r} has {self.days} days; at most {MAX_MONTH_DAYS} are allowed")
        return self


class LeapRule(BaseModel):
    """Every `every` years (years y with (y - offset) % every == 0) month `month` (1-based) gains `days`.

    Rules add up, so Gregorian is three rules: every 4 +1, every 100 -1, every 400 +1 (all on month 2).
    `days` may be negative to express exceptions.
    """

    model_config = _MODEL_CONFIG

    every: Annotated[StrictInt, Field(ge=1, le=MAX_LEAP_EVERY)]
    month: Annotated[StrictInt, Field(ge=1)]
    days: Annotated[StrictInt, Field(ge=-MAX_MONTH_DAYS, le=MAX_MONTH_DAYS)] = 1
    offset: Annotated[StrictInt, Field(ge=0)] = 0

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.days == 0:
            raise ValueError("a leap rule must add or remove at least one day (days != 0)")
        if self.offset >= self.every:
            raise ValueError(f"leap rule offset {self.offset} must be smaller than every ({self.every})")
        return self


class Era(BaseModel):
    """A named span of years, from `start_year` up to the next era's start.

    A forward era counts its first year as 1. A backward era (`counts_backward`, like BCE) counts down to 1
    in the year before the next era starts, so it needs a following era; only the first era may omit
    `start_year`, meaning "since the beginning of time".
    """

    model_config = _MODEL_CONFIG

    name: Label
    abbreviation: Annotated[StrictStr, Field(min_length=1, max_length=16)]
    start_year: Year | None = None
    counts_backward: StrictBool = False

    @model_validator(mode="after")
    def _check(self) -> Self:
        if _BAD_ABBREVIATION.search(self.abbreviation):
            raise ValueError(
                f"era abbreviation {self.abbreviation!r} must be one word that does not start with a digit "
                "or sign and has no commas or colons"
            )
        if self.start_year is None and not self.counts_backward:
            raise ValueError(f"era {self.name!r} counts forward, so it needs a start_year")
        return self


class _Derived:
    """Everything computed from the fields once: time units, day layout and name lookups."""

    __slots__ = ("era_keys", "era_starts", "layout", "month_keys", "spd", "sph", "spm", "weekday_keys")

    def __init__(self, calendar: Calendar) -> None:
        self.spm: int = calendar.seconds_per_minute
        self.sph: int = self.spm * calendar.minutes_per_hour
        self.spd: int = self.sph * calendar.hours_per_day
        rules = [LeapTerm(r.every, r.offset, r.month - 1, r.days) for r in calendar.leap_rules]
        self.layout = CalendarLayout([m.days for m in calendar.months], rules, calendar.epoch_year)
        self.month_keys: dict[str, int] = {}
        for index, month in enumerate(calendar.months, start=1):
            self.month_keys[name_key(month.name)] = index
            if month.short_name is not None:
                self.month_keys[name_key(month.short_name)] = index
        self.weekday_keys: dict[str, int] = {name_key(w): i for i, w in enumerate(calendar.weekdays)}
        self.era_keys: dict[str, int] = {}
        for index, era in enumerate(calendar.eras):
            self.era_keys[name_key(era.abbreviation)] = index
            self.era_keys[name_key(era.name)] = index
        # Start years of eras 1.. (era 0 may have none); validated to be increasing, for bisection.
        self.era_starts: list[int] = [e.start_year for e in calendar.eras[1:] if e.start_year is not None]


class Calendar(BaseModel):
    """A world calendar. World time 0 is the first second of the first day of `epoch_year`.

    Years are plain integers (astronomical numbering: year 0 and negative years exist); eras only change how
    years are written. `epoch_weekday` is the 0-based index into `weekdays` of the epoch's first day.
    """

    model_config = _MODEL_CONFIG

    name: Annotated[StrictStr, Field(min_length=1, max_length=100)]
    seconds_per_minute: TimeUnit = 60
    minutes_per_hour: TimeUnit = 60
    hours_per_day: TimeUnit = 24
    months: tuple[Month, ...]
    weekdays: tuple[Label, ...]
    leap_rules: tuple[LeapRule, ...] = ()
    epoch_year: Year = 1
    epoch_weekday: Annotated[StrictInt, Field(ge=0)] = 0
    eras: tuple[Era, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Self:
        self._check_months()
        self._check_weekdays()
        self._check_leap_rules()
        self._check_eras()
        return self

    def _check_months(self) -> None:
        if not self.months:
            raise ValueError("a calendar needs at least one month")
        if len(self.months) > MAX_MONTHS:
            raise ValueError(f"a calendar has at most {MAX_MONTHS} months, got {len(self.months)}")
        seen: dict[str, int] = {}
        for index, month in enumerate(self.months):
            names = {name_key(month.name)}
            if month.short_name is not None:
                names.add(name_key(month.short_name))
            for key in names:
                if key in seen:
                    other = self.months[seen[key]].name
                    raise ValueError(f"month name {key!r} is used twice (months {other!r} and {month.name!r})")
                seen[key] = index

    def _check_weekdays(self) -> None:
        if not self.weekdays:
            raise ValueError("a calendar needs at least one weekday name")
        if len(self.weekdays) > MAX_WEEKDAYS:
            raise ValueError(f"a calendar has at most {MAX_WEEKDAYS} weekdays, got {len(self.weekdays)}")
        seen: set[str] = set()
        for weekday in self.weekdays:
            _check_label(weekday, "weekday name")
            key = name_key(weekday)
            if key in seen:
                raise ValueError(f"weekday name {weekday!r} is used twice")
            seen.add(key)
        if self.epoch_weekday >= len(self.weekdays):
            raise ValueError(f"epoch_weekday {self.epoch_weekday} is not a weekday index (0..{len(self.weekdays) - 1})")

    def _check_leap_rules(self) -> None:
        if len(self.leap_rules) > MAX_LEAP_RULES:
            raise ValueError(f"a calendar has at most {MAX_LEAP_RULES} leap rules, got {len(self.leap_rules)}")
        for number, rule in enumerate(self.leap_rules, start=1):
            if rule.month > len(self.months):
                raise ValueError(
                    f"leap rule {number} refers to month {rule.month}, but the calendar has {len(self.months)} months"
                )
        for index, month in enumerate(self.months, start=1):
            rules = [r for r in self.leap_rules if r.month == index]
            if not any(r.days < 0 for r in rules):
                continue
            cycle = lcm(*(r.every for r in rules))
            if cycle > MAX_MONTH_CYCLE:
                raise ValueError(
                    f"the leap rules of month {month.name!r} repeat only every {cycle} years; "
                    f"rules that remove days must repeat within {MAX_MONTH_CYCLE} years"
                )
            extra = [0] * cycle
            for rule in rules:
                for year in range(rule.offset, cycle, rule.every):
                    extra[year] += rule.days
            shortest = min(extra)
            if month.days + shortest < 1:
                year = extra.index(shortest)
                raise ValueError(
                    f"leap rules leave month {month.name!r} with {month.days + shortest} days "
                    f"in years ≡ {year} (mod {cycle}); a month needs at least 1 day"
                )

    def _check_eras(self) -> None:
        if len(self.eras) > MAX_ERAS:
            raise ValueError(f"a calendar has at most {MAX_ERAS} eras, got {len(self.eras)}")
        seen: set[str] = set()
        previous: int | None = None
        for index, era in enumerate(self.eras):
            for label in {name_key(era.name), name_key(era.abbreviation)}:
                if label in seen:
                    raise ValueError(f"era name or abbreviation {label!r} is used twice")
                seen.add(label)
            if era.start_year is None:
                if index > 0:
                    raise ValueError(f"only the first era may omit start_year (era {era.name!r})")
            else:
                if previous is not None and era.start_year <= previous:
                    raise ValueError(f"eras must be in order of strictly increasing start_year (era {era.name!r})")
                previous = era.start_year
            if era.counts_backward and index == len(self.eras) - 1:
                raise ValueError(f"era {era.name!r} counts backward, so another era must follow it")

    @cached_property
    def _derived(self) -> _Derived:
        return _Derived(self)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """Copy without the cached tables, which would be stale after `update`.

        Note that `update` skips validation; prefer `model_validate({**c.model_dump(), ...})`.
        """
        copied = super().model_copy(update=update, deep=deep)
        copied.__dict__.pop("_derived", None)
        return copied


@dataclass(frozen=True, slots=True)
class CalendarDateTime:
    """A broken-down world time. Month and day are 1-based; `weekday` is a 0-based index into the
    calendar's weekday names (always set by `to_date`; optional, but checked if given, for `to_seconds`).
    """

    year: int
    month: int
    day: int
    hour: int = 0
    minute: int = 0
    second: int = 0
    weekday: int | None = None
