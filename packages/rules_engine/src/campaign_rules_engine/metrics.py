"""Prometheus metrics of the rules engine (process-wide registry, served at /metrics)."""

from prometheus_client import Counter, Histogram

EVALUATIONS = Counter(
    "rules_engine_evaluations_total", "Expressions evaluated, by RPC and outcome", ["rpc", "outcome"]
)
EVALUATION_SECONDS = Histogram(
    "rules_engine_evaluation_seconds",
    "Time to evaluate one expression (excluding transport)",
    ["rpc"],
    buckets=(0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1),
)
