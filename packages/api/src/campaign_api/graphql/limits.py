"""Per-caller and per-address limits on GraphQL operations (Redis-backed, shared by all API processes)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension

from campaign_api.errors import RateLimited
from campaign_api.ratelimit import RateLimit, RateLimiter
from campaign_api.resources import Resources


def graphql_limits(resources: Resources, principal: Any, client_ip: str) -> list[tuple[RateLimit, str]]:
    """The budgets one GraphQL operation counts against: the address's, and the caller's."""
    api = resources.settings.api
    hits = [(RateLimit("graphql-ip", api.graphql_ip_rate_limit_per_minute, 60), client_ip)]
    if principal is not None and principal.kind != "service":  # the scheduler's sweeps are not throttled
        subject = str(principal.user_id or getattr(principal, "service", None) or principal.kind)
        hits.append((RateLimit("graphql-user", api.graphql_rate_limit_per_minute, 60), subject))
    return hits


def graphql_limiter(resources: Resources) -> RateLimiter:
    """GraphQL counters live beside the answer cache, so a cache hit is counted in the same Redis call."""
    return RateLimiter(resources.cache.redis, resources.settings.redis.channel_prefix)


async def enforce_graphql_limits(resources: Resources, principal: Any, client_ip: str) -> None:
    """Count one operation against its budgets (RATE_LIMITED over any)."""
    await graphql_limiter(resources).enforce_all(graphql_limits(resources, principal, client_ip))


class RateLimits(SchemaExtension):
    """Counts every operation against the caller's and the address's per-minute budget."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        try:
            await enforce_graphql_limits(context.resources, context.principal, context.client_ip)
        except RateLimited as exc:
            error = GraphQLError(exc.message, extensions={"code": exc.code, "details": exc.details})
            self.execution_context.result = ExecutionResult(data=None, errors=[error])
        yield
