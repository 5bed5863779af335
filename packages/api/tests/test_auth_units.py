"""Auth building blocks without the stack: password policy, tokens, API key parsing, scopes, principals."""

from __future__ import annotations

import time
import uuid

import jwt
import pytest

from campaign_api.auth.api_keys import format_api_key, hash_secret, parse_api_key, validate_scopes
from campaign_api.auth.passwords import (
    check_password_policy,
    hash_password_sync,
    needs_rehash,
    verify_password_sync,
)
from campaign_api.auth.principal import Principal, is_service_token
from campaign_api.auth.scopes import USER_SCOPES, expand_scopes
from campaign_api.auth.tokens import create_access_token, decode_access_token, hash_token
from campaign_api.errors import Forbidden, Unauthenticated, ValidationFailed
from campaign_shared.settings import AuthSettings

SETTINGS = AuthSettings(jwt_secret="unit-test-secret-" + "0123456789abcdef" * 4)


def test_password_policy() -> None:
    check_password_policy("x" * 8)
    check_password_policy("x" * 256)
    for bad in ("", "x" * 7, "x" * 257):
        with pytest.raises(ValidationFailed) as info:
            check_password_policy(bad)
        assert info.value.details["field"] == "password"


def test_password_hash_round_trip_and_no_truncation() -> None:
    long_a = "a" * 100 + "1"
    long_b = "a" * 100 + "2"  # differs after byte 72, where bcrypt would stop looking
    stored = hash_password_sync(long_a)
    assert stored.startswith("$argon2id$")
    assert verify_password_sync(stored, long_a)
    assert not verify_password_sync(stored, long_b)
    assert not verify_password_sync("not a hash", long_a)
    assert not needs_rehash(stored)
    assert needs_rehash("$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")


def test_access_token_round_trip() -> None:
    user_id = uuid.uuid4()
    claims = decode_access_token(SETTINGS, create_access_token(SETTINGS, user_id))
    assert claims.user_id == user_id
    assert claims.expires_at - claims.issued_at == pytest.approx(SETTINGS.access_token_ttl_seconds, abs=1)


def test_access_token_refusals() -> None:
    now = int(time.time())
    base = {"sub": str(uuid.uuid4()), "typ": "access", "iat": now, "exp": now + 60, "jti": "j"}
    good = jwt.encode(base, SETTINGS.jwt_secret, algorithm="HS256")
    decode_access_token(SETTINGS, good)
    bad = [
        jwt.encode({**base, "typ": "refresh"}, SETTINGS.jwt_secret, algorithm="HS256"),
        jwt.encode({k: v for k, v in base.items() if k != "typ"}, SETTINGS.jwt_secret, algorithm="HS256"),
        jwt.encode({**base, "exp": now - 10}, SETTINGS.jwt_secret, algorithm="HS256"),
        jwt.encode(base, SETTINGS.jwt_secret, algorithm="HS384"),
        jwt.encode(base, "x" * 40, algorithm="HS256"),
        good[:-3] + "abc",
        "",
        "a" * 5000,
    ]
    for token in bad:
        with pytest.raises(Unauthenticated):
            decode_access_token(SETTINGS, token)


def test_refresh_token_hash_is_sha256_hex() -> None:
    assert len(hash_token("abc")) == 64 and hash_token("abc") != hash_token("abd")


def test_api_key_format() -> None:
    key_id = uuid.uuid4()
    secret = "Ab_-" * 11
    raw = format_api_key(key_id, secret)
    assert raw.startswith(f"cm_{key_id.hex}_")
    assert parse_api_key(raw) == (key_id, secret)
    assert hash_secret(secret) != secret
    for bad in ("", "cm_", f"cm_{key_id.hex}", f"xx_{key_id.hex}_{secret}", f"cm_{key_id}_{secret}", raw + "!"):
        with pytest.raises(Unauthenticated):
            parse_api_key(bad)


def test_scopes() -> None:
    assert expand_scopes(["admin"]) == {"admin", "write", "read"}
    assert expand_scopes(["write"]) == {"write", "read"}
    assert expand_scopes(["read"]) == {"read"}
    assert validate_scopes(["write", "read", "write"]) == ["read", "write"]
    for bad in ([], ["scheduler"], ["root"]):
        with pytest.raises(ValidationFailed):
            validate_scopes(bad)


def test_principal_checks() -> None:
    campaign = uuid.uuid4()
    restricted = Principal(kind="api_key", user_id=uuid.uuid4(), scopes=expand_scopes(["read"]), campaign_id=campaign)
    restricted.require_scope("read")
    restricted.require_campaign(campaign)
    with pytest.raises(Forbidden):
        restricted.require_scope("write")
    with pytest.raises(Forbidden):
        restricted.require_campaign(uuid.uuid4())
    assert not restricted.allows_campaign(None)  # nothing outside its campaign
    user = Principal(kind="user", user_id=uuid.uuid4(), scopes=USER_SCOPES)
    assert user.allows_campaign(None) and user.allows_campaign(campaign)
    service = Principal(kind="service", user_id=None, scopes=frozenset({"scheduler"}), service="scheduler")
    with pytest.raises(Forbidden):
        service.require_user_id()


def test_service_token_comparison() -> None:
    assert is_service_token("s" * 40, "s" * 40)
    assert not is_service_token("s" * 39, "s" * 40)
    assert not is_service_token("", "")
