"""Enqueueing the scheduler's world-time jobs from the API (SAQ, on the queue Redis).

`advanceWorldTime` calls `enqueue_due_work` after its transaction committed: one job per kind of due
work for the branch, keyed `due-work:<branch>:<kind>:<up to>`, so the same advance enqueued twice (or
by the scheduler's own sweep) is one job. The scheduler's job body calls the `processDueWork` mutation,
whose watermarks make the work exactly-once whatever runs it.

The job contract (function name, key format, keyword arguments) is the one in
`campaign_scheduler.contract`; a test checks both sides agree. If the queue cannot be reached the advance
still succeeds (it is committed): the scheduler's cron sweeps find the work from the branch's clock.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from loguru import logger
from saq import Queue

from campaign_shared.settings import SchedulerSettings, Settings

DUE_WORK_FUNCTION = "process_due_work"
DUE_WORK_KINDS = ("EXPIRATION", "DEFERRED", "GROWTH", "MAINTENANCE")
JOB_TIMEOUT_S = 600
#: finished jobs (failures included) stay inspectable this long
JOB_TTL_S = 86_400


def due_work_key(branch_id: uuid.UUID | str, kind: str, up_to: int) -> str:
    return f"due-work:{branch_id}:{kind}:{up_to}"


def job_options(settings: SchedulerSettings) -> dict[str, Any]:
    """SAQ job settings from QUEUE_MAX_RETRIES / QUEUE_RETRY_BACKOFF_MS (SAQ counts the first attempt)."""
    return {
        "timeout": JOB_TIMEOUT_S,
        "retries": settings.queue_max_retries + 1,
        "retry_delay": settings.queue_retry_backoff_ms / 1000,
        "ttl": JOB_TTL_S,
    }


async def enqueue_due_work(
    settings: Settings,
    campaign_id: uuid.UUID,
    branch_id: uuid.UUID,
    up_to: int,
    kinds: Iterable[str] = DUE_WORK_KINDS,
) -> list[str]:
    """Enqueue the due-work jobs of a branch up to `up_to`; returns the keys newly enqueued."""
    cfg = settings.scheduler
    queue = Queue.from_url(settings.redis.effective_queue_url, name=cfg.queue_name)
    enqueued: list[str] = []
    try:
        for kind in kinds:
            key = due_work_key(branch_id, kind, up_to)
            job = await queue.enqueue(
                DUE_WORK_FUNCTION,
                key=key,
                **job_options(cfg),
                branch_id=str(branch_id),
                campaign_id=str(campaign_id),
                kind=kind,
                up_to=up_to,
            )
            if job is not None:
                enqueued.append(key)
    except Exception:  # the change is committed; the cron sweep catches up
        logger.exception("enqueueing the due work of branch {} up to {} failed", branch_id, up_to)
    finally:
        try:
            await queue.disconnect()
        except Exception:
            logger.debug("closing the queue connection failed")
    return enqueued
