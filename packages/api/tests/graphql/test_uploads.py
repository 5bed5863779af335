"""Uploads go straight to the real S3 server with presigned URLs handed out by the API."""

from __future__ import annotations

from typing import Any

import httpx

TICKET = """mutation($t: EntityType!, $id: ID!) {
  createUploadUrl(entityType: $t, entityId: $id, filename: "map of the vale.png", contentType: "image/png") {
    url key method expiresIn } }"""


def test_presigned_upload_round_trip_and_tampering(table: Any) -> None:
    kingdom = table.gm.q(
        "mutation($i: CreateKingdomInput!) { createKingdom(input: $i) { id } }",
        {"i": {"campaignId": table.campaign_id, "name": "Aldmere"}},
    )["createKingdom"]
    ticket = table.gm.q(TICKET, {"t": "KINGDOM", "id": kingdom["id"]})["createUploadUrl"]
    assert ticket["method"] == "PUT" and ticket["key"].startswith(f"campaigns/{table.campaign_id}/kingdom/")
    assert ticket["key"].endswith("map_of_the_vale.png")
    body = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    assert httpx.put(ticket["url"], content=body, timeout=10).status_code == 200
    tampered = ticket["url"].replace("X-Amz-Signature=", "X-Amz-Signature=0")
    assert httpx.put(tampered, content=b"evil", timeout=10).status_code == 403
    # players may not upload
    try:
        table.player.q(TICKET, {"t": "KINGDOM", "id": kingdom["id"]})
    except AssertionError as exc:
        assert exc.code == "FORBIDDEN"  # type: ignore[attr-defined]
    else:
        raise AssertionError("a player got an upload URL")


def test_audit_log_exports_as_csv_and_json(table: Any) -> None:
    import csv
    import io
    import json

    table.gm.q(
        "mutation($i: CreatePartyInput!) { createParty(input: $i) { id } }",
        {"i": {"campaignId": table.campaign_id, "name": "Lanterns"}},
    )
    query = 'query($c: ID!, $f: ExportFormat!) { exportAuditLog(campaignId: $c, format: $f, entityType: "PARTY") }'
    rows = list(csv.DictReader(io.StringIO(table.gm.q(query, {"c": table.campaign_id, "f": "CSV"})["exportAuditLog"])))
    assert [(r["operation"], r["entityType"]) for r in rows] == [("CREATE", "PARTY")]
    data = json.loads(table.gm.q(query, {"c": table.campaign_id, "f": "JSON"})["exportAuditLog"])
    assert data[0]["operation"] == "CREATE" and data[0]["actorId"] == table.gm.user["id"]
    by_actor = (
        "query($c: ID!, $a: ID, $o: Int!) { exportAuditLog(campaignId: $c, format: JSON, actorId: $a, offset: $o) }"
    )
    mine = json.loads(
        table.gm.q(by_actor, {"c": table.campaign_id, "a": table.gm.user["id"], "o": 0})["exportAuditLog"]
    )
    assert mine and {row["actorId"] for row in mine} == {table.gm.user["id"]}
    assert (
        json.loads(
            table.gm.q(by_actor, {"c": table.campaign_id, "a": table.viewer.user["id"], "o": 0})["exportAuditLog"]
        )
        == []
    )  # the viewer changed nothing
    paged = json.loads(table.gm.q(by_actor, {"c": table.campaign_id, "a": None, "o": 1})["exportAuditLog"])
    everything = json.loads(table.gm.q(by_actor, {"c": table.campaign_id, "a": None, "o": 0})["exportAuditLog"])
    assert paged == everything[1:]


UPDATE_WORLD = """mutation($id: ID!, $i: UpdateWorldInput!) {
  updateWorld(id: $id, input: $i) { name description mapImageKey mapBounds mapImageUrl } }"""
WORLD = "query($id: ID!) { world(id: $id) { name mapImageUrl } }"


def _code(client: Any, query: str, variables: dict[str, Any]) -> Any:
    try:
        client.q(query, variables)
    except AssertionError as exc:
        return getattr(exc, "code", None)
    raise AssertionError("the call succeeded")


def test_update_world_sets_its_map_image_from_an_upload(table: Any) -> None:
    world_id = table.owner.q("query($c: ID!) { campaign(id: $c) { worldId } }", {"c": table.campaign_id})["campaign"][
        "worldId"
    ]
    assert table.owner.q(WORLD, {"id": world_id})["world"] == {"name": "Eldmoor", "mapImageUrl": None}

    ticket = table.owner.q(TICKET, {"t": "WORLD", "id": world_id})["createUploadUrl"]
    image = b"\x89PNG\r\n\x1a\n" + b"1" * 128
    # not uploaded yet: refused, and nothing changes (the name in the same input is not kept either)
    pending = {"name": "Renamed", "mapImageKey": ticket["key"], "mapBounds": [-20, -10, 20, 10]}
    assert _code(table.owner, UPDATE_WORLD, {"id": world_id, "i": pending}) == "VALIDATION_FAILED"
    assert table.owner.q(WORLD, {"id": world_id})["world"]["name"] == "Eldmoor"
    assert httpx.put(ticket["url"], content=image, timeout=10).status_code == 200

    bad_bounds = {"mapImageKey": ticket["key"], "mapBounds": [20, -10, -20, 10]}
    assert _code(table.owner, UPDATE_WORLD, {"id": world_id, "i": bad_bounds}) == "VALIDATION_FAILED"
    foreign = {"mapImageKey": "worlds/someone-else/x.png", "mapBounds": [-20, -10, 20, 10]}
    assert _code(table.owner, UPDATE_WORLD, {"id": world_id, "i": foreign}) == "VALIDATION_FAILED"
    for other in (table.gm, table.outsider):  # only the owner; others do not learn the world exists
        assert _code(other, UPDATE_WORLD, {"id": world_id, "i": {"name": "Mine"}}) == "NOT_FOUND"

    updated = table.owner.q(UPDATE_WORLD, {"id": world_id, "i": pending})["updateWorld"]
    assert updated["name"] == "Renamed" and updated["mapBounds"] == [-20, -10, 20, 10]
    assert updated["mapImageKey"] == ticket["key"]
    assert httpx.get(updated["mapImageUrl"], timeout=10).content == image
    after = table.owner.q(WORLD, {"id": world_id})["world"]
    assert after["name"] == "Renamed" and after["mapImageUrl"]

    removed = table.owner.q(UPDATE_WORLD, {"id": world_id, "i": {"mapImageKey": None}})["updateWorld"]
    assert removed["mapImageKey"] is None and removed["mapImageUrl"] is None
