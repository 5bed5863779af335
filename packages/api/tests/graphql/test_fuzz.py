"""Fuzzing the running API with schema-generated queries and mutations (hypothesis-graphql).

A fixed budget of random but schema-valid operations, sent as a GM of a real campaign: the API must
never answer 5xx nor an INTERNAL_SERVER_ERROR code, whatever the arguments.
"""

from __future__ import annotations

from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

from campaign_api.graphql.schema import build_schema

SCHEMA = build_schema(introspection=True).as_str()
SCALARS = {
    "WorldTime": st.one_of(
        st.integers(-(2**40), 2**40).map(nodes.Int),
        st.sampled_from(["1200-03-01", "1200-13-40", "", "not a time", "4 Emberfall 1207 KR"]).map(nodes.String),
    ),
    "JSON": st.one_of(st.integers().map(nodes.Int), st.text(max_size=20).map(nodes.String), st.just(nodes.Null)),
    "GeoJSON": st.just(nodes.Null),
    "DateTime": st.just(nodes.String("2026-01-01T00:00:00+00:00")),
}
BUDGET = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def _check(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    body = response.json()
    for error in body.get("errors") or []:
        assert error.get("extensions", {}).get("code") != "INTERNAL_SERVER_ERROR", (error, body)


def test_fuzzed_queries_never_fail_on_the_server(table: Any, http: httpx.Client) -> None:
    headers = {"Authorization": f"Bearer {table.gm.token}"}

    @BUDGET
    @given(query=queries(SCHEMA, custom_scalars=SCALARS))
    def run(query: str) -> None:
        _check(http.post("/graphql", json={"query": query}, headers=headers))

    run()


def test_fuzzed_mutations_never_fail_on_the_server(table: Any, http: httpx.Client) -> None:
    headers = {"Authorization": f"Bearer {table.gm.token}"}
    allowed = [
        m
        for m in build_schema(introspection=True)._schema.mutation_type.fields  # type: ignore[union-attr]
        if m not in {"removeMember", "updateMemberRole"}
    ]

    @BUDGET
    @given(query=mutations(SCHEMA, custom_scalars=SCALARS, fields=allowed))
    def run(query: str) -> None:
        _check(http.post("/graphql", json={"query": query}, headers=headers))

    run()
