"""Control flow and boolean logic: ``if``/``?:``, ``and``, ``or``, ``!``, ``!!``, ``??``.

All of these are lazy, so they take literal argument arrays. Constant conditions are
resolved at compile time (dead branches disappear), and conditions known to produce a
``bool`` skip the general truthiness test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from campaign_shared.jsonlogic.coercion import truthy
from campaign_shared.jsonlogic.nodes import Node

if TYPE_CHECKING:
    from campaign_shared.jsonlogic.compiler import Builder, Compiler


def _if_chain(nodes: list[Node]) -> tuple[list[tuple[Node, Node]], Node]:
    """Split ``[c1, t1, c2, t2, ..., else?]`` into live (cond, then) pairs and the else node."""
    pairs: list[tuple[Node, Node]] = []
    index = 0
    while index + 1 < len(nodes):
        cond, then = nodes[index], nodes[index + 1]
        index += 2
        if cond.is_const:
            if truthy(cond.value):
                return pairs, then
            continue
        pairs.append((cond, then))
    otherwise = nodes[index] if index < len(nodes) else Node.const(None)
    return pairs, otherwise


def build_if(c: Compiler, raw: Any) -> Node:
    """``{"if": [cond, then, cond2, then2, ..., else]}``: the first truthy condition's branch."""
    pairs, otherwise = _if_chain(c.compile_all(c.require_list("if", raw)))
    if not pairs:
        return otherwise
    is_bool = otherwise.is_bool and all(then.is_bool for _, then in pairs)
    if len(pairs) == 1:
        return Node.dynamic(_if_one(pairs[0][0], pairs[0][1], otherwise), is_bool=is_bool)
    steps = tuple((cond.fn, cond.is_bool, then.fn) for cond, then in pairs)
    else_fn = otherwise.fn

    def if_chain(data: Any) -> Any:
        for cond_fn, cond_is_bool, then_fn in steps:
            if cond_fn(data) if cond_is_bool else truthy(cond_fn(data)):
                return then_fn(data)
        return else_fn(data)

    return Node.dynamic(if_chain, is_bool=is_bool)


def _if_one(cond: Node, then: Node, otherwise: Node) -> Any:
    cond_fn, then_fn, else_fn = cond.fn, then.fn, otherwise.fn
    if then.is_immutable_const and otherwise.is_immutable_const:
        then_value, else_value = then.value, otherwise.value
        if cond.is_bool:

            def if_bool_consts(data: Any) -> Any:
                return then_value if cond_fn(data) else else_value

            return if_bool_consts

        def if_consts(data: Any) -> Any:
            return then_value if truthy(cond_fn(data)) else else_value

        return if_consts
    if cond.is_bool:

        def if_bool(data: Any) -> Any:
            return then_fn(data) if cond_fn(data) else else_fn(data)

        return if_bool

    def if_any(data: Any) -> Any:
        return then_fn(data) if truthy(cond_fn(data)) else else_fn(data)

    return if_any


def _fold_and(nodes: list[Node]) -> list[Node]:
    """Drop constant truthy operands that cannot be the result; stop at a constant falsy one."""
    kept: list[Node] = []
    for position, node in enumerate(nodes):
        last = position == len(nodes) - 1
        if node.is_const:
            if not truthy(node.value):
                kept.append(node)
                break
            if not last:
                continue
        kept.append(node)
    return kept


def _fold_or(nodes: list[Node]) -> list[Node]:
    """Drop constant falsy operands that cannot be the result; stop at a constant truthy one."""
    kept: list[Node] = []
    for position, node in enumerate(nodes):
        last = position == len(nodes) - 1
        if node.is_const:
            if truthy(node.value):
                kept.append(node)
                break
            if not last:
                continue
        kept.append(node)
    return kept


