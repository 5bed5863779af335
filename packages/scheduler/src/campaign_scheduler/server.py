"""Runs the scheduler: the SAQ worker plus HTTP health (Redis and API reachable), metrics and the jobs API."""

from __future__ import annotations

import asyncio

import httpx
from loguru import logger

from campaign_scheduler.api_client import ApiClient
from campaign_scheduler.jobs_http import job_handlers
from campaign_scheduler.status import StatusPublisher
from campaign_scheduler.worker import create_queue, create_worker
from campaign_shared.ops_http import OpsServer, build_ops_app
from campaign_shared.settings import Settings


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    cfg = settings.scheduler
    token = settings.service_token.scheduler_api_token
    queue = create_queue(settings.redis.effective_queue_url, cfg)
    api = ApiClient(cfg, token)
    publisher = StatusPublisher(settings.redis.url, settings.redis.channel_prefix)
    worker = create_worker(queue, cfg, api=api, publisher=publisher)
    http_client = httpx.AsyncClient(timeout=cfg.api_request_timeout_ms / 1000)

    async def redis_ok() -> None:
        await queue.redis.ping()  # type: ignore[attr-defined]

    async def api_ok() -> None:
        response = await http_client.get(f"{cfg.api_base_url}/health/live")
        response.raise_for_status()

    app = build_ops_app({"redis": redis_ok, "api": api_ok}, extra_handlers=job_handlers(queue, token))
    http = OpsServer(app, cfg.host, cfg.port)
    await queue.connect()
    await http.start()
    worker_task = asyncio.create_task(worker.start())
    logger.info(
        "scheduler worker {} on queue {!r} (concurrency {}), HTTP on {}:{}",
        worker.id,
        cfg.queue_name,
        cfg.queue_concurrency,
        cfg.host,
        cfg.port,
    )
    try:
        done, _ = await asyncio.wait(
            [worker_task, asyncio.create_task(stop.wait())], return_when=asyncio.FIRST_COMPLETED
        )
        if worker_task in done:
            worker_task.result()  # the worker died: surface why
    finally:
        await worker.stop()
        await http.stop()
        await http_client.aclose()
        await api.aclose()
        await publisher.aclose()
        await queue.disconnect()
        logger.info("scheduler stopped")
