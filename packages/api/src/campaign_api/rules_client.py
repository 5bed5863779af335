"""The API's client of the rules engine: one gRPC channel per process, a deadline on every call, a
circuit breaker, and local evaluation with the same shared evaluator when the engine cannot answer.

What counts as an engine failure (opens the breaker, answers from the fallback): the transport
failing (connection refused or reset, stream terminated), the deadline passing, or a gRPC status that
means the engine is unwell (UNAVAILABLE, INTERNAL, ...). A rule error is an answer (``ok=false``), and
a caller error (INVALID_ARGUMENT, ...) is raised: neither says anything about the engine's health.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Final, Literal, TypeVar

from grpclib.client import Channel
from grpclib.const import Status
from grpclib.exceptions import GRPCError, ProtocolError, StreamTerminatedError
from grpclib.health.v1.health_grpc import HealthStub
from grpclib.health.v1.health_pb2 import HealthCheckRequest, HealthCheckResponse
from loguru import logger
from prometheus_client import Counter, Gauge

from campaign_api import read_dependencies
from campaign_api.circuit_breaker import BreakerState, CircuitBreaker
from campaign_shared.grpc import rules_v1
from campaign_shared.grpc.evaluation import evaluate
from campaign_shared.rules_operators import install as install_domain_operators
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
    cached: bool = False
    """The engine answered from its result cache."""


@dataclass(frozen=True, slots=True)
class ConditionRequest:
    """One condition of a (campaign, branch) with the facts its context builder fetched."""

    campaign_id: str
    branch_id: str
    condition_id: str
    expression: Any
    context: Any
    explain: bool = False
    bypass_cache: bool = False

    def to_proto(self) -> rules_v1.EvaluateConditionRequest:
        return rules_v1.EvaluateConditionRequest(
            campaign_id=self.campaign_id,
            branch_id=self.branch_id,
            condition_id=self.condition_id,
            expression_json=json.dumps(self.expression),
            context_json="" if self.context is None else json.dumps(self.context),
            explain=self.explain,
            bypass_cache=self.bypass_cache,
        )


class EngineUnavailable(Exception):
    """The engine could not answer a call that has no local fallback (graph RPCs)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the rules engine is unavailable ({reason})")
        self.reason = reason


T = TypeVar("T")
MAX_BATCH: Final = 10_000
"""The engine's limit of conditions per EvaluateConditions call; larger batches are split."""


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
        install_domain_operators()  # the fallback evaluates entity, inside, daysSince ... like the engine

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

    async def evaluate_conditions(self, requests: Sequence[ConditionRequest]) -> list[Evaluation]:
        """Evaluate conditions in the engine (cached there) in batches; locally when it cannot answer.

        Same breaker and deadline as :meth:`evaluate_expression`; results come back in request order.
        """
        results: list[Evaluation] = []
        for start in range(0, len(requests), MAX_BATCH):
            chunk = requests[start : start + MAX_BATCH]
            message = rules_v1.EvaluateConditionsRequest(conditions=[item.to_proto() for item in chunk])
            reply = await self.call(partial(self.stub.evaluate_conditions, message, timeout=self.timeout_s))
            if isinstance(reply, str):
                FALLBACKS.labels(reply).inc()
                results.extend(
                    _evaluation(evaluate(item.expression, item.context, explain=item.explain), "fallback", reply)
                    for item in chunk
                )
            else:
                results.extend(_evaluation(result, "engine") for result in reply.results)
        return results

    async def call(self, send: Callable[[], Awaitable[T]]) -> T | str:
        """One engine call under the breaker and deadline: the reply, or why the engine could not answer.

        A caller error (INVALID_ARGUMENT, NOT_FOUND, ...) is raised: it says nothing about the engine's health.
        """
        if not self.breaker.allow():
            return "breaker_open"
        try:
            reply = await send()
        except GRPCError as exc:
            if exc.status not in ENGINE_FAILURE_STATUSES:
                self.breaker.record_success()
                ENGINE_CALLS.labels("rejected").inc()
                raise
            return self._failure(f"grpc_{exc.status.name.lower()}")
        except TimeoutError:
            return self._failure("timeout")
        except _TRANSPORT_ERRORS:
            return self._failure("unavailable")
        except BaseException:
            self.breaker.release()
            raise
        self.breaker.record_success()
        ENGINE_CALLS.labels("ok").inc()
        return reply

    async def require(self, send: Callable[[], Awaitable[T]]) -> T:
        """:meth:`call` for RPCs without a local fallback: raises :class:`EngineUnavailable` instead."""
        reply = await self.call(send)
        if isinstance(reply, str):
            raise EngineUnavailable(reply)
        return reply

    def _failure(self, reason: str) -> str:
        self.breaker.record_failure()
        ENGINE_CALLS.labels("failed").inc()
        return reason

    def _failed(self, expression: Any, data: Any, explain: bool, reason: str) -> Evaluation:
        self.breaker.record_failure()
        ENGINE_CALLS.labels("failed").inc()
        return self._fallback(expression, data, explain, reason)

    def _fallback(self, expression: Any, data: Any, explain: bool, reason: str) -> Evaluation:
        FALLBACKS.labels(reason).inc()
        read_dependencies.forbid()  # a degraded answer must not outlive the engine's outage
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
        cached=reply.cached,
    )
