"""The scheduler ↔ API contract, checked without running anything: job names and keys agree on both
sides, every GraphQL document the scheduler sends is valid against the API's schema, and the API client's
retries and circuit breaker behave as configured."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from graphql import parse, validate

from campaign_api import jobs as api_jobs
from campaign_api.db.models import WORLD_JOB_KINDS
from campaign_api.graphql.schema import build_schema
from campaign_scheduler import contract
from campaign_scheduler.api_client import DOCUMENTS, ApiClient, ApiError, ApiUnavailable
from campaign_scheduler.breaker import BreakerOpen, CircuitBreaker, State
from campaign_scheduler.jobs import FUNCTIONS
from campaign_shared.settings import SchedulerSettings


def test_both_sides_name_the_due_work_job_the_same() -> None:
    assert api_jobs.DUE_WORK_FUNCTION == contract.DUE_WORK_FUNCTION
    assert contract.DUE_WORK_FUNCTION in {f.__name__ for f in FUNCTIONS}
    assert api_jobs.DUE_WORK_KINDS == contract.DUE_WORK_KINDS == WORLD_JOB_KINDS
    assert api_jobs.due_work_key("b", "GROWTH", 42) == contract.due_work_key("b", "GROWTH", 42)
    settings = SchedulerSettings(QUEUE_MAX_RETRIES=3, QUEUE_RETRY_BACKOFF_MS=5000)
    assert api_jobs.job_options(settings) == contract.job_options(settings)
    assert contract.job_options(settings)["retries"] == 4 and contract.job_options(settings)["retry_delay"] == 5.0


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_scheduler_document_is_valid_against_the_api_schema(name: str) -> None:
    schema = build_schema(introspection=True)._schema
    assert validate(schema, parse(DOCUMENTS[name])) == []


def test_the_kind_enum_matches_the_watermark_kinds() -> None:
    schema = build_schema(introspection=True)._schema
    assert tuple(schema.get_type("WorldJobKind").values) == WORLD_JOB_KINDS  # type: ignore[union-attr]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_fails_fast_half_opens_and_closes() -> None:
    clock = Clock()
    breaker = CircuitBreaker(2, 10, name="test", clock=clock)
    breaker.before_call()
    breaker.failure()
    assert breaker.current() is State.CLOSED
    breaker.failure()
    assert breaker.current() is State.OPEN
    with pytest.raises(BreakerOpen):
        breaker.before_call()
    clock.now = 10.5
    breaker.before_call()  # the one trial call
    assert breaker.current() is State.HALF_OPEN
    with pytest.raises(BreakerOpen):
        breaker.before_call()  # while the trial is in flight
    breaker.failure()
    assert breaker.current() is State.OPEN
    clock.now = 21
    breaker.before_call()
    breaker.success()
    assert breaker.current() is State.CLOSED


def _client(handler: Any, threshold: int = 2) -> ApiClient:
    settings = SchedulerSettings(API_URL="http://api.test/graphql", API_CIRCUIT_BREAKER_THRESHOLD=threshold)
    return ApiClient(settings, "token-123", transport=httpx.MockTransport(handler))


async def test_client_sends_the_token_and_retries_server_errors() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) < 3:
            return httpx.Response(503, text="starting")
        body = json.loads(request.content)
        assert body["variables"] == {"branchId": "b1", "upTo": 7, "kinds": ["GROWTH"]}
        return httpx.Response(
            200,
            json={
                "data": {"processDueWork": {"branchId": "b1", "processedToSeconds": 7.0, "changeCount": 2, "spans": []}}
            },
        )

    client = _client(handler)
    try:
        result = await client.process_due_work("b1", 7, ["GROWTH"])
    finally:
        await client.aclose()
    assert result["changeCount"] == 2 and len(calls) == 3
    assert calls[0].headers["authorization"] == "Bearer token-123"
    assert client.breaker.current() is State.CLOSED


async def test_client_breaker_opens_on_unavailable_api_but_not_on_graphql_errors() -> None:
    mode = {"down": False}

    def handler(request: httpx.Request) -> httpx.Response:
        if mode["down"]:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, json={"errors": [{"message": "nope", "extensions": {"code": "NOT_FOUND"}}]})

    client = _client(handler, threshold=2)
    try:
        for _ in range(3):
            with pytest.raises(ApiError) as err:
                await client.branches()
            assert err.value.code == "NOT_FOUND"
        assert client.breaker.current() is State.CLOSED
        mode["down"] = True
        for _ in range(2):
            with pytest.raises(ApiUnavailable):
                await client.branches()
        assert client.breaker.current() is State.OPEN
        with pytest.raises(BreakerOpen):
            await client.branches()
    finally:
        await client.aclose()
