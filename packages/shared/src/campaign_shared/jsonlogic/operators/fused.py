"""Fused closures: a parent operator with its ``var`` operands' subscripts inlined.

A Python call costs about as much as the comparison or arithmetic it feeds, and most
operands in campaign rules are plain lookups (``{"var": "party.level"}``). For the hottest
shapes the parent therefore reads ``data[k1][k2]`` itself and only calls the operand's
closure on a miss (which handles defaults, arrays and absent keys). Trace mode never fuses:
traced operands carry no keys, so every lookup still shows up in the trace.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from campaign_shared.jsonlogic.nodes import Evaluator, Node

Pair = Callable[[Any, Any], Any]
Reducer = Callable[[list[Any]], Any]
_MISS = (KeyError, TypeError, IndexError)


def compare_const(node: Node, const: Any, native: Pair, pair: Pair) -> Evaluator:
    """``node OP const`` for a string or number constant: ``native`` when types match, else ``pair``."""
    fetch, keys = node.fn, node.keys
    if const.__class__ is str:
        if keys is None:

            def text_call(data: Any) -> Any:
                x = fetch(data)
                return native(x, const) if x.__class__ is str else pair(x, const)

            return text_call
        if len(keys) == 1:
            (k1,) = keys

            def text_var1(data: Any) -> Any:
                try:
                    x = data[k1]
                except _MISS:
                    x = fetch(data)
                return native(x, const) if x.__class__ is str else pair(x, const)

            return text_var1
        k1, k2 = keys

        def text_var2(data: Any) -> Any:
            try:
                x = data[k1][k2]
            except _MISS:
                x = fetch(data)
            return native(x, const) if x.__class__ is str else pair(x, const)

        return text_var2
    if keys is None:

        def number_call(data: Any) -> Any:
            x = fetch(data)
            cls = x.__class__
            return native(x, const) if cls is int or cls is float else pair(x, const)

        return number_call
    if len(keys) == 1:
        (k1,) = keys

        def number_var1(data: Any) -> Any:
            try:
                x = data[k1]
            except _MISS:
                x = fetch(data)
            cls = x.__class__
            return native(x, const) if cls is int or cls is float else pair(x, const)

        return number_var1
    k1, k2 = keys

    def number_var2(data: Any) -> Any:
        try:
            x = data[k1][k2]
        except _MISS:
            x = fetch(data)
        cls = x.__class__
        return native(x, const) if cls is int or cls is float else pair(x, const)

    return number_var2


def arithmetic_const(node: Node, const: Any, native: Pair, reduce: Reducer, swap: bool) -> Evaluator | None:
    """``var OP number`` (or ``number OP var`` when ``swap``) with the lookup inlined."""
    fetch, keys = node.fn, node.keys
    if keys is None:
        return None
    if len(keys) == 1:
        (k1,) = keys

        def var1_const(data: Any) -> Any:
            try:
                x = data[k1]
            except _MISS:
                x = fetch(data)
            cls = x.__class__
            if cls is int or cls is float:
                result = native(const, x) if swap else native(x, const)
                if result == result:
                    return result
            return reduce([const, x] if swap else [x, const])

        return var1_const
    k1, k2 = keys

    def var2_const(data: Any) -> Any:
        try:
            x = data[k1][k2]
        except _MISS:
            x = fetch(data)
        cls = x.__class__
        if cls is int or cls is float:
            result = native(const, x) if swap else native(x, const)
            if result == result:
                return result
        return reduce([const, x] if swap else [x, const])

    return var2_const


def arithmetic_pair(left: Node, right: Node, native: Pair, reduce: Reducer) -> Evaluator | None:
    """``a OP b`` with one or both sides an inlinable lookup (``native`` never divides)."""
    lk, rk = left.keys, right.keys
    if lk is not None and rk is not None and len(lk) == len(rk):
        return _both_lookups(left.fn, lk, right.fn, rk, native, reduce)
    if lk is not None:
        return _lookup_and_call(left.fn, lk, right.fn, native, reduce, swap=False)
    if rk is not None:
        return _lookup_and_call(right.fn, rk, left.fn, native, reduce, swap=True)
    return None


def _both_lookups(
    fa: Evaluator,
    left_keys: tuple[str, ...],
    fb: Evaluator,
    right_keys: tuple[str, ...],
    native: Pair,
    reduce: Reducer,
) -> Evaluator:
    if len(left_keys) == 1:
        (a1,), (b1,) = left_keys, right_keys

        def var1_var1(data: Any) -> Any:
            try:
                x = data[a1]
            except _MISS:
                x = fa(data)
            try:
                y = data[b1]
            except _MISS:
                y = fb(data)
            cx, cy = x.__class__, y.__class__
            if (cx is int or cx is float) and (cy is int or cy is float):
                result = native(x, y)
                if result == result:
                    return result
            return reduce([x, y])

        return var1_var1
    (a1, a2), (b1, b2) = left_keys, right_keys

    def var2_var2(data: Any) -> Any:
        try:
            x = data[a1][a2]
        except _MISS:
            x = fa(data)
        try:
            y = data[b1][b2]
        except _MISS:
            y = fb(data)
        cx, cy = x.__class__, y.__class__
        if (cx is int or cx is float) and (cy is int or cy is float):
            result = native(x, y)
            if result == result:
                return result
        return reduce([x, y])

    return var2_var2


def _lookup_and_call(
    fetch: Evaluator, keys: tuple[str, ...], other: Evaluator, native: Pair, reduce: Reducer, swap: bool
) -> Evaluator:
    """One side inlined, the other called; ``swap`` when the lookup is the right operand."""
    if len(keys) == 1:
        (k1,) = keys

        def var1_call(data: Any) -> Any:
            try:
                x = data[k1]
            except _MISS:
                x = fetch(data)
            y = other(data)
            if swap:
                x, y = y, x
            cx, cy = x.__class__, y.__class__
            if (cx is int or cx is float) and (cy is int or cy is float):
                result = native(x, y)
                if result == result:
                    return result
            return reduce([x, y])

        return var1_call
    k1, k2 = keys

    def var2_call(data: Any) -> Any:
        try:
            x = data[k1][k2]
        except _MISS:
            x = fetch(data)
        y = other(data)
        if swap:
            x, y = y, x
        cx, cy = x.__class__, y.__class__
        if (cx is int or cx is float) and (cy is int or cy is float):
            result = native(x, y)
            if result == result:
                return result
        return reduce([x, y])

    return var2_call
