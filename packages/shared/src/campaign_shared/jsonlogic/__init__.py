"""Compiled JSON Logic evaluator used by the rules engine, the API and the scheduler.

``compile(rule)`` turns a rule into nested Python closures once (no ``eval``), cached by the
rule's canonical hash; ``apply(rule, data)`` is ``compile(rule)(data)``. The standard
operators and the community extensions (``val``, ``exists``, ``??``, ``try``/``throw``,
iterator scopes) pass the community conformance suites. Domain operators plug in through
:class:`OperatorRegistry`; ``evaluate_with_trace`` explains an evaluation for the UI.
"""

from .api import CACHE_SIZE, apply, cache_info, clear_cache, compile, evaluate_with_trace
from .cache import CacheInfo
from .canonical import canonical_hash, canonical_json
from .coercion import truthy
from .errors import (
    InvalidArgumentsError,
    InvalidRuleError,
    JsonLogicError,
    NaNError,
    OperatorError,
    RuleLimitError,
    RuleTooDeepError,
    RuleTooLargeError,
    ThrownError,
    UnknownOperatorError,
)
from .limits import MAX_DEPTH, MAX_NODES
from .nodes import Evaluator
from .registry import CustomOperator, OperatorRegistry, default_registry, register_operator
from .trace import TraceNode

__all__ = [
    "CACHE_SIZE",
    "MAX_DEPTH",
    "MAX_NODES",
    "CacheInfo",
    "CustomOperator",
    "Evaluator",
    "InvalidArgumentsError",
    "InvalidRuleError",
    "JsonLogicError",
    "NaNError",
    "OperatorError",
    "OperatorRegistry",
    "RuleLimitError",
    "RuleTooDeepError",
    "RuleTooLargeError",
    "ThrownError",
    "TraceNode",
    "UnknownOperatorError",
    "apply",
    "cache_info",
    "canonical_hash",
    "canonical_json",
    "clear_cache",
    "compile",
    "default_registry",
    "evaluate_with_trace",
    "register_operator",
    "truthy",
]
