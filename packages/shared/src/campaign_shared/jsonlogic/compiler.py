"""Turns a (canonical, private) rule tree into nested closures, once.

Each operator has a *builder* ``(compiler, raw_args) -> Node`` in :mod:`.operators`. Builders
compile their arguments through :meth:`Compiler.sub`, look at what is known at compile time
(constants, boolean results, literal argument arrays) and return the cheapest closure for
that shape. Sub-trees that only depend on constants are folded to constants here, so they
cost nothing at evaluation time; sub-trees that always fail stay lazy and raise when reached.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import InvalidArgumentsError, JsonLogicError, NaNError, UnknownOperatorError
from .nodes import Evaluator, Frame, Node
from .operators.custom import build_custom
from .trace import traced

if TYPE_CHECKING:
    from .registry import OperatorRegistry

Builder = Callable[["Compiler", Any], Node]
"""Compiles one operator: receives the compiler and the operator's raw (uncompiled) arguments."""


class Compiler:
    """Compilation state for one rule: operator tables and the calling convention in use.

    ``scoped`` is decided per rule before compiling (:func:`needs_scopes`): only rules that
    climb iterator scopes (``{"val": [[n], ...]}``) or call domain operators reading the root
    data pay for passing :class:`Frame` objects instead of plain data.
    ``trace`` wraps every operator closure in a recorder; the fast mode never sees it.
    """

    def __init__(
        self,
        builtins: dict[str, Builder],
        registry: OperatorRegistry | None,
        *,
        scoped: bool = False,
        trace: bool = False,
    ) -> None:
        self.builtins = builtins
        self.registry = registry
        self.scoped = scoped
        self.trace = trace

    # -- entry points -------------------------------------------------------------------

    def compile_root(self, rule: Any) -> Evaluator:
        """Compile a whole rule into the callable handed to users: ``fn(data) -> value``."""
        node = self.sub(rule)
        fn = node.fn
        if not self.scoped or node.is_const:
            return fn

        def root(data: Any) -> Any:
            return fn(Frame(data, None))

        return root

    def sub(self, raw: Any) -> Node:
        """Compile one sub-expression (operator object, array of expressions, or literal)."""
        cls = raw.__class__
        if cls is dict:
            if len(raw) != 1:
                return Node.const(raw)
            ((op, args),) = raw.items()
            node = self._operator(op, args)
            if self.trace:
                node = traced(op, args, node)
            return node
        if cls is list:
            return self._array(raw)
        return Node.const(raw)

    def _operator(self, op: str, args: Any) -> Node:
        builder = self.builtins.get(op)
        if builder is not None:
            return builder(self, args)
        custom = self.registry.get(op) if self.registry is not None else None
        if custom is None:
            raise UnknownOperatorError(f"unknown operator {op!r}")
        return build_custom(self, custom, args)

    def _array(self, raw: list[Any]) -> Node:
        nodes = [self.sub(item) for item in raw]
        if all(node.is_const for node in nodes):
            return Node.const([node.value for node in nodes])
        fns = tuple(node.fn for node in nodes)

        def array(data: Any) -> Any:
            return [fn(data) for fn in fns]

        return Node.dynamic(array)

    # -- helpers for builders ---------------------------------------------------------------

    @staticmethod
    def require_list(op: str, raw: Any) -> list[Any]:
        """Arguments of lazy operators must be a literal array (they decide what to evaluate)."""
        if raw.__class__ is not list:
            raise InvalidArgumentsError(f"{op!r} needs a literal array of arguments")
        return raw  # type: ignore[no-any-return]

    @staticmethod
    def loose(raw: Any) -> list[Any]:
        """Arguments where a lone non-array value is sugar for a one-element array."""
        return raw if raw.__class__ is list else [raw]  # type: ignore[no-any-return]

    def compile_all(self, raws: list[Any]) -> list[Node]:
        """Compile each raw argument."""
        return [self.sub(item) for item in raws]

    def spread(self, raw: Any) -> list[Node] | Node:
        """Arguments of variadic data operators (``+``, ``cat``, ``max``, ...).

        A literal array gives one node per argument. A single operator object is evaluated
        and, when it yields an array, that array *is* the argument list (``{"+": {"var":
        "xs"}}`` sums ``xs``); the dynamic case returns that one node for the builder.
        """
        if raw.__class__ is list:
            return self.compile_all(raw)
        if raw.__class__ is dict and len(raw) == 1:
            node = self.sub(raw)
            if not node.is_const:
                return node
            value = node.value
            items = value if value.__class__ is list else [value]
            return [Node.const(item) for item in items]
        return [self.sub(raw)]

    @staticmethod
    def fold(compute: Callable[[], Any]) -> Node:
        """Evaluate a constant sub-tree now; if it fails, keep the failure for evaluation time."""
        try:
            return Node.const(compute())
        except JsonLogicError as error:
            return Node.failing(error)
        except OverflowError as error:
            return Node.failing(NaNError(f"number out of range: {error}"))


def needs_scopes(rule: Any, context_operators: frozenset[str] = frozenset()) -> bool:
    """Whether a rule must be compiled with :class:`Frame` chains instead of plain data.

    That is when it can climb iterator scopes (``val`` with a leading ``[level]`` element or
    a computed path), or calls a domain operator that reads the evaluation's root data.
    """
    stack = [rule]
    while stack:
        item = stack.pop()
        if item.__class__ is list:
            stack.extend(item)
        elif item.__class__ is dict:
            if len(item) == 1:
                ((op, args),) = item.items()
                if op in context_operators:
                    return True
                if op == "val" and _climbs(args):
                    return True
            stack.extend(item.values())
    return False


def _climbs(args: Any) -> bool:
    if args.__class__ is dict:
        return True
    return args.__class__ is list and any(arg.__class__ in (list, dict) for arg in args)
