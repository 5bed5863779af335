"""Mapping between absolute years and (era, year-of-era) pairs, used by the long form."""

from __future__ import annotations

from bisect import bisect_right

from campaign_shared.calendar.errors import CalendarError, CalendarErrorCode
from campaign_shared.calendar.model import Calendar, Era


def era_of_year(calendar: Calendar, year: int) -> tuple[Era, int] | None:
    """The era `year` falls in and the year within it (always >= 1); None before the first era."""
    eras = calendar.eras
    if not eras:
        return None
    index = bisect_right(calendar._derived.era_starts, year)
    era = eras[index]
    if index == 0 and era.start_year is not None and year < era.start_year:
        return None
    if era.counts_backward:
        end = eras[index + 1].start_year
        assert end is not None
        return era, end - year
    assert era.start_year is not None
    return era, year - era.start_year + 1


def year_from_era(calendar: Calendar, era_index: int, era_year: int) -> int:
    """Absolute year of `era_year` in the era at `era_index`; INVALID_DATE if that year is not in the era."""
    eras = calendar.eras
    era = eras[era_index]
    if era_year < 1:
        raise CalendarError(
            CalendarErrorCode.INVALID_DATE,
            f"years of the era {era.name} start at 1, got {era_year}",
            field="year",
        )
    next_start = eras[era_index + 1].start_year if era_index + 1 < len(eras) else None
    if era.counts_backward:
        assert next_start is not None
        year = next_start - era_year
        inside = era.start_year is None or year >= era.start_year
    else:
        assert era.start_year is not None
        year = era.start_year + era_year - 1
        inside = next_start is None or year < next_start
    if not inside:
        raise CalendarError(
            CalendarErrorCode.INVALID_DATE,
            f"year {era_year} {era.abbreviation} is outside the era {era.name}",
            field="year",
        )
    return year
