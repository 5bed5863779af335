"""Authentication: passwords, tokens, API keys, the request `Principal`, and the `/auth` REST API.

Other layers call `resolve_principal(headers, resources)` (GraphQL context, WebSocket `connection_init`)
or `current_principal(request)` (Litestar handlers) and then `Principal.require_scope` /
`Principal.require_campaign`; campaign roles come from `memberships`.
"""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from campaign_api.auth.controller import AuthController
from campaign_api.auth.guards import authenticated, client_ip, current_principal
from campaign_api.auth.http_errors import exception_handlers
from campaign_api.auth.principal import Principal, require_principal, resolve_principal
from campaign_api.auth.scopes import ADMIN, API_KEY_SCOPES, READ, SCHEDULER, WRITE

#: what the wiring plugin mounts
route_handlers: list[ControllerRouterHandler] = [AuthController]

__all__ = [
    "ADMIN",
    "API_KEY_SCOPES",
    "READ",
    "SCHEDULER",
    "WRITE",
    "AuthController",
    "Principal",
    "authenticated",
    "client_ip",
    "current_principal",
    "exception_handlers",
    "require_principal",
    "resolve_principal",
    "route_handlers",
]
