"""The one mapping from domain errors to stable codes, for GraphQL (`extensions.code`) and REST."""

from __future__ import annotations

from typing import Any, ClassVar


class AppError(Exception):
    """An error the client can act on; `code` is stable, `message` is for people."""

    code: ClassVar[str] = "BAD_REQUEST"
    http_status: ClassVar[int] = 400

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class Unauthenticated(AppError):
    code = "UNAUTHENTICATED"
    http_status = 401


class Forbidden(AppError):
    code = "FORBIDDEN"
    http_status = 403


class NotFound(AppError):
    code = "NOT_FOUND"
    http_status = 404


class Conflict(AppError):
    code = "CONFLICT"
    http_status = 409


class ValidationFailed(AppError):
    code = "VALIDATION_FAILED"
    http_status = 422


class RateLimited(AppError):
    code = "RATE_LIMITED"
    http_status = 429


class DependencyUnavailable(AppError):
    code = "SERVICE_UNAVAILABLE"
    http_status = 503


INTERNAL_CODE = "INTERNAL_SERVER_ERROR"
GRAPHQL_INVALID_CODE = "GRAPHQL_VALIDATION_FAILED"
