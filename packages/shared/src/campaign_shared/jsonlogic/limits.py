"""Compile-time bounds on rule size: rules are user input and compile into nested closures."""

from __future__ import annotations

from typing import Any, Final

from .errors import InvalidRuleError, RuleTooDeepError, RuleTooLargeError

MAX_DEPTH: Final = 64
"""Deepest allowed nesting of arrays/objects in a rule (the root is depth 1)."""

MAX_NODES: Final = 10_000
"""Most JSON values (containers and scalars) a rule may contain."""

MAX_SAFE_INTEGER: Final = 2**53
"""Largest integer literal accepted (I-JSON's interoperable range; JSON Logic numbers are doubles)."""


def check_limits(rule: Any, *, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> None:
    """Raise :class:`RuleTooDeepError` / :class:`RuleTooLargeError` for oversized rules.

    Iterative, so a hostile rule cannot exhaust the Python stack while being measured.
    Integer literals beyond :data:`MAX_SAFE_INTEGER` are rejected as :class:`InvalidRuleError`:
    they are not exact in JSON Logic and could overflow float arithmetic.
    """
    count = 0
    stack: list[tuple[Any, int]] = [(rule, 1)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > max_nodes:
            raise RuleTooLargeError(f"rule has more than {max_nodes} nodes")
        if depth > max_depth:
            raise RuleTooDeepError(f"rule nests deeper than {max_depth} levels")
        cls = value.__class__
        if cls is list:
            stack.extend((item, depth + 1) for item in value)
        elif cls is dict:
            stack.extend((item, depth + 1) for item in value.values())
        elif cls is int and not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise InvalidRuleError("integer literal outside the safe range of +/-2**53")
