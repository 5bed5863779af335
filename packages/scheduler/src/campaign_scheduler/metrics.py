"""Prometheus metrics of the scheduler."""

from prometheus_client import Counter, Gauge

JOBS = Counter(
    "scheduler_jobs_total",
    "Jobs by function and outcome: complete, failed, aborted, retried",
    ["function", "status"],
)
BREAKER_STATE = Gauge(
    "scheduler_api_circuit_breaker_state", "Circuit breaker of the API client: 0 closed, 1 open, 2 half-open", ["name"]
)
BREAKER_TRANSITIONS = Counter(
    "scheduler_api_circuit_breaker_transitions_total", "Circuit breaker state changes", ["name", "state"]
)
API_CALLS = Counter("scheduler_api_requests_total", "Calls to the API by outcome", ["operation", "outcome"])
ENQUEUED = Counter("scheduler_enqueued_jobs_total", "Due-work jobs enqueued by the cron sweeps", ["kind"])
