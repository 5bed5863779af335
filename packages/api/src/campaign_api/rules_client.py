"""The API's client of the rules engine: one gRPC channel per process, every call with a deadline."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from grpclib.client import Channel
from grpclib.health.v1.health_grpc import HealthStub
from grpclib.health.v1.health_pb2 import HealthCheckRequest, HealthCheckResponse

from campaign_shared.grpc import rules_v1
from campaign_shared.settings import RulesEngineClientSettings

SERVICE_NAME = "campaign.rules.v1.RulesEngine"


@dataclass(frozen=True, slots=True)
class Evaluation:
    ok: bool
    value: Any
    trace: Any
    error_type: str | None
    error_message: str | None
    duration_us: int
    source: str  # "engine" now; "fallback" once the local evaluator backs the engine up


class RulesEngineClient:
    def __init__(self, settings: RulesEngineClientSettings) -> None:
        self.settings = settings
        self.channel = Channel(settings.host, settings.port)
        self.stub = rules_v1.RulesEngineStub(self.channel)
        self._health = HealthStub(self.channel)

    @property
    def timeout_s(self) -> float:
        return self.settings.timeout_ms / 1000

    async def check_health(self, timeout_s: float | None = None) -> None:
        """Standard gRPC health check of the RulesEngine service; raises unless SERVING."""
        reply = await self._health.Check(
            HealthCheckRequest(service=SERVICE_NAME), timeout=timeout_s or self.timeout_s
        )
        if reply.status != HealthCheckResponse.SERVING:
            raise RuntimeError(f"rules engine reports {HealthCheckResponse.ServingStatus.Name(reply.status)}")

    async def evaluate_expression(self, expression: Any, data: Any, *, explain: bool = False) -> Evaluation:
        request = rules_v1.EvaluateExpressionRequest(
            expression_json=json.dumps(expression),
            data_json="" if data is None else json.dumps(data),
            explain=explain,
        )
        reply = await self.stub.evaluate_expression(request, timeout=self.timeout_s)
        return Evaluation(
            ok=reply.ok,
            value=json.loads(reply.value_json) if reply.ok and reply.value_json else None,
            trace=json.loads(reply.trace_json) if reply.trace_json else None,
            error_type=reply.error.type if reply.error else None,
            error_message=reply.error.message if reply.error else None,
            duration_us=reply.duration_us,
            source="engine",
        )

    def close(self) -> None:
        self.channel.close()
