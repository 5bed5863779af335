"""Runs the rules engine: gRPC (service + standard health), the invalidation subscriber, the cache
purge, and the HTTP health/metrics side."""

from __future__ import annotations

import asyncio
import contextlib

import redis.asyncio as aioredis
from grpclib.health.check import ServiceStatus
from grpclib.health.service import Health
from grpclib.server import Server
from loguru import logger

from campaign_rules_engine import metrics
from campaign_rules_engine.cache import ResultCache
from campaign_rules_engine.graph_store import GraphStore
from campaign_rules_engine.invalidation import Invalidator
from campaign_rules_engine.service import RulesEngineService
from campaign_rules_engine.subscriber import InvalidationSubscriber
from campaign_shared.messages import Channels, RulesInvalidation
from campaign_shared.ops_http import OpsServer, build_ops_app
from campaign_shared.settings import Settings

SUBSCRIBE_WAIT_S = 5.0
"""How long start-up waits for the first subscription (Redis down only delays readiness)."""


class RulesEngineRuntime:
    """Owns the servers, the cache, the retained graphs and the Redis clients of one process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        cfg = settings.rules_engine
        self.cache: ResultCache[str] = ResultCache(ttl_seconds=cfg.cache_ttl_seconds, max_keys=cfg.cache_max_keys)
        self.graphs = GraphStore()
        self.invalidator = Invalidator(self.cache, self.graphs)
        self.service = RulesEngineService(self.cache, self.graphs)
        self.subscriber = InvalidationSubscriber(
            settings.redis.url,
            Channels(settings.redis.channel_prefix).rules_invalidation,
            self._apply_invalidation,
            self._on_subscribed,
        )
        self.serving = ServiceStatus()
        health = Health({self.service: [self.serving]})
        self.grpc = Server([self.service, health])
        self.redis = aioredis.Redis.from_url(settings.redis.url)
        self.http = OpsServer(
            build_ops_app(
                {"grpc": self._grpc_check, "redis": self._redis_check, "invalidations": self.subscriber.check}
            ),
            cfg.http_host,
            cfg.http_port,
        )
        self._purge_task: asyncio.Task[None] | None = None
        metrics.track(self.cache, self.graphs)

    def _apply_invalidation(self, message: RulesInvalidation) -> None:
        outcome = self.invalidator.apply(message)
        metrics.INVALIDATIONS.labels("pubsub", "targeted" if outcome.targeted else "scope").inc()
        logger.debug(
            "invalidation {} ({}): dropped {} cached results, {} nodes dirty",
            message.message_id,
            message.reason or "no reason",
            outcome.dropped,
            outcome.dirtied,
        )

    def _on_subscribed(self) -> None:
        """Invalidations sent while we were not subscribed are lost: forget what they may have covered."""
        dropped = self.cache.clear()
        for graph in self.graphs.all():
            graph.invalidate_all()
        if dropped:
            logger.info("re-subscribed to invalidations: dropped {} cached results", dropped)

    async def _grpc_check(self) -> None:
        if not self.serving.__status__():
            raise RuntimeError("gRPC server is not serving")

    async def _redis_check(self) -> None:
        await self.redis.ping()

    async def _purge_expired(self) -> None:
        period = self.settings.rules_engine.cache_check_period_seconds
        while True:
            await asyncio.sleep(period)
            purged = self.cache.purge_expired()
            if purged:
                logger.debug("purged {} expired cached results", purged)

    async def start(self) -> None:
        cfg = self.settings.rules_engine
        self.subscriber.start()
        if not await self.subscriber.wait_connected(SUBSCRIBE_WAIT_S):
            logger.warning("not subscribed to rules invalidations yet; readiness reports it")
        self._purge_task = asyncio.create_task(self._purge_expired(), name="rules-cache-purge")
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
        if self._purge_task is not None:
            self._purge_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._purge_task
        await self.subscriber.stop()
        await self.redis.aclose()
        logger.info("rules engine stopped")


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    runtime = RulesEngineRuntime(settings)
    await runtime.start()
    try:
        await stop.wait()
    finally:
        await runtime.stop()
