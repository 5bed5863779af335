"""Arithmetic: ``+``, ``-``, ``*``, ``/``, ``%``, ``max``, ``min``.

Operands are coerced with :func:`~..coercion.to_number` (strings parse, ``null`` is 0,
arrays and objects raise ``NaN``); a NaN result or a division by zero raises ``NaN``.
Two-operand forms, the common case, check "both are plain numbers" once and compute inline.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from campaign_shared.jsonlogic.coercion import check_number, to_number
from campaign_shared.jsonlogic.errors import InvalidArgumentsError, NaNError
from campaign_shared.jsonlogic.nodes import Evaluator, Node, spread_value
from campaign_shared.jsonlogic.operators.fused import arithmetic_const, arithmetic_pair

if TYPE_CHECKING:
    from campaign_shared.jsonlogic.compiler import Builder, Compiler

Number = int | float
Reducer = Callable[[list[Any]], Any]


def add_values(values: list[Any]) -> Number:
    """``+``: the sum; no operands is 0, one operand is a numeric cast."""
    total: Number = 0
    for value in values:
        total += to_number(value)
    return check_number(total)


def multiply_values(values: list[Any]) -> Number:
    """``*``: the product; no operands is 1."""
    product: Number = 1
    for value in values:
        product *= to_number(value)
    return check_number(product)


def subtract_values(values: list[Any]) -> Number:
    """``-``: left-to-right difference; one operand negates it."""
    if not values:
        raise InvalidArgumentsError("'-' needs at least one argument")
    first = to_number(values[0])
    if len(values) == 1:
        return -first
    for value in values[1:]:
        first -= to_number(value)
    return check_number(first)


def divide(left: Number, right: Number) -> Number:
    """JSON Logic division: dividing by zero is ``NaN``, not infinity."""
    if right == 0:
        raise NaNError("division by zero")
    try:
        return check_number(left / right)
    except OverflowError:
        return math.copysign(math.inf, left) * math.copysign(1, right)


def divide_values(values: list[Any]) -> Number:
    """``/``: left-to-right quotient; one operand is its reciprocal."""
    if not values:
        raise InvalidArgumentsError("'/' needs at least one argument")
    first = to_number(values[0])
    if len(values) == 1:
        return divide(1, first)
    for value in values[1:]:
        first = divide(first, to_number(value))
    return first


def modulo(left: Number, right: Number) -> Number:
    """JavaScript ``%``: the remainder takes the dividend's sign; modulo zero is ``NaN``."""
    if right == 0:
        raise NaNError("modulo by zero")
    if left.__class__ is int and right.__class__ is int:
        remainder = abs(left) % abs(right)
        return -remainder if left < 0 else remainder
    try:
        return check_number(math.fmod(left, right))
    except ValueError as error:
        raise NaNError("modulo of a non-finite number") from error


def modulo_values(values: list[Any]) -> Number:
    """``%``: left-to-right remainder; needs at least two operands."""
    if len(values) < 2:
        raise InvalidArgumentsError("'%' needs at least two arguments")
    first = to_number(values[0])
    for value in values[1:]:
        first = modulo(first, to_number(value))
    return first


def _all_numbers(values: list[Any]) -> bool:
    for value in values:
        cls = value.__class__
        if cls is not int and cls is not float:
            return False
    return True


def max_values(values: list[Any]) -> Number | None:
    """``max``: the largest number; ``null`` for no operands."""
    if not values:
        return None
    return max(values) if _all_numbers(values) else max(map(to_number, values))


def min_values(values: list[Any]) -> Number | None:
    """``min``: the smallest number; ``null`` for no operands."""
    if not values:
        return None
    return min(values) if _all_numbers(values) else min(map(to_number, values))


