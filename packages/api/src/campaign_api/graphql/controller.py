"""The GraphQL endpoint (HTTP and graphql-transport-ws) with WebSocket authentication in connection_init."""

from __future__ import annotations

from typing import Any

import msgspec
import strawberry
from strawberry.exceptions import ConnectionRejectionError
from strawberry.litestar import make_graphql_controller
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from campaign_api.graphql.context import GraphQLContext, context_getter, principal_from


def graphql_controller(schema: strawberry.Schema, *, playground: bool) -> type:
    base: Any = make_graphql_controller(
        schema,
        path="/graphql",
        graphql_ide="graphiql" if playground else None,
        allow_queries_via_get=False,
        context_getter=context_getter,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        keep_alive=True,
        keep_alive_interval=15,
    )

    class GraphQLEndpoint(base):  # type: ignore[misc,valid-type]
        def encode_json(self, data: object) -> bytes:
            """msgspec instead of `json.dumps`: faster, and it splices pre-encoded JSON (`msgspec.Raw`,
            e.g. the map layer as PostgreSQL wrote it) into the response without parsing it."""
            return msgspec.json.encode(data)

        async def on_ws_connect(self, context: GraphQLContext) -> UnsetType | dict[str, object] | None:
            """`connection_init` must carry `{"Authorization": "Bearer …"}` (or an `X-API-Key`)."""
            params = context.connection_params or {}
            principal, error = await principal_from(params, context.resources)
            if principal is None:
                code = getattr(error, "code", "UNAUTHENTICATED")
                raise ConnectionRejectionError({"code": code, "message": str(error or "sign in first")})
            context.principal = principal
            context.auth_error = None
            return UNSET

    return GraphQLEndpoint
