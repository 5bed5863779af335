"""Runs the rules engine: gRPC (service + standard health) and the HTTP health/metrics side."""

from __future__ import annotations

import asyncio

import redis.asyncio as aioredis
from grpclib.health.check import ServiceStatus
from grpclib.health.service import Health
from grpclib.server import Server
from loguru import logger

from campaign_rules_engine.service import RulesEngineService
from campaign_shared.ops_http import OpsServer, build_ops_app
from campaign_shared.settings import Settings


class RulesEngineRuntime:
    """Owns the gRPC server, the HTTP server and the Redis client of one process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.service = RulesEngineService()
        self.serving = ServiceStatus()
        health = Health({self.service: [self.serving]})
        self.grpc = Server([self.service, health])
        self.redis = aioredis.Redis.from_url(settings.redis.url)
        cfg = settings.rules_engine
        self.http = OpsServer(
            build_ops_app({"grpc": self._grpc_check, "redis": self._redis_check}),
            cfg.http_host,
            cfg.http_port,
        )

    async def _grpc_check(self) -> None:
        if not self.serving.__status__():
            raise RuntimeError("gRPC server is not serving")

    async def _redis_check(self) -> None:
        await self.redis.ping()

    async def start(self) -> None:
        cfg = self.settings.rules_engine
        await self.grpc.start(cfg.grpc_host, cfg.grpc_port)
        self.serving.set(True)
        await self.http.start()
        logger.info(
            "rules engine serving gRPC on {}:{}, HTTP on {}:{}",
            cfg.grpc_host,
            cfg.grpc_port,
            cfg.http_host,
            cfg.http_port,
        )

    async def stop(self) -> None:
        self.serving.set(False)
        self.grpc.close()
        await self.grpc.wait_closed()
        await self.http.stop()
        await self.redis.aclose()
        logger.info("rules engine stopped")


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    runtime = RulesEngineRuntime(settings)
    await runtime.start()
    try:
        await stop.wait()
    finally:
        await runtime.stop()
