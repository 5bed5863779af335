"""A small circuit breaker for the scheduler's calls to the API.

CLOSED: calls go through; `threshold` consecutive failures open it. OPEN: calls fail at once
(`BreakerOpen`) for `open_seconds`. HALF_OPEN: one trial call goes through; success closes the
breaker, failure opens it again. The state is exported as a Prometheus gauge.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import IntEnum

from campaign_scheduler.metrics import BREAKER_STATE, BREAKER_TRANSITIONS


class State(IntEnum):
    CLOSED = 0
    OPEN = 1
    HALF_OPEN = 2


class BreakerOpen(RuntimeError):
    """The API failed too often recently: fail fast, the job is retried later."""


class CircuitBreaker:
    def __init__(
        self, threshold: int, open_seconds: float, *, name: str = "api", clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.threshold = threshold
        self.open_seconds = open_seconds
        self.name = name
        self.clock = clock
        self.state = State.CLOSED
        self.failures = 0
        self.opened_at = 0.0
        self._trial_in_flight = False
        BREAKER_STATE.labels(name).set(State.CLOSED)

    def _set(self, state: State) -> None:
        if state is not self.state:
            BREAKER_TRANSITIONS.labels(self.name, state.name.lower()).inc()
        self.state = state
        BREAKER_STATE.labels(self.name).set(state)

    def current(self) -> State:
        if self.state is State.OPEN and self.clock() - self.opened_at >= self.open_seconds:
            self._set(State.HALF_OPEN)
            self._trial_in_flight = False
        return self.state

    def before_call(self) -> None:
        """Raise `BreakerOpen` unless a call may go through now."""
        state = self.current()
        if state is State.OPEN:
            remaining = self.open_seconds - (self.clock() - self.opened_at)
            raise BreakerOpen(f"the {self.name} circuit breaker is open ({remaining:.1f}s left)")
        if state is State.HALF_OPEN:
            if self._trial_in_flight:
                raise BreakerOpen(f"the {self.name} circuit breaker is half-open: a trial call is in flight")
            self._trial_in_flight = True

    def success(self) -> None:
        self.failures = 0
        self._trial_in_flight = False
        self._set(State.CLOSED)

    def failure(self) -> None:
        self._trial_in_flight = False
        self.failures += 1
        if self.state is State.HALF_OPEN or self.failures >= self.threshold:
            self.opened_at = self.clock()
            self._set(State.OPEN)
