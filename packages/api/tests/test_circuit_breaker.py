"""The circuit breaker with a fake clock: closed -> open -> half-open -> closed (or open again)."""

from __future__ import annotations

import pytest

from campaign_api.circuit_breaker import BreakerState, CircuitBreaker


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def transitions() -> list[tuple[BreakerState, BreakerState]]:
    return []


@pytest.fixture
def breaker(clock: FakeClock, transitions: list[tuple[BreakerState, BreakerState]]) -> CircuitBreaker:
    return CircuitBreaker(
        failure_threshold=5,
        reset_timeout_s=10,
        clock=clock,
        on_state_change=lambda old, new: transitions.append((old, new)),
    )


def fail(breaker: CircuitBreaker, times: int) -> None:
    for _ in range(times):
        assert breaker.allow()
        breaker.record_failure()


def test_opens_after_consecutive_failures(breaker: CircuitBreaker) -> None:
    fail(breaker, 4)
    assert breaker.state is BreakerState.CLOSED and breaker.consecutive_failures == 4
    fail(breaker, 1)
    assert breaker.state is BreakerState.OPEN
    assert not breaker.allow()


def test_a_success_resets_the_count(breaker: CircuitBreaker) -> None:
    fail(breaker, 4)
    breaker.record_success()
    fail(breaker, 4)
    assert breaker.state is BreakerState.CLOSED


def test_half_open_after_the_cool_down_lets_one_trial_through(breaker: CircuitBreaker, clock: FakeClock) -> None:
    fail(breaker, 5)
    clock.now += 9.9
    assert not breaker.allow()
    clock.now += 0.1
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow()
    assert not breaker.allow()  # the trial is still in flight


def test_successful_trial_closes(
    breaker: CircuitBreaker, clock: FakeClock, transitions: list[tuple[BreakerState, BreakerState]]
) -> None:
    fail(breaker, 5)
    clock.now += 10
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED and breaker.allow()
    assert transitions == [
        (BreakerState.CLOSED, BreakerState.OPEN),
        (BreakerState.OPEN, BreakerState.HALF_OPEN),
        (BreakerState.HALF_OPEN, BreakerState.CLOSED),
    ]


def test_failed_trial_opens_again_for_a_full_cool_down(breaker: CircuitBreaker, clock: FakeClock) -> None:
    fail(breaker, 5)
    clock.now += 10
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    clock.now += 9
    assert not breaker.allow()
    clock.now += 1
    assert breaker.allow()


def test_a_released_trial_lets_the_next_one_through(breaker: CircuitBreaker, clock: FakeClock) -> None:
    fail(breaker, 5)
    clock.now += 10
    assert breaker.allow()
    breaker.release()  # e.g. the request was cancelled
    assert breaker.state is BreakerState.HALF_OPEN and breaker.allow()


def test_bounds_are_checked() -> None:
    with pytest.raises(ValueError, match="failure_threshold"):
        CircuitBreaker(failure_threshold=0)
    with pytest.raises(ValueError, match="reset_timeout_s"):
        CircuitBreaker(reset_timeout_s=-1)
