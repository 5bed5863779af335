"""API keys over HTTP against the running stack: creation, use, scopes, campaign restriction, revocation."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from campaign_api.db.models import World
from campaign_api.domain.service import DomainService
from campaign_shared.settings import DatabaseSettings
from devstack import StackHandle

PASSWORD = "correct horse battery staple"
KEY_FORMAT = re.compile(r"^cm_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$")
_ips = itertools.count(1)


def fresh_ip() -> str:
    n = next(_ips)
    return f"10.42.{n // 250}.{n % 250 + 1}"


@pytest.fixture
def client(stack: StackHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.api_url, timeout=20, headers={"X-Forwarded-For": fresh_ip()}) as c:
        yield c


@pytest.fixture
def db(stack: StackHandle) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(stack.env["DATABASE_URL"], autocommit=True) as conn:
        yield conn


def register(client: httpx.Client) -> dict[str, Any]:
    email = f"keys-{uuid.uuid4().hex[:12]}@example.com"
    response = client.post("/auth/register", json={"email": email, "password": PASSWORD, "name": "Key Owner"})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert body["code"] == code, body
    return body  # type: ignore[no-any-return]


def create_key(client: httpx.Client, token: str, **payload: Any) -> dict[str, Any]:
    payload.setdefault("name", "script")
    payload.setdefault("scopes", ["read"])
    response = client.post("/auth/api-keys", json=payload, headers=bearer(token))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def make_campaign(stack: StackHandle, owner_id: str) -> str:
    """A world and campaign owned by `owner_id` (the domain service makes the owner an OWNER member)."""

    async def run() -> str:
        engine = create_async_engine(DatabaseSettings(url=stack.env["DATABASE_URL"]).sqlalchemy_url)
        try:
            async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
                service = DomainService(session, uuid.UUID(owner_id))
                world: World = await service.create_world(uuid.UUID(owner_id), "Eldmoor", "", "gregorian")
                campaign, _ = await service.create_campaign(world, "The Long Road")
                return str(campaign.id)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_create_use_list_and_revoke(client: httpx.Client, db: psycopg.Connection[Any]) -> None:
    owner = register(client)
    created = create_key(client, owner["access_token"], name="importer", scopes=["read"], expires_in_days=30)
    key = created["key"]
    assert KEY_FORMAT.match(key), key
    assert created["id"] == str(uuid.UUID(hex=key.split("_")[1]))
    assert created["prefix"] == "_".join(key.split("_")[:2])
    assert created["scopes"] == ["read"] and created["campaign_id"] is None
    assert created["expires_at"] and created["revoked_at"] is None

    # stored as a sha256 of the secret only
    secret = key.split("_", 2)[2]
    row = db.execute("SELECT secret_hash FROM api_keys WHERE id = %s", (created["id"],)).fetchone()
    assert row == (hashlib.sha256(secret.encode()).hexdigest(),)

    me = client.get("/auth/me", headers={"X-API-Key": key})
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["id"] == owner["user"]["id"] and body["email"] == owner["user"]["email"]
    assert body["principal"] == {
        "kind": "api_key",
        "user_id": owner["user"]["id"],
        "scopes": ["read"],
        "campaign_id": None,
        "api_key_id": created["id"],
        "service": None,
    }
    deadline = time.monotonic() + 5  # recorded in the background
    while db.execute("SELECT last_used_at FROM api_keys WHERE id = %s", (created["id"],)).fetchone() == (None,):
        assert time.monotonic() < deadline, "last_used_at was never recorded"
        time.sleep(0.05)

    listed = client.get("/auth/api-keys", headers=bearer(owner["access_token"]))
    assert listed.status_code == 200
    assert [k["id"] for k in listed.json()] == [created["id"]]
    assert "key" not in listed.json()[0] and "secret_hash" not in listed.json()[0]
    assert key.split("_", 2)[2] not in listed.text

    assert client.delete(f"/auth/api-keys/{created['id']}", headers=bearer(owner["access_token"])).status_code == 204
    err = error(client.get("/auth/me", headers={"X-API-Key": key}), 401, "UNAUTHENTICATED")
    assert err["details"]["reason"] == "api_key_revoked"
    listed = client.get("/auth/api-keys", headers=bearer(owner["access_token"])).json()
    assert listed[0]["revoked_at"] is not None
    # revoking again is fine; someone else's key or a missing one is NOT_FOUND
    assert client.delete(f"/auth/api-keys/{created['id']}", headers=bearer(owner["access_token"])).status_code == 204
    stranger = register(client)
    error(client.delete(f"/auth/api-keys/{created['id']}", headers=bearer(stranger["access_token"])), 404, "NOT_FOUND")
    error(client.delete(f"/auth/api-keys/{uuid.uuid4()}", headers=bearer(owner["access_token"])), 404, "NOT_FOUND")
    error(client.delete("/auth/api-keys/not-a-uuid", headers=bearer(owner["access_token"])), 404, "NOT_FOUND")


def test_wrong_unknown_and_malformed_keys(client: httpx.Client) -> None:
    owner = register(client)
    key = create_key(client, owner["access_token"])["key"]
    prefix, key_id, secret = key.split("_", 2)
    other_secret = ("A" if secret[0] != "A" else "B") + secret[1:]
    for candidate in (
        f"{prefix}_{key_id}_{other_secret}",  # wrong secret
        f"{prefix}_{uuid.uuid4().hex}_{secret}",  # unknown id
        f"cm_{key_id}",
        "cm_",
        "garbage",
        key + "x",
    ):
        err = error(client.get("/auth/me", headers={"X-API-Key": candidate}), 401, "UNAUTHENTICATED")
        assert err["details"]["reason"] == "invalid_api_key"
    assert client.get("/auth/me", headers={"X-API-Key": key}).status_code == 200


def test_expired_key_is_refused(client: httpx.Client, db: psycopg.Connection[Any]) -> None:
    owner = register(client)
    created = create_key(client, owner["access_token"], expires_in_days=1)
    assert client.get("/auth/me", headers={"X-API-Key": created["key"]}).status_code == 200
    db.execute("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = %s", (created["id"],))
    err = error(client.get("/auth/me", headers={"X-API-Key": created["key"]}), 401, "UNAUTHENTICATED")
    assert err["details"]["reason"] == "api_key_expired"


def test_key_of_a_deactivated_user_is_refused(client: httpx.Client, db: psycopg.Connection[Any]) -> None:
    owner = register(client)
    key = create_key(client, owner["access_token"])["key"]
    db.execute("UPDATE users SET is_active = false WHERE id = %s", (owner["user"]["id"],))
    error(client.get("/auth/me", headers={"X-API-Key": key}), 401, "UNAUTHENTICATED")


def test_scopes_are_enforced_and_implied(client: httpx.Client) -> None:
    owner = register(client)
    reader = create_key(client, owner["access_token"], scopes=["read"])["key"]
    writer = create_key(client, owner["access_token"], scopes=["write"])["key"]
    admin = create_key(client, owner["access_token"], scopes=["admin", "read"])["key"]

    def check(key: str, scope: str) -> int:
        return client.get("/auth/check", params={"scope": scope}, headers={"X-API-Key": key}).status_code

    assert [check(reader, s) for s in ("read", "write", "admin", "scheduler")] == [200, 403, 403, 403]
    assert [check(writer, s) for s in ("read", "write", "admin")] == [200, 200, 403]
    assert [check(admin, s) for s in ("read", "write", "admin", "scheduler")] == [200, 200, 200, 403]
    err = error(client.get("/auth/check", params={"scope": "write"}, headers={"X-API-Key": reader}), 403, "FORBIDDEN")
    assert err["details"] == {"reason": "missing_scope", "scope": "write"}
    assert client.get("/auth/me", headers={"X-API-Key": writer}).json()["principal"]["scopes"] == ["read", "write"]
    # a signed-in user holds every API scope (the campaign role decides the rest)
    assert (
        client.get("/auth/check", params={"scope": "admin"}, headers=bearer(owner["access_token"])).status_code == 200
    )


def test_keys_cannot_manage_keys_or_sessions(client: httpx.Client) -> None:
    owner = register(client)
    key = create_key(client, owner["access_token"], scopes=["admin"])["key"]
    headers = {"X-API-Key": key}
    error(client.post("/auth/api-keys", json={"name": "x", "scopes": ["read"]}, headers=headers), 403, "FORBIDDEN")
    error(client.get("/auth/api-keys", headers=headers), 403, "FORBIDDEN")
    error(client.post("/auth/logout-all", headers=headers), 403, "FORBIDDEN")
    # two credentials at once are refused rather than guessed between
    both = {**headers, **bearer(owner["access_token"])}
    error(client.get("/auth/me", headers=both), 401, "UNAUTHENTICATED")


def test_logout_all_does_not_revoke_api_keys(client: httpx.Client) -> None:
    owner = register(client)
    key = create_key(client, owner["access_token"])["key"]
    assert client.post("/auth/logout-all", headers=bearer(owner["access_token"])).status_code == 204
    assert client.get("/auth/me", headers={"X-API-Key": key}).status_code == 200


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"name": "x", "scopes": []}, {"scopes"}),
        ({"name": "x", "scopes": ["read", "root"]}, {"scopes"}),
        ({"name": "x", "scopes": ["scheduler"]}, {"scopes"}),
        ({"name": "x", "scopes": "read"}, {"scopes"}),
        ({"name": "", "scopes": ["read"]}, {"name"}),
        ({"scopes": ["read"], "campaign_id": "nope", "expires_in_days": 0}, {"name", "campaign_id", "expires_in_days"}),
        ({"name": "x", "scopes": ["read"], "expires_in_days": True}, {"expires_in_days"}),
    ],
)
def test_create_validation(client: httpx.Client, payload: dict[str, Any], fields: set[str]) -> None:
    owner = register(client)
    err = error(
        client.post("/auth/api-keys", json=payload, headers=bearer(owner["access_token"])), 422, "VALIDATION_FAILED"
    )
    assert set(err["details"]["fields"]) == fields
    assert client.get("/auth/api-keys", headers=bearer(owner["access_token"])).json() == []


def test_create_needs_authentication_and_json(client: httpx.Client) -> None:
    error(client.post("/auth/api-keys", json={"name": "x", "scopes": ["read"]}), 401, "UNAUTHENTICATED")
    error(client.get("/auth/api-keys"), 401, "UNAUTHENTICATED")
    owner = register(client)
    response = client.post(
        "/auth/api-keys",
        content=b"{oops",
        headers={**bearer(owner["access_token"]), "content-type": "application/json"},
    )
    error(response, 400, "VALIDATION_FAILED")


def test_campaign_restriction(client: httpx.Client, stack: StackHandle) -> None:
    owner = register(client)
    campaign_id = make_campaign(stack, owner["user"]["id"])
    other_campaign = make_campaign(stack, owner["user"]["id"])
    created = create_key(client, owner["access_token"], scopes=["write"], campaign_id=campaign_id)
    assert created["campaign_id"] == campaign_id
    headers = {"X-API-Key": created["key"]}
    assert client.get("/auth/me", headers=headers).json()["principal"]["campaign_id"] == campaign_id

    def check(**params: str) -> httpx.Response:
        return client.get("/auth/check", params=params, headers=headers)

    assert check(campaign_id=campaign_id, scope="write").status_code == 200
    err = error(check(campaign_id=other_campaign), 403, "FORBIDDEN")
    assert err["details"]["reason"] == "campaign_restricted"
    error(check(campaign_id=campaign_id, scope="admin"), 403, "FORBIDDEN")
    error(check(campaign_id="not-a-uuid"), 422, "VALIDATION_FAILED")
    # an unrestricted key and a user session reach every campaign (membership is checked elsewhere)
    free = create_key(client, owner["access_token"])["key"]
    assert (
        client.get("/auth/check", params={"campaign_id": other_campaign}, headers={"X-API-Key": free}).status_code
        == 200
    )

    # a key can only be restricted to a campaign the user is a member of
    stranger = register(client)
    for target in (campaign_id, str(uuid.uuid4())):
        response = client.post(
            "/auth/api-keys",
            json={"name": "x", "scopes": ["read"], "campaign_id": target},
            headers=bearer(stranger["access_token"]),
        )
        error(response, 404, "NOT_FOUND")
    assert client.get("/auth/api-keys", headers=bearer(stranger["access_token"])).json() == []
