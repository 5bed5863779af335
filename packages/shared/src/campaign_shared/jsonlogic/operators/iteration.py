"""Iterators: ``map``, ``filter``, ``reduce``, ``all``, ``some``, ``none``.

The body of an iterator runs with each item as its data. In the plain calling convention
the loops are C-level (``map``/``any``/``all``/``compress``) over the body closure. Rules
that climb scopes get :class:`Frame` chains instead: per item a metadata frame
(``{"index": i}``) and the item frame, so ``{"val": [[2], ...]}`` reaches the outer data.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import compress
from typing import TYPE_CHECKING, Any

from campaign_shared.jsonlogic.coercion import truthy
from campaign_shared.jsonlogic.errors import InvalidArgumentsError
from campaign_shared.jsonlogic.nodes import Evaluator, Frame, Node

if TYPE_CHECKING:
    from campaign_shared.jsonlogic.compiler import Builder, Compiler


def _parts(c: Compiler, op: str, raw: Any, *, body_required: bool) -> tuple[Node, Node]:
    """Compile ``[array, body, ...]`` and reject statically wrong shapes."""
    args = c.require_list(op, raw)
    if len(args) < 2:
        raise InvalidArgumentsError(f"{op!r} needs an array and a body")
    if args[0] is None:
        raise InvalidArgumentsError(f"{op!r} needs an array, got null")
    if body_required and args[1] is None:
        raise InvalidArgumentsError(f"{op!r} needs a body, got null")
    return c.sub(args[0]), c.sub(args[1])


def _items(value: Any, op: str, *, null_is_empty: bool) -> list[Any]:
    if value.__class__ is list:
        return value  # type: ignore[no-any-return]
    if value is None and null_is_empty:
        return []
    raise InvalidArgumentsError(f"{op!r} needs an array, got {value.__class__.__name__}")


FramedBody = Callable[[Frame, int, Any], Any]


def _framed(body: Evaluator) -> FramedBody:
    """Body adapter for scoped rules: evaluates ``body`` on ``(frame, index, item)``."""

    def run(frame: Frame, index: int, item: Any) -> Any:
        return body(Frame(item, Frame({"index": index}, frame)))

    return run


def _as_test(body: Node) -> Evaluator:
    """The body as a predicate returning ``bool``."""
    if body.is_bool:
        return body.fn
    fn = body.fn

    def test(item: Any) -> bool:
        return truthy(fn(item))

    return test


def build_map(c: Compiler, raw: Any) -> Node:
    """``{"map": [array, body]}``: the body's value for each item (``null`` array is empty)."""
    source, body = _parts(c, "map", raw, body_required=True)
    source_fn, body_fn = source.fn, body.fn
    if c.scoped:
        run = _framed(body_fn)

        def map_scoped(frame: Frame) -> list[Any]:
            items = _items(source_fn(frame), "map", null_is_empty=True)
            return [run(frame, index, item) for index, item in enumerate(items)]

        return Node.dynamic(map_scoped)

    def map_items(data: Any) -> list[Any]:
        items = source_fn(data)
        if items.__class__ is not list:
            items = _items(items, "map", null_is_empty=True)
        return list(map(body_fn, items))

    return Node.dynamic(map_items)


def build_filter(c: Compiler, raw: Any) -> Node:
    """``{"filter": [array, predicate]}``: the items whose predicate is truthy."""
    source, body = _parts(c, "filter", raw, body_required=True)
    source_fn = source.fn
    if c.scoped:
        run = _framed(body.fn)

        def filter_scoped(frame: Frame) -> list[Any]:
            items = _items(source_fn(frame), "filter", null_is_empty=True)
            return [item for index, item in enumerate(items) if truthy(run(frame, index, item))]

        return Node.dynamic(filter_scoped)
    test = _as_test(body)

    def filter_items(data: Any) -> list[Any]:
        items = source_fn(data)
        if items.__class__ is not list:
            items = _items(items, "filter", null_is_empty=True)
        return list(compress(items, map(test, items)))

    return Node.dynamic(filter_items)


def _reads_whole_context(raw: Any) -> bool:
    """Whether a body might return or capture its whole context object (then it must be fresh)."""
    stack = [raw]
    while stack:
        item = stack.pop()
        if item.__class__ is list:
            stack.extend(item)
        elif item.__class__ is dict:
            if len(item) == 1:
                ((op, args),) = item.items()
                if op in ("var", "val"):
                    if _whole_path(op, args):
                        return True
                elif op not in _KNOWN_SAFE:
                    return True
            stack.extend(item.values())
    return False


