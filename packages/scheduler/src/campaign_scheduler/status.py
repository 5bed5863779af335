"""Telling the rest of the system that a job finished: a `JobStatusMessage` on the job-status channel and,
for jobs of one campaign, a JOB_FINISHED `CampaignEvent` (which the API forwards to `campaignEvents`
subscribers). Both use the shared message models of `campaign_shared.messages`."""

from __future__ import annotations

from typing import Any, Literal

import redis.asyncio as aioredis
from loguru import logger
from saq.job import Job

from campaign_shared.messages import CampaignEvent, CampaignEventKind, Channels, JobStatusMessage, encode

ERROR_CHARS = 2000


def short_error(error: str | None) -> str | None:
    """The last line of a traceback (the exception), bounded; None stays None."""
    if not error:
        return None
    lines = [line for line in error.strip().splitlines() if line.strip()]
    return (lines[-1] if lines else error)[:ERROR_CHARS]


def _result(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    return {} if value is None else {"value": value}


class StatusPublisher:
    def __init__(self, redis_url: str, channel_prefix: str) -> None:
        self.redis: aioredis.Redis = aioredis.Redis.from_url(redis_url)  # type: ignore[type-arg]
        self.channels = Channels(channel_prefix)

    async def aclose(self) -> None:
        await self.redis.aclose()

    async def publish(self, job: Job) -> None:
        status: Literal["complete", "failed", "aborted"] = job.status.value  # type: ignore[assignment]
        kwargs = job.kwargs or {}
        campaign_id = kwargs.get("campaign_id")
        branch_id = kwargs.get("branch_id")
        message = JobStatusMessage(
            job_key=job.key,
            function=job.function,
            status=status,
            campaign_id=campaign_id,
            branch_id=branch_id,
            error=short_error(job.error),
            result=_result(job.result),
        )
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.publish(self.channels.job_status, encode(message))
                if campaign_id:
                    event = CampaignEvent(
                        kind=CampaignEventKind.JOB_FINISHED,
                        campaign_id=str(campaign_id),
                        branch_id=str(branch_id) if branch_id else None,
                        payload={
                            "jobKey": job.key,
                            "function": job.function,
                            "status": status,
                            "error": message.error,
                            "attempts": job.attempts,
                            "result": message.result,
                        },
                    )
                    pipe.publish(self.channels.campaign_events(str(campaign_id)), encode(event))
                await pipe.execute()
        except Exception:  # a lost notification must not fail the job's bookkeeping
            logger.exception("publishing the status of job {} failed", job.key)
