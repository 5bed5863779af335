"""Explain traces: every operator's arguments and value, for the rule editor UI.

Tracing is a separate compile mode: each operator closure is wrapped in a recorder, so the
normal compiled rules carry no bookkeeping at all. Recording goes through a context
variable, which keeps concurrent traced evaluations (threads or tasks) apart.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from .errors import JsonLogicError
from .nodes import Evaluator, Node


@dataclass(slots=True)
class TraceNode:
    """One evaluated operator: its raw arguments, its value (or error) and its sub-operators.

    Operators inside iterator bodies appear once per item; constant literals are not
    recorded (they are visible in ``args``).
    """

    op: str
    args: Any
    value: Any = None
    error: str | None = None
    children: list[TraceNode] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"op", "args", "value" | "error", "children"}``."""
        out: dict[str, Any] = {"op": self.op, "args": self.args}
        if self.error is not None:
            out["error"] = self.error
        else:
            out["value"] = self.value
        out["children"] = [child.to_dict() for child in self.children]
        return out


_active: ContextVar[list[TraceNode] | None] = ContextVar("jsonlogic_trace", default=None)


def traced(op: str, args: Any, node: Node) -> Node:
    """Wrap an operator's node so each evaluation appends a :class:`TraceNode`."""
    inner = node.fn

    def record(data: Any) -> Any:
        siblings = _active.get()
        entry = TraceNode(op, args)
        if siblings is not None:
            siblings.append(entry)
        token = _active.set(entry.children)
        try:
            value = inner(data)
        except JsonLogicError as error:
            entry.error = error.type
            raise
        finally:
            _active.reset(token)
        entry.value = value
        return value

    return Node.dynamic(record, is_bool=node.is_bool)


def run_traced(fn: Evaluator, rule: Any, data: Any) -> tuple[Any, TraceNode]:
    """Evaluate a trace-mode rule; on failure the error gets a ``trace`` attribute."""
    roots: list[TraceNode] = []
    token = _active.set(roots)
    try:
        value = fn(data)
    except JsonLogicError as error:
        error.trace = _root(rule, roots, None, error.type)
        raise
    finally:
        _active.reset(token)
    return value, _root(rule, roots, value, None)


def _root(rule: Any, roots: list[TraceNode], value: Any, error: str | None) -> TraceNode:
    if rule.__class__ is dict and len(rule) == 1 and len(roots) == 1:
        return roots[0]
    return TraceNode("literal", rule, value, error, roots)
