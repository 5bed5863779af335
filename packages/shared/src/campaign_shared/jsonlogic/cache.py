"""A small thread-safe LRU map for compiled rules (bounded: rules come from users)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CacheInfo:
    """Counters for monitoring (the rules engine reports them)."""

    hits: int
    misses: int
    size: int
    maxsize: int


class LRUCache[K, V]:
    """Least-recently-used eviction once ``maxsize`` entries are held.

    Reads take no lock (single ``OrderedDict`` operations are atomic under the GIL and a
    read sits on every ``apply`` call); writes are serialised. Hit/miss counters may miss
    an increment under heavy concurrency, which is fine for monitoring.
    """

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        self._hits = 0
        self._misses = 0

    def get(self, key: K) -> V | None:
        """The cached value (marking it recently used), or ``None``."""
        entries = self._entries
        value = entries.get(key)
        if value is None:
            self._misses += 1
            return None
        try:  # noqa: SIM105 - contextlib.suppress costs more than the lookup it guards
            entries.move_to_end(key)
        except KeyError:  # evicted by a concurrent writer in between; the value is still good
            pass
        self._hits += 1
        return value

    def put(self, key: K, value: V) -> V:
        """Store ``value`` unless another thread got there first; returns the cached value."""
        with self._lock:
            existing = self._entries.get(key)
            if existing is not None:
                self._entries.move_to_end(key)
                return existing
            self._entries[key] = value
            if len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
            return value

    def clear(self) -> None:
        """Drop every entry and reset the counters."""
        with self._lock:
            self._entries.clear()
            self._hits = self._misses = 0

    def info(self) -> CacheInfo:
        """Current counters."""
        with self._lock:
            return CacheInfo(self._hits, self._misses, len(self._entries), self.maxsize)

    def __len__(self) -> int:
        return len(self._entries)
