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
