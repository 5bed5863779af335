"""Gives every GraphQL error a stable `extensions.code` and hides unexpected internals."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from loguru import logger
from sqlalchemy.exc import DataError
from strawberry.extensions import SchemaExtension

from campaign_api.errors import GRAPHQL_INVALID_CODE, INTERNAL_CODE, AppError


def _coded(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, AppError):
        extensions = {"code": original.code, **({"details": original.details} if original.details else {})}
        return GraphQLError(original.message, path=error.path, nodes=error.nodes, extensions=extensions)
    if original is None or isinstance(original, GraphQLError):  # syntax, validation, variable coercion
        extensions = {"code": GRAPHQL_INVALID_CODE, **(error.extensions or {})}
        return GraphQLError(error.message, path=error.path, nodes=error.nodes, extensions=extensions)
    if isinstance(original, DataError):  # e.g. a NUL character or an out-of-range number in an input
        reason = str(getattr(original, "orig", original)).splitlines()[0]
        extensions = {"code": "VALIDATION_FAILED", "details": {"reason": reason}}
        return GraphQLError(
            "a value was not accepted by the database", path=error.path, nodes=error.nodes, extensions=extensions
        )
    logger.opt(exception=original).error("unhandled error in GraphQL resolver at {}", error.path)
    return GraphQLError("Internal server error", path=error.path, nodes=error.nodes, extensions={"code": INTERNAL_CODE})


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [_coded(e) for e in result.errors]
