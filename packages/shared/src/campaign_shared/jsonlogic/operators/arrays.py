"""Array operators: ``merge`` (flatten one level) and ``in`` (membership or substring)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from campaign_shared.jsonlogic.coercion import strict_equals, to_js_string
from campaign_shared.jsonlogic.errors import InvalidArgumentsError
from campaign_shared.jsonlogic.nodes import Node, spread_value

if TYPE_CHECKING:
    from campaign_shared.jsonlogic.compiler import Builder, Compiler


def merge_values(values: list[Any]) -> list[Any]:
    """Concatenate array operands; other operands (``null`` included) become single items."""
    merged: list[Any] = []
    for value in values:
        if value.__class__ is list:
            merged.extend(value)
        else:
            merged.append(value)
    return merged


def build_merge(c: Compiler, raw: Any) -> Node:
    """``{"merge": [a, b, ...]}``."""
    args = c.spread(raw)
    if isinstance(args, Node):
        dynamic_fn = args.fn

        def merge_spread(data: Any) -> list[Any]:
            return merge_values(spread_value(dynamic_fn(data)))

        return Node.dynamic(merge_spread)
    if all(node.is_const for node in args):
        values = [node.value for node in args]
        return Node.const(merge_values(values))
    fns = tuple(node.fn for node in args)

    def merge(data: Any) -> list[Any]:
        return merge_values([fn(data) for fn in fns])

    return Node.dynamic(merge)


def contains(needle: Any, haystack: Any) -> bool:
    """``in``: substring test for strings, strict membership for arrays, else ``false``."""
    cls = haystack.__class__
    if cls is str:
        return (needle if needle.__class__ is str else to_js_string(needle)) in haystack
    if cls is list:
        if needle is None or needle.__class__ is str:
            return needle in haystack
        return any(strict_equals(needle, item) for item in haystack)
    return False


def build_in(c: Compiler, raw: Any) -> Node:
    """``{"in": [needle, haystack]}``; constant haystacks of strings become a set lookup."""
    args = c.loose(raw)
    if len(args) < 2:
        raise InvalidArgumentsError("'in' needs a value and an array or string")
    needle, haystack = c.sub(args[0]), c.sub(args[1])
    if needle.is_const and haystack.is_const:
        return c.fold(lambda: contains(needle.value, haystack.value))
    needle_fn, haystack_fn = needle.fn, haystack.fn
    if haystack.is_const:
        pool = haystack.value
        if pool.__class__ is list and all(item.__class__ is str for item in pool):
            members = frozenset(pool)

            def in_strings(data: Any) -> bool:
                value = needle_fn(data)
                return value.__class__ is str and value in members

            return Node.dynamic(in_strings, is_bool=True)

        def in_constant(data: Any) -> bool:
            return contains(needle_fn(data), pool)

        return Node.dynamic(in_constant, is_bool=True)
    if needle.is_const and needle.value.__class__ is str:
        text = needle.value

        def string_in(data: Any) -> bool:
            pool = haystack_fn(data)
            cls = pool.__class__
            return text in pool if cls is list or cls is str else False  # type: ignore[no-any-return]

        return Node.dynamic(string_in, is_bool=True)

    def in_any(data: Any) -> bool:
        return contains(needle_fn(data), haystack_fn(data))

    return Node.dynamic(in_any, is_bool=True)


BUILDERS: dict[str, Builder] = {
    "merge": build_merge,
    "in": build_in,
}