def build_and(c: Compiler, raw: Any) -> Node:
    """``{"and": [...]}``: the first falsy value, else the last value (``false`` when empty)."""
    nodes = _fold_and(c.compile_all(c.require_list("and", raw)))
    if not nodes:
        return Node.const(False)
    if len(nodes) == 1:
        return nodes[0]
    is_bool = all(node.is_bool for node in nodes)
    if len(nodes) == 2:
        first, second = nodes
        a, b = first.fn, second.fn
        if first.is_bool:

            def and_bool(data: Any) -> Any:
                return a(data) and b(data)

            return Node.dynamic(and_bool, is_bool=is_bool)

        def and_two(data: Any) -> Any:
            value = a(data)
            return b(data) if truthy(value) else value

        return Node.dynamic(and_two, is_bool=is_bool)
    head = tuple((node.fn, node.is_bool) for node in nodes[:-1])
    last_fn = nodes[-1].fn

    def and_many(data: Any) -> Any:
        for fn, fn_is_bool in head:
            value = fn(data)
            if not (value if fn_is_bool else truthy(value)):
                return value
        return last_fn(data)

    return Node.dynamic(and_many, is_bool=is_bool)


def build_or(c: Compiler, raw: Any) -> Node:
    """``{"or": [...]}``: the first truthy value, else the last value (``false`` when empty)."""
    nodes = _fold_or(c.compile_all(c.require_list("or", raw)))
    if not nodes:
        return Node.const(False)
    if len(nodes) == 1:
        return nodes[0]
    is_bool = all(node.is_bool for node in nodes)
    if len(nodes) == 2:
        first, second = nodes
        a, b = first.fn, second.fn
        if first.is_bool:

            def or_bool(data: Any) -> Any:
                return a(data) or b(data)

            return Node.dynamic(or_bool, is_bool=is_bool)

        def or_two(data: Any) -> Any:
            value = a(data)
            return value if truthy(value) else b(data)

        return Node.dynamic(or_two, is_bool=is_bool)
    head = tuple((node.fn, node.is_bool) for node in nodes[:-1])
    last_fn = nodes[-1].fn

    def or_many(data: Any) -> Any:
        for fn, fn_is_bool in head:
            value = fn(data)
            if value if fn_is_bool else truthy(value):
                return value
        return last_fn(data)

    return Node.dynamic(or_many, is_bool=is_bool)


def build_not(c: Compiler, raw: Any) -> Node:
    """``{"!": x}``: boolean negation of the first argument's truthiness."""
    args = c.loose(raw)
    if not args:
        return Node.const(True)
    node = c.sub(args[0])
    if node.is_const:
        return Node.const(not truthy(node.value))
    fn = node.fn
    if node.is_bool:

        def not_bool(data: Any) -> bool:
            return not fn(data)

        return Node.dynamic(not_bool, is_bool=True)

    def not_any(data: Any) -> bool:
        return not truthy(fn(data))

    return Node.dynamic(not_any, is_bool=True)


def build_bool(c: Compiler, raw: Any) -> Node:
    """``{"!!": x}``: the first argument's truthiness as a ``bool``."""
    args = c.loose(raw)
    if not args:
        return Node.const(False)
    node = c.sub(args[0])
    if node.is_const:
        return Node.const(truthy(node.value))
    if node.is_bool:
        return node
    fn = node.fn

    def to_bool(data: Any) -> bool:
        return truthy(fn(data))

    return Node.dynamic(to_bool, is_bool=True)


def build_coalesce(c: Compiler, raw: Any) -> Node:
    """``{"??": [...]}``: the first non-null value, evaluated lazily (``null`` when none)."""
    kept: list[Node] = []
    for node in c.compile_all(c.loose(raw)):
        if node.is_const:
            if node.value is None:
                continue
            kept.append(node)
            break
        kept.append(node)
    if not kept:
        return Node.const(None)
    if len(kept) == 1:
        return kept[0]
    if len(kept) == 2:
        a, b = kept[0].fn, kept[1].fn

        def coalesce_two(data: Any) -> Any:
            value = a(data)
            return b(data) if value is None else value

        return Node.dynamic(coalesce_two)
    fns = tuple(node.fn for node in kept)

    def coalesce(data: Any) -> Any:
        for fn in fns:
            value = fn(data)
            if value is not None:
                return value
        return None

    return Node.dynamic(coalesce)


BUILDERS: dict[str, Builder] = {
    "if": build_if,
    "?:": build_if,
    "and": build_and,
    "or": build_or,
    "!": build_not,
    "!!": build_bool,
    "??": build_coalesce,
}
