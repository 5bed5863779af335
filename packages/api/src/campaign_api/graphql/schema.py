"""The GraphQL schema (first small slice: server info and inline rule evaluation over gRPC)."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any, NewType

import strawberry
from grpclib.exceptions import GRPCError, StreamTerminatedError
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info

from campaign_api.errors import DependencyUnavailable
from campaign_api.graphql.context import GraphQLContext
from campaign_api.graphql.errors import ErrorCodes

JSON = strawberry.scalar(
    NewType("JSON", object),
    description="Any JSON value",
    serialize=lambda v: v,
    parse_value=lambda v: v,
)


@strawberry.type
class ServerInfo:
    version: str
    environment: str
    server_time: datetime


@strawberry.type
class EvaluationResult:
    ok: bool
    value: JSON | None  # type: ignore[valid-type]
    trace: JSON | None  # type: ignore[valid-type]
    error_type: str | None
    error_message: str | None
    duration_us: int
    source: str = strawberry.field(description="who evaluated: engine (gRPC) or fallback (local)")


@strawberry.type
class Query:
    @strawberry.field(description="Version and environment of this API process")
    def server_info(self, info: Info[GraphQLContext, None]) -> ServerInfo:
        settings = info.context.resources.settings
        return ServerInfo(
            version=version("campaign-api"),
            environment=settings.app.env.value,
            server_time=datetime.now(UTC),
        )

    @strawberry.field(description="Evaluate an inline JSON Logic expression in the rules engine")
    async def evaluate_expression(
        self,
        info: Info[GraphQLContext, None],
        expression: JSON,  # type: ignore[valid-type]
        data: JSON | None = None,  # type: ignore[valid-type]
        explain: bool = False,
    ) -> EvaluationResult:
        rules = info.context.resources.rules
        try:
            result = await rules.evaluate_expression(expression, data, explain=explain)
        except (OSError, TimeoutError, GRPCError, StreamTerminatedError) as exc:
            raise DependencyUnavailable(
                "the rules engine is unavailable", details={"reason": type(exc).__name__}
            ) from exc
        return EvaluationResult(**_fields(result))


def _fields(result: Any) -> dict[str, Any]:
    return {
        "ok": result.ok,
        "value": result.value,
        "trace": result.trace,
        "error_type": result.error_type,
        "error_message": result.error_message,
        "duration_us": result.duration_us,
        "source": result.source,
    }


class CampaignSchema(strawberry.Schema):
    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        """ErrorCodes already logged what needs logging; known client errors are not server noise."""


def build_schema(*, introspection: bool) -> strawberry.Schema:
    from strawberry.extensions import DisableIntrospection

    extensions: list[Any] = [
        ErrorCodes,
        QueryDepthLimiter(max_depth=12),
        MaxTokensLimiter(max_token_count=4000),
        MaxAliasesLimiter(max_alias_count=30),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return CampaignSchema(query=Query, extensions=extensions, config=StrawberryConfig(auto_camel_case=True))