def _whole_path(op: str, args: Any) -> bool:
    """Whether a ``var``/``val`` may yield the whole context (empty or computed path)."""
    if args.__class__ is list:
        if not args:
            return True
        args = args[0]
        if op == "val" and args.__class__ is list:
            return True
    if args.__class__ in (dict, list):
        return True
    return args is None or (op == "var" and args == "")


_KNOWN_SAFE = frozenset(
    {
        *("if", "?:", "and", "or", "!", "!!", "??", "try", "throw", "preserve", "log"),
        *("==", "!=", "===", "!==", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "max", "min"),
        *("map", "filter", "reduce", "all", "some", "none", "merge", "in", "cat", "substr"),
        *("missing", "missing_some", "exists"),
    }
)


def build_reduce(c: Compiler, raw: Any) -> Node:
    """``{"reduce": [array, body, initial]}``: fold with ``{"current", "accumulator"}`` as data."""
    args = c.require_list("reduce", raw)
    source, body = _parts(c, "reduce", raw, body_required=False)
    initial = c.sub(args[2]) if len(args) > 2 else Node.const(None)
    source_fn, body_fn, initial_fn = source.fn, body.fn, initial.fn
    if c.scoped:

        def reduce_scoped(frame: Frame) -> Any:
            accumulator = initial_fn(frame)
            items = source_fn(frame)
            if items is None:
                return accumulator
            for index, item in enumerate(_items(items, "reduce", null_is_empty=True)):
                context = {"current": item, "accumulator": accumulator}
                accumulator = body_fn(Frame(context, Frame({"index": index}, frame)))
            return accumulator

        return Node.dynamic(reduce_scoped)
    if _reads_whole_context(args[1]):

        def reduce_fresh(data: Any) -> Any:
            accumulator = initial_fn(data)
            items = source_fn(data)
            if items is None:
                return accumulator
            for item in _items(items, "reduce", null_is_empty=True):
                accumulator = body_fn({"current": item, "accumulator": accumulator})
            return accumulator

        return Node.dynamic(reduce_fresh)

    def reduce_items(data: Any) -> Any:
        accumulator = initial_fn(data)
        items = source_fn(data)
        if items.__class__ is not list:
            if items is None:
                return accumulator
            items = _items(items, "reduce", null_is_empty=True)
        context = {"current": None, "accumulator": None}
        for item in items:
            context["current"] = item
            context["accumulator"] = accumulator
            accumulator = body_fn(context)
        return accumulator

    return Node.dynamic(reduce_items)


def _quantifier(op: str) -> Builder:
    """Builder for ``all``/``some``/``none``; the array must be an array (``null`` is an error)."""

    def build(c: Compiler, raw: Any) -> Node:
        source, body = _parts(c, op, raw, body_required=False)
        source_fn = source.fn
        if c.scoped:
            run = _framed(body.fn)

            def quantify_scoped(frame: Frame) -> bool:
                items = _items(source_fn(frame), op, null_is_empty=False)
                hits = (truthy(run(frame, index, item)) for index, item in enumerate(items))
                if op == "all":
                    return bool(items) and all(hits)
                found = any(hits)
                return found if op == "some" else not found

            return Node.dynamic(quantify_scoped, is_bool=True)
        test = _as_test(body)
        if op == "all":

            def all_items(data: Any) -> bool:
                items = source_fn(data)
                if items.__class__ is not list:
                    items = _items(items, op, null_is_empty=False)
                return bool(items) and all(map(test, items))

            return Node.dynamic(all_items, is_bool=True)
        if op == "some":

            def some_items(data: Any) -> bool:
                items = source_fn(data)
                if items.__class__ is not list:
                    items = _items(items, op, null_is_empty=False)
                return any(map(test, items))

            return Node.dynamic(some_items, is_bool=True)

        def no_items(data: Any) -> bool:
            items = source_fn(data)
            if items.__class__ is not list:
                items = _items(items, op, null_is_empty=False)
            return not any(map(test, items))

        return Node.dynamic(no_items, is_bool=True)

    return build


BUILDERS: dict[str, Builder] = {
    "map": build_map,
    "filter": build_filter,
    "reduce": build_reduce,
    "all": _quantifier("all"),
    "some": _quantifier("some"),
    "none": _quantifier("none"),
}
