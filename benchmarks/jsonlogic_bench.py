"""Compiled JSON Logic evaluation vs. the other Python JSON Logic libraries.

Run: `uv run --frozen python benchmarks/jsonlogic_bench.py`. Prints a table and writes
`benchmarks/results/jsonlogic.json`. Two rule sets are timed:

* conformance: every rule of the community suites (copied into the shared package's tests)
  that `campaign_shared.jsonlogic`, `panzi-json-logic` and `json-logic-qubit` all evaluate
  without raising;
* campaign: realistic rules a game master writes (gates on party level and flags, settlement
  arithmetic, `some`/`filter`/`reduce` over structures, `if` chains) on a realistic context.

Per rule, each evaluator runs a warm-up and then best-of-REPEATS timed loops; the set's figure
is the mean time per evaluation over its rules. "ours compiled" calls the callable returned by
`compile(rule)`; "ours apply()" includes canonicalising and hashing the rule on every call.

`panzi-json-logic` and `json-logic-qubit` both install a top-level `json_logic` package, so in
one environment the second overwrites the first. When the installed `json_logic` is not qubit's
(its file hash differs from qubit's RECORD), qubit is loaded from its unpacked wheel in the uv
cache after verifying the same hash; if that is not possible it is reported as unavailable.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import itertools
import json
import math
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

from campaign_shared import jsonlogic

HERE = Path(__file__).resolve().parent
SUITES = HERE.parent / "packages" / "shared" / "tests" / "jsonlogic" / "compat_suites"
RESULTS = HERE / "results" / "jsonlogic.json"
REPEATS = 5
TARGET_NS = 1_000_000
"""Aim for about 1 ms per timed loop (the loop length adapts to the slowest evaluator)."""

Evaluate = Callable[[Any, Any], Any]

CAMPAIGN_DATA: dict[str, Any] = {
    "world": {"time": 1_234_567_890, "season": "winter"},
    "campaign": {"id": "c-1", "name": "The Shattered Crown"},
    "party": {
        "level": 6,
        "location": "icehold",
        "known_events": ["evt-3", "evt-7", "evt-9"],
        "members": [
            {"name": "Aria", "hp": 38, "conditions": {"cursed": False}},
            {"name": "Borin", "hp": 51, "conditions": {"cursed": False}},
            {"name": "Cael", "hp": 22, "conditions": {"cursed": False}},
            {"name": "Dara", "hp": 30, "conditions": {"cursed": False}},
        ],
    },
    "flags": {"list": ["intro-done", "met-the-baron", "quest-started", "bridge-repaired"]},
    "character": {"stats": {"strength": 14, "dexterity": 12}},
    "region": {"danger": 4},
    "encounter": {"max_level": 8, "resolved": False},
    "event": {"id": "evt-7", "visibility": "party"},
    "settlement": {
        "name": "Frostford",
        "population": 5400,
        "farms": 30,
        "structures": [
            {"type": "wall", "level": 2, "condition": 80},
            {"type": "market", "level": 1, "condition": 45},
            {"type": "smithy", "level": 2, "condition": 70},
            {"type": "tavern", "level": 1, "condition": 30},
            {"type": "granary", "level": 1, "condition": 90},
            {"type": "barracks", "level": 3, "condition": 55},
            {"type": "temple", "level": 2, "condition": 65},
            {"type": "library", "level": 1, "condition": 20},
        ],
    },
    "kingdom": {
        "name": "Vellmark",
        "growth_rate": 3.5,
        "settlements": [
            {"name": "Frostford", "population": 5400, "tax_rate": 0.1},
            {"name": "Icehold", "population": 1800, "tax_rate": 0.12},
            {"name": "Northwatch", "population": 950, "tax_rate": 0.08},
            {"name": "Greymoor", "population": 2600, "tax_rate": 0.1},
            {"name": "Riverbend", "population": 12000, "tax_rate": 0.15},
            {"name": "Ashfall", "population": 300, "tax_rate": 0.05},
        ],
    },
}

CAMPAIGN_RULES: list[tuple[str, Any, Any]] = [
    (
        "quest gate (level and flag)",
        {"and": [{">=": [{"var": "party.level"}, 5]}, {"in": ["quest-started", {"var": "flags.list"}]}]},
        True,
    ),
    (
        "settlement growth",
        {"*": [{"var": "settlement.population"}, {"+": [1, {"/": [{"var": "kingdom.growth_rate"}, 100]}]}]},
        5589.0,
    ),
    (
        "food surplus",
        {"-": [{"*": [{"var": "settlement.farms"}, 120]}, {"/": [{"var": "settlement.population"}, 10]}]},
        3060.0,
    ),
    (
        "has a level-2 temple",
        {
            "some": [
                {"var": "settlement.structures"},
                {"and": [{"==": [{"var": "type"}, "temple"]}, {">=": [{"var": "level"}, 2]}]},
            ]
        },
        True,
    ),
    (
        "damaged structures count",
        {
            "reduce": [
                {"filter": [{"var": "settlement.structures"}, {"<": [{"var": "condition"}, 50]}]},
                {"+": [{"var": "accumulator"}, 1]},
                0,
            ]
        },
        3,
    ),
    (
        "settlement size class",
        {
            "if": [
                {">=": [{"var": "settlement.population"}, 10000]},
                "metropolis",
                {">=": [{"var": "settlement.population"}, 5000]},
                "city",
                {">=": [{"var": "settlement.population"}, 1000]},
                "town",
                "village",
            ]
        },
        "city",
    ),
    (
        "encounter available",
        {
            "and": [
                {"<=": [{"var": "party.level"}, {"var": "encounter.max_level"}]},
                {"!": {"var": "encounter.resolved"}},
                {
                    "or": [
                        {"==": [{"var": "world.season"}, "summer"]},
                        {"in": [{"var": "party.location"}, ["frostmarch", "icehold", "northwatch"]]},
                    ]
                },
            ]
        },
        True,
    ),
    (
        "party fit to travel",
        {
            "all": [
                {"var": "party.members"},
                {"and": [{">": [{"var": "hp"}, 0]}, {"!": {"var": "conditions.cursed"}}]},
            ]
        },
        True,
    ),
    (
        "event visible to party",
        {
            "or": [
                {"==": [{"var": "event.visibility"}, "public"]},
                {
                    "and": [
                        {"==": [{"var": "event.visibility"}, "party"]},
                        {"in": [{"var": "event.id"}, {"var": "party.known_events"}]},
                    ]
                },
            ]
        },
        True,
    ),
    (
        "kingdom tax income",
        {
            "reduce": [
                {"var": "kingdom.settlements"},
                {
                    "+": [
                        {"var": "accumulator"},
                        {"*": [{"var": "current.population"}, {"var": "current.tax_rate"}]},
                    ]
                },
                0,
            ]
        },
        2907.0,
    ),
    (
        "large settlement names",
        {
            "map": [
                {"filter": [{"var": "kingdom.settlements"}, {">": [{"var": "population"}, 2000]}]},
                {"var": "name"},
            ]
        },
        ["Frostford", "Greymoor", "Riverbend"],
    ),
    ("strength in range", {"<=": [10, {"var": "character.stats.strength"}, 18]}, True),
    (
        "threat score",
        {"min": [100, {"max": [0, {"-": [{"*": [{"var": "region.danger"}, 10]}, {"var": "party.level"}]}]}]},
        34,
    ),
    (
        "settlement label",
        {"cat": [{"var": "settlement.name"}, " (", {"var": "kingdom.name"}, ")"]},
        "Frostford (Vellmark)",
    ),
    ("missing facts", {"missing": ["party.level", "settlement.mayor", "flags.list"]}, ["settlement.mayor"]),
    (
        "unlock after chapter",
        {"if": [{"missing_some": [1, ["flags.chapter2", "flags.chapter3"]]}, "locked", "open"]},
        "locked",
    ),
]


def _record_hash(dist: metadata.Distribution, relative: str) -> str | None:
    for entry in (dist.read_text("RECORD") or "").splitlines():
        path, _, rest = entry.partition(",")
        if path == relative:
            return rest.partition(",")[0] or None
    return None


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _load_file(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_panzi() -> Evaluate | None:
    """`panzi-json-logic`'s `jsonLogic(rule, data)`, if the installed `json_logic` is panzi's."""
    try:
        import json_logic  # type: ignore[import-not-found]
    except ImportError:
        return None
    return getattr(json_logic, "jsonLogic", None) if hasattr(json_logic, "certLogic") else None


def load_qubit() -> tuple[Evaluate | None, str]:
    """`json-logic-qubit`'s `jsonLogic`, from site-packages or (hash-verified) from the uv cache."""
    try:
        dist = metadata.distribution("json-logic-qubit")
    except metadata.PackageNotFoundError:
        return None, "not installed"
    relative = "json_logic/__init__.py"
    expected = _record_hash(dist, relative)
    installed = Path(str(dist.locate_file(relative)))
    if expected and installed.is_file() and _file_hash(installed) == expected:
        return _load_file("json_logic_qubit", installed).jsonLogic, "site-packages"
    cache = Path(os.environ.get("UV_CACHE_DIR", Path.home() / ".cache" / "uv"))
    for info in sorted(cache.glob(f"archive-v*/*/json_logic_qubit-{dist.version}.dist-info")):
        candidate = info.parent / relative
        if expected and candidate.is_file() and _file_hash(candidate) == expected:
            module = _load_file("json_logic_qubit", candidate)
            return module.jsonLogic, "uv cache (json_logic clobbered by panzi)"
    return None, "json_logic package overwritten by panzi-json-logic and no cached wheel found"


