"""String operators: ``cat`` (concatenate as JavaScript strings) and ``substr``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from campaign_shared.jsonlogic.coercion import js_int, to_js_string
from campaign_shared.jsonlogic.errors import InvalidArgumentsError
from campaign_shared.jsonlogic.nodes import Node, spread_value

if TYPE_CHECKING:
    from campaign_shared.jsonlogic.compiler import Builder, Compiler


def _piece(value: Any) -> str:
    return value if value.__class__ is str else "" if value is None else to_js_string(value)


def cat_values(values: list[Any]) -> str:
    """Concatenate operands; ``null`` contributes nothing, numbers print as JavaScript does."""
    return "".join([_piece(value) for value in values])


def build_cat(c: Compiler, raw: Any) -> Node:
    """``{"cat": [a, b, ...]}``."""
    args = c.spread(raw)
    if isinstance(args, Node):
        dynamic_fn = args.fn

        def cat_spread(data: Any) -> str:
            return cat_values(spread_value(dynamic_fn(data)))

        return Node.dynamic(cat_spread)
    if all(node.is_const for node in args):
        values = [node.value for node in args]
        return c.fold(lambda: cat_values(values))
    if len(args) == 2:
        a, b = args[0].fn, args[1].fn

        def cat_two(data: Any) -> str:
            x = a(data)
            y = b(data)
            if x.__class__ is str and y.__class__ is str:
                return x + y  # type: ignore[no-any-return]
            return _piece(x) + _piece(y)

        return Node.dynamic(cat_two)
    fns = tuple(node.fn for node in args)

    def cat(data: Any) -> str:
        parts = [fn(data) for fn in fns]
        try:
            return "".join(parts)
        except TypeError:
            return cat_values(parts)

    return Node.dynamic(cat)


def substring(source: Any, start: Any, length: Any = None) -> str:
    """JavaScript ``substr``: negative start counts from the end, negative length trims the end."""
    text = _piece(source)
    size = len(text)
    begin = js_int(start)
    if begin < 0:
        begin = max(size + begin, 0)
    if length is None:
        return text[begin:]
    count = js_int(length)
    end = size + count if count < 0 else begin + count
    return text[begin:end] if end > begin else ""


def build_substr(c: Compiler, raw: Any) -> Node:
    """``{"substr": [string, start, length?]}``."""
    args = c.loose(raw)
    if not args or len(args) > 3:
        raise InvalidArgumentsError("'substr' needs [string, start, length?]")
    nodes = c.compile_all(args)
    if all(node.is_const for node in nodes):
        values = [node.value for node in nodes]
        return c.fold(lambda: substring(*values) if len(values) > 1 else substring(values[0], 0))
    fns = tuple(node.fn for node in nodes)
    if len(fns) == 1:
        (only,) = fns

        def substr_all(data: Any) -> str:
            return substring(only(data), 0)

        return Node.dynamic(substr_all)

    def substr(data: Any) -> str:
        return substring(*[fn(data) for fn in fns])

    return Node.dynamic(substr)


BUILDERS: dict[str, Builder] = {
    "cat": build_cat,
    "substr": build_substr,
}
