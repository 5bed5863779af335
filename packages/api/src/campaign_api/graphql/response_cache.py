"""Whole-response cache for GraphQL queries (Redis DB 1), invalidated by campaign generation numbers.

A query's answer depends on the caller and on the campaigns it touched. So an entry is keyed by the
caller's identity (user or API key, with its scopes), the document, the operation and the variables,
and it records the generation number of every campaign the execution authorized against, read *before*
that campaign's data was read. Every committed change increments its campaign's generation
(`GraphQLContext.write`), so an entry whose recorded generations are no longer current is never served.

Only plain successful queries whose every access was authorized against a campaign are stored:
mutations, subscriptions, answers with errors, campaign-less fields (`me`, `campaigns`, …) and answers
that depend on something else (a rules-engine fallback, job state) are always executed. Permission
checks still run first on every request: authentication and rate limits happen before the lookup, and a
change of role or membership is a committed change of the campaign, so it invalidates what was cached.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

import msgspec
from graphql import ExecutionResult
from loguru import logger
from redis.exceptions import RedisError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from campaign_api.cache import ResultCache
from campaign_api.metrics import CACHE_LOOKUPS
from campaign_api.read_dependencies import Dependencies, tracking


def _caller(principal: Any) -> list[Any]:
    return [
        principal.kind,
        str(principal.user_id),
        str(principal.api_key_id),
        str(principal.service),
        str(principal.campaign_id),
        sorted(principal.scopes),
    ]


class ResponseCache(SchemaExtension):
    """Serves a stored answer when every campaign it depends on is unchanged; stores fresh answers.

    HTTP requests are usually answered before Strawberry runs at all (`response_cache_middleware`);
    this extension stores answers and serves the requests the middleware did not look up (WebSocket).
    """

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        context = ctx.context
        cache: ResultCache = context.resources.cache
        if (
            ctx.result is not None  # already answered (e.g. rate limited)
            or cache.ttl <= 0
            or context.principal is None
            or ctx.operation_type is not OperationType.QUERY
        ):
            yield
            return
        key = response_key(cache, context.principal, ctx.query or "", ctx.operation_name, ctx.variables)
        if not context.response_looked_up:
            found = await lookup(cache, key)
            if found is not None:
                ctx.result = ExecutionResult(data=msgspec.json.decode(found[0])["data"])
                yield
                return
        deps = Dependencies(cache)
        with tracking(deps):
            yield
        result = ctx.result
        if result is None or result.errors or not deps.cacheable or not deps.generations:
            return
        await _store(cache, key, result.data, deps.generations)


def response_key(cache: ResultCache, principal: Any, query: str, operation: str | None, variables: Any) -> str:
    material = msgspec.json.encode([_caller(principal), query, operation, variables or {}], order="sorted")
    return f"{cache.prefix}:response:{hashlib.sha256(material).hexdigest()}"


#: GET the entry and compare every recorded campaign generation with the current one; on a hit also
#: count the request (INCR KEYS[2..], a new counter gets the expiry ARGV[2..]): one round trip
_LOOKUP = """
local raw = redis.call('GET', KEYS[1])
if not raw then return {0} end
local newline = string.find(raw, '\\n', 1, true)
for campaign, generation in pairs(cjson.decode(string.sub(raw, 1, newline - 1))) do
  if tonumber(redis.call('GET', ARGV[1] .. campaign) or '0') ~= generation then return {1} end
end
local reply = {2, string.sub(raw, newline + 1)}
for i = 2, #KEYS do
  local count = redis.call('INCR', KEYS[i])
  if count == 1 then redis.call('EXPIRE', KEYS[i], ARGV[i]) end
  reply[i + 1] = count
end
return reply
"""


async def lookup(
    cache: ResultCache, key: str, counters: Sequence[tuple[str, int]] = ()
) -> tuple[bytes, list[int]] | None:
    """The stored response body (`{"data": …}` as JSON) if every campaign it depends on is unchanged,
    with the counts of `counters` ((key, expiry seconds)), which are incremented on a hit only."""
    try:
        reply = await cache.script(_LOOKUP)(
            keys=[key, *(k for k, _ in counters)], args=[cache.generation_prefix, *(t for _, t in counters)]
        )
    except (RedisError, OSError) as exc:
        logger.warning("response cache unavailable: {}", exc)
        return None
    outcome = ("miss", "stale", "hit")[int(reply[0])]
    CACHE_LOOKUPS.labels("response", outcome).inc()
    return (bytes(reply[1]), [int(c) for c in reply[2:]]) if outcome == "hit" else None


async def _store(cache: ResultCache, key: str, data: Any, generations: dict[uuid.UUID, int]) -> None:
    """One Redis value: the generations seen (JSON), a newline, then the response body exactly as sent."""
    try:
        head = msgspec.json.encode({str(c): g for c, g in generations.items()})
        await cache.redis.set(key, head + b"\n" + msgspec.json.encode({"data": data}), ex=cache.ttl)
    except (RedisError, OSError, TypeError) as exc:
        logger.warning("response cache unavailable: {}", exc)
