"""Access tokens (short-lived JWTs) and refresh tokens (opaque, stored hashed, rotated, in families).

* An access token carries `sub`, `typ="access"`, `iat`, `exp`, `jti`. Decoding pins the algorithm from the
  settings, requires every claim and refuses any other `typ`, so no other token can pass as an access token.
  `iat` keeps sub-second precision so that logout-all (`users.tokens_valid_after`) cuts exactly.
* A refresh token is `secrets.token_urlsafe(32)`; only its sha256 is stored. Every use rotates it: the old
  row is revoked and points at its successor (`replaced_by`). Presenting a token that was already replaced
  means it leaked (or a client raced itself): the whole family is revoked, including the newest token.
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt
from loguru import logger
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from uuid_utils.compat import uuid7

from campaign_api.db.models import RefreshToken, User
from campaign_api.errors import Unauthenticated
from campaign_shared.settings import AuthSettings

ACCESS_TOKEN_TYPE = "access"
_REQUIRED_CLAIMS = ["sub", "typ", "iat", "exp", "jti"]
MAX_TOKEN_LENGTH = 4096


class RefreshTokenReused(Unauthenticated):
    """A replaced refresh token came back: its family has been revoked in the session.

    The caller must COMMIT (not roll back) before answering 401, or the revocation is lost."""


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: uuid.UUID
    issued_at: float
    expires_at: int
    jti: str


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_in: int

    def as_json(self, user: User) -> dict[str, Any]:
        """The body of register, login and refresh (SPEC §8.1)."""
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_type": "bearer",
            "expires_in": self.expires_in,
            "user": user_json(user),
        }


def user_json(user: User) -> dict[str, Any]:
    return {"id": str(user.id), "email": user.email, "name": user.name}


def _now() -> datetime:
    return datetime.now(UTC)


# -- access tokens --------------------------------------------------------------------------------------


def create_access_token(settings: AuthSettings, user_id: uuid.UUID, *, now: float | None = None) -> str:
    issued = time.time() if now is None else now
    payload = {
        "sub": str(user_id),
        "typ": ACCESS_TOKEN_TYPE,
        "iat": round(issued, 6),
        "exp": int(issued) + settings.access_token_ttl_seconds,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(payload, settings.jwt_secret, algorithm=settings.jwt_algorithm)


def decode_access_token(settings: AuthSettings, token: str) -> AccessClaims:
    """Verify signature (pinned algorithm), expiry and `typ`; raise UNAUTHENTICATED otherwise.

    A client sends the same token with every request until it expires, so verified claims are kept
    (by secret, algorithm and token) and only the expiry is checked again.
    """
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise Unauthenticated("invalid access token", details={"reason": "invalid_token"})
    claims = _verified(settings.jwt_secret, settings.jwt_algorithm, token)
    if claims.expires_at <= time.time():
        raise Unauthenticated("the access token has expired", details={"reason": "token_expired"})
    return claims


@lru_cache(maxsize=4096)
def _verified(secret: str, algorithm: str, token: str) -> AccessClaims:
    """Signature and claims of one token (exceptions are not cached: a bad token is checked every time)."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[algorithm],
            options={"require": _REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("the access token has expired", details={"reason": "token_expired"}) from None
    except jwt.PyJWTError:
        raise Unauthenticated("invalid access token", details={"reason": "invalid_token"}) from None
    if claims.get("typ") != ACCESS_TOKEN_TYPE:
        raise Unauthenticated("not an access token", details={"reason": "invalid_token"})
    try:
        user_id = uuid.UUID(str(claims["sub"]))
        issued_at = float(claims["iat"])
        expires_at = int(claims["exp"])
    except (TypeError, ValueError):
        raise Unauthenticated("invalid access token", details={"reason": "invalid_token"}) from None
    return AccessClaims(user_id=user_id, issued_at=issued_at, expires_at=expires_at, jti=str(claims["jti"]))


# -- refresh tokens -------------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    """sha256 hex: refresh tokens are 256 random bits, so a fast unsalted hash is enough and allows
    an O(1) lookup through the unique index."""
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_tokens(
    session: AsyncSession,
    settings: AuthSettings,
    user: User,
    *,
    family_id: uuid.UUID | None = None,
    user_agent: str | None = None,
    ip: str | None = None,
) -> tuple[IssuedTokens, RefreshToken]:
    """A new access token and a new refresh token (a new family unless `family_id` is given)."""
    raw = secrets.token_urlsafe(32)
    row = RefreshToken(
        id=uuid7(),
        user_id=user.id,
        family_id=family_id or uuid7(),
        token_hash=hash_token(raw),
        expires_at=_now() + timedelta(seconds=settings.refresh_token_ttl_seconds),
        user_agent=(user_agent or None) and user_agent[:500],
        ip=(ip or None) and ip[:64],
    )
    session.add(row)
    await session.flush()
    issued = IssuedTokens(
        access_token=create_access_token(settings, user.id),
        refresh_token=raw,
        expires_in=settings.access_token_ttl_seconds,
    )
    return issued, row


async def prune_expired_refresh_tokens(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Expired rows are useless (even for reuse detection); drop them when the user signs in."""
    await session.execute(delete(RefreshToken).where(RefreshToken.user_id == user_id, RefreshToken.expires_at < _now()))


async def _revoke_family(session: AsyncSession, family_id: uuid.UUID) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=_now())
    )


