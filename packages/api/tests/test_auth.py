"""`/auth/*` over HTTP against the running stack: accounts, tokens, sessions, rate limits.

Every test sends its own `X-Forwarded-For` (uvicorn trusts proxy headers), so each one is a distinct
client IP for the per-IP rate limits and the tests never throttle each other.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import time
import uuid
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import jwt
import psycopg
import pytest
from argon2 import PasswordHasher

from campaign_shared.settings import AuthSettings
from devstack import StackHandle

PASSWORD = "correct horse battery staple"
_ips = itertools.count(1)


def fresh_ip() -> str:
    n = next(_ips)
    return f"10.41.{n // 250}.{n % 250 + 1}"


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


@pytest.fixture
def client(stack: StackHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.api_url, timeout=20, headers={"X-Forwarded-For": fresh_ip()}) as c:
        yield c


@pytest.fixture
def db(stack: StackHandle) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(stack.env["DATABASE_URL"], autocommit=True) as conn:
        yield conn


def jwt_secret(stack: StackHandle) -> str:
    return stack.env.get("JWT_SECRET") or AuthSettings().jwt_secret


def register(
    client: httpx.Client, email: str | None = None, password: str = PASSWORD, name: str = "Ann"
) -> dict[str, Any]:
    response = client.post(
        "/auth/register", json={"email": email or unique_email(), "password": password, "name": name}
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    return body  # type: ignore[no-any-return]


# -- register, login, me ------------------------------------------------------------------------------


def test_register_login_me_round_trip(client: httpx.Client) -> None:
    email = unique_email("Round.Trip")
    body = register(client, email, name="  Ann the GM  ")
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in", "user"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    assert body["user"]["email"] == email and body["user"]["name"] == "Ann the GM"
    user_id = body["user"]["id"]
    uuid.UUID(user_id)

    me = client.get("/auth/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200, me.text
    assert me.json()["id"] == user_id and me.json()["email"] == email and me.json()["name"] == "Ann the GM"
    assert me.json()["principal"]["kind"] == "user"
    assert me.json()["principal"]["scopes"] == ["admin", "read", "write"]

    login = client.post("/auth/login", json={"email": email.upper(), "password": PASSWORD})
    assert login.status_code == 200, login.text
    assert login.json()["user"] == body["user"]
    assert login.json()["token_type"] == "bearer"
    assert login.json()["refresh_token"] != body["refresh_token"]
    claims = jwt.decode(login.json()["access_token"], options={"verify_signature": False})
    assert claims["typ"] == "access" and claims["sub"] == user_id
    assert {"iat", "exp", "jti"} <= set(claims)
    assert claims["exp"] - claims["iat"] == pytest.approx(900, abs=1)


def test_secrets_are_stored_hashed(client: httpx.Client, db: psycopg.Connection[Any]) -> None:
    body = register(client)
    user_id = body["user"]["id"]
    stored_password = db.execute("SELECT password_hash FROM users WHERE id = %s", (user_id,)).fetchone()
    assert stored_password is not None and stored_password[0].startswith("$argon2id$")
    hashes = {row[0] for row in db.execute("SELECT token_hash FROM refresh_tokens WHERE user_id = %s", (user_id,))}
    assert hashes == {hashlib.sha256(body["refresh_token"].encode()).hexdigest()}


def test_duplicate_email_is_conflict_case_insensitively(client: httpx.Client, db: psycopg.Connection[Any]) -> None:
    email = unique_email("dup")
    register(client, email)
    err = error(
        client.post("/auth/register", json={"email": email.upper(), "password": PASSWORD, "name": "B"}), 409, "CONFLICT"
    )
    assert err["details"]["field"] == "email"
    count = db.execute("SELECT count(*) FROM users WHERE lower(email) = lower(%s)", (email,)).fetchone()
    assert count == (1,)


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"email": "a@example.com", "password": "short", "name": "A"}, {"password"}),
        ({"email": "a@example.com", "password": "x" * 257, "name": "A"}, {"password"}),
        ({"email": "not-an-email", "password": PASSWORD, "name": "A"}, {"email"}),
        ({"email": "a@example.com", "password": PASSWORD, "name": "   "}, {"name"}),
        ({"email": 12, "password": None, "name": ["x"]}, {"email", "password", "name"}),
        ({}, {"email", "password", "name"}),
    ],
)
def test_register_validation_lists_every_field(client: httpx.Client, payload: dict[str, Any], fields: set[str]) -> None:
    err = error(client.post("/auth/register", json=payload), 422, "VALIDATION_FAILED")
    assert set(err["details"]["fields"]) == fields
    assert err["details"]["field"] in fields


def test_password_policy_bounds_are_inclusive(client: httpx.Client) -> None:
    register(client, password="x" * 8)
    register(client, password="y" * 256)


@pytest.mark.parametrize("path", ["/auth/register", "/auth/login", "/auth/refresh", "/auth/logout"])
@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"", b'"text"', b"\xff\xfe"])
def test_malformed_bodies_are_400(client: httpx.Client, path: str, content: bytes) -> None:
    response = client.post(path, content=content, headers={"content-type": "application/json"})
    error(response, 400, "VALIDATION_FAILED")


def test_login_failures_do_not_reveal_accounts(client: httpx.Client) -> None:
    email = unique_email()
    register(client, email)
    wrong = error(
        client.post("/auth/login", json={"email": email, "password": "wrong password!"}), 401, "UNAUTHENTICATED"
    )
    unknown = error(
        client.post("/auth/login", json={"email": unique_email(), "password": PASSWORD}), 401, "UNAUTHENTICATED"
    )
    too_long = error(client.post("/auth/login", json={"email": email, "password": "z" * 300}), 401, "UNAUTHENTICATED")
    assert wrong == unknown == too_long


def test_login_rehashes_outdated_password_hashes(client: httpx.Client, db: psycopg.Connection[Any]) -> None:
    email = unique_email()
    user_id = register(client, email)["user"]["id"]
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    db.execute("UPDATE users SET password_hash = %s WHERE id = %s", (weak, user_id))
    assert client.post("/auth/login", json={"email": email, "password": PASSWORD}).status_code == 200
    row = db.execute("SELECT password_hash FROM users WHERE id = %s", (user_id,)).fetchone()
    assert row is not None and row[0] != weak and "m=65536,t=3,p=4" in row[0]
    assert client.post("/auth/login", json={"email": email, "password": PASSWORD}).status_code == 200


def test_anonymous_and_malformed_credentials(client: httpx.Client) -> None:
    err = error(client.get("/auth/me"), 401, "UNAUTHENTICATED")
    assert err["details"]["reason"] == "no_credentials"
    for header in ("Basic dXNlcjpwYXNz", "Bearer", "Bearer not.a.jwt", "Token abc"):
        error(client.get("/auth/me", headers={"Authorization": header}), 401, "UNAUTHENTICATED")
    response = client.get("/auth/me")
    assert response.headers.get("www-authenticate") == "Bearer"


# -- access tokens ------------------------------------------------------------------------------------


def test_refresh_token_is_refused_as_access_token(client: httpx.Client) -> None:
    body = register(client)
    error(client.get("/auth/me", headers=bearer(body["refresh_token"])), 401, "UNAUTHENTICATED")


def test_expired_access_token(client: httpx.Client, stack: StackHandle) -> None:
    user_id = register(client)["user"]["id"]
    now = int(time.time())
    token = jwt.encode(
        {"sub": user_id, "typ": "access", "iat": now - 3600, "exp": now - 60, "jti": "x"},
        jwt_secret(stack),
        algorithm="HS256",
    )
    err = error(client.get("/auth/me", headers=bearer(token)), 401, "UNAUTHENTICATED")
    assert err["details"]["reason"] == "token_expired"


def test_crafted_token_with_the_right_secret_is_accepted(client: httpx.Client, stack: StackHandle) -> None:
    """Control for the negative cases below: the secret used by the tests is the stack's."""
    user_id = register(client)["user"]["id"]
    now = int(time.time())
    token = jwt.encode(
        {"sub": user_id, "typ": "access", "iat": now, "exp": now + 60, "jti": "x"}, jwt_secret(stack), algorithm="HS256"
    )
    assert client.get("/auth/me", headers=bearer(token)).json()["id"] == user_id


