"""Rules over the real stack (SPEC §5): conditions using every domain operator, evaluated through GraphQL
on data created through GraphQL; explain for GMs only; the dependency graph (named cycles, dangling
references, one campaign only); invalidation of the engine's cached results over real Redis pub/sub."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from grpclib.client import Channel

from campaign_shared.grpc import rules_v1
from devstack import StackHandle

EVALUATE = """query($t: EntityType!, $id: ID!, $b: ID, $at: WorldTime, $x: Boolean! = false) {
  evaluateConditions(type: $t, id: $id, branchId: $b, asOf: $at, explain: $x) {
    field value trace source cached conditionIds errors } }"""
GRAPH = """query($c: ID!, $b: ID) { dependencyGraph(campaignId: $c, branchId: $b) {
  campaignId branchId order dirty
  nodes { key kind id label declared }
  edges { source target kind }
  cycles { description members { key label } path { key } }
  dangling { edge { source target kind } missing { key label declared } }
  invalidEdges { reason } } }"""
# a region around (4..6 E, 50..52 N), a town inside it and a farm outside
REGION = {"type": "Polygon", "coordinates": [[[4, 50], [6, 50], [6, 52], [4, 52], [4, 50]]]}


def point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


def create(client: Any, type_name: str, fields: dict[str, Any]) -> str:
    query = f"mutation($i: Create{type_name}Input!) {{ create{type_name}(input: $i) {{ id }} }}"
    return client.q(query, {"i": fields})[f"create{type_name}"]["id"]  # type: ignore[no-any-return]


def condition(client: Any, entity_type: str, entity_id: str, field: str, expression: Any, priority: int = 0) -> str:
    return create(
        client,
        "Condition",
        {
            "entityType": entity_type,
            "entityId": entity_id,
            "field": field,
            "expression": expression,
            "priority": priority,
        },
    )


def evaluate(client: Any, entity_type: str, entity_id: str, **extra: Any) -> dict[str, dict[str, Any]]:
    """Always executed: a unique comment keeps the whole-response cache out (these tests watch the engine)."""
    document = f"# {uuid.uuid4()}\n{EVALUATE}"
    results = client.q(document, {"t": entity_type, "id": entity_id, **extra})["evaluateConditions"]
    return {result["field"]: result for result in results}


def code_of(excinfo: pytest.ExceptionInfo[AssertionError]) -> str:
    return excinfo.value.code  # type: ignore[attr-defined,no-any-return]


@pytest.fixture
def world(table: Any) -> dict[str, str]:
    """A kingdom, a region with a town inside and a farm outside, a settlement at the town, a festival
    at the town, a completed event, a resolved encounter and a pending one — all created over GraphQL."""
    gm, c = table.gm, table.campaign_id
    ids = {"campaign": c}
    ids["kingdom"] = create(gm, "Kingdom", {"campaignId": c, "name": "Aldmere", "level": 2})
    ids["region"] = create(gm, "Location", {"campaignId": c, "name": "Vale", "kind": "REGION", "geometry": REGION})
    ids["town"] = create(gm, "Location", {"campaignId": c, "name": "Town", "kind": "POINT", "geometry": point(5, 51)})
    ids["farm"] = create(gm, "Location", {"campaignId": c, "name": "Farm", "kind": "POINT", "geometry": point(7, 51)})
    ids["settlement"] = create(
        gm,
        "Settlement",
        {"campaignId": c, "name": "Brindle", "level": 4, "kingdomId": ids["kingdom"], "locationId": ids["town"]},
    )
    ids["festival"] = create(gm, "Event", {"campaignId": c, "name": "Festival", "locationId": ids["town"]})
    ids["harvest"] = create(
        gm, "Event", {"campaignId": c, "name": "Harvest", "status": "COMPLETED", "occurredAt": "1200-01-10 08:00"}
    )
    ids["ambush"] = create(gm, "Encounter", {"campaignId": c, "name": "Ambush", "status": "RESOLVED"})
    ids["siege"] = create(gm, "Encounter", {"campaignId": c, "name": "Siege"})
    return ids


def test_every_domain_operator_through_graphql(table: Any, world: dict[str, str]) -> None:
    gm, ids = table.gm, world
    harvest_time = {"entity": ["event", ids["harvest"], "occurred_at"]}
    festival = ids["festival"]
    condition(
        gm,
        "EVENT",
        festival,
        "available",
        {
            "and": [
                {">=": [{"entity": ["settlement", ids["settlement"], "level"]}, 3]},
                {"inside": [ids["town"], ids["region"]]},
                {"!": {"inside": [ids["farm"], ids["region"]]}},
                {"inside": [{"var": "event.location_id"}, ids["region"]]},  # an id computed from the context
                {"<": [{"distance": [ids["town"], ids["farm"]]}, 300_000]},
                {"resolved": ids["harvest"]},
                {"resolved": ids["ambush"]},
                {"!": {"resolved": ids["siege"]}},
                {">=": [{"daysSince": harvest_time}, 50]},
            ]
        },
        priority=2,
    )
    condition(gm, "EVENT", festival, "available", False, priority=1)  # lower priority: never reached
    condition(gm, "EVENT", festival, "visible", {">": [{"hoursSince": "1200-03-01 00:00"}, 0]})
    condition(gm, "EVENT", festival, "days", {"daysSince": harvest_time})
    condition(gm, "EVENT", festival, "months", {"monthsSince": harvest_time})
    condition(gm, "EVENT", festival, "hours", {"hoursSince": "1200-03-01 00:00"})
    condition(gm, "EVENT", festival, "km", {"/": [{"distance": [ids["town"], ids["farm"]]}, 1000]})
    condition(gm, "EVENT", festival, "host", {"cat": [{"var": "settlement.name"}, "/", {"var": "kingdom.name"}]})
    condition(gm, "EVENT", festival, "siegeOver", {"resolved": ids["siege"]})

    results = evaluate(gm, "EVENT", festival, x=True)
    values = {field: result["value"] for field, result in results.items()}
    assert values.pop("km") == pytest.approx(222.639, abs=0.01)  # 2° of longitude in EPSG:3857 map units
    assert values == {
        "available": True,
        "visible": True,
        "days": 51,  # Jan 10 -> Mar 1 of 1200 (a Gregorian leap year)
        "months": 1,
        "hours": 8,
        "host": "Brindle/Aldmere",
        "siegeOver": False,
    }, results
    assert all(result["source"] == "engine" for result in results.values())
    available = results["available"]
    assert len(available["conditionIds"]) == 2 and available["errors"] == []
    assert [entry["value"] for entry in available["trace"]] == [True, False]
    top = available["trace"][0]["trace"]
    assert top["op"] == "and" and top["value"] is True
    assert [child["op"] for child in top["children"]][:3] == [">=", "inside", "!"]

    # the world clock moves: calendar-aware results follow, and asOf evaluates the past
    table.gm.q(
        'mutation($b: ID!) { advanceWorldTime(branchId: $b, to: "1200-04-10 08:00") { id } }',
        {"b": table.main_branch_id},
    )
    later = evaluate(gm, "EVENT", festival)
    assert (later["days"]["value"], later["months"]["value"], later["hours"]["value"]) == (91, 3, 40 * 24 + 8)
    assert later["days"]["trace"] is None  # no explain asked
    past = evaluate(gm, "EVENT", festival, at="1200-03-01 08:00")
    assert (past["days"]["value"], past["months"]["value"]) == (51, 1)


def test_players_get_availability_and_visibility_only(table: Any, world: dict[str, str]) -> None:
    festival = world["festival"]
    condition(table.gm, "EVENT", festival, "available", {"resolved": world["siege"]})
    condition(table.gm, "EVENT", festival, "secretScore", 42)
    for client in (table.player, table.viewer):
        seen = evaluate(client, "EVENT", festival, x=True)
        assert set(seen) == {"available", "visible"}
        assert seen["available"]["value"] is False and seen["visible"]["value"] is True
        assert all(r["trace"] is None and r["conditionIds"] == [] and r["errors"] == [] for r in seen.values())
    hidden = create(table.gm, "Event", {"campaignId": table.campaign_id, "name": "Plot", "hidden": True})
    with pytest.raises(AssertionError) as err:
        evaluate(table.player, "EVENT", hidden)
    assert code_of(err) == "NOT_FOUND"
    with pytest.raises(AssertionError) as err:
        evaluate(table.outsider, "EVENT", festival)
    assert code_of(err) == "NOT_FOUND"
    assert set(evaluate(table.gm, "EVENT", hidden)) == {"available", "visible"}  # defaults: no condition


def test_entity_lookups_do_not_add_queries(table: Any, http: httpx.Client) -> None:
    """A condition reading 40 settlements costs the same SQL statements as one reading 1."""
    gm, c = table.gm, table.campaign_id
    towns = [create(gm, "Settlement", {"campaignId": c, "name": f"T{n}", "level": 1 + n % 5}) for n in range(40)]
    one = create(gm, "Event", {"campaignId": c, "name": "One"})
    many = create(gm, "Event", {"campaignId": c, "name": "Many"})
    condition(gm, "EVENT", one, "total", {"+": [{"entity": ["settlement", towns[0], "level"]}]})
    condition(gm, "EVENT", many, "total", {"+": [{"entity": ["settlement", t, "level"]} for t in towns]})

    def statements(event_id: str) -> float:
        text = http.get("/metrics").text
        before = _counter(text, "campaign_api_db_statements_total")
        assert evaluate(gm, "EVENT", event_id)["total"]["value"] is not None
        return _counter(http.get("/metrics").text, "campaign_api_db_statements_total") - before

    for_one, for_many = min(statements(one) for _ in range(3)), min(statements(many) for _ in range(3))
    assert 0 < for_one == for_many
    assert evaluate(gm, "EVENT", many)["total"]["value"] == sum(1 + n % 5 for n in range(40))


def _counter(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_dependency_graph_names_cycles_and_stays_in_its_campaign(table: Any, new_user: Any) -> None:
    gm, c = table.gm, table.campaign_id
    market = create(gm, "Event", {"campaignId": c, "name": "Market"})
    treasury = create(
        gm,
        "StateVariable",
        {"campaignId": c, "scope": "CAMPAIGN", "scopeId": c, "name": "treasury", "type": "INTEGER", "value": 10},
    )
    # the market opens while the treasury is full, and opening it spends the treasury: a cycle
    gated = condition(gm, "EVENT", market, "available", {">=": [{"var": "flags.treasury"}, 5]})
    spend = create(
        gm,
        "Effect",
        {
            "ownerType": "EVENT",
            "ownerId": market,
            "targetType": "STATE_VARIABLE",
            "targetId": treasury,
            "operations": [{"op": "replace", "path": "/value", "value": 0}],
        },
    )
    # two events that each require the other
    spring = create(gm, "Event", {"campaignId": c, "name": "Spring"})
    autumn = create(gm, "Event", {"campaignId": c, "name": "Autumn"})
    for source, target in ((spring, autumn), (autumn, spring)):
        create(
            gm,
            "Link",
            {
                "campaignId": c,
                "sourceType": "EVENT",
                "sourceId": source,
                "targetType": "EVENT",
                "targetId": target,
                "kind": "PREREQUISITE",
            },
        )
    ghostly = condition(gm, "EVENT", spring, "visible", {"var": "flags.ghost"})

    graph = gm.q(GRAPH, {"c": c})["dependencyGraph"]
    nodes = {node["key"]: node for node in graph["nodes"]}
    edges = {(e["source"], e["kind"], e["target"]) for e in graph["edges"]}
    assert graph["campaignId"] == c and graph["branchId"] == table.main_branch_id
    assert (f"CONDITION:{gated}", "READS", f"VARIABLE:{treasury}") in edges
    assert (f"CONDITION:{gated}", "DECIDES", f"EVENT:{market}") in edges
    assert (f"EVENT:{market}", "TRIGGERS", f"EFFECT:{spend}") in edges
    assert (f"EFFECT:{spend}", "WRITES", f"VARIABLE:{treasury}") in edges
    assert nodes[f"VARIABLE:{treasury}"]["label"] == "flag treasury"
    descriptions = sorted(cycle["description"] for cycle in graph["cycles"])
    assert len(descriptions) == 2, graph["cycles"]
    money = next(c for c in graph["cycles"] if any(m["key"] == f"VARIABLE:{treasury}" for m in c["members"]))
    assert {m["label"] for m in money["members"]} == {
        "flag treasury",
        "condition event Market.available",
        "event Market",
        "effect of event Market on state variable treasury",
    }
    seasons = next(c for c in graph["cycles"] if c is not money)
    assert {m["label"] for m in seasons["members"]} == {"event Spring", "event Autumn"}
    assert seasons["description"] in (
        "event Spring -> event Autumn -> event Spring",
        "event Autumn -> event Spring -> event Autumn",
    )
    # cycle members are left out of the order; everything else is ordered after what it depends on
    assert f"EVENT:{market}" not in graph["order"] and f"CONDITION:{ghostly}" in graph["order"]
    [dangling] = graph["dangling"]
    assert dangling["edge"]["source"] == f"CONDITION:{ghostly}" and dangling["missing"]["declared"] is False
    assert dangling["missing"]["label"] == "flag ghost (undefined)"

    # another campaign's graph holds only its own rows, and neither graph holds the other's
    rival = new_user("Rival")
    w = rival.q('mutation { createWorld(input: {name: "Other", calendar: "gregorian"}) { id } }')["createWorld"]
    other = rival.q(
        "mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }",
        {"i": {"worldId": w["id"], "name": "Rival"}},
    )["createCampaign"]["id"]
    fair = create(rival, "Event", {"campaignId": other, "name": "Fair"})
    condition(rival, "EVENT", fair, "available", {"var": "flags.treasury"})
    theirs = rival.q(GRAPH, {"c": other})["dependencyGraph"]
    ours = gm.q(GRAPH, {"c": c})["dependencyGraph"]
    assert fair in {node["id"] for node in theirs["nodes"]} and len(theirs["dangling"]) == 1
    their_text, our_text = json.dumps(theirs), json.dumps(ours)
    assert not any(node["id"] in their_text for node in ours["nodes"] if node["kind"] != "ENTITY_FIELD")
    assert not any(node["id"] in our_text for node in theirs["nodes"] if node["kind"] != "ENTITY_FIELD")
    with pytest.raises(AssertionError) as err:
        table.player.q(GRAPH, {"c": c})
    assert code_of(err) == "FORBIDDEN"
    with pytest.raises(AssertionError) as err:
        rival.q(GRAPH, {"c": c})
    assert code_of(err) == "NOT_FOUND"


@pytest.fixture
async def engine_stub(stack: StackHandle) -> AsyncIterator[rules_v1.RulesEngineStub]:
    channel = Channel("127.0.0.1", int(stack.env["GRPC_PORT"]))
    yield rules_v1.RulesEngineStub(channel)
    channel.close()


async def _eventually(check: Any, within: float = 10.0) -> Any:
    deadline = time.monotonic() + within
    while True:
        value = await check()
        if value:
            return value
        assert time.monotonic() < deadline, "not reached in time"
        await asyncio.sleep(0.05)


async def test_changed_variable_invalidates_the_engine_cache_over_redis(
    table: Any, engine_stub: rules_v1.RulesEngineStub
) -> None:
    gm, c, branch = table.gm, table.campaign_id, table.main_branch_id
    feast = create(gm, "Event", {"campaignId": c, "name": "Feast"})
    food = create(
        gm,
        "StateVariable",
        {"campaignId": c, "scope": "EVENT", "scopeId": feast, "name": "food", "type": "INTEGER", "value": 3},
    )
    condition(gm, "EVENT", feast, "available", {">=": [{"var": "var.food"}, 5]})

    first = evaluate(gm, "EVENT", feast)["available"]
    assert first["value"] is False and first["source"] == "engine"

    async def cached() -> bool:
        result = await asyncio.to_thread(evaluate, gm, "EVENT", feast)
        return bool(result["available"]["cached"]) and result["available"]["value"] is False

    await _eventually(cached)  # the engine answers from its cache (the condition's own creation may still be arriving)
    stats = await engine_stub.get_cache_stats(rules_v1.GetCacheStatsRequest())
    gm.q(
        "mutation($id: ID!, $b: ID!, $i: UpdateStateVariableInput!) { updateStateVariable(id: $id, branchId: $b, input: $i) { version } }",
        {"id": food, "b": branch, "i": {"value": 8, "expectedVersion": 1}},
    )

    async def dropped() -> bool:
        now = await engine_stub.get_cache_stats(rules_v1.GetCacheStatsRequest())
        return now.invalidated > stats.invalidated and now.size < stats.size

    await _eventually(dropped)  # the API published a RulesInvalidation, the engine's subscriber dropped the result
    after = evaluate(gm, "EVENT", feast)["available"]
    assert after["value"] is True and after["cached"] is False and after["source"] == "engine"
    assert evaluate(gm, "EVENT", feast)["available"]["cached"] is True
