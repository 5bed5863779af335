"""The job contract between the API (which enqueues due work after `advanceWorldTime`) and this worker.

The API keeps the same names in `campaign_api.jobs` (the API does not depend on the scheduler package);
`tests/test_scheduler_contract.py` checks that both sides agree, and that every GraphQL document the
scheduler sends validates against the API's schema.
"""

from __future__ import annotations

import uuid
from typing import Any

from campaign_shared.settings import SchedulerSettings

DUE_WORK_FUNCTION = "process_due_work"
#: kinds of due work, in the order the API processes them
DUE_WORK_KINDS = ("EXPIRATION", "DEFERRED", "GROWTH", "MAINTENANCE")
JOB_TIMEOUT_S = 600
#: finished jobs (failures included) stay inspectable this long (GET /jobs)
JOB_TTL_S = 86_400


def due_work_key(branch_id: uuid.UUID | str, kind: str, up_to: int) -> str:
    """One job per (branch, kind, world time): the same work enqueued twice is one job."""
    return f"due-work:{branch_id}:{kind}:{up_to}"


def job_options(settings: SchedulerSettings) -> dict[str, Any]:
    """SAQ job settings from QUEUE_MAX_RETRIES / QUEUE_RETRY_BACKOFF_MS (SAQ counts the first attempt)."""
    return {
        "timeout": JOB_TIMEOUT_S,
        "retries": settings.queue_max_retries + 1,
        "retry_delay": settings.queue_retry_backoff_ms / 1000,
        "ttl": JOB_TTL_S,
    }
