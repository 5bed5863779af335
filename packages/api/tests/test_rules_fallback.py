"""The API's rules client when the engine is down: deadline, circuit breaker, local fallback.

First the client against real sockets (a closed port, a port that accepts but never answers, an
in-process engine), then the whole stack: the engine process is stopped, `evaluateExpression` over
GraphQL answers from the fallback, the breaker opens (visible in the API's /metrics), and after the
engine is back and the cool-down (RulesEngineClient's default, 5 s) has passed it closes again.
"""

from __future__ import annotations

import asyncio
import re
import socket
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from campaign_api.circuit_breaker import BreakerState
from campaign_api.rules_client import DEFAULT_RESET_TIMEOUT_S, RulesEngineClient
from campaign_rules_engine.server import RulesEngineRuntime
from campaign_shared.settings import (
    DEV_SCHEDULER_TOKEN,
    RedisSettings,
    RulesEngineClientSettings,
    RulesEngineSettings,
    Settings,
)
from devstack import StackHandle, free_port

RULE = {"if": [{">=": [{"var": "party.level"}, 5]}, "ready", "not yet"]}
DATA = {"party": {"level": 6}}


def client_for(port: int, **breaker: Any) -> RulesEngineClient:
    return RulesEngineClient(RulesEngineClientSettings(host="127.0.0.1", port=port, timeout_ms=300), **breaker)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts TCP connections and never answers (a hung engine)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield server.getsockname()[1]


@pytest.fixture(scope="module")
async def engine(test_redis_url: str) -> AsyncIterator[RulesEngineRuntime]:
    settings = Settings(
        redis=RedisSettings(url=test_redis_url, channel_prefix=f"test-fallback-{free_port()}"),
        rules_engine=RulesEngineSettings(grpc_port=free_port(), http_port=free_port()),
    )
    runtime = RulesEngineRuntime(settings)
    await runtime.start()
    yield runtime
    await runtime.stop()


async def test_engine_down_answers_from_the_fallback_and_opens_the_breaker() -> None:
    client = client_for(free_port(), failure_threshold=3, reset_timeout_s=60)
    try:
        for _ in range(3):
            result = await client.evaluate_expression(RULE, DATA)
            assert result.ok and result.value == "ready"
            assert result.source == "fallback" and result.fallback_reason == "unavailable"
        assert client.breaker.state is BreakerState.OPEN
        result = await client.evaluate_expression(RULE, DATA, explain=True)
        assert result.fallback_reason == "breaker_open" and result.trace["op"] == "if"
    finally:
        client.close()


async def test_the_deadline_bounds_a_hung_engine(silent_port: int) -> None:
    client = client_for(silent_port)
    try:
        started = time.monotonic()
        result = await client.evaluate_expression(RULE, DATA)
        assert time.monotonic() - started < 2
        assert result.source == "fallback" and result.fallback_reason == "timeout" and result.value == "ready"
    finally:
        client.close()


async def test_fallback_and_engine_give_the_same_answers(engine: RulesEngineRuntime) -> None:
    up = client_for(engine.settings.rules_engine.grpc_port)
    down = client_for(free_port())
    try:
        for rule, data in [
            (RULE, DATA),
            ({"/": [1, 0]}, None),
            ({"throw": "Dragon"}, None),
            ({"bogus": []}, None),
            ({"map": [{"var": "xs"}, {"*": [{"var": ""}, 2]}]}, {"xs": [1, 2.5]}),
        ]:
            a = await up.evaluate_expression(rule, data, explain=True)
            b = await down.evaluate_expression(rule, data, explain=True)
            assert a.source == "engine" and b.source == "fallback"
            assert (a.ok, a.value, a.error_type, a.trace) == (b.ok, b.value, b.error_type, b.trace)
    finally:
        up.close()
        down.close()


async def test_rule_errors_are_not_failures(engine: RulesEngineRuntime) -> None:
    client = client_for(engine.settings.rules_engine.grpc_port, failure_threshold=2)
    try:
        for _ in range(5):
            result = await client.evaluate_expression({"throw": "Nope"}, None)
            assert not result.ok and result.source == "engine"
        assert client.breaker.state is BreakerState.CLOSED and client.breaker.consecutive_failures == 0
    finally:
        client.close()