@pytest.mark.parametrize(
    "claims",
    [
        {"typ": "refresh"},
        {"typ": None},
        {"typ": "ACCESS"},
        {"jti": None},
        {"exp": None},
        {"sub": "not-a-uuid"},
    ],
)
def test_tokens_with_wrong_or_missing_claims_are_refused(
    client: httpx.Client, stack: StackHandle, claims: dict[str, Any]
) -> None:
    user_id = register(client)["user"]["id"]
    now = int(time.time())
    payload: dict[str, Any] = {"sub": user_id, "typ": "access", "iat": now, "exp": now + 60, "jti": "x"}
    payload.update(claims)
    payload = {k: v for k, v in payload.items() if v is not None}
    token = jwt.encode(payload, jwt_secret(stack), algorithm="HS256")
    error(client.get("/auth/me", headers=bearer(token)), 401, "UNAUTHENTICATED")


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_tampered_and_foreign_tokens_are_refused(client: httpx.Client, stack: StackHandle) -> None:
    alice = register(client)
    bob = register(client)
    token = alice["access_token"]
    header, payload, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    claims = jwt.decode(token, options={"verify_signature": False})
    as_bob = _b64({**claims, "sub": bob["user"]["id"]})
    now = int(time.time())
    valid_claims = {"sub": alice["user"]["id"], "typ": "access", "iat": now, "exp": now + 60, "jti": "x"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyjwt warns about the short key for HS512, which is the point
        other_algorithm = jwt.encode(valid_claims, jwt_secret(stack), algorithm="HS512")
    candidates = [
        f"{header}.{payload}.{flipped}",
        f"{header}.{as_bob}.{signature}",
        f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}.",
        jwt.encode(valid_claims, "another-secret-that-is-long-enough-0123456789", algorithm="HS256"),
        other_algorithm,  # the algorithm is pinned
    ]
    for candidate in candidates:
        error(client.get("/auth/me", headers=bearer(candidate)), 401, "UNAUTHENTICATED")
    assert client.get("/auth/me", headers=bearer(token)).status_code == 200


