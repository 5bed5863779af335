"""Compile-once semantics: canonical hashing and the bounded LRU cache."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from campaign_shared.jsonlogic import (
    CACHE_SIZE,
    apply,
    cache_info,
    canonical_hash,
    canonical_json,
    compile,
    evaluate_with_trace,
)
from campaign_shared.jsonlogic.cache import LRUCache

RULE = {"and": [{">=": [{"var": "party.level"}, 5]}, {"in": ["quest-started", {"var": "flags.list"}]}]}


def test_equal_rules_share_one_callable(fresh_cache: None) -> None:
    first = compile(RULE)
    assert compile(copy.deepcopy(RULE)) is first
    assert compile(json.loads(json.dumps(RULE))) is first
    reordered = {"and": [{">=": [{"var": "party.level"}, 5]}, {"in": ["quest-started", {"var": "flags.list"}]}]}
    assert compile(reordered) is first
    assert compile({"or": RULE["and"]}) is not first


def test_key_order_does_not_matter() -> None:
    a = {"if": [True, {"preserve": {"x": 1, "y": 2}}, 0]}
    b = {"if": [True, {"preserve": {"y": 2, "x": 1}}, 0]}
    assert canonical_hash(a) == canonical_hash(b)
    assert compile(a) is compile(b)


@pytest.mark.parametrize(("a", "b"), [(1, 1.0), (1, True), (0, False), ("1", 1), ([1], (2,)), (None, "null")])
def test_distinct_json_values_hash_differently(a: Any, b: Any) -> None:
    assert canonical_hash({"==": [a, 1]}) != canonical_hash({"==": [b, 1]})


def test_canonical_json_is_stable() -> None:
    assert canonical_json({"b": [1, "é"], "a": None}) == '{"a":null,"b":[1,"é"]}'
    assert canonical_hash(RULE) == canonical_hash(json.loads(json.dumps(RULE)))
    assert len(canonical_hash(RULE)) == 64


def test_cache_counts_hits_and_misses(fresh_cache: None) -> None:
    apply(RULE, {})
    apply(RULE, {})
    apply({"var": "x"}, {})
    info = cache_info()
    assert (info.hits, info.misses, info.size, info.maxsize) == (1, 2, 2, CACHE_SIZE)


def test_trace_mode_is_cached_separately(fresh_cache: None) -> None:
    fast = compile(RULE)
    evaluate_with_trace(RULE, {})
    assert cache_info().size == 2
    assert compile(RULE) is fast


def test_lru_evicts_least_recently_used() -> None:
    cache: LRUCache[str, int] = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert cache.get("b") is None
    assert cache.get("a") == 1
    assert cache.get("c") == 3
    assert len(cache) == 2
    assert cache.put("c", 4) == 3  # first writer wins when two threads compile the same rule
    with pytest.raises(ValueError, match="maxsize"):
        LRUCache(0)


def test_global_cache_is_bounded(fresh_cache: None) -> None:
    for index in range(CACHE_SIZE + 10):
        compile({"+": [{"var": "x"}, index]})
    assert cache_info().size == CACHE_SIZE
