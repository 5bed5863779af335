"""Error types raised while compiling or evaluating JSON Logic rules.

Every error carries a ``type`` string because that is what rules see: ``try`` hands the
failing error to its fallback as ``{"type": ...}`` and the community suites judge errors
by that string ("NaN", "Invalid Arguments", a thrown value, ...).
"""

from __future__ import annotations

from typing import Any, Self


class JsonLogicError(Exception):
    """Base of every evaluator error; ``type`` names the error class as rules see it."""

    type: str = "Error"
    trace: Any = None
    """Set by ``evaluate_with_trace`` to the partial :class:`~.trace.TraceNode` of the failure."""

    def __init__(self, message: str | None = None, *, type: str | None = None, value: Any = None) -> None:
        if type is not None:
            self.type = type
        self.value = value
        super().__init__(message if message is not None else self.type)

    @property
    def error_object(self) -> Any:
        """The value a ``try`` fallback receives as its context."""
        return self.value if self.value is not None else {"type": self.type}

    def clone(self) -> Self:
        """A fresh copy, so a pre-computed error can be raised many times without sharing tracebacks."""
        copy = type(self).__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.args = self.args
        return copy


class NaNError(JsonLogicError):
    """A value could not be turned into a number, or arithmetic has no numeric result."""

    type = "NaN"


class InvalidArgumentsError(JsonLogicError):
    """An operator got arguments of the wrong shape (count, literal array expected, ...)."""

    type = "Invalid Arguments"


class UnknownOperatorError(JsonLogicError):
    """The rule uses an operator that is neither built in nor registered."""

    type = "Unknown Operator"


class InvalidRuleError(JsonLogicError):
    """The rule is not a JSON value (NaN, non-string keys, cycles, foreign objects)."""

    type = "Invalid Rule"


class RuleLimitError(JsonLogicError):
    """The rule exceeds a compile-time bound; rules are user input, so size is capped."""

    type = "Rule Limit Exceeded"


class RuleTooDeepError(RuleLimitError):
    """The rule nests deeper than the configured maximum depth."""

    type = "Rule Too Deep"


class RuleTooLargeError(RuleLimitError):
    """The rule has more nodes than the configured maximum size."""

    type = "Rule Too Large"


class ThrownError(JsonLogicError):
    """Raised by the ``throw`` operator; ``type`` is the thrown type, ``value`` the thrown object."""

    type = "Thrown"


class OperatorError(JsonLogicError):
    """A registered domain operator failed with a non-JSON-Logic exception."""

    type = "Operator Error"