def test_deactivated_user_is_refused(client: httpx.Client, db: psycopg.Connection[Any]) -> None:
    email = unique_email()
    body = register(client, email)
    db.execute("UPDATE users SET is_active = false WHERE id = %s", (body["user"]["id"],))
    error(client.get("/auth/me", headers=bearer(body["access_token"])), 401, "UNAUTHENTICATED")
    error(client.post("/auth/refresh", json={"refresh_token": body["refresh_token"]}), 401, "UNAUTHENTICATED")
    login = error(client.post("/auth/login", json={"email": email, "password": PASSWORD}), 401, "UNAUTHENTICATED")
    assert login["message"] == "invalid email or password"


def test_deleted_user_is_refused(client: httpx.Client, db: psycopg.Connection[Any]) -> None:
    body = register(client)
    db.execute("DELETE FROM users WHERE id = %s", (body["user"]["id"],))
    error(client.get("/auth/me", headers=bearer(body["access_token"])), 401, "UNAUTHENTICATED")
    error(client.post("/auth/refresh", json={"refresh_token": body["refresh_token"]}), 401, "UNAUTHENTICATED")


# -- refresh tokens and sessions ------------------------------------------------------------------------


def test_refresh_rotates_and_reuse_revokes_the_family(client: httpx.Client) -> None:
    first = register(client)
    second = client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200, second.text
    second_body = second.json()
    assert second_body["user"] == first["user"] and second_body["token_type"] == "bearer"
    assert second_body["refresh_token"] != first["refresh_token"]
    assert client.get("/auth/me", headers=bearer(second_body["access_token"])).status_code == 200
    third = client.post("/auth/refresh", json={"refresh_token": second_body["refresh_token"]}).json()

    # the first token was already rotated: reuse → 401, and the whole family dies
    err = error(client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]}), 401, "UNAUTHENTICATED")
    assert err["details"]["reason"] == "refresh_token_reused"
    error(client.post("/auth/refresh", json={"refresh_token": third["refresh_token"]}), 401, "UNAUTHENTICATED")
    error(client.post("/auth/refresh", json={"refresh_token": second_body["refresh_token"]}), 401, "UNAUTHENTICATED")


