"""Extension point for domain operators (``inside``, ``distance``, ``daysSince``, ...).

Domain operators are plain synchronous functions of JSON values. They are registered in an
:class:`OperatorRegistry` and picked up by ``compile(rule, operators=registry)``; the module
level :func:`register_operator` adds to :data:`default_registry`, which ``compile`` uses when
no registry is given. Registries carry a version token that is part of the compile-cache key,
so registering or replacing an operator never serves a rule compiled against the old table.
"""

from __future__ import annotations

import inspect
import itertools
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from .operators import BUILTIN_NAMES

F = TypeVar("F", bound=Callable[..., Any])

_serials = itertools.count(1)


@dataclass(frozen=True, slots=True)
class CustomOperator:
    """A registered operator.

    ``needs_context``: the function receives the evaluation's root data as its first argument
    (also inside iterators), so it can read facts the context builder prefetched.
    ``pure``: same arguments give the same result, so constant calls may be folded at
    compile time (set ``False`` for anything that reads the clock or other state).
    """

    name: str
    fn: Callable[..., Any]
    needs_context: bool = False
    pure: bool = True


class OperatorRegistry:
    """A named set of domain operators that compiled rules may call."""

    def __init__(self) -> None:
        self._operators: dict[str, CustomOperator] = {}
        self._lock = threading.Lock()
        self._serial = next(_serials)
        self._version = 0

    @property
    def token(self) -> tuple[int, int]:
        """Identifies this registry's current contents (used in compile-cache keys)."""
        return self._serial, self._version

    def register(
        self,
        name: str,
        fn: Callable[..., Any],
        *,
        needs_context: bool = False,
        pure: bool = True,
        replace: bool = False,
    ) -> CustomOperator:
        """Add ``fn`` as operator ``name``; built-in names are reserved."""
        if not isinstance(name, str) or not name:
            raise ValueError("operator name must be a non-empty string")
        if name in BUILTIN_NAMES:
            raise ValueError(f"{name!r} is a built-in JSON Logic operator and cannot be replaced")
        if not callable(fn):
            raise TypeError(f"operator {name!r} must be callable")
        if inspect.iscoroutinefunction(fn) or inspect.isasyncgenfunction(fn):
            raise TypeError(f"operator {name!r} must be synchronous: evaluation never awaits")
        operator = CustomOperator(name, fn, needs_context=needs_context, pure=pure)
        with self._lock:
            if name in self._operators and not replace:
                raise ValueError(f"operator {name!r} is already registered (pass replace=True)")
            self._operators[name] = operator
            self._version += 1
        return operator

    def operator(self, name: str, *, needs_context: bool = False, pure: bool = True) -> Callable[[F], F]:
        """Decorator form of :meth:`register`."""

        def decorate(fn: F) -> F:
            self.register(name, fn, needs_context=needs_context, pure=pure)
            return fn

        return decorate

    def unregister(self, name: str) -> None:
        """Remove operator ``name`` (rules using it then fail with "Unknown Operator")."""
        with self._lock:
            del self._operators[name]
            self._version += 1

    def context_operators(self) -> frozenset[str]:
        """Names of operators registered with ``needs_context=True``."""
        return frozenset(name for name, op in self._operators.items() if op.needs_context)

    def get(self, name: str) -> CustomOperator | None:
        """The operator called ``name``, if registered."""
        return self._operators.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._operators

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._operators))

    def __len__(self) -> int:
        return len(self._operators)


default_registry = OperatorRegistry()
"""Operators available to every ``compile``/``apply`` call that does not pass its own registry."""


def register_operator(
    name: str,
    fn: Callable[..., Any],
    *,
    needs_context: bool = False,
    pure: bool = True,
    replace: bool = False,
) -> CustomOperator:
    """Register ``fn`` as ``name`` in :data:`default_registry`."""
    return default_registry.register(name, fn, needs_context=needs_context, pure=pure, replace=replace)