def load_conformance_cases() -> list[tuple[Any, Any]]:
    """(rule, data) of every case in the copied community suites."""
    cases: list[tuple[Any, Any]] = []
    for name in json.loads((SUITES / "index.json").read_text()):
        for case in json.loads((SUITES / name).read_text()):
            if isinstance(case, dict):
                cases.append((case.get("rule"), case.get("data")))
    return cases


def evaluates(evaluate: Evaluate, rule: Any, data: Any) -> bool:
    try:
        evaluate(rule, data)
    except Exception:  # any failure excludes the rule from the common set
        return False
    return True


def _loop_compiled(fn: Callable[[Any], Any], data: Any, loops: int) -> int:
    started = time.perf_counter_ns()
    for _ in itertools.repeat(None, loops):
        fn(data)
    return time.perf_counter_ns() - started


def _loop_library(evaluate: Evaluate, rule: Any, data: Any, loops: int) -> int:
    started = time.perf_counter_ns()
    for _ in itertools.repeat(None, loops):
        evaluate(rule, data)
    return time.perf_counter_ns() - started


def bench_rule(evaluators: dict[str, Evaluate], rule: Any, data: Any) -> dict[str, float]:
    """Best-of-REPEATS nanoseconds per evaluation of one rule for each evaluator."""
    compiled = jsonlogic.compile(rule)

    def run(name: str, loops: int) -> int:
        if name == "ours compiled":
            return _loop_compiled(compiled, data, loops)
        return _loop_library(evaluators[name], rule, data, loops)

    slowest = max(run(name, 20) / 20 for name in evaluators)
    loops = max(20, min(20_000, int(TARGET_NS / max(slowest, 1.0))))
    return {name: min(run(name, loops) for _ in range(REPEATS)) / loops for name in evaluators}


