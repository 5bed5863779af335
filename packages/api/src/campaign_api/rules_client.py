"""The API's client of the rules engine: one gRPC channel per process, a deadline on every call, a
circuit breaker, and local evaluation with the same shared evaluator when the engine cannot answer.

What counts as an engine failure (opens the breaker, answers from the fallback): the transport
failing (connection refused or reset, stream terminated), the deadline passing, or a gRPC status that
means the engine is unwell (UNAVAILABLE, INTERNAL, ...). A rule error is an answer (``ok=false``), and
a caller error (INVALID_ARGUMENT, ...) is raised: neither says anything about the engine's health.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final, Literal

from grpclib.client import Channel
from grpclib.const import Status
from grpclib.exceptions import GRPCError, ProtocolError, StreamTerminatedError
from grpclib.health.v1.health_grpc import HealthStub
from grpclib.health.v1.health_pb2 import HealthCheckRequest, HealthCheckResponse
from loguru import logger
from prometheus_client import Counter, Gauge

from campaign_api.circuit_breaker import BreakerState, CircuitBreaker
from campaign_shared.grpc import rules_v1
from campaign_shared.grpc.evaluation import evaluate
from campaign_shared.settings import RulesEngineClientSettings

SERVICE_NAME = "campaign.rules.v1.RulesEngine"
DEFAULT_FAILURE_THRESHOLD: Final = 5
DEFAULT_RESET_TIMEOUT_S: Final = 5.0
"""Cool-down before a trial call. Short on purpose: a fallback answer is cheap and correct, so the
engine should get its traffic back soon after a restart (and tests can watch it close)."""

ENGINE_FAILURE_STATUSES: Final = frozenset(
    {
        Status.UNAVAILABLE,
        Status.DEADLINE_EXCEEDED,
        Status.INTERNAL,
        Status.UNKNOWN,
        Status.RESOURCE_EXHAUSTED,
        Status.ABORTED,
        Status.CANCELLED,
        Status.UNIMPLEMENTED,
        Status.DATA_LOSS,
    }
)
_TRANSPORT_ERRORS = (OSError, TimeoutError, StreamTerminatedError, ProtocolError)

BREAKER_STATE = Gauge(
    "campaign_api_rules_engine_breaker_state",
    "Circuit breaker in front of the rules engine: 1 for the current state",
    ["state"],
)
BREAKER_TRANSITIONS = Counter(
    "campaign_api_rules_engine_breaker_transitions_total", "Circuit breaker state changes", ["to"]
)
FALLBACKS = Counter(
    "campaign_api_rules_engine_fallbacks_total",
    "Evaluations answered locally instead of by the rules engine, by reason",
    ["reason"],
)
ENGINE_CALLS = Counter("campaign_api_rules_engine_calls_total", "Calls to the rules engine, by outcome", ["outcome"])


@dataclass(frozen=True, slots=True)
class Evaluation:
    ok: bool
    value: Any
    trace: Any
    error_type: str | None
    error_message: str | None
    duration_us: int
    source: Literal["engine", "fallback"]
    fallback_reason: str | None = None
    """Why the engine did not answer (``breaker_open``, ``unavailable``, ``timeout``, ...)."""


def _show_state(previous: BreakerState, state: BreakerState) -> None:
    for candidate in BreakerState:
        BREAKER_STATE.labels(candidate.value).set(1 if candidate is state else 0)
    BREAKER_TRANSITIONS.labels(state.value).inc()
    log = logger.warning if state is BreakerState.OPEN else logger.info
    log("rules engine circuit breaker {} -> {}", previous.value, state.value)


class RulesEngineClient:
    def __init__(
        self,
        settings: RulesEngineClientSettings,
        *,
        failure_threshold: int = DEFAULT_FAILURE_THRESHOLD,
        reset_timeout_s: float = DEFAULT_RESET_TIMEOUT_S,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.settings = settings
        self.channel = Channel(settings.host, settings.port)
        self.stub = rules_v1.RulesEngineStub(self.channel)
        self._health = HealthStub(self.channel)
        self.breaker = breaker or CircuitBreaker(
            failure_threshold=failure_threshold, reset_timeout_s=reset_timeout_s, on_state_change=_show_state
        )
        for candidate in BreakerState:
            BREAKER_STATE.labels(candidate.value).set(1 if candidate is self.breaker.state else 0)

    @property
    def timeout_s(self) -> float:
        return self.settings.timeout_ms / 1000

    async def check_health(self, timeout_s: float | None = None) -> None:
        """Standard gRPC health check of the RulesEngine service; raises unless SERVING."""
        reply = await self._health.Check(HealthCheckRequest(service=SERVICE_NAME), timeout=timeout_s or self.timeout_s)
        if reply.status != HealthCheckResponse.SERVING:
            raise RuntimeError(f"rules engine reports {HealthCheckResponse.ServingStatus.Name(reply.status)}")

    async def evaluate_expression(self, expression: Any, data: Any, *, explain: bool = False) -> Evaluation:
        """Evaluate in the engine, or locally when it is down or the breaker is open (never raises then)."""
        if not self.breaker.allow():
            return self._fallback(expression, data, explain, "breaker_open")
        request = rules_v1.EvaluateExpressionRequest(
            expression_json=json.dumps(expression),
            data_json="" if data is None else json.dumps(data),
            explain=explain,
        )
        try:
            reply = await self.stub.evaluate_expression(request, timeout=self.timeout_s)
        except GRPCError as exc:
            if exc.status not in ENGINE_FAILURE_STATUSES:
                self.breaker.record_success()  # the engine is fine; the request was wrong
                ENGINE_CALLS.labels("rejected").inc()
                raise
            return self._failed(expression, data, explain, f"grpc_{exc.status.name.lower()}")
        except TimeoutError:
            return self._failed(expression, data, explain, "timeout")
        except _TRANSPORT_ERRORS:
            return self._failed(expression, data, explain, "unavailable")
        except BaseException:
            self.breaker.release()
            raise
        self.breaker.record_success()
        ENGINE_CALLS.labels("ok").inc()
        return _evaluation(reply, "engine")

    def _failed(self, expression: Any, data: Any, explain: bool, reason: str) -> Evaluation:
        self.breaker.record_failure()
        ENGINE_CALLS.labels("failed").inc()
        return self._fallback(expression, data, explain, reason)

    def _fallback(self, expression: Any, data: Any, explain: bool, reason: str) -> Evaluation:
        FALLBACKS.labels(reason).inc()
        return _evaluation(evaluate(expression, data, explain=explain), "fallback", reason)

    def close(self) -> None:
        self.channel.close()


def _evaluation(
    reply: rules_v1.EvaluationResult, source: Literal["engine", "fallback"], reason: str | None = None
) -> Evaluation:
    return Evaluation(
        ok=reply.ok,
        value=json.loads(reply.value_json) if reply.ok and reply.value_json else None,
        trace=json.loads(reply.trace_json) if reply.trace_json else None,
        error_type=reply.error.type if reply.error else None,
        error_message=reply.error.message if reply.error else None,
        duration_us=reply.duration_us,
        source=source,
        fallback_reason=reason,
    )