def test_concurrent_refreshes_of_one_token_count_as_reuse(stack: StackHandle, client: httpx.Client) -> None:
    """Row locking serialises them: one wins, the other is a reuse, and the family (winner included) dies."""
    first = register(client)

    def refresh(_: int) -> httpx.Response:
        with httpx.Client(base_url=stack.api_url, timeout=20, headers={"X-Forwarded-For": fresh_ip()}) as c:
            return c.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})

    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(refresh, range(4)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 401, 401, 401], [r.text for r in responses]
    winner = next(r.json() for r in responses if r.status_code == 200)
    error(client.post("/auth/refresh", json={"refresh_token": winner["refresh_token"]}), 401, "UNAUTHENTICATED")


def test_reuse_revokes_only_that_family(client: httpx.Client) -> None:
    email = unique_email()
    laptop = register(client, email)
    phone = client.post("/auth/login", json={"email": email, "password": PASSWORD}).json()
    rotated = client.post("/auth/refresh", json={"refresh_token": laptop["refresh_token"]}).json()
    error(client.post("/auth/refresh", json={"refresh_token": laptop["refresh_token"]}), 401, "UNAUTHENTICATED")
    error(client.post("/auth/refresh", json={"refresh_token": rotated["refresh_token"]}), 401, "UNAUTHENTICATED")
    assert client.post("/auth/refresh", json={"refresh_token": phone["refresh_token"]}).status_code == 200


def test_unknown_refresh_token(client: httpx.Client) -> None:
    error(client.post("/auth/refresh", json={"refresh_token": "nope"}), 401, "UNAUTHENTICATED")
    err = error(client.post("/auth/refresh", json={"refresh_token": 5}), 422, "VALIDATION_FAILED")
    assert set(err["details"]["fields"]) == {"refresh_token"}


def test_expired_refresh_token(client: httpx.Client, db: psycopg.Connection[Any]) -> None:
    body = register(client)
    digest = hashlib.sha256(body["refresh_token"].encode()).hexdigest()
    db.execute("UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = %s", (digest,))
    error(client.post("/auth/refresh", json={"refresh_token": body["refresh_token"]}), 401, "UNAUTHENTICATED")


def test_logout_revokes_the_refresh_token_family(client: httpx.Client) -> None:
    first = register(client)
    second = client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]}).json()
    assert client.post("/auth/logout", json={"refresh_token": second["refresh_token"]}).status_code == 204
    error(client.post("/auth/refresh", json={"refresh_token": second["refresh_token"]}), 401, "UNAUTHENTICATED")
    # logging out twice, or with an unknown token, is still 204 (nothing to learn from it)
    assert client.post("/auth/logout", json={"refresh_token": second["refresh_token"]}).status_code == 204
    assert client.post("/auth/logout", json={"refresh_token": "unknown"}).status_code == 204
    error(client.post("/auth/logout", json={}), 422, "VALIDATION_FAILED")


def test_logout_all_revokes_every_session_and_access_token(client: httpx.Client) -> None:
    email = unique_email()
    a = register(client, email)
    b = client.post("/auth/login", json={"email": email, "password": PASSWORD}).json()
    assert client.get("/auth/me", headers=bearer(b["access_token"])).status_code == 200
    error(client.post("/auth/logout-all"), 401, "UNAUTHENTICATED")
    assert client.post("/auth/logout-all", headers=bearer(a["access_token"])).status_code == 204
    for session in (a, b):
        err = error(client.get("/auth/me", headers=bearer(session["access_token"])), 401, "UNAUTHENTICATED")
        assert err["details"]["reason"] == "token_revoked"
        error(client.post("/auth/refresh", json={"refresh_token": session["refresh_token"]}), 401, "UNAUTHENTICATED")
    # signing in again right away works: the cut-off is exact, not rounded to seconds
    c = client.post("/auth/login", json={"email": email, "password": PASSWORD}).json()
    assert client.get("/auth/me", headers=bearer(c["access_token"])).status_code == 200
    d = client.post("/auth/refresh", json={"refresh_token": c["refresh_token"]})
    assert d.status_code == 200
    assert client.get("/auth/me", headers=bearer(d.json()["access_token"])).status_code == 200


