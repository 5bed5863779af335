"""The small HTTP side of the worker services (rules engine, scheduler): health and metrics.

Both run it inside their own event loop next to their main job (gRPC server, SAQ worker), so a
health probe sees the same process state that does the work.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Generator, Mapping, Sequence
from typing import Any

import uvicorn
from litestar import Litestar, MediaType, Response, get
from litestar.handlers import BaseRouteHandler
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from campaign_shared.health import Check, run_checks


def build_ops_app(
    checks: Mapping[str, Check],
    *,
    timeout_s: float = 2.0,
    extra_handlers: Sequence[BaseRouteHandler] = (),
) -> Litestar:
    """`/health/live` (process up), `/health` and `/health/ready` (dependencies), `/metrics`."""

    @get("/health/live", media_type=MediaType.JSON, sync_to_thread=False)
    def live() -> dict[str, str]:
        return {"status": "alive"}

    @get(["/health", "/health/ready"], media_type=MediaType.JSON)
    async def ready() -> Response[dict[str, Any]]:
        report = await run_checks(checks, timeout_s)
        return Response(report.model_dump(), status_code=200 if report.ok else 503)

    @get("/metrics", sync_to_thread=False)
    def metrics() -> Response[bytes]:
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return Litestar(route_handlers=[live, ready, metrics, *extra_handlers], openapi_config=None)


class _EmbeddedServer(uvicorn.Server):
    """uvicorn without its own signal handlers: the host process owns SIGTERM/SIGINT."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None]:
        yield


class OpsServer:
    """Runs a Litestar app with uvicorn as a task of the current event loop."""

    def __init__(self, app: Litestar, host: str, port: int) -> None:
        config = uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False, lifespan="on")
        self._server = _EmbeddedServer(config)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()  # re-raise the bind error
                raise RuntimeError("HTTP server stopped during start-up")
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task
