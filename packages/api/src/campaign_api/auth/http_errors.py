"""REST error bodies: `{"error": {"code", "message", "details"}}` with the status of `campaign_api.errors`.

`exception_handlers` maps `AppError` for the whole app; `controller_exception_handlers` also wraps
Litestar's own client errors (oversized or unreadable bodies…) and unexpected exceptions (logged, 500)
raised inside the auth routes, so every answer of `/auth/*` has the same shape.
"""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException
from litestar.types import ExceptionHandlersMap
from loguru import logger

from campaign_api.errors import INTERNAL_CODE, AppError, RateLimited

_HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_FAILED",
    429: "RATE_LIMITED",
    503: "SERVICE_UNAVAILABLE",
}


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def app_error_response(exc: AppError) -> Response[dict[str, Any]]:
    headers: dict[str, str] = {}
    if isinstance(exc, RateLimited) and "retryAfter" in exc.details:
        headers["Retry-After"] = str(exc.details["retryAfter"])
    if exc.http_status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return Response(
        error_body(exc.code, exc.message, exc.details),
        status_code=exc.http_status,
        headers=headers,
        media_type=MediaType.JSON,
    )


def app_error_handler(_: Request[Any, Any, Any], exc: AppError) -> Response[dict[str, Any]]:
    return app_error_response(exc)


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    """Anything unexpected: logged with its traceback, answered without internals."""
    logger.opt(exception=exc).error("unhandled error in {} {}", request.method, request.url.path)
    return Response(error_body(INTERNAL_CODE, "Internal server error"), status_code=500, media_type=MediaType.JSON)


def http_exception_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    status = exc.status_code
    if status >= 500:
        return internal_error_handler(request, exc)
    code = _HTTP_CODES.get(status, "BAD_REQUEST")
    return Response(error_body(code, exc.detail), status_code=status, headers=exc.headers, media_type=MediaType.JSON)


exception_handlers: ExceptionHandlersMap = {AppError: app_error_handler}
controller_exception_handlers: ExceptionHandlersMap = {
    AppError: app_error_handler,
    HTTPException: http_exception_handler,
    Exception: internal_error_handler,
}
