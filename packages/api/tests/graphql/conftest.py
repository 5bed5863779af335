"""GraphQL tests: real users registered over REST, every call over HTTP (or WebSocket) to the running API."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from devstack import StackHandle


class GraphQLError(AssertionError):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors)
        self.errors = errors
        self.code = errors[0].get("extensions", {}).get("code")


@dataclass
class Client:
    http: httpx.Client
    token: str | None = None
    api_key: str | None = None
    user: dict[str, Any] = field(default_factory=dict)

    def headers(self) -> dict[str, str]:
        if self.token:
            return {"Authorization": f"Bearer {self.token}"}
        if self.api_key:
            return {"X-API-Key": self.api_key}
        return {}

    def raw(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=self.headers()
        )
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def q(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The data of a successful operation; raises GraphQLError (with `.code`) otherwise."""
        body = self.raw(query, variables)
        if body.get("errors"):
            raise GraphQLError(body["errors"])
        return body["data"]  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def http(stack: StackHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.api_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def new_user(http: httpx.Client) -> Any:
    def make(name: str = "User") -> Client:
        email = f"{name.lower()}-{uuid.uuid4().hex[:10]}@example.test"
        # a distinct (documentation-range) client address per user keeps the per-IP sign-up limit out of the way
        client_ip = f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"
        response = http.post(
            "/auth/register",
            json={"email": email, "password": "correct horse battery", "name": name},
            headers={"X-Forwarded-For": client_ip},
        )
        assert response.status_code == 201, response.text
        body = response.json()
        return Client(http, token=body["access_token"], user=body["user"])

    return make


@pytest.fixture(scope="session")
def anonymous(http: httpx.Client) -> Client:
    return Client(http)


CREATE_WORLD = "mutation($i: CreateWorldInput!) { createWorld(input: $i) { id name calendar } }"
CREATE_CAMPAIGN = """mutation($i: CreateCampaignInput!) { createCampaign(input: $i) {
  id name myRole mainBranch { id worldTime version } } }"""
ADD_MEMBER = "mutation($c: ID!, $e: String!, $r: Role!) { addMember(campaignId: $c, email: $e, role: $r) { role } }"


@dataclass
class Table:
    """A campaign with one user per role."""

    campaign_id: str
    main_branch_id: str
    owner: Client
    gm: Client
    player: Client
    viewer: Client
    outsider: Client

    def by_role(self) -> dict[str, Client]:
        return {"OWNER": self.owner, "GM": self.gm, "PLAYER": self.player, "VIEWER": self.viewer}


@pytest.fixture
def table(new_user: Any) -> Table:
    owner = new_user("Owner")
    world = owner.q(CREATE_WORLD, {"i": {"name": "Eldmoor", "calendar": "gregorian"}})["createWorld"]
    campaign = owner.q(
        CREATE_CAMPAIGN, {"i": {"worldId": world["id"], "name": "The Long Road", "startTime": "1200-03-01 08:00"}}
    )["createCampaign"]
    members = {}
    for role in ("GM", "PLAYER", "VIEWER"):
        member = new_user(role.title())
        owner.q(ADD_MEMBER, {"c": campaign["id"], "e": member.user["email"], "r": role})
        members[role] = member
    return Table(
        campaign["id"],
        campaign["mainBranch"]["id"],
        owner,
        members["GM"],
        members["PLAYER"],
        members["VIEWER"],
        new_user("Outsider"),
    )
