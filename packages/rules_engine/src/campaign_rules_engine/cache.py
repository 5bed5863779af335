"""Result cache of condition evaluations: TTL, LRU bound, tenant-scoped invalidation, stats.

Keys are ``(campaign_id, branch_id, condition_id, fingerprint)`` where the fingerprint hashes the
rule and the facts it was evaluated on, so a changed context can never be answered from an old
entry (an earlier implementation keyed on the condition alone). Invalidation messages drop entries
whose facts changed upstream before their TTL ends, and an index per (campaign, branch, condition)
makes that proportional to what is dropped, never a scan of other tenants' entries.

Get and put are O(1) (one ``OrderedDict`` in LRU order). The cache lives on the engine's event
loop and is not thread-safe. The clock is injectable for tests.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple


class CacheKey(NamedTuple):
    campaign_id: str
    branch_id: str
    condition_id: str
    fingerprint: str


@dataclass(frozen=True, slots=True)
class CacheStats:
    hits: int
    misses: int
    evictions: int
    expirations: int
    invalidated: int
    size: int
    max_keys: int
    ttl_seconds: float

    @property
    def hit_ratio(self) -> float:
        lookups = self.hits + self.misses
        return self.hits / lookups if lookups else 0.0


class _Entry[V]:
    __slots__ = ("expires_at", "value")

    def __init__(self, value: V, expires_at: float) -> None:
        self.value = value
        self.expires_at = expires_at


# campaign -> branch -> condition -> fingerprints
_Index = dict[str, dict[str, dict[str, set[str]]]]


class ResultCache[V]:
    """Bounded map of evaluation results; ``ttl_seconds=0`` keeps entries until evicted or invalidated."""

    def __init__(self, *, ttl_seconds: float, max_keys: int, clock: Callable[[], float] = time.monotonic) -> None:
        if max_keys < 1:
            raise ValueError("max_keys must be at least 1")
        if ttl_seconds < 0:
            raise ValueError("ttl_seconds must not be negative")
        self.ttl_seconds = ttl_seconds
        self.max_keys = max_keys
        self._clock = clock
        self._entries: OrderedDict[CacheKey, _Entry[V]] = OrderedDict()
        self._index: _Index = {}
        self.hits = self.misses = self.evictions = self.expirations = self.invalidated = 0

    def get(self, key: CacheKey) -> V | None:
        """The live value for ``key`` (now most recently used), or ``None``."""
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        if self.ttl_seconds and entry.expires_at <= self._clock():
            self._remove(key)
            self.expirations += 1
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry.value

    def put(self, key: CacheKey, value: V) -> None:
        """Store ``value`` with a fresh TTL, evicting the least recently used entry beyond ``max_keys``."""
        expires_at = self._clock() + self.ttl_seconds if self.ttl_seconds else float("inf")
        entries = self._entries
        if key in entries:
            entries[key] = _Entry(value, expires_at)
            entries.move_to_end(key)
            return
        entries[key] = _Entry(value, expires_at)
        self._index_add(key)
        while len(entries) > self.max_keys:
            oldest, _ = entries.popitem(last=False)
            self._index_discard(oldest)
            self.evictions += 1

    def invalidate(
        self,
        campaign_id: str,
        branch_id: str | None = None,
        condition_ids: Iterable[str] | None = None,
    ) -> int:
        """Drop the entries of a campaign, of one branch, or of some conditions; returns how many.

        ``condition_ids`` without ``branch_id`` applies to every branch of the campaign.
        """
        branches = self._index.get(campaign_id)
        if not branches:
            return 0
        names = list(branches) if branch_id is None else [branch_id]
        wanted = None if condition_ids is None else set(condition_ids)
        dropped = 0
        for branch in names:
            conditions = branches.get(branch)
            if not conditions:
                continue
            for condition in list(conditions) if wanted is None else wanted & conditions.keys():
                for fingerprint in conditions.pop(condition):
                    del self._entries[CacheKey(campaign_id, branch, condition, fingerprint)]
                    dropped += 1
            if not conditions:
                del branches[branch]
        if not branches:
            del self._index[campaign_id]
        self.invalidated += dropped
        return dropped

    def branches(self, campaign_id: str) -> list[str]:
        """Branches of a campaign that have cached results."""
        return list(self._index.get(campaign_id, {}))

    def purge_expired(self) -> int:
        """Remove every expired entry (run periodically so idle entries do not hold memory)."""
        if not self.ttl_seconds:
            return 0
        now = self._clock()
        expired = [key for key, entry in self._entries.items() if entry.expires_at <= now]
        for key in expired:
            self._remove(key)
        self.expirations += len(expired)
        return len(expired)

    def clear(self) -> int:
        """Drop everything (e.g. after invalidation messages may have been missed); counts as invalidated."""
        dropped = len(self._entries)
        self._entries.clear()
        self._index.clear()
        self.invalidated += dropped
        return dropped

    def stats(self) -> CacheStats:
        return CacheStats(
            hits=self.hits,
            misses=self.misses,
            evictions=self.evictions,
            expirations=self.expirations,
            invalidated=self.invalidated,
            size=len(self._entries),
            max_keys=self.max_keys,
            ttl_seconds=self.ttl_seconds,
        )

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def _remove(self, key: CacheKey) -> None:
        del self._entries[key]
        self._index_discard(key)

    def _index_add(self, key: CacheKey) -> None:
        branches = self._index.setdefault(key.campaign_id, {})
        conditions = branches.setdefault(key.branch_id, {})
        conditions.setdefault(key.condition_id, set()).add(key.fingerprint)

    def _index_discard(self, key: CacheKey) -> None:
        branches = self._index[key.campaign_id]
        conditions = branches[key.branch_id]
        fingerprints = conditions[key.condition_id]
        fingerprints.discard(key.fingerprint)
        if not fingerprints:
            del conditions[key.condition_id]
            if not conditions:
                del branches[key.branch_id]
                if not branches:
                    del self._index[key.campaign_id]