def _generic(c: Compiler, args: list[Node] | Node, reduce: Reducer) -> Node:
    """Any arity, including argument lists computed at evaluation time."""
    if isinstance(args, Node):
        dynamic_fn = args.fn

        def spread_call(data: Any) -> Any:
            return reduce(spread_value(dynamic_fn(data)))

        return Node.dynamic(spread_call)
    if all(node.is_const for node in args):
        values = [node.value for node in args]
        return c.fold(lambda: reduce(values))
    fns = tuple(node.fn for node in args)

    def variadic(data: Any) -> Any:
        return reduce([fn(data) for fn in fns])

    return Node.dynamic(variadic)


def _dynamic_pair(args: list[Node] | Node) -> tuple[Node, Node] | None:
    """The two operands of a literal two-argument form that is not entirely constant."""
    if isinstance(args, Node) or len(args) != 2:
        return None
    left, right = args
    if left.is_const and right.is_const:
        return None
    return left, right


def _numeric_const(node: Node) -> bool:
    return node.is_const and node.value.__class__ in (int, float)


def _fuse(left: Node, right: Node, native: Callable[[Any, Any], Any], reduce: Reducer) -> Evaluator | None:
    """A fused closure when an operand is an inlinable lookup (see :mod:`.fused`)."""
    if _numeric_const(right):
        return arithmetic_const(left, right.value, native, reduce, swap=False)
    if _numeric_const(left):
        return arithmetic_const(right, left.value, native, reduce, swap=True)
    if left.is_const or right.is_const:
        return None
    return arithmetic_pair(left, right, native, reduce)


def build_add(c: Compiler, raw: Any) -> Node:
    """``{"+": [a, b, ...]}``."""
    args = c.spread(raw)
    pair = _dynamic_pair(args)
    if pair is None:
        return _generic(c, args, add_values)
    left, right = pair
    if _numeric_const(left):
        left, right = right, left
    fused = _fuse(left, right, operator.add, add_values)
    if fused is not None:
        return Node.dynamic(fused)
    if _numeric_const(right):
        a, k = left.fn, right.value

        def add_const(data: Any) -> Any:
            x = a(data)
            cx = x.__class__
            if cx is int or cx is float:
                result = x + k
                if result == result:
                    return result
            return add_values([x, k])

        return Node.dynamic(add_const)
    a, b = left.fn, right.fn

    def add(data: Any) -> Any:
        x = a(data)
        y = b(data)
        cx, cy = x.__class__, y.__class__
        if (cx is int or cx is float) and (cy is int or cy is float):
            result = x + y
            if result == result:
                return result
        return add_values([x, y])

    return Node.dynamic(add)


def build_multiply(c: Compiler, raw: Any) -> Node:
    """``{"*": [a, b, ...]}``."""
    args = c.spread(raw)
    pair = _dynamic_pair(args)
    if pair is None:
        return _generic(c, args, multiply_values)
    left, right = pair
    if _numeric_const(left):
        left, right = right, left
    fused = _fuse(left, right, operator.mul, multiply_values)
    if fused is not None:
        return Node.dynamic(fused)
    if _numeric_const(right):
        a, k = left.fn, right.value

        def multiply_const(data: Any) -> Any:
            x = a(data)
            cx = x.__class__
            if cx is int or cx is float:
                result = x * k
                if result == result:
                    return result
            return multiply_values([x, k])

        return Node.dynamic(multiply_const)
    a, b = left.fn, right.fn

    def multiply(data: Any) -> Any:
        x = a(data)
        y = b(data)
        cx, cy = x.__class__, y.__class__
        if (cx is int or cx is float) and (cy is int or cy is float):
            result = x * y
            if result == result:
                return result
        return multiply_values([x, y])

    return Node.dynamic(multiply)


def _require(args: list[Node] | Node, minimum: int, op: str) -> None:
    if not isinstance(args, Node) and len(args) < minimum:
        plural = "argument" if minimum == 1 else "arguments"
        raise InvalidArgumentsError(f"{op!r} needs at least {minimum} {plural}")


