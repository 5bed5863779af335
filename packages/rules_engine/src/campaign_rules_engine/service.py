"""The gRPC RulesEngine service: JSON Logic evaluation with the shared compiled evaluator."""

from __future__ import annotations

import json
import time
from typing import Any

from campaign_rules_engine.metrics import EVALUATION_SECONDS, EVALUATIONS
from campaign_shared import jsonlogic
from campaign_shared.grpc import rules_v1


def _error(kind: str, message: str, started_ns: int) -> rules_v1.EvaluationResult:
    return rules_v1.EvaluationResult(
        ok=False,
        error=rules_v1.EvaluationError(type=kind, message=message[:500]),
        duration_us=(time.perf_counter_ns() - started_ns) // 1000,
    )


def _load_json(text: str, what: str) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError as exc:
        raise ValueError(f"{what} is not valid JSON: {exc}") from exc


class RulesEngineService(rules_v1.RulesEngineBase):
    """Evaluation is pure and synchronous; errors are results (ok=false), never gRPC failures."""

    async def evaluate_expression(
        self, message: rules_v1.EvaluateExpressionRequest
    ) -> rules_v1.EvaluationResult:
        started = time.perf_counter_ns()
        try:
            rule = _load_json(message.expression_json, "expression_json")
            data = _load_json(message.data_json, "data_json")
        except ValueError as exc:
            EVALUATIONS.labels("EvaluateExpression", "invalid_json").inc()
            return _error("INVALID_JSON", str(exc), started)
        trace_json = ""
        try:
            if message.explain:
                value, trace = jsonlogic.evaluate_with_trace(rule, data)
                trace_json = json.dumps(trace, allow_nan=False, default=str)
            else:
                value = jsonlogic.compile(rule)(data)
            value_json = json.dumps(value, allow_nan=False)
        except jsonlogic.JsonLogicError as exc:
            EVALUATIONS.labels("EvaluateExpression", "rule_error").inc()
            return _error(str(exc.type), str(exc), started)
        except (TypeError, ValueError) as exc:
            EVALUATIONS.labels("EvaluateExpression", "unserialisable").inc()
            return _error("NaN" if "nan" in str(exc).lower() else "INVALID_RESULT", str(exc), started)
        elapsed_ns = time.perf_counter_ns() - started
        EVALUATIONS.labels("EvaluateExpression", "ok").inc()
        EVALUATION_SECONDS.labels("EvaluateExpression").observe(elapsed_ns / 1e9)
        return rules_v1.EvaluationResult(
            ok=True, value_json=value_json, trace_json=trace_json, duration_us=elapsed_ns // 1000
        )