async def test_breaker_closes_when_the_engine_comes_back(test_redis_url: str) -> None:
    port = free_port()
    client = client_for(port, failure_threshold=2, reset_timeout_s=0.2)
    settings = Settings(
        redis=RedisSettings(url=test_redis_url, channel_prefix=f"test-fallback-{free_port()}"),
        rules_engine=RulesEngineSettings(grpc_port=port, http_port=free_port()),
    )
    runtime = RulesEngineRuntime(settings)
    try:
        for _ in range(2):
            assert (await client.evaluate_expression(RULE, DATA)).source == "fallback"
        assert client.breaker.state is BreakerState.OPEN
        await runtime.start()
        await asyncio.sleep(0.25)
        result = await client.evaluate_expression(RULE, DATA)
        assert result.source == "engine" and result.value == "ready"
        assert client.breaker.state is BreakerState.CLOSED
    finally:
        client.close()
        await runtime.stop()


# -- the whole stack ---------------------------------------------------------------------------

#: the stack runs with the development service token; evaluateExpression needs a signed-in caller
SERVICE = {"Authorization": f"Bearer {DEV_SCHEDULER_TOKEN}"}
QUERY = """query($e: JSON!, $d: JSON) {
  evaluateExpression(expression: $e, data: $d) { ok value source fallbackReason errorType }
}"""


def evaluate(http: httpx.Client, rule: Any = RULE, data: Any = DATA) -> dict[str, Any]:
    response = http.post("/graphql", json={"query": QUERY, "variables": {"e": rule, "d": data}}, headers=SERVICE)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["evaluateExpression"]  # type: ignore[no-any-return]


def breaker_metrics(http: httpx.Client) -> dict[str, float]:
    text = http.get("/metrics").text
    found = re.findall(r'^campaign_api_rules_engine_breaker_state\{state="(\w+)"\} (\S+)$', text, re.MULTILINE)
    return {state: float(value) for state, value in found}


def fallbacks(http: httpx.Client, reason: str) -> float:
    text = http.get("/metrics").text
    pattern = rf'^campaign_api_rules_engine_fallbacks_total\{{reason="{reason}"\}} (\S+)$'
    match = re.search(pattern, text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


@pytest.mark.stack
def test_engine_outage_falls_back_opens_and_recovers(stack: StackHandle) -> None:
    engine = stack.process("rules-engine")
    with httpx.Client(base_url=stack.api_url, timeout=15) as http:
        assert evaluate(http)["source"] == "engine"
        assert breaker_metrics(http).get("closed") == 1.0
        engine.stop()
        try:
            first = evaluate(http)
            assert first == {
                "ok": True,
                "value": "ready",
                "source": "fallback",
                "fallbackReason": "unavailable",
                "errorType": None,
            }
            bad = evaluate(http, {"throw": "Broken"}, None)  # rule errors still come back as results
            assert bad["ok"] is False and bad["errorType"] == "Broken" and bad["source"] == "fallback"
            for _ in range(5):
                evaluate(http)
            assert breaker_metrics(http) == {"closed": 0.0, "open": 1.0, "half_open": 0.0}
            open_before = fallbacks(http, "breaker_open")
            result = evaluate(http)
            assert result["source"] == "fallback" and result["fallbackReason"] == "breaker_open"
            assert fallbacks(http, "breaker_open") == open_before + 1
        finally:
            engine.start()
            engine.wait_http(f"http://127.0.0.1:{stack.ports.rules_http}/health/ready", timeout=60)
        opened_at = time.monotonic()
        deadline = opened_at + DEFAULT_RESET_TIMEOUT_S + 20
        while (result := evaluate(http))["source"] != "engine":
            assert result["fallbackReason"] in {"breaker_open", "unavailable"}
            assert time.monotonic() < deadline, "the breaker never closed after the engine came back"
            time.sleep(0.25)
        assert result["value"] == "ready" and result["fallbackReason"] is None
        assert breaker_metrics(http) == {"closed": 1.0, "open": 0.0, "half_open": 0.0}
