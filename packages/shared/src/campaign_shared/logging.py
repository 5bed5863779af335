"""Logging with loguru for every service.

Readable lines in development, one JSON object per line in production (`LOG_FORMAT=json`).
The standard library's logging (uvicorn, SQLAlchemy, grpclib, SAQ …) is routed into loguru so that every
line has the same shape, and each line carries the current request id from a context variable.
"""

from __future__ import annotations

import inspect
import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from loguru import logger

if TYPE_CHECKING:
    from loguru import Message, Record

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

CONSOLE_FORMAT = (
    "<green>{time:HH:mm:ss.SSS}</green> <level>{level: <7}</level> "
    "<cyan>{extra[service]}</cyan> <magenta>{extra[request_id]}</magenta> "
    "<level>{message}</level> <dim>{name}:{line}</dim>"
)


class InterceptHandler(logging.Handler):
    """Send stdlib log records to loguru, keeping the original caller's location."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level: str | int = logger.level(record.levelname).name
        except ValueError:
            level = record.levelno
        frame, depth = inspect.currentframe(), 0
        while frame is not None and (depth == 0 or frame.f_code.co_filename == logging.__file__):
            frame = frame.f_back
            depth += 1
        logger.opt(depth=depth, exception=record.exc_info).log(level, record.getMessage())


def _json_line(record: Record) -> str:
    payload: dict[str, Any] = {
        "time": record["time"].astimezone(UTC).isoformat(timespec="milliseconds"),
        "level": record["level"].name,
        "message": record["message"],
        "service": record["extra"].get("service"),
        "request_id": record["extra"].get("request_id"),
        "logger": record["name"],
        "line": record["line"],
    }
    extra = {k: v for k, v in record["extra"].items() if k not in {"service", "request_id"}}
    if extra:
        payload["extra"] = extra
    if record["exception"] is not None:
        exc = record["exception"]
        payload["exception"] = {"type": exc.type.__name__ if exc.type else None, "value": str(exc.value)}
    return json.dumps(payload, default=str)


def _json_sink(message: Message) -> None:
    sys.stdout.write(_json_line(message.record) + "\n")
    sys.stdout.flush()


def _add_request_id(record: Record) -> None:
    record["extra"].setdefault("request_id", request_id_var.get())


def configure_logging(service: str, level: str = "INFO", fmt: str = "console") -> None:
    """Configure loguru once per process; safe to call again (tests, reloads)."""
    logger.remove()
    logger.configure(extra={"service": service}, patcher=_add_request_id)
    if fmt == "json":
        logger.add(_json_sink, level=level, backtrace=False, diagnose=False)
    else:
        logger.add(sys.stderr, level=level, format=CONSOLE_FORMAT, backtrace=False, diagnose=False)
    logging.basicConfig(handlers=[InterceptHandler()], level=0, force=True)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "grpclib", "saq", "sqlalchemy", "alembic"):
        std = logging.getLogger(name)
        std.handlers = [InterceptHandler()]
        std.propagate = False
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    logger.debug("logging configured at {} ({}) {}", level, fmt, datetime.now(UTC).isoformat())
