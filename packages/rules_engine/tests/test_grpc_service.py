"""The rules engine over a real loopback socket: inline evaluation, gRPC health, HTTP health and metrics."""

from __future__ import annotations

import json

import httpx
from grpclib.client import Channel
from grpclib.health.v1.health_grpc import HealthStub
from grpclib.health.v1.health_pb2 import HealthCheckRequest, HealthCheckResponse

from campaign_rules_engine.server import RulesEngineRuntime
from campaign_shared.grpc import rules_v1


async def _evaluate(
    channel: Channel, rule: object, data: object = None, explain: bool = False
) -> rules_v1.EvaluationResult:
    stub = rules_v1.RulesEngineStub(channel)
    request = rules_v1.EvaluateExpressionRequest(
        expression_json=json.dumps(rule), data_json="" if data is None else json.dumps(data), explain=explain
    )
    return await stub.evaluate_expression(request, timeout=5)


async def test_evaluates_inline_expression(channel: Channel) -> None:
    reply = await _evaluate(
        channel, {"if": [{">=": [{"var": "party.level"}, 5]}, "ready", "not yet"]}, {"party": {"level": 6}}
    )
    assert reply.ok and json.loads(reply.value_json) == "ready"
    reply = await _evaluate(channel, {"+": [1, {"var": "x"}]}, {"x": 2.5})
    assert json.loads(reply.value_json) == 3.5


async def test_null_result_and_trace(channel: Channel) -> None:
    reply = await _evaluate(channel, {"var": "missing"}, {})
    assert reply.ok and reply.value_json == "null"
    reply = await _evaluate(channel, {"and": [True, {"==": [1, 1]}]}, {}, explain=True)
    assert reply.ok and json.loads(reply.value_json) is True
    trace = json.loads(reply.trace_json)
    assert trace["op"] == "and" and trace["value"] is True and trace["children"][0]["op"] == "=="


async def test_rule_errors_are_results_not_failures(channel: Channel) -> None:
    reply = await _evaluate(channel, {"no_such_operator": [1]})
    assert not reply.ok and reply.error is not None and reply.error.type
    reply = await _evaluate(channel, {"throw": "Boom"})
    assert not reply.ok and reply.error is not None and "Boom" in reply.error.type


async def test_invalid_json_is_reported(channel: Channel) -> None:
    stub = rules_v1.RulesEngineStub(channel)
    reply = await stub.evaluate_expression(rules_v1.EvaluateExpressionRequest(expression_json="{not json"))
    assert not reply.ok and reply.error is not None and reply.error.type == "INVALID_JSON"


async def test_standard_grpc_health(channel: Channel) -> None:
    health = HealthStub(channel)
    for service in ("", "campaign.rules.v1.RulesEngine"):
        reply = await health.Check(HealthCheckRequest(service=service), timeout=5)
        assert reply.status == HealthCheckResponse.SERVING


async def test_http_health_and_metrics(runtime: RulesEngineRuntime, channel: Channel) -> None:
    await _evaluate(channel, {"==": [1, 1]})
    base = f"http://127.0.0.1:{runtime.settings.rules_engine.http_port}"
    async with httpx.AsyncClient(base_url=base) as client:
        assert (await client.get("/health/live")).json() == {"status": "alive"}
        ready = await client.get("/health/ready")
        assert ready.status_code == 200, ready.text
        assert {c["name"] for c in ready.json()["checks"]} == {"grpc", "redis", "invalidations"}
        metrics = (await client.get("/metrics")).text
        assert 'rules_engine_evaluations_total{outcome="ok",rpc="EvaluateExpression"}' in metrics
        for name in (
            "cache_hits_total",
            "cache_misses_total",
            "cache_entries",
            "invalidation_subscriber_connected",
        ):
            assert f"rules_engine_{name}" in metrics
