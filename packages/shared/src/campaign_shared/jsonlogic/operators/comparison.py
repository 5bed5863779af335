"""Comparisons: ``==``, ``!=``, ``===``, ``!==``, ``<``, ``<=``, ``>``, ``>=``.

All are chained and lazy (``{"<": [1, x, 10]}`` is "between"; evaluation stops at the first
pair that fails), need at least two arguments given as a literal array, and return ``bool``.
The common "expression vs. constant" shape gets a closure with the constant inlined and a
single type check in front of the general coercion rules.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from campaign_shared.jsonlogic.coercion import (
    greater_equal,
    greater_than,
    less_equal,
    less_than,
    loose_equals,
    strict_equals,
)
from campaign_shared.jsonlogic.errors import InvalidArgumentsError
from campaign_shared.jsonlogic.nodes import Evaluator, Node
from campaign_shared.jsonlogic.operators.fused import compare_const

if TYPE_CHECKING:
    from campaign_shared.jsonlogic.compiler import Builder, Compiler

Pair = Callable[[Any, Any], bool]


def _not_loose(left: Any, right: Any) -> bool:
    return not loose_equals(left, right)


def _not_strict(left: Any, right: Any) -> bool:
    return not strict_equals(left, right)


def _chain(pair: Pair, fns: tuple[Evaluator, ...]) -> Evaluator:
    """``pair`` must hold for every adjacent pair; later operands are evaluated only if needed."""
    first, rest = fns[0], fns[1:]

    def chained(data: Any) -> bool:
        left = first(data)
        for fn in rest:
            right = fn(data)
            if not pair(left, right):
                return False
            left = right
        return True

    return chained


def _pair(pair: Pair, a: Evaluator, b: Evaluator) -> Evaluator:
    def compare(data: Any) -> bool:
        return pair(a(data), b(data))

    return compare


_MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
_NATIVE: dict[str, Pair] = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_PAIR: dict[str, Pair] = {"<": less_than, "<=": less_equal, ">": greater_than, ">=": greater_equal}


def _ordering(op: str) -> Builder:
    """Builder for ``<``-style operators: numbers compare natively, the rest via ``pair``."""
    pair, native = _PAIR[op], _NATIVE[op]

    def build(c: Compiler, raw: Any) -> Node:
        nodes = _operands(c, op, raw)
        if all(node.is_const for node in nodes):
            values = [node.value for node in nodes]
            return c.fold(lambda: _chain(pair, tuple(Node.const(v).fn for v in values))(None))
        if len(nodes) == 2:
            left, right = nodes
            if _simple_const(left) and not right.is_const:
                mirrored = _MIRROR[op]
                return _against_const(mirrored, right, left.value, _NATIVE[mirrored], _PAIR[mirrored])
            if _simple_const(right):
                return _against_const(op, left, right.value, native, pair)
            a, b = left.fn, right.fn

            def compare(data: Any) -> bool:
                x = a(data)
                y = b(data)
                cx, cy = x.__class__, y.__class__
                if (cx is int or cx is float) and (cy is int or cy is float):
                    return native(x, y)
                return pair(x, y)

            return Node.dynamic(compare, is_bool=True)
        if len(nodes) == 3 and _numeric_const(nodes[0]) and _numeric_const(nodes[2]) and not nodes[1].is_const:
            return Node.dynamic(_between(op, nodes[0].value, nodes[1].fn, nodes[2].value, pair), is_bool=True)
        return Node.dynamic(_numeric_chain(pair, native, tuple(node.fn for node in nodes)), is_bool=True)

    return build


def _numeric_const(node: Node) -> bool:
    return node.is_const and node.value.__class__ in (int, float)


def _simple_const(node: Node) -> bool:
    """A constant number or string, which comparisons can test without coercion."""
    return node.is_const and node.value.__class__ in (int, float, str)


def _against_const(op: str, node: Node, const: Any, native: Pair, pair: Pair) -> Node:
    if node.keys is not None or const.__class__ is str:
        return Node.dynamic(compare_const(node, const, native, pair), is_bool=True)
    return Node.dynamic(_ordering_const(op, node.fn, const, pair), is_bool=True)


def _numeric_chain(pair: Pair, native: Pair, fns: tuple[Evaluator, ...]) -> Evaluator:
    """Lazy chain whose adjacent numbers compare natively."""
    first, rest = fns[0], fns[1:]

    def chained(data: Any) -> bool:
        left = first(data)
        for fn in rest:
            right = fn(data)
            cl, cr = left.__class__, right.__class__
            if (cl is int or cl is float) and (cr is int or cr is float):
                if not native(left, right):
                    return False
            elif not pair(left, right):
                return False
            left = right
        return True

    return chained


def _between(op: str, low: Any, a: Evaluator, high: Any, pair: Pair) -> Evaluator:
    """``{"<=": [low, x, high]}`` and friends with constant bounds: one inline range test."""
    if op in (">", ">="):
        low, high = high, low
    if op in ("<", ">"):

        def between_open(data: Any) -> bool:
            x = a(data)
            cls = x.__class__
            if cls is int or cls is float:
                return low < x < high  # type: ignore[no-any-return]
            return _between_slow(op, low, x, high, pair)

        return between_open

    def between_closed(data: Any) -> bool:
        x = a(data)
        cls = x.__class__
        if cls is int or cls is float:
            return low <= x <= high  # type: ignore[no-any-return]
        return _between_slow(op, low, x, high, pair)

    return between_closed


def _between_slow(op: str, low: Any, x: Any, high: Any, pair: Pair) -> bool:
    if op in (">", ">="):
        return pair(high, x) and pair(x, low)
    return pair(low, x) and pair(x, high)


def _ordering_const(op: str, a: Evaluator, limit: Any, pair: Pair) -> Evaluator:
    """``expr OP number``: the hottest comparison shape in campaign rules, fully inlined."""
    if op == "<":

        def lt(data: Any) -> bool:
            x = a(data)
            cls = x.__class__
            return x < limit if cls is int or cls is float else pair(x, limit)  # type: ignore[no-any-return]

        return lt
    if op == "<=":

        def le(data: Any) -> bool:
            x = a(data)
            cls = x.__class__
            return x <= limit if cls is int or cls is float else pair(x, limit)  # type: ignore[no-any-return]

        return le
    if op == ">":

        def gt(data: Any) -> bool:
            x = a(data)
            cls = x.__class__
            return x > limit if cls is int or cls is float else pair(x, limit)  # type: ignore[no-any-return]

        return gt

    def ge(data: Any) -> bool:
        x = a(data)
        cls = x.__class__
        return x >= limit if cls is int or cls is float else pair(x, limit)  # type: ignore[no-any-return]

    return ge


def _operands(c: Compiler, op: str, raw: Any) -> list[Node]:
    args = c.require_list(op, raw)
    if len(args) < 2:
        raise InvalidArgumentsError(f"{op!r} needs at least two arguments")
    return c.compile_all(args)


def _equality(op: str, pair: Pair, negate: bool, strict: bool) -> Builder:
    """Builder for ``==``/``!=``/``===``/``!==`` with constant-operand fast paths."""

    def build(c: Compiler, raw: Any) -> Node:
        nodes = _operands(c, op, raw)
        if all(node.is_const for node in nodes):
            values = [node.value for node in nodes]
            return c.fold(lambda: _chain(pair, tuple(Node.const(v).fn for v in values))(None))
        if len(nodes) != 2:
            return Node.dynamic(_chain(pair, tuple(node.fn for node in nodes)), is_bool=True)
        left, right = nodes
        if left.is_immutable_const and not right.is_const:
            left, right = right, left
        if right.is_immutable_const:
            fast = _equals_const(left, right.value, pair, negate, strict)
            if fast is not None:
                return Node.dynamic(fast, is_bool=True)
        return Node.dynamic(_pair(pair, left.fn, right.fn), is_bool=True)

    return build


def _equals_const(a: Node, const: Any, pair: Pair, negate: bool, strict: bool) -> Evaluator | None:
    """Equality against a constant, skipping coercion when the types already match."""
    cls = const.__class__
    if cls is str or cls is int or cls is float:
        return compare_const(a, const, operator.ne if negate else operator.eq, pair)
    fn = a.fn
    if strict and (cls is bool or const is None):
        if negate:

            def strict_is_not(data: Any) -> bool:
                return fn(data) is not const

            return strict_is_not

        def strict_is(data: Any) -> bool:
            return fn(data) is const

        return strict_is
    return None


BUILDERS: dict[str, Builder] = {
    "==": _equality("==", loose_equals, negate=False, strict=False),
    "!=": _equality("!=", _not_loose, negate=True, strict=False),
    "===": _equality("===", strict_equals, negate=False, strict=True),
    "!==": _equality("!==", _not_strict, negate=True, strict=True),
    "<": _ordering("<"),
    "<=": _ordering("<="),
    ">": _ordering(">"),
    ">=": _ordering(">="),
}
