"""The SAQ worker: the queue on Redis, the job functions and the cron sweeps from the CRON_* settings."""

from __future__ import annotations

from typing import Any

from saq import CronJob, Queue, Worker
from saq.job import Job, Status

from campaign_scheduler.api_client import ApiClient
from campaign_scheduler.jobs import FUNCTIONS, expire_events, grow_settlements, maintain_structures
from campaign_scheduler.metrics import JOBS
from campaign_scheduler.status import StatusPublisher
from campaign_shared.settings import SchedulerSettings

SWEEP_TIMEOUT_S = 600
TERMINAL = {Status.COMPLETE, Status.FAILED, Status.ABORTED}


def cron_jobs(settings: SchedulerSettings) -> list[CronJob[Any]]:
    return [
        CronJob(expire_events, cron=settings.cron_event_expiration, timeout=SWEEP_TIMEOUT_S),
        CronJob(grow_settlements, cron=settings.cron_settlement_growth, timeout=SWEEP_TIMEOUT_S),
        CronJob(maintain_structures, cron=settings.cron_structure_maintenance, timeout=SWEEP_TIMEOUT_S),
    ]


def create_queue(redis_url: str, settings: SchedulerSettings) -> Queue:
    return Queue.from_url(redis_url, name=settings.queue_name)


async def _after_process(ctx: dict[str, Any]) -> None:
    job: Job | None = ctx.get("job")
    if job is None:
        return
    if job.status in TERMINAL:
        JOBS.labels(job.function, job.status.value).inc()
        publisher: StatusPublisher | None = ctx.get("publisher")
        if publisher is not None:
            await publisher.publish(job)
    elif job.status is Status.QUEUED and ctx.get("exception") is not None:
        JOBS.labels(job.function, "retried").inc()  # failed, and SAQ scheduled another attempt


def create_worker(
    queue: Queue,
    settings: SchedulerSettings,
    *,
    api: ApiClient | None = None,
    publisher: StatusPublisher | None = None,
) -> Worker[Any]:
    worker: Worker[Any] = Worker(
        queue,
        functions=list(FUNCTIONS),
        cron_jobs=cron_jobs(settings),
        concurrency=settings.queue_concurrency,
        after_process=_after_process,
    )
    worker.context.update({"settings": settings, "api": api, "publisher": publisher})
    return worker
