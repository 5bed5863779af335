"""Rate limits, a constant number of SQL statements per list query, and the map-layer cache."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx

from devstack import StackHandle


def _metric(http: httpx.Client, name: str, labels: str = "") -> float:
    text = http.get("/metrics").text
    pattern = rf"^{re.escape(name)}{re.escape(labels)}\s+([0-9.e+]+)$"
    match = re.search(pattern, text, re.M)
    return float(match.group(1)) if match else 0.0


def _statements(http: httpx.Client, client: Any, query: str, variables: dict[str, Any]) -> float:
    """Statements of one *executed* query: a unique comment keeps the response cache out of the count."""
    before = _metric(http, "campaign_api_db_statements_total")
    client.q(f"# run {uuid.uuid4()}\n{query}", variables)
    return _metric(http, "campaign_api_db_statements_total") - before


def test_list_queries_issue_a_constant_number_of_statements(table: Any, http: httpx.Client) -> None:
    gm, c = table.gm, table.campaign_id
    create = "mutation($i: CreateSettlementInput!) { createSettlement(input: $i) { id } }"
    query = "query($c: ID!) { settlements(campaignId: $c) { id name level } structures(campaignId: $c) { id } }"
    gm.q(create, {"i": {"campaignId": c, "name": "S0"}})
    # best of three: opening a new pooled connection adds set-up statements of its own
    one = min(_statements(http, gm, query, {"c": c}) for _ in range(3))
    for n in range(1, 50):
        gm.q(create, {"i": {"campaignId": c, "name": f"S{n}"}})
    fifty = min(_statements(http, gm, query, {"c": c}) for _ in range(3))
    assert fifty == one, f"1 settlement: {one} statements, 50 settlements: {fifty}"


def test_map_layer_is_cached_per_view_and_invalidated_on_change(table: Any, http: httpx.Client) -> None:
    gm, c = table.gm, table.campaign_id
    gm.q(
        "mutation($i: CreateLocationInput!) { createLocation(input: $i) { id } }",
        {"i": {"campaignId": c, "name": "Vale", "kind": "POINT", "geometry": {"type": "Point", "coordinates": [1, 1]}}},
    )
    layer = "query($c: ID!) { mapLayer(campaignId: $c) }"
    hits = 'campaign_api_cache_lookups_total{cache="maplayer",outcome="hit"}'
    first = gm.q(layer, {"c": c})["mapLayer"]
    before = _metric(http, hits)
    # a different document text: the whole-response cache misses, the map-layer cache answers
    assert gm.q(f"# again\n{layer}", {"c": c})["mapLayer"] == first
    assert _metric(http, hits) == before + 1
    hidden = gm.q(
        "mutation($i: CreateLocationInput!) { createLocation(input: $i) { id } }",
        {
            "i": {
                "campaignId": c,
                "name": "Lair",
                "kind": "POINT",
                "hidden": True,
                "geometry": {"type": "Point", "coordinates": [2, 2]},
            }
        },
    )["createLocation"]
    after_change = gm.q(layer, {"c": c})["mapLayer"]
    assert len(after_change["features"]) == 2  # the change invalidated the cached layer
    player_view = table.player.q(layer, {"c": c})["mapLayer"]
    assert hidden["id"] not in {f["id"] for f in player_view["features"]}  # never the GM's cached answer
    assert len(player_view["features"]) == 1


def test_graphql_operations_are_rate_limited_per_caller(new_user: Any, stack: StackHandle) -> None:
    client = new_user("Busy")
    limit = int(stack.env.get("GRAPHQL_RATE_LIMIT_PER_MINUTE", "400"))
    codes = []
    for _ in range(2 * limit + 10):  # fixed windows: a run that straddles a minute still crosses one limit
        body = client.raw("{ me { id } }")
        if body.get("errors"):
            codes.append(body["errors"][0]["extensions"]["code"])
            break
    assert codes == ["RATE_LIMITED"]
