"""Calls to domain operators registered in an :class:`~..registry.OperatorRegistry`.

Arguments are evaluated eagerly and passed positionally. Operators registered with
``needs_context=True`` also receive the evaluation's root data first, so they can read facts
the context builder prefetched (evaluation itself never does I/O); rules using them are
compiled with scope frames, which keeps the root reachable inside iterators. Pure operators
whose arguments are all constant are evaluated once, at compile time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from campaign_shared.jsonlogic.errors import JsonLogicError, OperatorError
from campaign_shared.jsonlogic.nodes import Frame, Node

if TYPE_CHECKING:
    from campaign_shared.jsonlogic.compiler import Compiler
    from campaign_shared.jsonlogic.registry import CustomOperator


def guarded(operator: CustomOperator) -> Callable[..., Any]:
    """The operator function with foreign exceptions turned into :class:`OperatorError`."""
    fn, name = operator.fn, operator.name

    def call(*args: Any) -> Any:
        try:
            return fn(*args)
        except JsonLogicError:
            raise
        except Exception as error:
            raise OperatorError(f"operator {name!r} failed: {error}") from error

    return call


def build_custom(c: Compiler, operator: CustomOperator, raw: Any) -> Node:
    """Compile ``{name: args}`` for a registered operator."""
    nodes = c.compile_all(c.loose(raw))
    call = guarded(operator)
    if operator.pure and not operator.needs_context and all(node.is_const for node in nodes):
        values = [node.value for node in nodes]
        return c.fold(lambda: call(*values))
    fns = tuple(node.fn for node in nodes)
    if operator.needs_context:

        def call_with_context(frame: Frame) -> Any:
            root = frame
            while root.parent is not None:
                root = root.parent
            return call(root.value, *[fn(frame) for fn in fns])

        return Node.dynamic(call_with_context)
    if len(fns) == 1:
        (a,) = fns

        def call_one(data: Any) -> Any:
            return call(a(data))

        return Node.dynamic(call_one)
    if len(fns) == 2:
        a, b = fns

        def call_two(data: Any) -> Any:
            return call(a(data), b(data))

        return Node.dynamic(call_two)

    def call_many(data: Any) -> Any:
        return call(*[fn(data) for fn in fns])

    return Node.dynamic(call_many)
