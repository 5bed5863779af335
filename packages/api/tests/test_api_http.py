"""The API over HTTP against the running stack (real PostGIS, Redis, S3 and rules engine)."""

from __future__ import annotations

import httpx
import pytest

from campaign_shared.settings import DEV_SCHEDULER_TOKEN
from devstack import StackHandle


@pytest.fixture
def client(stack: StackHandle) -> httpx.Client:
    return httpx.Client(base_url=stack.api_url, timeout=10)


def test_live(client: httpx.Client) -> None:
    response = client.get("/health/live")
    assert response.status_code == 200 and response.json() == {"status": "alive"}


def test_ready_lists_every_dependency_ok(client: httpx.Client) -> None:
    for path in ("/health", "/health/ready"):
        response = client.get(path)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "ready" and body["failing"] == []
        assert [c["name"] for c in body["checks"]] == ["database", "redis", "s3", "rules_engine"]
        assert all(c["ok"] and c["error"] is None for c in body["checks"])


def test_metrics_are_prometheus_text(client: httpx.Client) -> None:
    client.get("/health/live")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert "campaign_api_requests_total" in response.text


def test_request_id_is_echoed_or_generated(client: httpx.Client) -> None:
    assert client.get("/health/live", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
    generated = client.get("/health/live", headers={"X-Request-ID": "bad id with spaces"}).headers["x-request-id"]
    assert generated != "bad id with spaces" and len(generated) == 32


#: the stack runs with the development service token (a signed-in principal for evaluateExpression)
SERVICE = {"Authorization": f"Bearer {DEV_SCHEDULER_TOKEN}"}


def gql(client: httpx.Client, query: str, variables: dict[str, object] | None = None) -> dict[str, object]:
    response = client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=SERVICE)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_graphql_server_info(client: httpx.Client) -> None:
    body = gql(client, "{ serverInfo { version environment serverTime } }")
    assert body["data"]["serverInfo"]["environment"] == "test"  # type: ignore[index]


def test_graphql_evaluates_through_the_rules_engine(client: httpx.Client) -> None:
    query = """query($e: JSON!, $d: JSON) { evaluateExpression(expression: $e, data: $d, explain: true) {
        ok value trace errorType source durationUs } }"""
    body = gql(
        client,
        query,
        {"e": {"*": [{"var": "settlement.population"}, 2]}, "d": {"settlement": {"population": 21}}},
    )
    result = body["data"]["evaluateExpression"]  # type: ignore[index]
    assert result["ok"] is True and result["value"] == 42 and result["source"] == "engine"
    assert result["trace"] is not None
    body = gql(client, query, {"e": {"bogus_op": []}})
    result = body["data"]["evaluateExpression"]  # type: ignore[index]
    assert result["ok"] is False and result["errorType"]


def test_graphql_errors_have_stable_codes(client: httpx.Client) -> None:
    body = gql(client, "{ noSuchField }")
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"  # type: ignore[index]
    deep = "{ serverInfo { version } " + "".join(f"a{i}: serverInfo {{ version }} " for i in range(40)) + "}"
    body = gql(client, deep)
    assert "errors" in body


def test_malformed_requests_are_4xx_not_5xx(client: httpx.Client) -> None:
    assert (
        client.post("/graphql", content=b"{not json", headers={"content-type": "application/json"}).status_code == 400
    )
    assert client.post("/graphql", json={"query": 12}).status_code == 400
    too_big = b"x" * (11 * 1024 * 1024)
    assert client.post("/graphql", content=too_big, headers={"content-type": "application/json"}).status_code == 413


def test_evaluate_expression_needs_a_signed_in_caller(client: httpx.Client) -> None:
    request = {"query": "query($e: JSON!) { evaluateExpression(expression: $e) { ok } }", "variables": {"e": True}}
    body = client.post("/graphql", json=request).json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    bad = client.post("/graphql", json=request, headers={"Authorization": "Bearer not-a-token"}).json()
    assert bad["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
