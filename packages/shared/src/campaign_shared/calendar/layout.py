"""Derived, precomputed tables that make date <-> day-number conversion O(number of leap rules).

Instead of walking year by year from the epoch, the number of days before a year is computed in closed
form: every leap rule "every N years (offset O) month M gains D days" contributes D times the count of
years y in [epoch, year) with y ≡ O (mod N), which is a floor division. The inverse (day number -> year)
starts from the mean year length (exact fraction), whose error is bounded by the sum of |D| over the rules,
and finishes with a tiny bisection inside that bound.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from fractions import Fraction
from typing import NamedTuple

_MAX_CACHED_LAYOUTS = 1024


class LeapTerm(NamedTuple):
    """One leap rule in normalised form (0-based month)."""

    every: int
    offset: int
    month0: int
    days: int


class CalendarLayout:
    """Day-number arithmetic for one calendar; built once per calendar instance and cached on it."""

    __slots__ = (
        "_epoch_counts",
        "_year_cache",
        "base_cumulative",
        "base_year_days",
        "epoch_year",
        "mean_den",
        "mean_num",
        "month_count",
        "rules",
        "slack",
    )

    def __init__(self, month_days: Sequence[int], rules: Sequence[LeapTerm], epoch_year: int) -> None:
        cumulative = [0]
        for days in month_days:
            cumulative.append(cumulative[-1] + days)
        self.base_cumulative: tuple[int, ...] = tuple(cumulative)
        self.base_year_days: int = cumulative[-1]
        self.month_count: int = len(month_days)
        self.rules: tuple[LeapTerm, ...] = tuple(rules)
        self.epoch_year: int = epoch_year
        self._epoch_counts: tuple[int, ...] = tuple(_count_before(epoch_year, r) for r in self.rules)
        mean = Fraction(self.base_year_days) + sum((Fraction(r.days, r.every) for r in self.rules), Fraction(0))
        self.mean_num: int = mean.numerator
        self.mean_den: int = mean.denominator
        # Every year has at least one day per month, so this bounds how far the mean-based guess can be off.
        self.slack: int = sum(abs(r.days) for r in self.rules) // self.month_count + 2
        self._year_cache: dict[int, tuple[int, ...]] = {0: self.base_cumulative}

    def rule_mask(self, year: int) -> int:
        """Bit i set when rule i applies to `year`; years with the same mask share a month layout."""
        mask = 0
        for i, rule in enumerate(self.rules):
            if (year - rule.offset) % rule.every == 0:
                mask |= 1 << i
        return mask

    def cumulative(self, year: int) -> tuple[int, ...]:
        """Day-of-year at which each month starts (length months+1; last item = days in the year)."""
        if not self.rules:
            return self.base_cumulative
        mask = self.rule_mask(year)
        cached = self._year_cache.get(mask)
        if cached is not None:
            return cached
        extra = [0] * self.month_count
        for i, rule in enumerate(self.rules):
            if mask >> i & 1:
                extra[rule.month0] += rule.days
        cumulative = [0]
        for base_start, base_end, more in zip(self.base_cumulative[:-1], self.base_cumulative[1:], extra, strict=True):
            cumulative.append(cumulative[-1] + base_end - base_start + more)
        layout = tuple(cumulative)
        if len(self._year_cache) < _MAX_CACHED_LAYOUTS:
            self._year_cache[mask] = layout
        return layout

    def days_before_year(self, year: int) -> int:
        """Days from the epoch (first day of the epoch year) to the first day of `year`; negative before."""
        total = self.base_year_days * (year - self.epoch_year)
        for rule, at_epoch in zip(self.rules, self._epoch_counts, strict=True):
            total += rule.days * (_count_before(year, rule) - at_epoch)
        return total

    def year_of_day(self, day_number: int) -> tuple[int, int]:
        """Split a day number (days since the epoch) into (year, 0-based day of year)."""
        guess = self.epoch_year + (day_number * self.mean_den) // self.mean_num
        start = self.days_before_year(guess)
        if start <= day_number:
            year_days = self.cumulative(guess)[-1]
            if day_number < start + year_days:
                return guess, day_number - start
        low, high = guess - self.slack, guess + self.slack
        # Widen defensively; the bound above makes this loop body run zero times in practice.
        while self.days_before_year(low) > day_number:
            low -= self.slack
        while self.days_before_year(high) <= day_number:
            high += self.slack
        # Invariant: days_before_year(low) <= day_number < days_before_year(high).
        while high - low > 1:
            middle = (low + high) // 2
            if self.days_before_year(middle) <= day_number:
                low = middle
            else:
                high = middle
        return low, day_number - self.days_before_year(low)

    def month_of_day(self, year: int, day_of_year: int) -> tuple[int, int]:
        """(1-based month, 1-based day) of a 0-based day of `year`."""
        cumulative = self.cumulative(year)
        month0 = bisect_right(cumulative, day_of_year) - 1
        return month0 + 1, day_of_year - cumulative[month0] + 1


def _count_before(year: int, rule: LeapTerm) -> int:
    """Number of years y < `year` with y ≡ offset (mod every), up to a constant; only differences matter."""
    return -((rule.offset - year) // rule.every)
