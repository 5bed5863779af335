"""Job functions: the cron sweeps and the per-branch due-work job.

The sweeps (`expire_events`, `grow_settlements`, `maintain_structures`, on the CRON_* schedules) list
every campaign's branches through the API and enqueue one `process_due_work` job per branch and kind,
keyed by (branch, kind, the branch's world time): a job already queued, running or done for that clock
is not enqueued again; a failed one is (so nothing is lost when the API was down). The job body calls
the API's `processDueWork`, whose per-branch watermarks make the work exactly-once, whichever worker
(or how many) runs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from loguru import logger
from saq import Queue
from saq.job import Status

from campaign_scheduler.api_client import ApiClient, ApiError
from campaign_scheduler.contract import DUE_WORK_FUNCTION, due_work_key, job_options
from campaign_scheduler.metrics import ENQUEUED
from campaign_shared.settings import SchedulerSettings

Context = dict[str, Any]
#: a job in one of these states needs no new copy
_NO_REENQUEUE = {Status.NEW, Status.QUEUED, Status.ACTIVE, Status.COMPLETE}
#: GraphQL error codes that will not change by retrying: the job finishes, reporting why
_FINAL_CODES = {"NOT_FOUND", "FORBIDDEN"}
#: parts of one span a job asks for at most (each part is one bounded unit of work in the API)
MAX_CALLS = 1000


async def enqueue_due_work(
    queue: Queue,
    settings: SchedulerSettings,
    campaign_id: str,
    branch_id: str,
    up_to: int,
    kinds: Sequence[str],
) -> list[str]:
    """Enqueue the due-work jobs of one branch up to `up_to` (deterministic keys); returns new keys."""
    enqueued = []
    for kind in kinds:
        key = due_work_key(branch_id, kind, up_to)
        existing = await queue.job(key)
        if existing is not None and existing.status in _NO_REENQUEUE:
            continue
        job = await queue.enqueue(
            DUE_WORK_FUNCTION,
            key=key,
            **job_options(settings),
            branch_id=branch_id,
            campaign_id=campaign_id,
            kind=kind,
            up_to=up_to,
        )
        if job is not None:
            ENQUEUED.labels(kind).inc()
            enqueued.append(key)
    return enqueued


async def _sweep(ctx: Context, name: str, kinds: Sequence[str]) -> dict[str, Any]:
    api: ApiClient = ctx["api"]
    settings: SchedulerSettings = ctx["settings"]
    queue: Queue = ctx["worker"].queue
    branches = await api.branches()
    enqueued: list[str] = []
    for clock in branches:
        enqueued += await enqueue_due_work(queue, settings, clock.campaign_id, clock.branch_id, clock.world_time, kinds)
    logger.info("{} sweep: {} branches, {} jobs enqueued", name, len(branches), len(enqueued))
    return {"job": name, "branches": len(branches), "enqueued": len(enqueued)}


async def expire_events(ctx: Context) -> dict[str, Any]:
    """Sweep: event expiration and deferred effects of every branch, up to its clock."""
    return await _sweep(ctx, "expire_events", ("EXPIRATION", "DEFERRED"))


async def grow_settlements(ctx: Context) -> dict[str, Any]:
    """Sweep: settlement growth of every branch, up to its clock."""
    return await _sweep(ctx, "grow_settlements", ("GROWTH",))


async def maintain_structures(ctx: Context) -> dict[str, Any]:
    """Sweep: structure maintenance of every branch, up to its clock."""
    return await _sweep(ctx, "maintain_structures", ("MAINTENANCE",))


async def process_due_work(
    ctx: Context, *, branch_id: str, kind: str, up_to: int | None = None, campaign_id: str | None = None
) -> dict[str, Any]:
    """Ask the API to do one branch's due work of `kind` up to `up_to` (exactly once, by watermark)."""
    api: ApiClient = ctx["api"]
    result: dict[str, Any] = {
        "job": DUE_WORK_FUNCTION,
        "campaign_id": campaign_id,
        "branch_id": branch_id,
        "kind": kind,
        "up_to": up_to,
    }
    changes, calls = 0, 0
    spans: dict[str, list[int]] = {}
    while True:  # a big span comes back in parts (the API bounds each unit of work)
        try:
            data = await api.process_due_work(branch_id, up_to, [kind])
        except ApiError as exc:
            if exc.code in _FINAL_CODES:
                logger.warning("due work of branch {} skipped: {}", branch_id, exc)
                return {**result, "skipped": str(exc)}
            raise
        calls += 1
        changes += int(data["changeCount"])
        for span in data["spans"]:
            first = spans.get(span["kind"], [int(span["fromSeconds"])])[0]
            spans[span["kind"]] = [first, int(span["toSeconds"])]
        processed = int(data["processedToSeconds"])
        if up_to is None or processed >= up_to or not data["spans"] or calls >= MAX_CALLS:
            break
        if ctx.get("job") is not None:
            await ctx["job"].update()  # a heartbeat between parts
    return {**result, "processed_to": processed, "changes": changes, "calls": calls, "spans": spans}


async def echo(ctx: Context, *, value: Any = None) -> dict[str, Any]:
    """A diagnostic job: proves the queue round trip (enqueue → worker → result) end to end."""
    return {"echo": value, "worker": ctx["worker"].id}


FUNCTIONS = (expire_events, grow_settlements, maintain_structures, process_due_work, echo)
