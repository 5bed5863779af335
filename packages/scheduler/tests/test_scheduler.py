"""The scheduler process: SAQ jobs through real Redis, cron registration, HTTP health and metrics."""

from __future__ import annotations

import httpx
import pytest

from campaign_scheduler.worker import create_queue, cron_jobs
from campaign_shared.settings import SchedulerSettings
from devstack import StackHandle


async def test_job_round_trip_through_the_worker_process(stack: StackHandle) -> None:
    settings = SchedulerSettings(queue_name=stack.env["QUEUE_NAME"])
    queue = create_queue(stack.env["REDIS_URL"], settings)
    await queue.connect()
    try:
        result = await queue.apply("echo", value={"hello": "world"}, timeout=10)
        assert result["echo"] == {"hello": "world"}
        assert result["worker"]  # answered by the worker process, not by us
        sweep = await queue.apply("expire_events", timeout=30)
        assert sweep["job"] == "expire_events"
    finally:
        await queue.disconnect()


def test_cron_jobs_follow_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRON_EVENT_EXPIRATION", "*/2 * * * *")
    monkeypatch.setenv("CRON_SETTLEMENT_GROWTH", "15 * * * *")
    monkeypatch.setenv("CRON_STRUCTURE_MAINTENANCE", "30 3 * * *")
    jobs = {job.function.__name__: job.cron for job in cron_jobs(SchedulerSettings())}
    assert jobs == {
        "expire_events": "*/2 * * * *",
        "grow_settlements": "15 * * * *",
        "maintain_structures": "30 3 * * *",
    }


def test_health_checks_redis_and_api(stack: StackHandle) -> None:
    base = f"http://127.0.0.1:{stack.ports.scheduler}"
    body = httpx.get(f"{base}/health", timeout=10).json()
    assert body["status"] == "ready"
    assert [c["name"] for c in body["checks"]] == ["redis", "api"]
    metrics = httpx.get(f"{base}/metrics", timeout=10).text
    assert "scheduler_jobs_total" in metrics
