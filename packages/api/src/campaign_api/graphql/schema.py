"""The GraphQL schema: core fields here, domain queries and mutations from `operations`."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from importlib.metadata import version
from typing import Any

import strawberry
from grpclib.exceptions import GRPCError, StreamTerminatedError
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, ParserCache, QueryDepthLimiter, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import Info

from campaign_api.errors import DependencyUnavailable
from campaign_api.graphql.context import GraphQLContext
from campaign_api.graphql.errors import ErrorCodes
from campaign_api.graphql.limits import RateLimits
from campaign_api.graphql.operations import RULES, build_mutation, graphql_type, query_fields
from campaign_api.graphql.response_cache import ResponseCache
from campaign_api.graphql.rules_ops import EvaluationResult, evaluation_result
from campaign_api.graphql.scalars import JSON
from campaign_api.graphql.subscriptions import Subscription


@strawberry.type
class ServerInfo:
    version: str
    environment: str
    server_time: datetime


@strawberry.type
class CoreQuery:
    @strawberry.field(description="Version and environment of this API process")
    def server_info(self, info: Info[GraphQLContext, None]) -> ServerInfo:
        settings = info.context.resources.settings
        return ServerInfo(
            version=version("campaign-api"),
            environment=settings.app.env.value,
            server_time=datetime.now(UTC),
        )

    @strawberry.field(
        description="Evaluate an inline JSON Logic expression in the rules engine; when the engine is down "
        "(or its circuit breaker is open) the API evaluates with the same evaluator and says so in `source`"
    )
    async def evaluate_expression(
        self,
        info: Info[GraphQLContext, None],
        expression: JSON,  # type: ignore[valid-type]
        data: JSON | None = None,  # type: ignore[valid-type]
        explain: bool = False,
    ) -> EvaluationResult:
        await info.context.authorize(RULES["evaluateExpression"], None)
        rules = info.context.resources.rules
        try:
            result = await rules.evaluate_expression(expression, data, explain=explain)
        except (OSError, TimeoutError, GRPCError, StreamTerminatedError) as exc:
            raise DependencyUnavailable(
                "the rules engine is unavailable", details={"reason": type(exc).__name__}
            ) from exc
        return evaluation_result(result)


class CampaignSchema(strawberry.Schema):
    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        """ErrorCodes already logged what needs logging; known client errors are not server noise."""


def build_schema(*, introspection: bool) -> strawberry.Schema:
    from strawberry.extensions import DisableIntrospection

    extensions: list[Any] = [
        ErrorCodes,
        partial(ParserCache, maxsize=256),  # the parse and validation caches are shared across requests
        partial(ValidationCache, maxsize=256),
        RateLimits,
        ResponseCache,
        QueryDepthLimiter(max_depth=12),
        MaxTokensLimiter(max_token_count=4000),
        MaxAliasesLimiter(max_alias_count=30),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    query = merge_types("Query", (CoreQuery, graphql_type("GeneratedQuery", query_fields())))
    return CampaignSchema(
        query=query,
        mutation=build_mutation(),
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(auto_camel_case=True),
    )