async def rotate_refresh_token(
    session: AsyncSession,
    settings: AuthSettings,
    raw: str,
    *,
    user_agent: str | None = None,
    ip: str | None = None,
) -> tuple[User, IssuedTokens]:
    """Exchange a refresh token for a new pair; the presented token is revoked and replaced.

    Raises UNAUTHENTICATED for unknown, revoked or expired tokens and inactive users, and
    `RefreshTokenReused` (after revoking the family in `session`) for a token that was already rotated."""
    invalid = Unauthenticated("invalid or expired refresh token", details={"reason": "invalid_refresh_token"})
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        raise invalid
    # FOR UPDATE: two concurrent refreshes with the same token are serialised; the second sees a
    # replaced token and is treated as reuse.
    row = (
        await session.execute(select(RefreshToken).where(RefreshToken.token_hash == hash_token(raw)).with_for_update())
    ).scalar_one_or_none()
    if row is None:
        raise invalid
    now = _now()
    if row.revoked_at is not None:
        if row.replaced_by is not None:
            await _revoke_family(session, row.family_id)
            logger.warning(
                "refresh token reuse: revoking family {} of user {} (from {})", row.family_id, row.user_id, ip
            )
            raise RefreshTokenReused(
                "refresh token reuse detected: every session of this sign-in has been revoked",
                details={"reason": "refresh_token_reused"},
            )
        raise invalid
    if row.expires_at <= now:
        raise invalid
    user = await session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise invalid
    issued, successor = await issue_tokens(
        session, settings, user, family_id=row.family_id, user_agent=user_agent, ip=ip
    )
    row.revoked_at = now
    row.replaced_by = successor.id
    await session.flush()
    return user, issued


async def revoke_refresh_family(session: AsyncSession, raw: str) -> bool:
    """Logout: revoke the family of `raw` (this sign-in on every device it was rotated to).

    Returns whether the token was known; callers answer 204 either way (nothing to learn from it)."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return False
    family_id = (
        await session.execute(select(RefreshToken.family_id).where(RefreshToken.token_hash == hash_token(raw)))
    ).scalar_one_or_none()
    if family_id is None:
        return False
    await _revoke_family(session, family_id)
    return True


async def revoke_all_sessions(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Logout-all: revoke every refresh token of the user and refuse access tokens issued until now."""
    now = _now()
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    await session.execute(update(User).where(User.id == user_id).values(tokens_valid_after=now))
