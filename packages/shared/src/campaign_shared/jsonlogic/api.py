"""Public entry points: ``compile``, ``apply``, ``evaluate_with_trace``.

A rule is serialised to canonical JSON once per call; its SHA-256 is the cache key (with
the operator registry's version and the compile mode). On a miss the rule is measured
against the limits, parsed back from the canonical text (so the compiled closures never
share objects with the caller's rule, which may be mutated later) and compiled.
"""

from __future__ import annotations

import json
from typing import Any, Final

from .cache import CacheInfo, LRUCache
from .canonical import canonical_json, hash_text
from .compiler import Compiler, needs_scopes
from .limits import MAX_DEPTH, MAX_NODES, check_limits
from .nodes import Evaluator
from .operators import BUILTINS
from .registry import OperatorRegistry, default_registry
from .trace import TraceNode, run_traced

CACHE_SIZE: Final = 4096
"""Compiled rules kept in memory (least recently used are evicted)."""

_FAST: Final = "fast"
_TRACE: Final = "trace"

_cache: LRUCache[tuple[str, tuple[int, int], str], Evaluator] = LRUCache(CACHE_SIZE)


def _compiled(rule: Any, operators: OperatorRegistry | None, mode: str) -> Evaluator:
    registry = default_registry if operators is None else operators
    text = canonical_json(rule)
    key = (hash_text(text), registry.token, mode)
    fn = _cache.get(key)
    if fn is not None:
        return fn
    private = json.loads(text)
    check_limits(private, max_depth=MAX_DEPTH, max_nodes=MAX_NODES)
    scoped = needs_scopes(private, registry.context_operators())
    compiler = Compiler(BUILTINS, registry, scoped=scoped, trace=mode == _TRACE)
    return _cache.put(key, compiler.compile_root(private))


def compile(rule: Any, *, operators: OperatorRegistry | None = None) -> Evaluator:
    """Compile ``rule`` into ``fn(data) -> value``; equal rules return the same callable.

    Raises a :class:`~.errors.JsonLogicError` for structural problems (unknown operator,
    invalid arguments, limits); evaluation errors are raised when ``fn`` is called.
    """
    return _compiled(rule, operators, _FAST)


def apply(rule: Any, data: Any = None, *, operators: OperatorRegistry | None = None) -> Any:
    """Evaluate ``rule`` against ``data`` (compiling and caching it on first use)."""
    return _compiled(rule, operators, _FAST)(data)


def evaluate_with_trace(
    rule: Any, data: Any = None, *, operators: OperatorRegistry | None = None
) -> tuple[Any, TraceNode]:
    """Evaluate ``rule`` and return ``(value, trace)`` with each operator's arguments and value.

    On failure the raised error carries the partial trace in its ``trace`` attribute.
    """
    fn = _compiled(rule, operators, _TRACE)
    return run_traced(fn, json.loads(canonical_json(rule)), data)


def cache_info() -> CacheInfo:
    """Hit/miss counters and size of the compiled-rule cache."""
    return _cache.info()


def clear_cache() -> None:
    """Forget every compiled rule (tests, or after a deploy changes operators)."""
    _cache.clear()
