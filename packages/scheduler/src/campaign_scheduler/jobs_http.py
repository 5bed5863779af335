"""`GET /jobs` (recent jobs with status and error) and `POST /jobs/{key}/retry` on the scheduler's HTTP port.

Both need `Authorization: Bearer <SCHEDULER_API_TOKEN>` (job errors and kwargs are internal details).
Finished jobs stay in Redis for `JOB_TTL_S` (a day), failed ones included, so failures stay inspectable;
retrying a failed (or aborted) job enqueues it again under the same key with its attempts reset.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import HTTPException, NotAuthorizedException, NotFoundException
from litestar.handlers import BaseRouteHandler
from saq import Queue
from saq.job import Job, Status

from campaign_scheduler.status import short_error

MAX_LIMIT = 500


def job_view(job: Job) -> dict[str, Any]:
    return {
        "key": job.key,
        "function": job.function,
        "status": job.status.value,
        "attempts": job.attempts,
        "retries": job.retries,
        "error": short_error(job.error),
        "traceback": job.error,
        "kwargs": job.kwargs or {},
        "result": job.result,
        "queued": job.queued,
        "started": job.started,
        "completed": job.completed,
        "scheduled": job.scheduled,
        "touched": job.touched,
        "worker_id": job.worker_id,
    }


def _check_token(request: Request[Any, Any, Any], token: str) -> None:
    header = request.headers.get("authorization", "")
    given = header[7:] if header.lower().startswith("bearer ") else ""
    if not given or not hmac.compare_digest(given.encode(), token.encode()):
        raise NotAuthorizedException("send Authorization: Bearer <SCHEDULER_API_TOKEN>")


def job_handlers(queue: Queue, token: str) -> Sequence[BaseRouteHandler]:
    @get("/jobs")
    async def list_jobs(
        request: Request[Any, Any, Any], status: str | None = None, function: str | None = None, limit: int = 50
    ) -> dict[str, Any]:
        _check_token(request, token)
        limit = max(1, min(limit, MAX_LIMIT))
        try:
            statuses = [Status(status)] if status else list(Status)
        except ValueError:
            raise HTTPException(status_code=400, detail=f"unknown status {status!r}") from None
        jobs = [j async for j in queue.iter_jobs(statuses=statuses) if function is None or j.function == function]
        jobs.sort(key=lambda j: max(j.touched, j.completed, j.queued), reverse=True)
        return {"queue": queue.name, "count": len(jobs), "jobs": [job_view(j) for j in jobs[:limit]]}

    @post("/jobs/{key:str}/retry", status_code=202)
    async def retry_job(request: Request[Any, Any, Any], key: str) -> dict[str, Any]:
        _check_token(request, token)
        job = await queue.job(key)
        if job is None:
            raise NotFoundException(f"no job {key!r} (finished jobs are kept for a day)")
        if job.status not in (Status.FAILED, Status.ABORTED, Status.COMPLETE):
            raise HTTPException(status_code=409, detail=f"job {key!r} is {job.status.value}, not finished")
        again = await queue.enqueue(
            job.function,
            key=job.key,
            kwargs=job.kwargs,
            timeout=job.timeout,
            retries=job.retries,
            retry_delay=job.retry_delay,
            retry_backoff=job.retry_backoff,
            ttl=job.ttl,
        )
        if again is None:
            raise HTTPException(status_code=409, detail=f"job {key!r} is already queued again")
        return {"retried": True, "job": job_view(again)}

    return [list_jobs, retry_job]
