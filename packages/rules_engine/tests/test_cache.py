"""The result cache with an injected clock: TTL, LRU bound, tenant-scoped invalidation, stats."""

from __future__ import annotations

import pytest

from campaign_rules_engine.cache import CacheKey, ResultCache


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def key(condition: str = "c1", campaign: str = "camp", branch: str = "main", fp: str = "f") -> CacheKey:
    return CacheKey(campaign, branch, condition, fp)


def make(clock: FakeClock, ttl: float = 300, max_keys: int = 100) -> ResultCache[str]:
    return ResultCache(ttl_seconds=ttl, max_keys=max_keys, clock=clock)


def test_hit_and_miss_are_counted(clock: FakeClock) -> None:
    cache = make(clock)
    assert cache.get(key()) is None
    cache.put(key(), "true")
    assert cache.get(key()) == "true"
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.size) == (1, 1, 1)
    assert stats.hit_ratio == 0.5


def test_context_fingerprint_is_part_of_the_key(clock: FakeClock) -> None:
    cache = make(clock)
    cache.put(key(fp="facts-a"), "1")
    assert cache.get(key(fp="facts-b")) is None
    assert cache.get(key(fp="facts-a")) == "1"


def test_entries_expire_after_the_ttl(clock: FakeClock) -> None:
    cache = make(clock, ttl=300)
    cache.put(key(), "1")
    clock.now += 299.9
    assert cache.get(key()) == "1"
    clock.now += 0.1
    assert cache.get(key()) is None
    stats = cache.stats()
    assert (stats.expirations, stats.size, stats.misses) == (1, 0, 1)


def test_put_renews_the_ttl(clock: FakeClock) -> None:
    cache = make(clock, ttl=10)
    cache.put(key(), "1")
    clock.now += 8
    cache.put(key(), "2")
    clock.now += 8
    assert cache.get(key()) == "2"


def test_zero_ttl_never_expires(clock: FakeClock) -> None:
    cache = make(clock, ttl=0)
    cache.put(key(), "1")
    clock.now += 10**9
    assert cache.get(key()) == "1"
    assert cache.purge_expired() == 0


def test_purge_removes_only_expired_entries(clock: FakeClock) -> None:
    cache = make(clock, ttl=60)
    cache.put(key("old"), "1")
    clock.now += 30
    cache.put(key("new"), "2")
    clock.now += 31
    assert cache.purge_expired() == 1
    assert key("old") not in cache and key("new") in cache
    assert cache.stats().expirations == 1
    assert cache.invalidate("camp", "main", ["old"]) == 0  # the index forgot it too


def test_lru_evicts_the_least_recently_used(clock: FakeClock) -> None:
    cache = make(clock, max_keys=3)
    for name in ("a", "b", "c"):
        cache.put(key(name), name)
    assert cache.get(key("a")) == "a"  # a is now the most recent
    cache.put(key("d"), "d")
    assert key("b") not in cache
    assert all(key(name) in cache for name in ("a", "c", "d"))
    assert cache.stats().evictions == 1 and len(cache) == 3


def test_eviction_keeps_the_invalidation_index_consistent(clock: FakeClock) -> None:
    cache = make(clock, max_keys=2)
    cache.put(key("a", campaign="x"), "1")
    cache.put(key("b", campaign="y"), "2")
    cache.put(key("c", campaign="y"), "3")  # evicts x/a
    assert cache.invalidate("x") == 0
    assert cache.invalidate("y") == 2
    assert len(cache) == 0 and cache._index == {}


def test_invalidate_by_campaign_branch_and_conditions(clock: FakeClock) -> None:
    cache = make(clock)
    for campaign in ("c1", "c2"):
        for branch in ("main", "what-if"):
            for condition in ("x", "y"):
                for fp in ("f1", "f2"):
                    cache.put(CacheKey(campaign, branch, condition, fp), "v")
    assert len(cache) == 16
    assert cache.invalidate("c1", "main", ["x", "unknown"]) == 2
    assert cache.invalidate("c1", "main") == 2
    assert cache.invalidate("c1", None, ["y"]) == 2  # every branch
    assert cache.invalidate("c1") == 2
    assert cache.invalidate("c1") == 0
    assert len(cache) == 8  # the other campaign is untouched
    assert cache.branches("c2") == ["main", "what-if"]
    assert cache.stats().invalidated == 8


def test_clear_drops_everything(clock: FakeClock) -> None:
    cache = make(clock)
    cache.put(key("a"), "1")
    cache.put(key("b", campaign="other"), "2")
    assert cache.clear() == 2
    assert len(cache) == 0 and cache.stats().invalidated == 2


def test_rejects_nonsense_bounds(clock: FakeClock) -> None:
    with pytest.raises(ValueError, match="max_keys"):
        make(clock, max_keys=0)
    with pytest.raises(ValueError, match="ttl"):
        make(clock, ttl=-1)
