"""Per-request GraphQL context, built the same way for HTTP and WebSocket requests."""

from __future__ import annotations

from litestar.datastructures import State
from strawberry.litestar import BaseContext

from campaign_api.resources import Resources


class GraphQLContext(BaseContext, kw_only=True):
    resources: Resources


async def context_getter(state: State) -> GraphQLContext:
    """`state` (not `request`) is injectable for both HTTP and WebSocket handlers."""
    return GraphQLContext(resources=state.resources)
