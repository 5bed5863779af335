"""The demo world through the running API, as its users meet it.

Every demo account logs in over HTTP and sees what its role allows; the rules engine finds no cycle and
no dangling reference in any branch's dependency graph; and a smoke test walks the story on: resolve the
next event, advance world time one month, merge a what-if branch. The last test puts the demo back.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from campaign_api.seed import DEMO_ACCOUNTS, DemoWorld, reset_demo, seed_demo
from campaign_api.storage import ObjectStorage
from campaign_shared.settings import AppSettings, DatabaseSettings, S3Settings, Settings
from devstack import StackHandle

pytestmark = pytest.mark.stack

HIDDEN_EVENT = "The Drowned Bell Tolls"
HIDDEN_PLACE = "The Drowned Abbey"


class GraphQLError(AssertionError):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors)
        self.code = errors[0].get("extensions", {}).get("code")


@dataclass
class User:
    http: httpx.Client
    token: str
    role: str

    def q(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        if body.get("errors"):
            raise GraphQLError(body["errors"])
        return body["data"]  # type: ignore[no-any-return]


def demo_settings(stack: StackHandle) -> Settings:
    env = stack.env
    return Settings(
        app=AppSettings(env="test"),
        database=DatabaseSettings(url=env["DATABASE_URL"]),
        s3=S3Settings(
            endpoint=env["S3_ENDPOINT"],
            access_key=env["S3_ACCESS_KEY"],
            secret_key=env["S3_SECRET_KEY"],
            bucket=env["S3_BUCKET"],
        ),
    )


@pytest.fixture(scope="module")
async def demo(stack: StackHandle) -> DemoWorld:
    return await seed_demo(demo_settings(stack))


@pytest.fixture(scope="module")
def http(stack: StackHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.api_url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def users(http: httpx.Client, demo: DemoWorld) -> dict[str, User]:
    """Each demo account signed in over REST (a distinct client address each, for the login rate limit)."""
    signed_in = {}
    for account in DEMO_ACCOUNTS:
        response = http.post(
            "/auth/login",
            json={"email": account.email, "password": account.password},
            headers={"X-Forwarded-For": f"2001:db8::5eed:{uuid.uuid4().hex[:4]}"},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["token_type"] == "bearer" and body["user"]["email"] == account.email
        signed_in[account.role] = User(http, body["access_token"], account.role)
    return signed_in


def main_branch(user: User, demo: DemoWorld) -> dict[str, Any]:
    data = user.q(
        "query($c: ID!) { campaign(id: $c) { mainBranch { id worldTime version } } }", {"c": str(demo.campaign_id)}
    )
    return data["campaign"]["mainBranch"]  # type: ignore[no-any-return]


def test_every_account_logs_in_and_sees_what_its_role_allows(users: dict[str, User], demo: DemoWorld) -> None:
    campaign = str(demo.campaign_id)
    for role, user in users.items():
        me = user.q("{ me { email } campaigns { id name myRole } }")
        mine = [c for c in me["campaigns"] if c["id"] == campaign]
        assert mine and mine[0]["myRole"] == role, (role, me)
        world = user.q(
            "query($w: ID!) { world(id: $w) { name calendar mapImageKey mapBounds } }", {"w": str(demo.world_id)}
        )["world"]
        assert world["mapImageKey"] == demo.map_image_key and world["mapBounds"] == [-20, -12.5, 20, 12.5]

        data = user.q(
            """query($c: ID!) {
                 events(campaignId: $c) { name hidden gmNotes status }
                 locations(campaignId: $c) { name hidden gmNotes }
                 settlements(campaignId: $c) { name gmNotes variables }
                 characters(campaignId: $c) { name gmNotes ownerUserId }
                 secrets(campaignId: $c) { text revealedTo }
                 conditions(campaignId: $c) { field }
               }""",
            {"c": campaign},
        )
        names = {e["name"] for e in data["events"]}
        places = {p["name"] for p in data["locations"]}
        notes = [x["gmNotes"] for kind in ("events", "locations", "settlements", "characters") for x in data[kind]]
        if role in {"OWNER", "GM"}:
            assert len(data["events"]) == 16 and HIDDEN_EVENT in names and HIDDEN_PLACE in places
            assert any(notes), "a GM sees the GM notes"
            assert len(data["secrets"]) >= 5 and data["conditions"]
        else:
            assert HIDDEN_EVENT not in names and HIDDEN_PLACE not in places
            assert not any(e["hidden"] for e in data["events"]) and len(data["events"]) < 16
            assert not any(notes), f"{role} must not see GM notes"
            assert data["conditions"] == []
            # only the secrets revealed to them (the player's party knows some), never who else knows
            assert len(data["secrets"]) < 5 and all(x["revealedTo"] == [] for x in data["secrets"])
            if role == "VIEWER":
                assert data["secrets"] == []
            assert {s["name"] for s in data["settlements"]} >= {"Port Emberlee", "Reedhaven"}


def test_players_and_viewers_cannot_change_the_world(users: dict[str, User], demo: DemoWorld) -> None:
    branch = main_branch(users["GM"], demo)["id"]
    emberlee = next(
        s
        for s in users["VIEWER"].q(
            "query($c: ID!) { settlements(campaignId: $c) { id name } }", {"c": str(demo.campaign_id)}
        )["settlements"]
        if s["name"] == "Port Emberlee"
    )
    mutation = """mutation($id: ID!, $b: ID!) {
        updateSettlement(id: $id, branchId: $b, input: {description: "Renamed by a spectator"}) { version } }"""
    for role in ("VIEWER", "PLAYER"):
        with pytest.raises(GraphQLError) as raised:
            users[role].q(mutation, {"id": emberlee["id"], "b": branch})
        assert raised.value.code == "FORBIDDEN", role
    with pytest.raises(GraphQLError) as raised:
        users["VIEWER"].q(
            'mutation($b: ID!) { advanceWorldTime(branchId: $b, to: "1207-12-01") { id } }', {"b": branch}
        )
    assert raised.value.code == "FORBIDDEN"


def test_dependency_graphs_have_no_cycles_or_dangling_references(users: dict[str, User], demo: DemoWorld) -> None:
    query = """query($c: ID!, $b: ID) { dependencyGraph(campaignId: $c, branchId: $b) {
        nodes { key kind declared } edges { source target kind } order
        cycles { description } dangling { missing { key label } } invalidEdges { reason } } }"""
    for name, branch_id in demo.branches.items():
        graph = users["GM"].q(query, {"c": str(demo.campaign_id), "b": str(branch_id)})["dependencyGraph"]
        assert graph["cycles"] == [], (name, graph["cycles"])
        assert graph["dangling"] == [], (name, graph["dangling"])
        assert graph["invalidEdges"] == [], (name, graph["invalidEdges"])
        kinds = {n["kind"] for n in graph["nodes"]}
        assert {"EVENT", "ENCOUNTER", "CONDITION", "EFFECT", "VARIABLE", "ENTITY_FIELD"} <= kinds
        assert all(n["declared"] for n in graph["nodes"])
        assert {"PREREQUISITE", "TRIGGERS", "READS", "WRITES"} <= {e["kind"] for e in graph["edges"]}
        assert len(graph["order"]) == len(graph["nodes"])
    with pytest.raises(GraphQLError):
        users["PLAYER"].q(query, {"c": str(demo.campaign_id), "b": None})


def test_the_map_image_behind_the_world_is_a_png(stack: StackHandle, demo: DemoWorld, users: dict[str, User]) -> None:
    storage = ObjectStorage(demo_settings(stack).s3)
    response = storage.client.get_object(storage.bucket, demo.map_image_key or "")
    try:
        head = response.read(8)
    finally:
        response.close()
        response.release_conn()
    assert head == b"\x89PNG\r\n\x1a\n"
    # Browsers fetch it with the presigned GET URL the API hands every member (the bucket is private).
    url = users["PLAYER"].q("query($w: ID!) { world(id: $w) { mapImageUrl } }", {"w": str(demo.world_id)})["world"]
    image = httpx.get(url["mapImageUrl"], headers={"Origin": "http://127.0.0.1:8080"}, timeout=10)
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert image.headers.get("access-control-allow-origin") in {"*", "http://127.0.0.1:8080"}


async def test_smoke_resolve_advance_and_merge(stack: StackHandle, users: dict[str, User], demo: DemoWorld) -> None:
    """The co-GM plays on: the next event resolves, a month passes, the early-floods timeline is merged."""
    gm, campaign = users["GM"], str(demo.campaign_id)
    try:
        main = main_branch(gm, demo)
        assert main["worldTime"] == "1207-05-12 18:00:00"

        # 1. the next planned event in the timeline is available and resolves, with its effects
        events = gm.q("query($c: ID!) { events(campaignId: $c) { id name status scheduledAt } }", {"c": campaign})[
            "events"
        ]
        planned = sorted((e for e in events if e["status"] == "PLANNED"), key=lambda e: e["scheduledAt"])
        pact = planned[0]
        assert pact["name"] == "Pact with the Thanes"
        fields = gm.q(
            "query($id: ID!) { evaluateConditions(type: EVENT, id: $id, explain: true) { field value } }",
            {"id": pact["id"]},
        )["evaluateConditions"]
        assert {f["field"]: f["value"] for f in fields}["available"] is True
        resolved = gm.q(
            """mutation($id: ID!, $b: ID) { resolveEvent(id: $id, branchId: $b) {
                 status executions { success timing deferredUntil targetType } } }""",
            {"id": pact["id"], "b": main["id"]},
        )["resolveEvent"]
        assert resolved["status"] == "COMPLETED"
        assert all(e["success"] for e in resolved["executions"]) and len(resolved["executions"]) == 3
        assert [e["deferredUntil"] for e in resolved["executions"] if e["deferredUntil"]] == ["1207-06-12 18:00:00"]
        assert _kingdom(gm, campaign, "Greyspire Thanedom")["variables"]["stance"] == "allied"
        flags = gm.q("query($c: ID!) { variables(campaignId: $c, scope: CAMPAIGN, scopeId: $c) }", {"c": campaign})[
            "variables"
        ]
        assert flags["alliance_forged"] is True

        # 2. one world month later (28 days): the deferred effect and the month's growth are booked
        before = {s["name"]: s for s in _settlements(gm, campaign, main["id"])}
        advanced = gm.q(
            """mutation($b: ID!, $v: Int) { advanceWorldTime(branchId: $b, to: "1207-06-12 18:00", expectedVersion: $v) {
                 worldTime version } }""",
            {"b": main["id"], "v": main["version"]},
        )["advanceWorldTime"]
        assert advanced["worldTime"] == "1207-06-12 18:00:00"
        gm.q("mutation($b: ID!) { processDueWork(branchId: $b) { processedTo } }", {"b": main["id"]})
        barracks = gm.q(
            'query($c: ID!) { structures(campaignId: $c, search: "Barracks") { name level } }', {"c": campaign}
        )["structures"]
        assert [(s["name"], s["level"]) for s in barracks] == [("Thanes' Barracks", 3)]
        after = {s["name"]: s for s in _settlements(gm, campaign, main["id"])}
        assert all(after[n]["population"] > before[n]["population"] for n in before), "a month of growth"

        # 3. merge the early-floods timeline into main, taking the branch's side of every conflict
        source, target = str(demo.branches["early-floods"]), main["id"]
        preview = gm.q(
            """query($s: ID!, $t: ID!) { mergePreview(sourceBranchId: $s, targetBranchId: $t) {
                 conflicts { entityType entityId path theirs } changes { entityType entityId action } } }""",
            {"s": source, "t": target},
        )["mergePreview"]
        assert preview["changes"]
        resolutions = [
            {"entityType": c["entityType"], "entityId": c["entityId"], "path": c["path"], "value": c["theirs"]}
            for c in preview["conflicts"]
        ]
        merged = gm.q(
            """mutation($i: MergeBranchInput!) { mergeBranch(input: $i) { written target { id worldTime } } }""",
            {"i": {"sourceBranchId": source, "targetBranchId": target, "resolutions": resolutions}},
        )["mergeBranch"]
        assert merged["written"] >= 3 and merged["target"]["id"] == target
        events = {
            e["name"]: e
            for e in gm.q("query($c: ID!) { events(campaignId: $c) { name status hidden } }", {"c": campaign})["events"]
        }
        assert events["The Mirefen Floods"]["status"] == "COMPLETED" and not events["The Mirefen Floods"]["hidden"]
        drake = gm.q('query($c: ID!) { encounters(campaignId: $c, search: "Drake") { status } }', {"c": campaign})
        assert drake["encounters"] == [{"status": "RESOLVED"}]
        bogmoor = {s["name"]: s for s in _settlements(gm, campaign, target)}["Bogmoor Crossing"]
        assert "half under water" in bogmoor["description"]
        audit = gm.q(
            'query($c: ID!) { auditLog(campaignId: $c, operation: "MERGE", limit: 5) { operation } }', {"c": campaign}
        )["auditLog"]
        assert audit
    finally:
        await reset_demo(demo_settings(stack))  # leave the pristine demo for whoever comes next


def _kingdom(user: User, campaign: str, name: str) -> dict[str, Any]:
    kingdoms = user.q("query($c: ID!) { kingdoms(campaignId: $c) { name variables } }", {"c": campaign})["kingdoms"]
    return next(k for k in kingdoms if k["name"] == name)  # type: ignore[no-any-return]


def _settlements(user: User, campaign: str, branch: str) -> list[dict[str, Any]]:
    data = user.q(
        "query($c: ID!, $b: ID) { settlements(campaignId: $c, branchId: $b) { name population description } }",
        {"c": campaign, "b": branch},
    )
    return data["settlements"]  # type: ignore[no-any-return]
