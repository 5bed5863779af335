"""Cached GraphQL answers served before Strawberry runs: the HTTP side of `response_cache`.

A repeated query costs, on a hit, one credential check and one Redis call (lookup + rate-limit counters);
the stored body goes out byte for byte. Anything unusual (no or bad credential, unreadable body, a
rate limit reached, a miss) continues to the GraphQL endpoint unchanged, with the body replayed and
the resolved principal handed on so it is not resolved twice.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import msgspec
from litestar import Litestar
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from campaign_api.errors import AppError
from campaign_api.graphql.limits import graphql_limiter, graphql_limits
from campaign_api.graphql.response_cache import lookup, response_key
from campaign_api.resources import Resources

_SAFE_ID = re.compile(rb"^[A-Za-z0-9._-]{1,64}$")  # as campaign_api.middleware accepts

#: scope["state"] keys read by `context_getter`
PRINCIPAL = "campaign.principal"
LOOKED_UP = "campaign.response_looked_up"


class _Request(msgspec.Struct):
    query: str
    variables: dict[str, Any] | None = None
    operationName: str | None = None  # noqa: N815 - the GraphQL-over-HTTP field name


async def _read_body(receive: Receive, limit: int) -> tuple[list[Message], bytes | None]:
    """The request's messages as read, and the body (None when it is larger than `limit`)."""
    messages: list[Message] = []
    chunks: list[bytes] = []
    size = 0
    while True:
        message: Any = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, None
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > limit:
            return messages, None
        if not message.get("more_body", False):
            return messages, b"".join(chunks)


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


def serve_cached_answers(app: Litestar) -> ASGIApp:
    """Wrap the whole application: a cached answer leaves before routing and the middleware stack run.

    Cached answers carry an `X-Request-ID` like every response; they are counted in
    `campaign_api_cache_lookups_total`, not in the per-route HTTP metrics. With CORS configured, requests
    carrying an `Origin` go the normal way (the CORS middleware adds its headers there).
    """
    cors = bool(app.cors_config)

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        raw: Any = scope  # the ASGI scope as a plain mapping (Litestar's TypedDicts know no custom keys)
        resources: Resources | None = getattr(app.state, "resources", None)
        if (
            raw["type"] != "http"
            or raw.get("method") != "POST"
            or raw["path"] != "/graphql"
            or resources is None
            or resources.cache.ttl <= 0
            or (cors and any(name == b"origin" for name, _ in raw["headers"]))
        ):
            await app(scope, receive, send)
            return
        messages, body = await _read_body(receive, resources.settings.api.max_body_bytes)
        answer = await _cached_answer(scope, resources, body) if body is not None else None
        if answer is None:
            await app(scope, _replaying(messages, receive), send)
            return
        incoming = dict(raw["headers"]).get(b"x-request-id", b"")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex.encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(answer)).encode()),
            (b"x-request-id", request_id),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer})

    return asgi


async def _cached_answer(scope: Scope, resources: Resources, body: bytes) -> bytes | None:
    from campaign_api.auth.principal import resolve_principal

    try:
        request = msgspec.json.decode(body, type=_Request)
    except msgspec.DecodeError:
        return None
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
    try:
        principal = await resolve_principal(headers, resources)
    except AppError:
        return None  # the endpoint reports the credential problem the usual way
    if principal is None:
        return None
    state = scope.setdefault("state", {})
    state[PRINCIPAL] = principal
    state[LOOKED_UP] = True
    client = scope.get("client") or ("unknown", 0)
    limiter, window_start = graphql_limiter(resources), time.time()
    budgets = graphql_limits(resources, principal, str(client[0]))
    counters = [
        (limiter.key(rule, subject, int(window_start // rule.window_seconds)), rule.window_seconds + 1)
        for rule, subject in budgets
    ]
    key = response_key(resources.cache, principal, request.query, request.operationName, request.variables)
    found = await lookup(resources.cache, key, counters)
    if found is None:
        return None
    answer, counts = found
    if any(count > rule.limit for (rule, _), count in zip(budgets, counts, strict=True)):
        state[LOOKED_UP] = False
        return None  # the endpoint counts again and answers RATE_LIMITED with the retry time
    return answer
