"""Prometheus metrics of the rules engine (process-wide registry, served at /metrics).

Cache and graph figures are read from the live objects at scrape time by a collector, so the
evaluation hot path pays nothing for them and the numbers equal what `GetCacheStats` reports.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import Any

from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from campaign_rules_engine.cache import ResultCache
from campaign_rules_engine.graph_store import GraphStore

EVALUATIONS = Counter("rules_engine_evaluations_total", "Expressions evaluated, by RPC and outcome", ["rpc", "outcome"])
EVALUATION_SECONDS = Histogram(
    "rules_engine_evaluation_seconds",
    "Time to evaluate one expression (excluding transport)",
    ["rpc"],
    buckets=(0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1),
)
INVALIDATIONS = Counter(
    "rules_engine_invalidations_total",
    "Invalidations applied, by source (pubsub, rpc) and scope (targeted: only downstream conditions)",
    ["source", "scope"],
)
INVALIDATION_MESSAGES = Counter(
    "rules_engine_invalidation_messages_total",
    "Messages received on the rules-invalidation channel, by outcome (applied, ignored, malformed, failed)",
    ["outcome"],
)
SUBSCRIBER_CONNECTED = Gauge(
    "rules_engine_invalidation_subscriber_connected", "1 while subscribed to the rules-invalidation channel"
)
SUBSCRIBER_CONNECTS = Counter(
    "rules_engine_invalidation_subscriber_connects_total",
    "Subscriptions to the rules-invalidation channel (more than one means reconnects)",
)


class _StateCollector(Collector):
    """Sums the counters of every live result cache and graph store of this process."""

    def __init__(self) -> None:
        self.caches: weakref.WeakSet[ResultCache[Any]] = weakref.WeakSet()
        self.stores: weakref.WeakSet[GraphStore] = weakref.WeakSet()

    def describe(self) -> Iterator[Metric]:
        return iter(())  # values exist only at scrape time

    def collect(self) -> Iterator[Metric]:
        stats = [cache.stats() for cache in list(self.caches)]
        for name, help_text in (
            ("hits", "Cache lookups answered from the cache"),
            ("misses", "Cache lookups that had to evaluate"),
            ("evictions", "Entries dropped by the LRU bound"),
            ("expirations", "Entries dropped after their TTL"),
            ("invalidated", "Entries dropped by invalidation"),
        ):
            counter = CounterMetricFamily(f"rules_engine_cache_{name}", help_text)
            counter.add_metric([], float(sum(getattr(s, name) for s in stats)))
            yield counter
        yield GaugeMetricFamily(
            "rules_engine_cache_entries", "Cached evaluation results", value=float(sum(s.size for s in stats))
        )
        stores = list(self.stores)
        yield GaugeMetricFamily(
            "rules_engine_graphs", "Retained dependency graphs", value=float(sum(len(s) for s in stores))
        )
        yield GaugeMetricFamily(
            "rules_engine_graph_dirty_nodes",
            "Graph nodes marked dirty and not re-evaluated yet",
            value=float(sum(len(g.dirty) for s in stores for g in s.all())),
        )


_STATE = _StateCollector()
REGISTRY.register(_STATE)


def track(cache: ResultCache[Any], graphs: GraphStore) -> None:
    """Report ``cache`` and ``graphs`` in /metrics for as long as they live."""
    _STATE.caches.add(cache)
    _STATE.stores.add(graphs)
