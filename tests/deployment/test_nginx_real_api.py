"""Our nginx configuration in front of the real API: GraphQL over HTTP and a subscription over the
WebSocket upgrade, both through the proxy, with the security headers on the proxied answers."""

from __future__ import annotations

import json
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import connect

from devstack import StackHandle

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_nginx as nginx_support


def _user(api_url: str) -> dict[str, Any]:
    response = httpx.post(
        f"{api_url}/auth/register",
        json={"email": f"proxy-{uuid.uuid4().hex[:8]}@example.test", "password": "through the proxy", "name": "P"},
        headers={"X-Forwarded-For": f"2001:db8::{uuid.uuid4().hex[:4]}"},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_graphql_and_subscriptions_through_nginx(stack: StackHandle) -> None:
    auth = _user(stack.api_url)
    bearer = {"Authorization": f"Bearer {auth['access_token']}", "Content-Type": "application/json"}
    with nginx_support.running_nginx(f"127.0.0.1:{stack.ports.api}") as proxy:
        world = nginx_support.fetch(
            proxy.port,
            "/graphql",
            "POST",
            bearer,
            json.dumps(
                {"query": 'mutation { createWorld(input: {name: "Proxied", calendar: "gregorian"}) { id } }'}
            ).encode(),
        )
        assert world.status == 200, world.body
        nginx_support.assert_security_headers(world, "/graphql (proxied)")
        world_id = json.loads(world.body)["data"]["createWorld"]["id"]
        campaign = nginx_support.fetch(
            proxy.port,
            "/graphql",
            "POST",
            bearer,
            json.dumps(
                {
                    "query": 'mutation($w: ID!) { createCampaign(input: {worldId: $w, name: "Via nginx"}) { id } }',
                    "variables": {"w": world_id},
                }
            ).encode(),
        )
        campaign_id = json.loads(campaign.body)["data"]["createCampaign"]["id"]
        events: list[dict[str, Any]] = []
        ready = threading.Event()

        def listen() -> None:
            with connect(
                f"ws://127.0.0.1:{proxy.port}/graphql",
                subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                open_timeout=10,
            ) as ws:
                ws.send(
                    json.dumps(
                        {"type": "connection_init", "payload": {"Authorization": f"Bearer {auth['access_token']}"}}
                    )
                )
                assert json.loads(ws.recv(timeout=10))["type"] == "connection_ack"
                ws.send(
                    json.dumps(
                        {
                            "id": "1",
                            "type": "subscribe",
                            "payload": {
                                "query": "subscription($c: ID!) { campaignEvents(campaignId: $c) { kind entityType } }",
                                "variables": {"c": campaign_id},
                            },
                        }
                    )
                )
                time.sleep(0.5)
                ready.set()
                message = json.loads(ws.recv(timeout=15))
                if message["type"] == "next":
                    events.append(message["payload"]["data"]["campaignEvents"])

        thread = threading.Thread(target=listen, daemon=True)
        thread.start()
        assert ready.wait(20)
        created = nginx_support.fetch(
            proxy.port,
            "/graphql",
            "POST",
            bearer,
            json.dumps(
                {
                    "query": 'mutation($c: ID!) { createParty(input: {campaignId: $c, name: "Lanterns"}) { id } }',
                    "variables": {"c": campaign_id},
                }
            ).encode(),
        )
        assert created.status == 200
        thread.join(20)
        assert events == [{"kind": "ENTITY_CHANGED", "entityType": "PARTY"}]
        health = nginx_support.fetch(proxy.port, "/auth/me", "GET", {"Authorization": bearer["Authorization"]})
        assert health.status == 200 and json.loads(health.body)["name"] == "P"
