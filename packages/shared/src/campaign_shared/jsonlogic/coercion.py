"""Value semantics shared by all operators: truthiness, numbers, strings, equality, ordering.

JSON Logic follows JavaScript where the community suites agree with it and diverges where
they do not (an empty array is falsy; arithmetic on non-numbers raises ``NaN`` instead of
silently producing it). These helpers are the slow, fully general paths; operators inline
cheap type checks in front of them for the common cases.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from .errors import NaNError

NUMBER_TYPES = frozenset({int, float})
"""Exact types treated as JSON numbers (``bool`` is deliberately excluded)."""

_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_RADIX = re.compile(r"0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+")
_INFINITY = {"Infinity": math.inf, "+Infinity": math.inf, "-Infinity": -math.inf}


def truthy(value: Any) -> bool:
    """JSON Logic truthiness: ``[]``, ``""``, 0, ``null``, ``false``, NaN are falsy; ``{}`` is truthy."""
    cls = value.__class__
    if cls is bool:
        return value  # type: ignore[no-any-return]
    if cls is dict:
        return True
    if cls is float:
        return bool(value != 0.0 and value == value)
    return bool(value)


def parse_number(text: str) -> int | float | None:
    """Parse a string the way JavaScript's ``Number()`` does; ``None`` when it is not a number."""
    if text.isascii() and text.isdigit():
        return int(text)
    text = text.strip()
    if not text:
        return 0
    if _INTEGER.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        return float(text)
    if _RADIX.fullmatch(text):
        return int(text, 0)
    return _INFINITY.get(text)


def to_number(value: Any) -> int | float:
    """Coerce a JSON value to a number or raise ``NaN`` (arrays and objects never coerce)."""
    cls = value.__class__
    if cls is int or cls is float:
        return value  # type: ignore[no-any-return]
    if value is None:
        return 0
    if cls is bool:
        return 1 if value else 0
    if cls is str:
        number = parse_number(value)
        if number is not None:
            return number
    raise NaNError(f"cannot convert {short_repr(value)} to a number")


def check_number(value: int | float) -> int | float:
    """Raise ``NaN`` for a NaN result (e.g. ``inf - inf``); JSON has no NaN."""
    if value != value:
        raise NaNError("arithmetic produced NaN")
    return value


def short_repr(value: Any) -> str:
    """A bounded ``repr`` for error messages, which must never grow with the data."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _float_to_js(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "Infinity" if value > 0 else "-Infinity"
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if "e" not in text:
        return text
    mantissa, _, exponent_text = text.partition("e")
    exponent = int(exponent_text)
    if -7 < exponent < 0:
        return format(Decimal(text), "f")
    return f"{mantissa}e{'+' if exponent > 0 else '-'}{abs(exponent)}"


def to_js_string(value: Any) -> str:
    """JavaScript ``String(value)``: how ``cat``, ``substr`` and ``in`` see non-strings."""
    cls = value.__class__
    if cls is str:
        return value  # type: ignore[no-any-return]
    if value is None:
        return "null"
    if cls is bool:
        return "true" if value else "false"
    if cls is int:
        return str(value)
    if cls is float:
        return _float_to_js(value)
    if cls is list:
        return ",".join("" if item is None else to_js_string(item) for item in value)
    if cls is dict:
        return "[object Object]"
    return str(value)


def strict_equals(left: Any, right: Any) -> bool:
    """``===``: same JSON type and same value; ``1`` and ``1.0`` are the same number."""
    left_cls = left.__class__
    right_cls = right.__class__
    if left_cls is right_cls:
        if left_cls is list:
            return len(left) == len(right) and all(map(strict_equals, left, right))
        if left_cls is dict:
            return left.keys() == right.keys() and all(strict_equals(left[k], right[k]) for k in left)
        return bool(left == right)
    if left_cls in NUMBER_TYPES and right_cls in NUMBER_TYPES:
        return bool(left == right)
    return False


def loose_equals(left: Any, right: Any) -> bool:
    """``==``: equal after numeric coercion of mixed scalar types.

    ``null`` only equals ``null`` or a zero-valued number/boolean/numeric string, and is
    never an error; comparing arrays or objects, or a number with a non-numeric string,
    raises ``NaN`` as the community suites require.
    """
    left_cls = left.__class__
    right_cls = right.__class__
    if left_cls is right_cls and left_cls is not list and left_cls is not dict:
        return bool(left == right)
    if left_cls in NUMBER_TYPES and right_cls in NUMBER_TYPES:
        return bool(left == right)
    if left is None or right is None:
        other = right if left is None else left
        other_cls = other.__class__
        if other_cls is list or other_cls is dict:
            return False
        if other_cls is str:
            number = parse_number(other)
            return number == 0 if number is not None else False
        return to_number(other) == 0
    return to_number(left) == to_number(right)


def ordering_pair(left: Any, right: Any) -> tuple[Any, Any]:
    """Operands for ``<``/``>``: two strings compare as text, anything else as numbers."""
    if left.__class__ is str and right.__class__ is str:
        return left, right
    return to_number(left), to_number(right)


def less_than(left: Any, right: Any) -> bool:
    """``left < right`` with JSON Logic coercion."""
    x, y = ordering_pair(left, right)
    return bool(x < y)


def less_equal(left: Any, right: Any) -> bool:
    """``left <= right`` with JSON Logic coercion."""
    x, y = ordering_pair(left, right)
    return bool(x <= y)


def greater_than(left: Any, right: Any) -> bool:
    """``left > right`` with JSON Logic coercion."""
    x, y = ordering_pair(left, right)
    return bool(x > y)


def greater_equal(left: Any, right: Any) -> bool:
    """``left >= right`` with JSON Logic coercion."""
    x, y = ordering_pair(left, right)
    return bool(x >= y)


def js_int(value: Any) -> int:
    """Truncate a coerced number toward zero, as JavaScript string indices are."""
    number = to_number(value)
    if number != number or number in (math.inf, -math.inf):
        return 0 if number != number else (1 << 53 if number > 0 else -(1 << 53))
    return int(number)
