"""Compiled node representation shared by the compiler and the operator builders.

A rule compiles bottom-up into :class:`Node` objects. A node is either a compile-time
constant (its ``value`` is known, so parents can inline it instead of calling a closure)
or a dynamic closure ``fn(data)``. Constants that are arrays or objects are copied when
they escape as a result, so callers can never mutate the cached rule's literals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from .errors import JsonLogicError

Evaluator = Callable[[Any], Any]
"""A compiled (sub-)expression: takes the current data (or scope frame) and returns a value."""

IMMUTABLE_TYPES: Final = frozenset({type(None), bool, int, float, str})


class Frame:
    """One level of the iterator scope chain, used only by rules that climb scopes.

    Iterators push two frames per item (iteration metadata such as ``{"index": i}``, then
    the item), which is what ``{"val": [[n], ...]}`` counts when it climbs ``n`` levels.
    """

    __slots__ = ("parent", "value")

    def __init__(self, value: Any, parent: Frame | None) -> None:
        self.value = value
        self.parent = parent


def deep_copy(value: Any) -> Any:
    """Copy the containers of a JSON value (scalars are immutable and shared)."""
    cls = value.__class__
    if cls is list:
        return [deep_copy(item) for item in value]
    if cls is dict:
        return {key: deep_copy(item) for key, item in value.items()}
    return value


def materializer(value: Any) -> Evaluator:
    """A closure that returns ``value``, copying containers so results are never shared."""
    cls = value.__class__
    if cls in IMMUTABLE_TYPES:

        def constant(data: Any) -> Any:
            return value

        return constant
    if cls is list and all(item.__class__ in IMMUTABLE_TYPES for item in value):
        copy_list = value.copy

        def flat_list(data: Any) -> Any:
            return copy_list()

        return flat_list

    def nested(data: Any) -> Any:
        return deep_copy(value)

    return nested


def spread_value(value: Any) -> list[Any]:
    """A computed argument list: an array is the arguments, anything else is one argument."""
    return value if value.__class__ is list else [value]  # type: ignore[no-any-return]


def raiser(error: JsonLogicError) -> Evaluator:
    """A closure that raises a fresh copy of ``error`` (a constant sub-tree that always fails)."""

    def fail(data: Any) -> Any:
        raise error.clone()

    return fail


class Node:
    """A compiled expression: a constant value, or a closure plus what is known about it."""

    __slots__ = ("fn", "is_bool", "is_const", "keys", "value")

    def __init__(
        self,
        fn: Evaluator,
        *,
        is_const: bool = False,
        value: Any = None,
        is_bool: bool = False,
        keys: tuple[str, ...] | None = None,
    ):
        self.fn = fn
        self.is_const = is_const
        self.value = value
        self.is_bool = is_bool
        self.keys = keys
        """For a plain one- or two-key data lookup: the keys, so parents can inline the
        subscripts instead of calling ``fn`` (``fn`` still handles every miss)."""

    @classmethod
    def const(cls, value: Any) -> Node:
        """A compile-time constant; ``fn`` returns a private copy of containers."""
        return cls(materializer(value), is_const=True, value=value, is_bool=value.__class__ is bool)

    @classmethod
    def dynamic(cls, fn: Evaluator, *, is_bool: bool = False) -> Node:
        """A value computed at evaluation time; ``is_bool`` means it always returns a ``bool``."""
        return cls(fn, is_bool=is_bool)

    @classmethod
    def failing(cls, error: JsonLogicError) -> Node:
        """A sub-tree known to raise ``error`` whenever it is evaluated (kept lazy)."""
        return cls(raiser(error))

    @property
    def is_immutable_const(self) -> bool:
        """True when parents may inline ``value`` directly into their closures."""
        return self.is_const and self.value.__class__ in IMMUTABLE_TYPES