# -- service token ------------------------------------------------------------------------------------


def scheduler_token(stack: StackHandle) -> str:
    from campaign_shared.settings import ServiceTokenSettings

    return stack.env.get("SCHEDULER_API_TOKEN") or ServiceTokenSettings().scheduler_api_token


def test_scheduler_token_is_a_service_principal(client: httpx.Client, stack: StackHandle) -> None:
    headers = bearer(scheduler_token(stack))
    me = client.get("/auth/me", headers=headers)
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["id"] is None and body["email"] is None and body["name"] == "scheduler"
    assert body["principal"]["kind"] == "service"
    assert body["principal"]["scopes"] == ["scheduler"]
    assert client.get("/auth/check", params={"scope": "scheduler"}, headers=headers).status_code == 200
    for scope in ("read", "write", "admin"):
        err = error(client.get("/auth/check", params={"scope": scope}, headers=headers), 403, "FORBIDDEN")
        assert err["details"]["scope"] == scope
    # the service acts for nobody: no API keys, no sessions
    error(client.get("/auth/api-keys", headers=headers), 403, "FORBIDDEN")
    error(client.post("/auth/logout-all", headers=headers), 403, "FORBIDDEN")
    error(client.get("/auth/me", headers=bearer(scheduler_token(stack) + "x")), 401, "UNAUTHENTICATED")


# -- rate limits --------------------------------------------------------------------------------------


def _wait_for_fresh_window(seconds_needed: float = 8) -> None:
    """The limits count per fixed minute: do not start a burst just before the window turns over."""
    into_window = time.time() % 60
    if into_window > 60 - seconds_needed:
        time.sleep(60 - into_window + 0.2)


@pytest.mark.parametrize(("path", "limit"), [("/auth/login", 10), ("/auth/register", 10), ("/auth/refresh", 30)])
def test_rate_limits_per_ip(stack: StackHandle, path: str, limit: int) -> None:
    ip = fresh_ip()
    _wait_for_fresh_window()
    with httpx.Client(base_url=stack.api_url, timeout=20, headers={"X-Forwarded-For": ip}) as c:
        for _ in range(limit):
            assert c.post(path, json={}).status_code == 422  # counted even when the body is wrong
        limited = c.post(path, json={})
        err = error(limited, 429, "RATE_LIMITED")
        retry_after = int(limited.headers["retry-after"])
        assert 1 <= retry_after <= 60
        assert err["details"]["retryAfter"] == retry_after
    with httpx.Client(base_url=stack.api_url, timeout=20, headers={"X-Forwarded-For": fresh_ip()}) as other:
        assert other.post(path, json={}).status_code == 422  # another client is not affected


def test_concurrent_requests_each_get_their_own_users_state(client: httpx.Client, db: psycopg.Connection[Any]) -> None:
    """User state is read in batches for concurrent requests: each answer still follows its own user."""
    active, disabled, deleted = (register(client) for _ in range(3))
    db.execute("UPDATE users SET is_active = false WHERE id = %s", (disabled["user"]["id"],))
    db.execute("DELETE FROM users WHERE id = %s", (deleted["user"]["id"],))
    callers = [active, disabled, deleted] * 10

    def me(body: dict[str, Any]) -> tuple[int, Any]:
        answer = client.post("/graphql", json={"query": "{ me { id } }"}, headers=bearer(body["access_token"]))
        return answer.status_code, answer.json()

    with ThreadPoolExecutor(max_workers=15) as pool:
        answers = list(pool.map(me, callers))
    for body, (status, payload) in zip(callers, answers, strict=True):
        if body is active:
            assert status == 200 and payload["data"]["me"]["id"] == active["user"]["id"], payload
        else:
            assert payload["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", payload
