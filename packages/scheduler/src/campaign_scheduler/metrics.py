"""Prometheus metrics of the scheduler."""

from prometheus_client import Counter

JOBS = Counter("scheduler_jobs_total", "Jobs finished, by function and status", ["function", "status"])
