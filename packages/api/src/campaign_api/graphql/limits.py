"""Per-caller and per-address limits on GraphQL operations (Redis-backed, shared by all API processes)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension

from campaign_api.errors import RateLimited
from campaign_api.ratelimit import RateLimit, RateLimiter
from campaign_api.resources import Resources


async def enforce_graphql_limits(resources: Resources, principal: Any, client_ip: str) -> None:
    """Count one operation against the address's and the caller's per-minute budgets (RATE_LIMITED over)."""
    api = resources.settings.api
    limiter = RateLimiter.from_resources(resources)
    await limiter.enforce(RateLimit("graphql-ip", api.graphql_ip_rate_limit_per_minute, 60), client_ip)
    if principal is not None and principal.kind != "service":  # the scheduler's sweeps are not throttled
        subject = str(principal.user_id or getattr(principal, "service", None) or principal.kind)
        await limiter.enforce(RateLimit("graphql-user", api.graphql_rate_limit_per_minute, 60), subject)


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
