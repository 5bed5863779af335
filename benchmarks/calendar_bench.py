"""Throughput of world-time conversions, parsing and formatting for every calendar preset.

Run: `uv run --frozen python benchmarks/calendar_bench.py`. Prints a table and writes
`benchmarks/results/calendar.json`. Inputs are seeded random world times spread over ±10 000 years
around each calendar's epoch, so leap rules and eras are exercised. Takes a few seconds.
"""

from __future__ import annotations

import json
import platform
import random
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from campaign_shared.calendar import (
    Calendar,
    format_iso,
    format_long,
    get_preset,
    list_presets,
    parse,
    seconds_per_day,
    to_date,
    to_seconds,
)

SAMPLES = 20_000
REPEATS = 3
SEED = 20_240_229
RESULTS = Path(__file__).resolve().parent / "results" / "calendar.json"


def _rate(operation: Callable[[Any], object], inputs: Sequence[Any]) -> float:
    """Best-of-REPEATS operations per second over `inputs`."""
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        for item in inputs:
            operation(item)
        best = min(best, time.perf_counter() - started)
    return len(inputs) / best


def _bench_calendar(calendar: Calendar, rng: random.Random) -> dict[str, float]:
    span = 10_000 * 400 * seconds_per_day(calendar)
    seconds = [rng.randint(-span, span) for _ in range(SAMPLES)]
    dates = [to_date(calendar, s) for s in seconds]
    iso_texts = [format_iso(calendar, s) for s in seconds]
    long_texts = [format_long(calendar, s, with_time=True) for s in seconds]
    for text, expected in zip(iso_texts[:100], seconds[:100], strict=True):
        assert parse(calendar, text) == expected  # the benchmark measures correct work
    return {
        "to_date_per_s": _rate(lambda s: to_date(calendar, s), seconds),
        "to_seconds_per_s": _rate(lambda d: to_seconds(calendar, d), dates),
        "format_iso_per_s": _rate(lambda s: format_iso(calendar, s), seconds),
        "format_long_per_s": _rate(lambda s: format_long(calendar, s, with_time=True), seconds),
        "parse_iso_per_s": _rate(lambda t: parse(calendar, t), iso_texts),
        "parse_long_per_s": _rate(lambda t: parse(calendar, t), long_texts),
    }


def main() -> None:
    rng = random.Random(SEED)
    started = time.perf_counter()
    presets = {name: _bench_calendar(get_preset(name), rng) for name in list_presets()}
    elapsed = time.perf_counter() - started
    columns = list(next(iter(presets.values())))
    print(f"{'preset':<12}" + "".join(f"{c.removesuffix('_per_s'):>14}" for c in columns) + "   (ops/s)")
    for name, rates in presets.items():
        print(f"{name:<12}" + "".join(f"{rates[c]:>14,.0f}" for c in columns))
    report = {
        "benchmark": "calendar",
        "created_at": datetime.now(UTC).isoformat(),
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "samples": SAMPLES,
        "repeats": REPEATS,
        "unit": "operations per second (best of repeats)",
        "elapsed_s": round(elapsed, 2),
        "presets": {name: {k: round(v) for k, v in rates.items()} for name, rates in presets.items()},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written {RESULTS} in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
