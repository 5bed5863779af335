"""Error handling and helpers: ``try``, ``throw``, ``preserve``, ``log``."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from campaign_shared.jsonlogic.coercion import to_js_string
from campaign_shared.jsonlogic.errors import JsonLogicError, ThrownError
from campaign_shared.jsonlogic.nodes import Frame, Node

if TYPE_CHECKING:
    from campaign_shared.jsonlogic.compiler import Builder, Compiler

logger = logging.getLogger("campaign_shared.jsonlogic")


def thrown(value: Any) -> ThrownError:
    """The error for ``{"throw": value}``: objects keep their ``type``, scalars become it."""
    if value.__class__ is dict and "type" in value:
        kind = value["type"]
        return ThrownError(type=kind if kind.__class__ is str else to_js_string(kind), value=value)
    kind = value if value.__class__ is str else to_js_string(value)
    return ThrownError(type=kind, value={"type": kind})


def build_try(c: Compiler, raw: Any) -> Node:
    """``{"try": [a, b, ...]}``: the first operand that does not fail.

    Each fallback runs with the previous error object (``{"type": ...}`` or the thrown
    object) as its data, so ``{"val": "type"}`` inspects the failure; when every operand
    fails, the last error propagates.
    """
    nodes = c.compile_all(c.loose(raw))
    if not nodes:
        return Node.const(None)
    if nodes[0].is_const or len(nodes) == 1:
        return nodes[0]
    first, fallbacks = nodes[0].fn, tuple(node.fn for node in nodes[1:])
    scoped = c.scoped

    def attempt(data: Any) -> Any:
        try:
            return first(data)
        except JsonLogicError as error:
            failure = error
        for fallback in fallbacks:
            context = failure.error_object
            scope = Frame(context, Frame(context, data)) if scoped else context
            try:
                return fallback(scope)
            except JsonLogicError as error:
                failure = error
        raise failure

    return Node.dynamic(attempt)


def build_throw(c: Compiler, raw: Any) -> Node:
    """``{"throw": value}``: raise an error whose ``type`` is the value (or its ``type`` key)."""
    args = c.loose(raw)
    node = c.sub(args[0]) if args else Node.const(None)
    fn = node.fn

    def throw(data: Any) -> Any:
        raise thrown(fn(data))

    return Node.dynamic(throw)


def build_preserve(c: Compiler, raw: Any) -> Node:
    """``{"preserve": value}``: the value itself, never interpreted as logic."""
    return Node.const(raw)


def build_log(c: Compiler, raw: Any) -> Node:
    """``{"log": value}``: the value, also emitted on the ``campaign_shared.jsonlogic`` logger."""
    args = c.loose(raw)
    node = c.sub(args[0]) if args else Node.const(None)
    fn = node.fn

    def log(data: Any) -> Any:
        value = fn(data)
        logger.debug("jsonlogic log: %r", value)
        return value

    return Node.dynamic(log)


BUILDERS: dict[str, Builder] = {
    "try": build_try,
    "throw": build_throw,
    "preserve": build_preserve,
    "log": build_log,
}
