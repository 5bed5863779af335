"""API keys for scripts and integrations: `cm_<id>_<secret>`.

`<id>` is the row's UUID in hex (32 characters), so a key is found by primary key in O(1); `<secret>` is
`secrets.token_urlsafe(32)` (256 random bits, may contain `_` and `-`), stored as its sha256 and compared
with `hmac.compare_digest`. A fast hash is right here: unlike passwords, the secret cannot be guessed.
The full key is shown once, at creation. Revoked and expired keys are refused; scopes and the optional
campaign restriction travel on the resulting `Principal` and are enforced by every layer.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from loguru import logger
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from uuid_utils.compat import uuid7

from campaign_api.auth.scopes import API_KEY_SCOPES
from campaign_api.db.models import ApiKey, Campaign, Membership, User
from campaign_api.errors import NotFound, Unauthenticated, ValidationFailed

API_KEY_PREFIX = "cm"
MAX_ACTIVE_KEYS_PER_USER = 100
MAX_EXPIRES_IN_DAYS = 3650
LAST_USED_RESOLUTION = timedelta(seconds=60)  # write `last_used_at` at most once a minute per key
_KEY = re.compile(r"^cm_([0-9a-f]{32})_([A-Za-z0-9_-]{20,128})$")


def _now() -> datetime:
    return datetime.now(UTC)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def format_api_key(key_id: uuid.UUID, secret: str) -> str:
    return f"{API_KEY_PREFIX}_{key_id.hex}_{secret}"


def parse_api_key(raw: str) -> tuple[uuid.UUID, str]:
    """Split `cm_<id>_<secret>`; anything else is UNAUTHENTICATED."""
    match = _KEY.match(raw.strip()) if raw else None
    if match is None:
        raise Unauthenticated("invalid API key", details={"reason": "invalid_api_key"})
    return uuid.UUID(hex=match.group(1)), match.group(2)


def api_key_json(key: ApiKey) -> dict[str, Any]:
    """A key as listed: never the secret."""

    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": str(key.id),
        "name": key.name,
        "prefix": f"{API_KEY_PREFIX}_{key.id.hex}",
        "scopes": sorted(key.scopes),
        "campaign_id": str(key.campaign_id) if key.campaign_id else None,
        "created_at": iso(key.created_at),
        "last_used_at": iso(key.last_used_at),
        "expires_at": iso(key.expires_at),
        "revoked_at": iso(key.revoked_at),
    }


def validate_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - API_KEY_SCOPES)
    if not scopes or unknown:
        allowed = ", ".join(sorted(API_KEY_SCOPES))
        message = f"unknown scopes {unknown}" if unknown else "at least one scope is required"
        raise ValidationFailed(
            f"{message}; allowed: {allowed}",
            details={"field": "scopes", "fields": {"scopes": f"{message}; allowed: {allowed}"}},
        )
    return sorted(set(scopes))


async def create_api_key(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    name: str,
    scopes: list[str],
    campaign_id: uuid.UUID | None = None,
    expires_in_days: int | None = None,
) -> tuple[ApiKey, str]:
    """Store a new key and return it with the full key string (the only time the secret exists)."""
    scopes = validate_scopes(scopes)
    if campaign_id is not None:
        member = (
            await session.execute(
                select(Membership.id)
                .join(Campaign, Campaign.id == Membership.campaign_id)
                .where(
                    Membership.campaign_id == campaign_id,
                    Membership.user_id == user_id,
                    Campaign.deleted_at.is_(None),
                )
            )
        ).first()
        if member is None:  # same answer for "no such campaign" and "not yours"
            raise NotFound("campaign not found", details={"field": "campaign_id"})
    active = (
        await session.execute(
            select(func.count()).select_from(ApiKey).where(ApiKey.user_id == user_id, ApiKey.revoked_at.is_(None))
        )
    ).scalar_one()
    if active >= MAX_ACTIVE_KEYS_PER_USER:
        raise ValidationFailed(
            f"at most {MAX_ACTIVE_KEYS_PER_USER} active API keys per user; revoke one first",
            details={"field": "name"},
        )
    secret = secrets.token_urlsafe(32)
    key = ApiKey(
        id=uuid7(),
        user_id=user_id,
        name=name,
        secret_hash=hash_secret(secret),
        scopes=scopes,
        campaign_id=campaign_id,
        expires_at=_now() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    session.add(key)
    await session.flush()
    return key, format_api_key(key.id, secret)


async def list_api_keys(session: AsyncSession, user_id: uuid.UUID) -> list[ApiKey]:
    rows = await session.execute(
        select(ApiKey).where(ApiKey.user_id == user_id).order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
    )
    return list(rows.scalars())


async def revoke_api_key(session: AsyncSession, user_id: uuid.UUID, key_id: uuid.UUID) -> None:
    """Revoke one of the user's keys (idempotent); someone else's key is NOT_FOUND, like a missing one."""
    key = await session.get(ApiKey, key_id)
    if key is None or key.user_id != user_id:
        raise NotFound("API key not found", details={"field": "id"})
    if key.revoked_at is None:
        key.revoked_at = _now()
        await session.flush()


async def authenticate_api_key(session: AsyncSession, engine: AsyncEngine, raw: str) -> ApiKey:
    """The key row of a valid, unrevoked, unexpired key whose owner is active; else UNAUTHENTICATED."""
    key_id, secret = parse_api_key(raw)
    refused = Unauthenticated("invalid API key", details={"reason": "invalid_api_key"})
    row = (
        await session.execute(
            select(ApiKey, User.is_active).join(User, User.id == ApiKey.user_id).where(ApiKey.id == key_id)
        )
    ).first()
    if row is None:  # key ids are not secret: an unknown one may answer sooner
        raise refused
    key, owner_active = row
    if not hmac.compare_digest(key.secret_hash, hash_secret(secret)):
        raise refused
    now = _now()
    if key.revoked_at is not None:
        raise Unauthenticated("the API key has been revoked", details={"reason": "api_key_revoked"})
    if key.expires_at is not None and key.expires_at <= now:
        raise Unauthenticated("the API key has expired", details={"reason": "api_key_expired"})
    if not owner_active:
        raise refused
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        _touch_soon(engine, key.id, now)
    return key  # type: ignore[no-any-return]


_pending: set[asyncio.Task[None]] = set()


def _touch_soon(engine: AsyncEngine, key_id: uuid.UUID, now: datetime) -> None:
    """Record use in the background, in its own transaction: the request neither waits for a second
    pool connection while holding one (a deadlock under load) nor depends on the write succeeding."""
    task = asyncio.create_task(_touch(engine, key_id, now))
    _pending.add(task)
    task.add_done_callback(_pending.discard)


async def _touch(engine: AsyncEngine, key_id: uuid.UUID, now: datetime) -> None:
    try:
        async with engine.begin() as conn:
            await conn.execute(
                update(ApiKey)
                .where(
                    ApiKey.id == key_id,
                    (ApiKey.last_used_at.is_(None)) | (ApiKey.last_used_at < now - LAST_USED_RESOLUTION),
                )
                .values(last_used_at=now)
            )
    except Exception as exc:  # best effort: usage tracking must not fail requests or leak tasks' errors
        logger.warning("could not record use of API key {}: {}", key_id, exc)
