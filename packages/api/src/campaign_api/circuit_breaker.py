"""A small circuit breaker for calls to another service (the rules engine).

CLOSED: calls go through; ``failure_threshold`` consecutive failures open the circuit.
OPEN: calls are refused at once (the caller falls back) until ``reset_timeout_s`` has passed.
HALF_OPEN: one trial call goes through; success closes the circuit, failure opens it again.

It is written here rather than taken from a library because none is installed and the API needs
only this: an asyncio-friendly allow/record pair (the caller decides what counts as a failure, e.g.
a rule error is an answer, not a failure), an injectable clock for tests, and a state-change hook
for metrics. Used from one event loop; not thread-safe.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    def __init__(
        self,
        *,
        failure_threshold: int = 5,
        reset_timeout_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        on_state_change: Callable[[BreakerState, BreakerState], object] | None = None,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if reset_timeout_s < 0:
            raise ValueError("reset_timeout_s must not be negative")
        self.failure_threshold = failure_threshold
        self.reset_timeout_s = reset_timeout_s
        self._clock = clock
        self._on_state_change = on_state_change
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._trial_in_flight = False

    @property
    def state(self) -> BreakerState:
        """The current state; an OPEN circuit whose cool-down has passed reads as HALF_OPEN."""
        if self._state is BreakerState.OPEN and self._clock() - self._opened_at >= self.reset_timeout_s:
            self._set(BreakerState.HALF_OPEN)
        return self._state

    @property
    def consecutive_failures(self) -> int:
        return self._failures

    def allow(self) -> bool:
        """Whether a call may go out now; in HALF_OPEN only one trial call at a time."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self._trial_in_flight:
            self._trial_in_flight = True
            return True
        return False

    def record_success(self) -> None:
        self._trial_in_flight = False
        self._failures = 0
        if self._state is not BreakerState.CLOSED:
            self._set(BreakerState.CLOSED)

    def record_failure(self) -> None:
        self._trial_in_flight = False
        self._failures += 1
        if self._state is BreakerState.HALF_OPEN or (
            self._state is BreakerState.CLOSED and self._failures >= self.failure_threshold
        ):
            self._opened_at = self._clock()
            self._set(BreakerState.OPEN)

    def release(self) -> None:
        """The allowed call ended without a verdict (e.g. cancelled): let another trial through."""
        self._trial_in_flight = False

    def _set(self, state: BreakerState) -> None:
        previous, self._state = self._state, state
        if previous is not state and self._on_state_change is not None:
            self._on_state_change(previous, state)
