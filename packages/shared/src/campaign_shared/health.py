"""Readiness checks shared by every service: run named checks concurrently, each with a deadline.

A report names every failing dependency, so an operator reading a 503 sees what to fix.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Literal

from pydantic import BaseModel

Check = Callable[[], Awaitable[object]]


class CheckResult(BaseModel):
    name: str
    ok: bool
    latency_ms: float
    error: str | None = None


class HealthReport(BaseModel):
    status: Literal["ready", "not_ready"]
    checks: list[CheckResult]
    failing: list[str]

    @property
    def ok(self) -> bool:
        return self.status == "ready"


async def _run_one(name: str, check: Check, timeout_s: float) -> CheckResult:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(check(), timeout_s)
    except TimeoutError:
        error: str | None = f"timed out after {timeout_s * 1000:.0f} ms"
    except Exception as exc:  # any failure of a dependency is a result, not a crash
        error = f"{type(exc).__name__}: {exc}"[:300] or type(exc).__name__
    else:
        error = None
    latency = round((time.perf_counter() - started) * 1000, 2)
    return CheckResult(name=name, ok=error is None, latency_ms=latency, error=error)


async def run_checks(checks: Mapping[str, Check], timeout_s: float = 2.0) -> HealthReport:
    """Run every check at once; the report keeps the order of `checks`."""
    results = await asyncio.gather(*(_run_one(n, c, timeout_s) for n, c in checks.items()))
    failing = [r.name for r in results if not r.ok]
    return HealthReport(status="not_ready" if failing else "ready", checks=list(results), failing=failing)