def build_subtract(c: Compiler, raw: Any) -> Node:
    """``{"-": [a, b, ...]}``; ``{"-": x}`` negates."""
    args = c.spread(raw)
    _require(args, 1, "-")
    pair = _dynamic_pair(args)
    if pair is None:
        return _generic(c, args, subtract_values)
    fused = _fuse(pair[0], pair[1], operator.sub, subtract_values)
    if fused is not None:
        return Node.dynamic(fused)
    a, b = pair[0].fn, pair[1].fn

    def subtract(data: Any) -> Any:
        x = a(data)
        y = b(data)
        cx, cy = x.__class__, y.__class__
        if (cx is int or cx is float) and (cy is int or cy is float):
            result = x - y
            if result == result:
                return result
        return subtract_values([x, y])

    return Node.dynamic(subtract)


def build_divide(c: Compiler, raw: Any) -> Node:
    """``{"/": [a, b, ...]}``; ``{"/": x}`` is the reciprocal."""
    args = c.spread(raw)
    _require(args, 1, "/")
    pair = _dynamic_pair(args)
    if pair is None:
        return _generic(c, args, divide_values)
    if _numeric_const(pair[1]) and pair[1].value != 0:
        fused = arithmetic_const(pair[0], pair[1].value, operator.truediv, divide_values, swap=False)
        if fused is not None:
            return Node.dynamic(fused)
    a, b = pair[0].fn, pair[1].fn

    def quotient(data: Any) -> Any:
        x = a(data)
        y = b(data)
        cx, cy = x.__class__, y.__class__
        if (cx is int or cx is float) and (cy is int or cy is float) and y:
            result = x / y
            if result == result:
                return result
        return divide_values([x, y])

    return Node.dynamic(quotient)


def build_modulo(c: Compiler, raw: Any) -> Node:
    """``{"%": [a, b, ...]}``: JavaScript remainder, at least two operands."""
    args = c.spread(raw)
    _require(args, 2, "%")
    pair = _dynamic_pair(args)
    if pair is None:
        return _generic(c, args, modulo_values)
    a, b = pair[0].fn, pair[1].fn

    def remainder(data: Any) -> Any:
        x = a(data)
        y = b(data)
        if x.__class__ is int and y.__class__ is int and x >= 0 and y > 0:
            return x % y
        return modulo_values([x, y])

    return Node.dynamic(remainder)


def _clamp(c: Compiler, raw: Any, reduce: Reducer, upper: bool) -> Node:
    """``max``/``min``; ``{"max": [bound, expr]}`` (clamping) compares inline."""
    args = c.spread(raw)
    pair = _dynamic_pair(args)
    if pair is None:
        return _generic(c, args, reduce)
    left, right = pair
    if _numeric_const(left):
        left, right = right, left
    if not _numeric_const(right):
        return _generic(c, args, reduce)
    a, bound = left.fn, right.value
    if upper:

        def at_least(data: Any) -> Any:
            x = a(data)
            cls = x.__class__
            if cls is int or cls is float:
                return x if x > bound else bound
            return reduce([x, bound])

        return Node.dynamic(at_least)

    def at_most(data: Any) -> Any:
        x = a(data)
        cls = x.__class__
        if cls is int or cls is float:
            return x if x < bound else bound
        return reduce([x, bound])

    return Node.dynamic(at_most)


def build_max(c: Compiler, raw: Any) -> Node:
    """``{"max": [...]}``: largest operand as a number."""
    return _clamp(c, raw, max_values, upper=True)


def build_min(c: Compiler, raw: Any) -> Node:
    """``{"min": [...]}``: smallest operand as a number."""
    return _clamp(c, raw, min_values, upper=False)


BUILDERS: dict[str, Builder] = {
    "+": build_add,
    "-": build_subtract,
    "*": build_multiply,
    "/": build_divide,
    "%": build_modulo,
    "max": build_max,
    "min": build_min,
}