def summarise(timings: list[dict[str, float]], names: list[str]) -> dict[str, Any]:
    """Mean ns per evaluation per evaluator, and speedups of the compiled evaluator."""
    mean = {name: sum(t[name] for t in timings) / len(timings) for name in names}
    ours = mean["ours compiled"]
    others = [name for name in names if not name.startswith("ours")]
    summary: dict[str, Any] = {"rules": len(timings), "mean_ns": mean}
    summary["speedup"] = {name: mean[name] / ours for name in others}
    summary["speedup_geomean"] = {
        name: math.exp(sum(math.log(t[name] / t["ours compiled"]) for t in timings) / len(timings)) for name in others
    }
    if others:
        fastest = min(others, key=lambda name: mean[name])
        summary["fastest_other"] = fastest
        summary["speedup_vs_fastest_other"] = mean[fastest] / ours
    return summary


def main() -> int:
    started = time.perf_counter()
    evaluators: dict[str, Evaluate] = {"ours compiled": jsonlogic.apply, "ours apply()": jsonlogic.apply}
    panzi = load_panzi()
    qubit, qubit_source = load_qubit()
    if panzi is not None:
        evaluators["panzi"] = panzi
    if qubit is not None:
        evaluators["qubit"] = qubit
    names = list(evaluators)
    print(f"panzi-json-logic: {'loaded' if panzi else 'unavailable'}; json-logic-qubit: {qubit_source}")

    for label, rule, expected in CAMPAIGN_RULES:
        got = jsonlogic.apply(rule, CAMPAIGN_DATA)
        close = isinstance(got, float) and math.isclose(got, expected)
        if got != expected and not close:
            raise SystemExit(f"campaign rule {label!r} returned {got!r}, expected {expected!r}")
    common = [
        (rule, data)
        for rule, data in load_conformance_cases()
        if all(evaluates(evaluate, rule, data) for evaluate in evaluators.values())
    ]
    campaign = [(rule, CAMPAIGN_DATA) for _, rule, _ in CAMPAIGN_RULES]
    if not all(evaluates(evaluate, rule, data) for rule, data in campaign for evaluate in evaluators.values()):
        raise SystemExit("a campaign rule fails in one of the libraries")

    conformance_timings = [bench_rule(evaluators, rule, data) for rule, data in common]
    campaign_timings = [bench_rule(evaluators, rule, data) for rule, data in campaign]
    sets = {
        "conformance": summarise(conformance_timings, names),
        "campaign": summarise(campaign_timings, names),
    }

    header = f"{'rule set':<12} {'rules':>5} " + " ".join(f"{n + ' ns':>17}" for n in names)
    others = [n for n in names if not n.startswith("ours")]
    header += " " + " ".join(f"{'x vs ' + n:>12}" for n in others)
    print(header)
    print("-" * len(header))
    for set_name, summary in sets.items():
        row = f"{set_name:<12} {summary['rules']:>5} "
        row += " ".join(f"{summary['mean_ns'][n]:>17.0f}" for n in names)
        row += " " + " ".join(f"{summary['speedup'][n]:>11.1f}x" for n in others)
        print(row)
    print()
    print(f"{'campaign rule':<30} {'ours ns':>9} " + " ".join(f"{n + ' ns':>10}" for n in others) + "  speedup")
    per_rule = []
    for (label, rule, _), timing in zip(CAMPAIGN_RULES, campaign_timings, strict=True):
        fastest = min((timing[n] for n in others), default=math.nan)
        ratio = fastest / timing["ours compiled"]
        print(
            f"{label:<30} {timing['ours compiled']:>9.0f} "
            + " ".join(f"{timing[n]:>10.0f}" for n in others)
            + f"  {ratio:>6.1f}x"
        )
        per_rule.append({"name": label, "rule": rule, "ns": timing, "speedup_vs_fastest_other": ratio})
    for set_name, summary in sets.items():
        if "speedup_vs_fastest_other" in summary:
            print(
                f"{set_name}: compiled is {summary['speedup_vs_fastest_other']:.1f}x faster than "
                f"the faster other library ({summary['fastest_other']})"
            )

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "benchmark": "jsonlogic",
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "qubit_source": qubit_source,
        "method": f"mean over rules of best-of-{REPEATS} ns per evaluation, loops of ~{TARGET_NS // 1000} us",
        "sets": sets,
        "campaign_rules": per_rule,
        "seconds": round(time.perf_counter() - started, 1),
    }
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(HERE.parent)} in {report['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
