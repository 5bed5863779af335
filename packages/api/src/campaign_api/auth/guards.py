"""Litestar helpers: the principal of the current request (resolved once, cached on the request)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar.connection import ASGIConnection
from sqlalchemy.ext.asyncio import AsyncSession

from campaign_api.auth.principal import Principal, resolve_principal
from campaign_api.errors import Forbidden, Unauthenticated
from campaign_api.resources import Resources

_STATE_KEY = "auth_principal"
_MISSING = object()


def resources_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Resources:
    return connection.app.state.resources  # type: ignore[no-any-return]


def client_ip(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The client address; uvicorn runs with proxy headers, so behind nginx this is the real client."""
    return connection.client.host if connection.client else "unknown"


async def current_principal(
    connection: ASGIConnection[Any, Any, Any, Any], *, session: AsyncSession | None = None
) -> Principal | None:
    """The caller of this HTTP request or WebSocket, or None when anonymous (cached per connection)."""
    cached = connection.state.get(_STATE_KEY, _MISSING)
    if cached is not _MISSING:
        return cached  # type: ignore[no-any-return]
    principal = await resolve_principal(connection.headers, resources_of(connection), session=session)
    connection.state[_STATE_KEY] = principal
    return principal


async def authenticated(
    connection: ASGIConnection[Any, Any, Any, Any], *, session: AsyncSession | None = None
) -> Principal:
    """The caller; UNAUTHENTICATED when anonymous."""
    principal = await current_principal(connection, session=session)
    if principal is None:
        raise Unauthenticated("authentication required", details={"reason": "no_credentials"})
    return principal


def require_signed_in_user(principal: Principal) -> uuid.UUID:
    """The user id of a principal signed in with an access token.

    Managing sessions and API keys needs the account itself: an API key cannot mint keys or log its
    owner out, and the service principal has no account."""
    if principal.kind != "user" or principal.user_id is None:
        raise Forbidden(
            "this operation needs a signed-in user (access token), not an API key or service token",
            details={"reason": "user_session_required"},
        )
    return principal.user_id
