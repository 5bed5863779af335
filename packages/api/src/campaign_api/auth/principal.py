"""Who is calling: one `Principal` per request, resolved the same way for REST, GraphQL and WebSocket.

Credentials, in this order of precedence (sending two different kinds at once is refused):

* `Authorization: Bearer <SCHEDULER_API_TOKEN>` → the scheduler's service principal, scopes `{"scheduler"}`
  (compared in constant time, as sha256 digests so the length is not revealed either);
* `Authorization: Bearer <access JWT>` → a user principal (the user must exist, be active, and the token
  must be issued after the user's last logout-all);
* `X-API-Key: cm_<id>_<secret>` → an API-key principal with the key's scopes and campaign restriction.

No credential gives `None` (anonymous); a bad credential raises UNAUTHENTICATED rather than silently
falling back to anonymous, so clients learn that their token expired.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from campaign_api.auth.api_keys import authenticate_api_key
from campaign_api.auth.scopes import SERVICE_SCOPES, USER_SCOPES, expand_scopes
from campaign_api.auth.sessions import session_scope
from campaign_api.auth.tokens import decode_access_token
from campaign_api.errors import Forbidden, Unauthenticated
from campaign_api.resources import Resources

PrincipalKind = Literal["user", "api_key", "service"]
SCHEDULER_SERVICE = "scheduler"


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller. `scopes` are already expanded (`admin` ⊇ `write` ⊇ `read`).

    `user_id` is None only for service principals. `campaign_id` is set for API keys restricted to one
    campaign: such a principal may touch nothing outside it."""

    kind: PrincipalKind
    user_id: uuid.UUID | None
    scopes: frozenset[str]
    campaign_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None
    service: str | None = None

    @property
    def is_service(self) -> bool:
        return self.kind == "service"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def require_scope(self, scope: str) -> None:
        """FORBIDDEN unless the credential carries `scope`."""
        if scope not in self.scopes:
            raise Forbidden(
                f"this credential lacks the '{scope}' scope",
                details={"reason": "missing_scope", "scope": scope},
            )

    def allows_campaign(self, campaign_id: uuid.UUID | None) -> bool:
        """False when the credential is restricted to another campaign (or to one, and none is named)."""
        return self.campaign_id is None or self.campaign_id == campaign_id

    def require_campaign(self, campaign_id: uuid.UUID | None) -> None:
        """FORBIDDEN when the credential is restricted to another campaign. Membership is checked elsewhere."""
        if not self.allows_campaign(campaign_id):
            raise Forbidden(
                "this API key is restricted to another campaign",
                details={"reason": "campaign_restricted", "campaignId": str(self.campaign_id)},
            )

    def require_user_id(self) -> uuid.UUID:
        """The acting user's id; FORBIDDEN for service principals (they act for nobody)."""
        if self.user_id is None:
            raise Forbidden("this operation needs a user", details={"reason": "user_required"})
        return self.user_id

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "user_id": str(self.user_id) if self.user_id else None,
            "scopes": sorted(self.scopes),
            "campaign_id": str(self.campaign_id) if self.campaign_id else None,
            "api_key_id": str(self.api_key_id) if self.api_key_id else None,
            "service": self.service,
        }


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    """Case-insensitive lookup that works for Litestar `Headers`, ASGI-style dicts and WS payloads."""
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if isinstance(k, str) and k.lower() == lowered), None)
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        raise Unauthenticated(f"the {name} header must be a string", details={"reason": "invalid_header"})
    return value.strip()


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode()).digest()


def is_service_token(token: str, expected: str) -> bool:
    """Constant-time comparison of two secrets of any length."""
    return bool(expected) and hmac.compare_digest(_digest(token), _digest(expected))


@asynccontextmanager
async def _reading(resources: Resources, session: AsyncSession | None) -> AsyncIterator[AsyncSession]:
    if session is not None:
        yield session
        return
    async with session_scope(resources) as own:
        yield own


async def resolve_principal(
    headers: Mapping[str, Any], resources: Resources, *, session: AsyncSession | None = None
) -> Principal | None:
    """The caller behind `headers` (`Authorization` / `X-API-Key`), or None when no credential is sent.

    Raises UNAUTHENTICATED for an invalid, expired or revoked credential. `session` is only read from
    (the API key's `last_used_at` is written in its own transaction); without one a short session is used.
    """
    authorization = _header(headers, "authorization")
    api_key = _header(headers, "x-api-key")
    if authorization and api_key:
        raise Unauthenticated(
            "send one credential: Authorization or X-API-Key, not both",
            details={"reason": "ambiguous_credentials"},
        )
    if authorization:
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("Authorization must be 'Bearer <token>'", details={"reason": "invalid_authorization"})
        if is_service_token(token, resources.settings.service_token.scheduler_api_token):
            return Principal(kind="service", user_id=None, scopes=SERVICE_SCOPES, service=SCHEDULER_SERVICE)
        claims = decode_access_token(resources.settings.auth, token)
        row = await resources.user_states.get(claims.user_id)  # fresh, outside any request transaction
        if row is None or not row[0]:
            raise Unauthenticated("the account no longer exists or is disabled", details={"reason": "no_user"})
        if row[1] is not None and claims.issued_at < row[1].timestamp():
            raise Unauthenticated("the access token has been revoked", details={"reason": "token_revoked"})
        return Principal(kind="user", user_id=claims.user_id, scopes=USER_SCOPES)
    if api_key:
        async with _reading(resources, session) as db:
            key = await authenticate_api_key(db, resources.engine, api_key)
        return Principal(
            kind="api_key",
            user_id=key.user_id,
            scopes=expand_scopes(key.scopes),
            campaign_id=key.campaign_id,
            api_key_id=key.id,
        )
    return None


async def require_principal(
    headers: Mapping[str, Any], resources: Resources, *, session: AsyncSession | None = None
) -> Principal:
    """Like `resolve_principal`, but anonymous callers get UNAUTHENTICATED."""
    principal = await resolve_principal(headers, resources, session=session)
    if principal is None:
        raise Unauthenticated("authentication required", details={"reason": "no_credentials"})
    return principal
