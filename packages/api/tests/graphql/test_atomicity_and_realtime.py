"""A failed mutation changes nothing; subscriptions fan out across API processes through Redis."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import redis
from websockets.sync.client import connect

import devstack
from devstack import StackHandle

AUDIT = "query($c: ID!) { auditLog(campaignId: $c, limit: 1000) { id } }"
LEVEL = "query($c: ID!) { kingdoms(campaignId: $c) { id level } }"


def _subscribe_raw(stack: StackHandle, campaign_id: str) -> tuple[Any, list[dict[str, Any]]]:
    """Listen on the campaign's Redis channel directly (what every API process subscribes to)."""
    client = redis.Redis.from_url(stack.env["REDIS_URL"])
    pubsub = client.pubsub()
    pubsub.subscribe(f"{stack.env['REDIS_CHANNEL_PREFIX']}:campaign:{campaign_id}:events")
    pubsub.get_message(timeout=1)  # the subscribe confirmation
    received: list[dict[str, Any]] = []
    return pubsub, received


def _drain(pubsub: Any, received: list[dict[str, Any]], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        message = pubsub.get_message(ignore_subscribe_messages=True, timeout=0.2)
        if message is not None:
            received.append(json.loads(message["data"]))


def test_failed_merge_leaves_no_rows_no_audit_no_messages(table: Any, stack: StackHandle) -> None:
    gm, c = table.gm, table.campaign_id
    create = "mutation($i: CreateKingdomInput!) { createKingdom(input: $i) { id } }"
    first = gm.q(create, {"i": {"campaignId": c, "name": "Aldmere", "level": 2}})["createKingdom"]["id"]
    second = gm.q(create, {"i": {"campaignId": c, "name": "Brask", "level": 2}})["createKingdom"]["id"]
    fork = gm.q(
        "mutation($i: ForkBranchInput!) { forkBranch(input: $i) { id } }",
        {"i": {"parentId": table.main_branch_id, "name": "doomed"}},
    )["forkBranch"]["id"]
    for branch in (table.main_branch_id, fork):
        gm.q('mutation($b: ID!) { advanceWorldTime(branchId: $b, to: "1200-06-01") { id } }', {"b": branch})
    update = "mutation($id: ID!, $b: ID!, $l: Int!) { updateKingdom(id: $id, branchId: $b, input: {level: $l}) { id } }"
    gm.q(update, {"id": first, "b": fork, "l": 7})
    gm.q(update, {"id": second, "b": fork, "l": 8})
    gm.q(update, {"id": second, "b": table.main_branch_id, "l": 3})
    levels_before = gm.q(LEVEL, {"c": c})["kingdoms"]
    audit_before = len(gm.q(AUDIT, {"c": c})["auditLog"])
    pubsub, received = _subscribe_raw(stack, c)
    try:
        body = gm.raw(
            "mutation($i: MergeBranchInput!) { mergeBranch(input: $i) { written } }",
            {
                "i": {
                    "sourceBranchId": fork,
                    "targetBranchId": table.main_branch_id,
                    "resolutions": [{"entityType": "KINGDOM", "entityId": second, "path": "/level", "value": 42}],
                }
            },
        )
        assert body["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"
        _drain(pubsub, received, 1.5)
    finally:
        pubsub.close()
    assert received == []
    assert gm.q(LEVEL, {"c": c})["kingdoms"] == levels_before  # the first kingdom's automatic change is gone too
    assert len(gm.q(AUDIT, {"c": c})["auditLog"]) == audit_before


def test_subscriber_on_one_api_process_sees_a_change_made_through_another(
    table: Any, stack: StackHandle, tmp_path: Any
) -> None:
    port = devstack.free_port()
    env = {**stack.env, "API_PORT": str(port)}
    second = devstack.service("api", env, tmp_path)
    second.start()
    try:
        second.wait_http(f"http://127.0.0.1:{port}/health/live", timeout=90)
        events: list[dict[str, Any]] = []
        ready = threading.Event()

        def listen() -> None:
            with connect(
                f"ws://127.0.0.1:{port}/graphql", subprotocols=["graphql-transport-ws"], open_timeout=10
            ) as ws:  # type: ignore[list-item]
                ws.send(
                    json.dumps(
                        {"type": "connection_init", "payload": {"Authorization": f"Bearer {table.player.token}"}}
                    )
                )
                assert json.loads(ws.recv(timeout=10))["type"] == "connection_ack"
                ws.send(
                    json.dumps(
                        {
                            "id": "1",
                            "type": "subscribe",
                            "payload": {
                                "query": "subscription($c: ID!) { campaignEvents(campaignId: $c) { kind entityType entityId "
                                "branchId version actorId } }",
                                "variables": {"c": table.campaign_id},
                            },
                        }
                    )
                )
                time.sleep(0.5)  # let the subscription reach Redis
                ready.set()
                deadline = time.monotonic() + 15
                while time.monotonic() < deadline and not events:
                    message = json.loads(ws.recv(timeout=15))
                    if message["type"] == "next":
                        events.append(message["payload"]["data"]["campaignEvents"])

        thread = threading.Thread(target=listen, daemon=True)
        thread.start()
        assert ready.wait(20)
        created = table.gm.q(
            "mutation($i: CreatePartyInput!) { createParty(input: $i) { id version } }",
            {"i": {"campaignId": table.campaign_id, "name": f"Lanterns {uuid.uuid4().hex[:4]}"}},
        )
        thread.join(20)
        assert events == [
            {
                "kind": "ENTITY_CHANGED",
                "entityType": "PARTY",
                "entityId": created["createParty"]["id"],
                "branchId": table.main_branch_id,
                "version": 1,
                "actorId": table.gm.user["id"],
            }
        ]
    finally:
        second.stop()


def test_websocket_without_credentials_is_rejected(stack: StackHandle) -> None:
    with connect(
        f"ws://127.0.0.1:{stack.ports.api}/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        open_timeout=10,
    ) as ws:
        ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        try:
            ws.recv(timeout=10)
        except Exception as exc:  # the server closes with 4403
            assert "4403" in str(exc)
        else:
            raise AssertionError("the connection was accepted without credentials")
