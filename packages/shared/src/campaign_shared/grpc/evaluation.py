"""Evaluate a rule into an `EvaluationResult` message: the one mapping the engine and the API share.

The rules engine answers with it over gRPC and the API builds the same message when it evaluates
locally (engine down or circuit open), so a value, a trace or an error type never depends on who
evaluated. Rule errors are results (``ok=false`` with the evaluator's error ``type``), never
exceptions.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any, Final

from campaign_shared import jsonlogic
from campaign_shared.grpc.generated.campaign.rules import v1 as rules_v1

INVALID_JSON: Final = "INVALID_JSON"
INVALID_REQUEST: Final = "INVALID_REQUEST"
INVALID_RESULT: Final = "INVALID_RESULT"
NAN: Final = "NaN"
_MAX_MESSAGE = 500


class JsonInputError(ValueError):
    """A request field that should hold JSON text does not."""


def parse_json(text: str, what: str) -> Any:
    """JSON text of a request field; empty text means ``null``."""
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise JsonInputError(f"{what} is not valid JSON: {exc}") from exc


def error_result(kind: str, message: str, started_ns: int) -> rules_v1.EvaluationResult:
    """A failed evaluation, timed from ``started_ns`` (a ``perf_counter_ns`` reading)."""
    return rules_v1.EvaluationResult(
        ok=False,
        error=rules_v1.EvaluationError(type=kind, message=message[:_MAX_MESSAGE]),
        duration_us=(time.perf_counter_ns() - started_ns) // 1000,
    )


def evaluate(rule: Any, data: Any, *, explain: bool, started_ns: int | None = None) -> rules_v1.EvaluationResult:
    """Evaluate ``rule`` on ``data`` with the shared compiled evaluator (a trace when ``explain``)."""
    started = time.perf_counter_ns() if started_ns is None else started_ns
    trace_json = ""
    try:
        if explain:
            value, trace = jsonlogic.evaluate_with_trace(rule, data)
            trace_json = _trace_json(trace)
        else:
            value = jsonlogic.compile(rule)(data)
        value_json = json.dumps(value, allow_nan=False)
    except jsonlogic.JsonLogicError as exc:
        result = error_result(str(exc.type), str(exc), started)
        if explain and isinstance(exc.trace, jsonlogic.TraceNode):
            result.trace_json = _trace_json(exc.trace)
        return result
    except (TypeError, ValueError) as exc:
        return error_result(NAN if "nan" in str(exc).lower() else INVALID_RESULT, str(exc), started)
    return rules_v1.EvaluationResult(
        ok=True,
        value_json=value_json,
        trace_json=trace_json,
        duration_us=(time.perf_counter_ns() - started) // 1000,
    )


def _trace_json(trace: jsonlogic.TraceNode) -> str:
    """A trace may hold an intermediate NaN/Infinity the final value never shows: spell those as text."""
    tree = trace.to_dict()
    try:
        return json.dumps(tree, allow_nan=False, default=str)
    except ValueError:
        return json.dumps(_finite(tree), allow_nan=False, default=str)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, list):
        return [_finite(item) for item in value]
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    return value


def evaluate_json(expression_json: str, data_json: str, *, explain: bool) -> rules_v1.EvaluationResult:
    """:func:`evaluate` for JSON text fields (an unparsable field is an ``INVALID_JSON`` result)."""
    started = time.perf_counter_ns()
    try:
        rule = parse_json(expression_json, "expression_json")
        data = parse_json(data_json, "data_json")
    except JsonInputError as exc:
        return error_result(INVALID_JSON, str(exc), started)
    return evaluate(rule, data, explain=explain, started_ns=started)
