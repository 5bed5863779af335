"""Resolution, effects, due work and simulation over the real GraphQL transport (HTTP to the running API)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from campaign_shared.settings import DEV_SCHEDULER_TOKEN

CREATE = {
    "SETTLEMENT": "mutation($i: CreateSettlementInput!) { createSettlement(input: $i) { id version } }",
    "EVENT": "mutation($i: CreateEventInput!) { createEvent(input: $i) { id version status } }",
    "ENCOUNTER": "mutation($i: CreateEncounterInput!) { createEncounter(input: $i) { id version status } }",
    "EFFECT": "mutation($i: CreateEffectInput!) { createEffect(input: $i) { id } }",
    "LINK": "mutation($i: CreateLinkInput!) { createLink(input: $i) { id } }",
    "STRUCTURE": "mutation($i: CreateStructureInput!) { createStructure(input: $i) { id } }",
}
RESOLVE = """mutation($id: ID!, $b: ID, $dry: Boolean!) { resolveEvent(id: $id, branchId: $b, dryRun: $dry) {
  status dryRun worldTime executions { effectId success diff error timing targetType targetId deferredUntil } } }"""
SETTLEMENT = """query($id: ID!, $b: ID) { entity(type: SETTLEMENT, id: $id, branchId: $b) }"""
HISTORY = """query($t: EntityType!, $id: ID!, $b: ID!) { entityHistory(type: $t, id: $id, branchId: $b) {
  version validFrom data } }"""
EXECUTIONS = """query($c: ID!) { effectExecutions(campaignId: $c) { effectId success error dryRun diff targetId } }"""
ADVANCE = (
    "mutation($b: ID!, $to: WorldTime!) { advanceWorldTime(branchId: $b, to: $to) { worldTime worldTimeSeconds } }"
)
STATUS = """query($b: ID!) { dueWorkStatus(branchId: $b) { worldTime watermarks { kind processedToSeconds }
  pendingDeferred { effectId dueAt } } }"""
SIMULATE = """query($b: ID!, $to: WorldTime!) { simulateTo(branchId: $b, to: $to) {
  kind operation entityType entityId worldTime worldTimeSeconds effectId success after changes { path before after } } }"""
TREASURY = [{"name": "treasury", "type": "number"}]


def code_of(excinfo: pytest.ExceptionInfo[AssertionError]) -> str:
    return excinfo.value.code  # type: ignore[attr-defined,no-any-return]


def create(client: Any, what: str, campaign_id: str, **fields: Any) -> dict[str, Any]:
    data = client.q(CREATE[what], {"i": {"campaignId": campaign_id, **fields}})
    return next(iter(data.values()))  # type: ignore[no-any-return]


def effect(
    client: Any, campaign_id: str, owner: tuple[str, str], target: tuple[str, str], ops: Any, **extra: Any
) -> str:
    return create(
        client,
        "EFFECT",
        campaign_id,
        ownerType=owner[0],
        ownerId=owner[1],
        targetType=target[0],
        targetId=target[1],
        operations=ops,
        **extra,
    )["id"]


def settlement(client: Any, sid: str, branch: str | None = None) -> dict[str, Any]:
    return client.q(SETTLEMENT, {"id": sid, "b": branch})["entity"]  # type: ignore[no-any-return]


def wait_due_work(client: Any, branch_id: str, to_seconds: float, timeout: float = 60) -> dict[str, Any]:
    """Until every watermark of the branch reached `to_seconds` (the scheduler's worker did the work)."""
    deadline = time.monotonic() + timeout
    while True:
        status = client.q(STATUS, {"b": branch_id})["dueWorkStatus"]
        if status["watermarks"] and all(w["processedToSeconds"] >= to_seconds for w in status["watermarks"]):
            return status  # type: ignore[no-any-return]
        if time.monotonic() > deadline:
            raise AssertionError(f"due work not done after {timeout}s: {status}")
        time.sleep(0.2)


def test_resolve_applies_effects_to_the_target_in_order_and_cumulatively(table: Any) -> None:
    gm, c = table.gm, table.campaign_id
    town = create(
        gm, "SETTLEMENT", c, name="Brindle", population=100, variableSchemas=TREASURY, variables={"treasury": 5}
    )
    event = create(gm, "EVENT", c, name="Harvest")
    second = effect(
        gm,
        c,
        ("EVENT", event["id"]),
        ("SETTLEMENT", town["id"]),
        [{"op": "test", "path": "/population", "value": 150}, {"op": "replace", "path": "/population", "value": 175}],
        priority=1,
    )
    first = effect(
        gm,
        c,
        ("EVENT", event["id"]),
        ("SETTLEMENT", town["id"]),
        [
            {"op": "test", "path": "/population", "value": 100},
            {"op": "replace", "path": "/population", "value": 150},
            {"op": "replace", "path": "/variables/treasury", "value": 40},
        ],
        priority=9,
    )
    # the dry run shows the diffs and writes nothing
    preview = gm.q(RESOLVE, {"id": event["id"], "dry": True})["resolveEvent"]
    assert preview["dryRun"] and preview["status"] == "COMPLETED"
    assert [e["effectId"] for e in preview["executions"]] == [first, second]
    assert preview["executions"][1]["diff"] == [{"op": "replace", "path": "/population", "value": 175}]
    assert settlement(gm, town["id"])["version"] == 1
    assert gm.q(EXECUTIONS, {"c": c})["effectExecutions"] == []
    # players may not resolve; the service credential may not either
    with pytest.raises(AssertionError) as err:
        table.player.q(RESOLVE, {"id": event["id"], "dry": False})
    assert code_of(err) == "FORBIDDEN"
    result = gm.q(RESOLVE, {"id": event["id"], "dry": False})["resolveEvent"]
    assert result["status"] == "COMPLETED" and not result["dryRun"]
    assert [(e["effectId"], e["diff"]) for e in result["executions"]] == [
        (e["effectId"], e["diff"]) for e in preview["executions"]
    ]
    now = settlement(gm, town["id"])
    assert (now["population"], now["variables"]["treasury"], now["version"]) == (175, 40, 3)
    history = gm.q(HISTORY, {"t": "SETTLEMENT", "id": town["id"], "b": table.main_branch_id})["entityHistory"]
    assert [h["data"]["population"] for h in history] == [100, 150, 175]
    log = gm.q(EXECUTIONS, {"c": c})["effectExecutions"]
    assert sorted(x["effectId"] for x in log) == sorted([first, second]) and all(x["success"] for x in log)
    with pytest.raises(AssertionError) as err:
        gm.q(RESOLVE, {"id": event["id"], "dry": False})
    assert code_of(err) == "CONFLICT"


def test_a_failing_effect_changes_nothing_and_is_logged(table: Any) -> None:
    gm, c = table.gm, table.campaign_id
    town = create(gm, "SETTLEMENT", c, name="Brindle", population=100)
    event = create(gm, "EVENT", c, name="Flood")
    effect(
        gm,
        c,
        ("EVENT", event["id"]),
        ("SETTLEMENT", town["id"]),
        [{"op": "replace", "path": "/population", "value": 1}],
        priority=5,
    )
    bad = effect(
        gm, c, ("EVENT", event["id"]), ("SETTLEMENT", town["id"]), [{"op": "remove", "path": "/variables/none"}]
    )
    with pytest.raises(AssertionError) as err:
        gm.q(RESOLVE, {"id": event["id"], "dry": False})
    assert code_of(err) == "VALIDATION_FAILED"
    error = err.value.errors[0]  # type: ignore[attr-defined]
    assert bad in error["message"]
    assert settlement(gm, town["id"])["population"] == 100
    ev = gm.q("query($id: ID!) { entity(type: EVENT, id: $id) }", {"id": event["id"]})["entity"]
    assert ev["status"] == "PLANNED" and ev["version"] == 1
    log = gm.q(EXECUTIONS, {"c": c})["effectExecutions"]
    assert [(x["effectId"], x["success"]) for x in log] == [(bad, False)] and log[0]["error"]


def test_protected_paths_are_refused_and_gates_say_why(table: Any) -> None:
    gm, c = table.gm, table.campaign_id
    town = create(gm, "SETTLEMENT", c, name="Brindle")
    hall = create(gm, "STRUCTURE", c, name="Hall", settlementId=town["id"], type="hall")
    event = create(gm, "EVENT", c, name="Coup")
    with pytest.raises(AssertionError) as err:
        effect(
            gm,
            c,
            ("EVENT", event["id"]),
            ("STRUCTURE", hall["id"]),
            [{"op": "replace", "path": "/settlement_id", "value": town["id"]}],
        )
    assert code_of(err) == "VALIDATION_FAILED"
    assert "protected" in err.value.errors[0]["message"]  # type: ignore[attr-defined]
    before = create(gm, "ENCOUNTER", c, name="Find the key")
    create(
        gm,
        "LINK",
        c,
        sourceType="ENCOUNTER",
        sourceId=before["id"],
        targetType="EVENT",
        targetId=event["id"],
        kind="PREREQUISITE",
    )
    with pytest.raises(AssertionError) as err:
        gm.q(RESOLVE, {"id": event["id"], "dry": True})
    assert code_of(err) == "VALIDATION_FAILED"
    details = err.value.errors[0]["extensions"]  # type: ignore[attr-defined]
    assert "Find the key" in err.value.errors[0]["message"]  # type: ignore[attr-defined]
    assert details["code"] == "VALIDATION_FAILED"
    gm.q("mutation($id: ID!) { resolveEncounter(id: $id) { status } }", {"id": before["id"]})
    assert gm.q(RESOLVE, {"id": event["id"], "dry": False})["resolveEvent"]["status"] == "COMPLETED"


def test_process_due_work_is_for_the_scheduler_and_gms(table: Any, http: Any) -> None:
    query = "mutation($b: ID!) { processDueWork(branchId: $b) { changeCount processedToSeconds } }"
    with pytest.raises(AssertionError) as err:
        table.player.q(query, {"b": table.main_branch_id})
    assert code_of(err) == "FORBIDDEN"
    response = http.post(
        "/graphql",
        json={"query": query, "variables": {"b": table.main_branch_id}},
        headers={"Authorization": f"Bearer {DEV_SCHEDULER_TOKEN}"},
    )
    body = response.json()
    assert "errors" not in body, body
    assert body["data"]["processDueWork"]["changeCount"] == 0
    # the service credential may not resolve events
    event = create(table.gm, "EVENT", table.campaign_id, name="Omen")
    response = http.post(
        "/graphql",
        json={"query": RESOLVE, "variables": {"id": event["id"], "dry": False}},
        headers={"Authorization": f"Bearer {DEV_SCHEDULER_TOKEN}"},
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_simulate_to_equals_what_advancing_then_does(table: Any) -> None:
    gm, c, main = table.gm, table.campaign_id, table.main_branch_id
    clock = gm.q(STATUS, {"b": main})["dueWorkStatus"]["worldTime"]
    assert clock == "1200-03-01 08:00:00"
    town = create(
        gm,
        "SETTLEMENT",
        c,
        name="Brindle",
        level=2,
        population=800,
        variableSchemas=TREASURY,
        variables={"treasury": 30},
    )
    create(
        gm,
        "STRUCTURE",
        c,
        name="Mill",
        settlementId=town["id"],
        type="mill",
        level=2,
        variableSchemas=[{"name": "upkeep", "type": "number"}],
        variables={"upkeep": 10_000},
    )
    caravan = create(gm, "EVENT", c, name="Caravan leaves", expiresAt="1200-03-04 08:00")
    effect(
        gm,
        c,
        ("EVENT", caravan["id"]),
        ("SETTLEMENT", town["id"]),
        [{"op": "replace", "path": "/variables/treasury", "value": 0}],
        timing="ON_EXPIRE",
    )
    feast = create(gm, "EVENT", c, name="Feast")
    effect(
        gm,
        c,
        ("EVENT", feast["id"]),
        ("SETTLEMENT", town["id"]),
        [{"op": "replace", "path": "/population", "value": 850}],
        delaySeconds=86400,
    )
    gm.q(RESOLVE, {"id": feast["id"], "dry": False})
    target = "1200-05-10 00:00"
    simulated = gm.q(SIMULATE, {"b": main, "to": target})["simulateTo"]
    assert {s["kind"] for s in simulated} == {"EXPIRATION", "DEFERRED", "GROWTH", "MAINTENANCE"}
    # nothing was written: the clock, the town and the caravan are as they were
    assert gm.q(STATUS, {"b": main})["dueWorkStatus"]["worldTime"] == clock
    assert settlement(gm, town["id"])["version"] == 1
    advanced = gm.q(ADVANCE, {"b": main, "to": target})["advanceWorldTime"]
    wait_due_work(gm, main, advanced["worldTimeSeconds"])
    last_by_time: dict[tuple[str, str], dict[str, Any]] = {}
    for change in simulated:
        last_by_time[(change["entityId"], change["worldTime"])] = change
    for (entity_id, when), change in last_by_time.items():
        history = gm.q(HISTORY, {"t": change["entityType"], "id": entity_id, "b": main})["entityHistory"]
        written = [h for h in history if h["validFrom"] == when]
        assert written, (change, history)
        assert written[-1]["data"] == change["after"]
    caravan_now = gm.q("query($id: ID!) { entity(type: EVENT, id: $id) }", {"id": caravan["id"]})["entity"]
    expire = next(s for s in simulated if s["operation"] == "EXPIRE")
    assert caravan_now["status"] == "EXPIRED" and caravan_now["validFrom"] == expire["worldTimeSeconds"]
    # a second simulation to the same time has nothing left to do
    assert gm.q(SIMULATE, {"b": main, "to": target})["simulateTo"] == []
