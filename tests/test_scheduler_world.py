"""World-time work through the real processes: the API enqueues on `advanceWorldTime`, the scheduler's SAQ
worker (its own process) calls `processDueWork` over GraphQL with its service token, and every change is a
normal versioned, audited write — exactly once, in the right branch, even with two schedulers or with the
API down for a while."""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import redis

from campaign_scheduler.contract import DUE_WORK_FUNCTION, due_work_key
from campaign_scheduler.worker import create_queue
from campaign_shared.settings import DEV_SCHEDULER_TOKEN, SchedulerSettings
from devstack import VENV_BIN, ManagedProcess, StackHandle, free_port

pytestmark = pytest.mark.stack

DAY = 86400
TOKEN = {"Authorization": f"Bearer {DEV_SCHEDULER_TOKEN}"}


class GraphQLError(AssertionError):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors)
        self.errors = errors
        self.code = errors[0].get("extensions", {}).get("code")


@dataclass
class GM:
    http: httpx.Client
    token: str
    campaign_id: str = ""
    main: str = ""

    def q(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        if body.get("errors"):
            raise GraphQLError(body["errors"])
        return body["data"]  # type: ignore[no-any-return]

    def create(self, what: str, **fields: Any) -> str:
        data = self.q(
            f"mutation($i: Create{what}Input!) {{ create{what}(input: $i) {{ id }} }}",
            {"i": {"campaignId": self.campaign_id, **fields}},
        )
        return data[f"create{what}"]["id"]  # type: ignore[no-any-return]

    def effect(self, owner: str, target_type: str, target: str, ops: Any, **extra: Any) -> str:
        return self.create(
            "Effect", ownerType="EVENT", ownerId=owner, targetType=target_type, targetId=target, operations=ops, **extra
        )

    def entity(self, kind: str, entity_id: str, branch: str | None = None) -> dict[str, Any]:
        data = self.q(
            f"query($id: ID!, $b: ID) {{ entity(type: {kind}, id: $id, branchId: $b) }}", {"id": entity_id, "b": branch}
        )
        return data["entity"]  # type: ignore[no-any-return]

    def history(self, kind: str, entity_id: str, branch: str) -> list[dict[str, Any]]:
        data = self.q(
            f"query($id: ID!, $b: ID!) {{ entityHistory(type: {kind}, id: $id, branchId: $b) {{ version validFrom data }} }}",
            {"id": entity_id, "b": branch},
        )
        return data["entityHistory"]  # type: ignore[no-any-return]

    def audit(self, entity_id: str, operation: str | None = None) -> list[dict[str, Any]]:
        data = self.q(
            """query($c: ID!, $e: ID!, $o: String) { auditLog(campaignId: $c, entityId: $e, operation: $o, limit: 1000) {
              operation branchId } }""",
            {"c": self.campaign_id, "e": entity_id, "o": operation},
        )
        return data["auditLog"]  # type: ignore[no-any-return]

    def advance(self, branch: str, to: Any) -> int:
        data = self.q(
            "mutation($b: ID!, $to: WorldTime!) { advanceWorldTime(branchId: $b, to: $to) { worldTimeSeconds } }",
            {"b": branch, "to": to},
        )
        return int(data["advanceWorldTime"]["worldTimeSeconds"])

    def due_status(self, branch: str) -> dict[str, Any]:
        data = self.q(
            """query($b: ID!) { dueWorkStatus(branchId: $b) { worldTime
              watermarks { kind processedToSeconds } pendingDeferred { effectId dueAt } } }""",
            {"b": branch},
        )
        return data["dueWorkStatus"]  # type: ignore[no-any-return]

    def wait_due_work(self, branch: str, to_seconds: int, timeout: float = 90) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            status = self.due_status(branch)
            marks = status["watermarks"]
            if marks and all(m["processedToSeconds"] >= to_seconds for m in marks):
                return status
            if time.monotonic() > deadline:
                raise AssertionError(f"the scheduler did not do the due work of {branch} up to {to_seconds}: {status}")
            time.sleep(0.25)


@pytest.fixture
def gm(stack: StackHandle) -> Iterator[GM]:
    with httpx.Client(base_url=stack.api_url, timeout=30) as http:
        email = f"gm-{uuid.uuid4().hex[:10]}@example.test"
        response = http.post(
            "/auth/register",
            json={"email": email, "password": "correct horse battery", "name": "GM"},
            headers={"X-Forwarded-For": f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"},
        )
        assert response.status_code == 201, response.text
        client = GM(http, response.json()["access_token"])
        world = client.q(
            "mutation($i: CreateWorldInput!) { createWorld(input: $i) { id } }",
            {"i": {"name": "Eldmoor", "calendar": "gregorian"}},
        )["createWorld"]["id"]
        campaign = client.q(
            "mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id mainBranch { id } } }",
            {"i": {"worldId": world, "name": "Clockwork", "startTime": "1200-03-01 08:00"}},
        )["createCampaign"]
        client.campaign_id, client.main = campaign["id"], campaign["mainBranch"]["id"]
        yield client


def start_scheduler(stack: StackHandle, name: str, **env: str) -> tuple[ManagedProcess, int]:
    """Another `campaign-scheduler` process with the stack's environment (plus overrides)."""
    port = free_port()
    proc = ManagedProcess(
        name,
        [str(VENV_BIN / "campaign-scheduler")],
        {**stack.env, "SCHEDULER_PORT": str(port), **env},
        stack.state_dir / "logs" / f"{name}.log",
    ).start()
    proc.wait_http(f"http://127.0.0.1:{port}/health/live", timeout=60)
    return proc, port


def jobs(port: int, **params: Any) -> list[dict[str, Any]]:
    response = httpx.get(f"http://127.0.0.1:{port}/jobs", params={"limit": 500, **params}, headers=TOKEN, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["jobs"]  # type: ignore[no-any-return]


def metric(port: int, metric_name: str, **labels: str) -> float:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    total = 0.0
    for line in text.splitlines():
        match = re.match(rf"^{metric_name}(\{{.*\}})? (\S+)$", line)
        if match and all(f'{k}="{v}"' in (match.group(1) or "") for k, v in labels.items()):
            total += float(match.group(2))
    return total


def with_queue(stack: StackHandle, action: Any) -> Any:
    """Run `await action(queue)` on a fresh connection to the stack's job queue (sync tests)."""

    async def run() -> Any:
        queue = create_queue(stack.env["REDIS_URL"], SchedulerSettings(QUEUE_NAME=stack.env["QUEUE_NAME"]))
        await queue.connect()
        try:
            return await action(queue)
        finally:
            await queue.disconnect()

    return asyncio.run(run())


def seconds(gm: GM, branch: str) -> int:
    data = gm.q("query($c: ID!) { branches(campaignId: $c) { id worldTimeSeconds } }", {"c": gm.campaign_id})
    return int(next(b["worldTimeSeconds"] for b in data["branches"] if b["id"] == branch))


def test_an_event_expires_through_the_worker_process_only_in_its_branch(stack: StackHandle, gm: GM) -> None:
    start = seconds(gm, gm.main)
    town = gm.create("Settlement", name="Brindle", population=100)
    envoy = gm.create("Event", name="Envoy waits", expiresAt="1200-03-01 09:00")
    gm.effect(envoy, "SETTLEMENT", town, [{"op": "replace", "path": "/population", "value": 90}], timing="ON_EXPIRE")
    fork = gm.q(
        "mutation($i: ForkBranchInput!) { forkBranch(input: $i) { id } }",
        {"i": {"parentId": gm.main, "name": "what-if"}},
    )["forkBranch"]["id"]
    to = gm.advance(fork, "1200-03-01 12:00")
    gm.wait_due_work(fork, to)

    expired = gm.entity("EVENT", envoy, fork)
    assert expired["status"] == "EXPIRED" and expired["validFrom"] == start + 3600
    assert gm.entity("SETTLEMENT", town, fork)["population"] == 90
    # the main branch never saw it
    assert gm.entity("EVENT", envoy, gm.main)["status"] == "PLANNED"
    assert gm.entity("SETTLEMENT", town, gm.main)["population"] == 100
    assert [(a["operation"], a["branchId"]) for a in gm.audit(envoy, "EXPIRE")] == [("EXPIRE", fork)]
    # done by the scheduler process: its job for exactly this span completed
    done = {j["key"]: j for j in jobs(stack.ports.scheduler, status="complete")}
    job = done[due_work_key(fork, "EXPIRATION", to)]
    assert job["function"] == DUE_WORK_FUNCTION and job["result"]["processed_to"] == to
    # main, advanced to before the expiry, keeps the event
    early = gm.advance(gm.main, "1200-03-01 08:30")
    gm.wait_due_work(gm.main, early)
    assert gm.entity("EVENT", envoy, gm.main)["status"] == "PLANNED"


def test_a_deferred_effect_fires_at_its_due_time_once_and_the_job_is_announced(stack: StackHandle, gm: GM) -> None:
    prefix = stack.env["REDIS_CHANNEL_PREFIX"]
    listener = redis.Redis.from_url(stack.env["REDIS_URL"]).pubsub()
    listener.subscribe(f"{prefix}:jobs:status", f"{prefix}:campaign:{gm.campaign_id}:events")
    try:
        start = seconds(gm, gm.main)
        town = gm.create("Settlement", name="Brindle", population=100)
        event = gm.create("Event", name="Seeds planted")
        effect = gm.effect(
            event, "SETTLEMENT", town, [{"op": "replace", "path": "/population", "value": 500}], delaySeconds=2 * DAY
        )
        gm.q("mutation($id: ID!) { resolveEvent(id: $id) { status } }", {"id": event})

        to = gm.advance(gm.main, start + DAY)
        status = gm.wait_due_work(gm.main, to)
        assert gm.entity("SETTLEMENT", town)["population"] == 100
        assert [p["effectId"] for p in status["pendingDeferred"]] == [effect]

        to = gm.advance(gm.main, start + 3 * DAY)
        status = gm.wait_due_work(gm.main, to)
        assert status["pendingDeferred"] == []
        history = gm.history("SETTLEMENT", town, gm.main)
        assert [h["data"]["population"] for h in history] == [100, 500]

        to = gm.advance(gm.main, start + 10 * DAY)
        gm.wait_due_work(gm.main, to)
        assert len(gm.history("SETTLEMENT", town, gm.main)) == 2
        executions = gm.q(
            "query($c: ID!, $e: ID!) { effectExecutions(campaignId: $c, effectId: $e) { worldTime success } }",
            {"c": gm.campaign_id, "e": effect},
        )["effectExecutions"]
        assert [e["success"] for e in executions] == [True]
        assert executions[0]["worldTime"] == "1200-03-03 08:00:00"

        # the worker announced its jobs: JobStatusMessage + JOB_FINISHED campaign events
        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            message = listener.get_message(timeout=0.5)
            if message and message["type"] == "message":
                seen.append(json.loads(message["data"]))
            statuses = [m for m in seen if m["type"] == "job_status" and m.get("branch_id") == gm.main]
            finished = [m for m in seen if m["type"] == "campaign_event" and m["kind"] == "JOB_FINISHED"]
            if statuses and finished:
                break
        assert statuses and all(m["status"] == "complete" for m in statuses)
        assert finished and finished[0]["payload"]["function"] == DUE_WORK_FUNCTION
    finally:
        listener.close()


def test_two_scheduler_processes_apply_every_change_exactly_once(stack: StackHandle, gm: GM) -> None:
    second, second_port = start_scheduler(stack, "scheduler-2")
    try:
        start = seconds(gm, gm.main)
        towns, events = [], []
        for i in range(4):
            town = gm.create("Settlement", name=f"Town {i}", population=100)
            event = gm.create("Event", name=f"Deadline {i}", expiresAt=start + (i + 1) * 3600)
            gm.effect(
                event,
                "SETTLEMENT",
                town,
                [{"op": "replace", "path": "/population", "value": 200 + i}],
                timing="ON_EXPIRE",
            )
            towns.append(town)
            events.append(event)

        def duplicates(up_to: int) -> Any:
            return lambda queue: _duplicates(queue, up_to)

        async def _duplicates(queue: Any, up_to: int) -> None:
            for _ in range(8):  # the same spans again under other keys: both workers race on them
                for kind in ("EXPIRATION", "DEFERRED", "GROWTH"):
                    await queue.enqueue(
                        DUE_WORK_FUNCTION,
                        key=f"dup-{uuid.uuid4().hex}",
                        timeout=60,
                        retries=3,
                        branch_id=gm.main,
                        campaign_id=gm.campaign_id,
                        kind=kind,
                        up_to=up_to,
                    )

        for step in range(1, 6):
            to = gm.advance(gm.main, start + step * 3600)
            with_queue(stack, duplicates(to))
        gm.wait_due_work(gm.main, start + 5 * 3600)
        deadline = time.monotonic() + 30
        while [j for j in jobs(second_port) if j["kwargs"].get("branch_id") == gm.main and j["status"] != "complete"]:
            assert time.monotonic() < deadline, "the queue did not drain"
            time.sleep(0.3)

        for i, (town, event) in enumerate(zip(towns, events, strict=True)):
            assert [h["data"]["status"] for h in gm.history("EVENT", event, gm.main)] == ["PLANNED", "EXPIRED"]
            assert [h["data"]["population"] for h in gm.history("SETTLEMENT", town, gm.main)] == [100, 200 + i]
            assert len(gm.audit(event, "EXPIRE")) == 1
            assert len(gm.audit(town, "EFFECT")) == 1
        workers = {
            j.get("worker_id")
            for j in jobs(second_port, status="complete", function=DUE_WORK_FUNCTION)
            if j["kwargs"].get("branch_id") == gm.main
        }
        assert len(workers - {None}) == 2, workers  # both processes did some of the work
    finally:
        second.stop()


def test_api_down_opens_the_breaker_jobs_retry_and_nothing_is_lost(stack: StackHandle, gm: GM) -> None:
    api, scheduler = stack.process("api"), stack.process("scheduler")
    start = seconds(gm, gm.main)
    town = gm.create("Settlement", name="Brindle", population=100)
    event = gm.create("Event", name="Ultimatum", expiresAt=start + 600)
    gm.effect(event, "SETTLEMENT", town, [{"op": "replace", "path": "/population", "value": 42}], timing="ON_EXPIRE")
    scheduler.stop()  # the jobs wait in the queue until our fast-breaker scheduler runs them
    fast = None
    try:
        to = gm.advance(gm.main, start + 3600)
        api.stop()
        fast, port = start_scheduler(
            stack,
            "scheduler-breaker",
            API_CIRCUIT_BREAKER_THRESHOLD="2",
            API_CIRCUIT_BREAKER_DURATION_MS="1500",
            API_REQUEST_TIMEOUT_MS="1000",
        )
        deadline = time.monotonic() + 30
        while metric(port, "scheduler_api_circuit_breaker_state", name="api") != 1:
            assert time.monotonic() < deadline, "the breaker did not open"
            time.sleep(0.2)
        deadline = time.monotonic() + 30
        while metric(port, "scheduler_jobs_total", status="retried") < 1:
            assert time.monotonic() < deadline, "no job was retried"
            time.sleep(0.2)
        waiting = [j for j in jobs(port) if j["kwargs"].get("branch_id") == gm.main]
        assert waiting and any(j["error"] for j in waiting)
        assert any("unavailable" in (j["error"] or "") or "breaker" in (j["error"] or "") for j in waiting)
    finally:
        if not api.running:
            api.start()
            api.wait_http(f"{stack.api_url}/health/ready", timeout=90)
        if not scheduler.running:
            scheduler.start()
            scheduler.wait_http(f"http://127.0.0.1:{stack.ports.scheduler}/health", timeout=60)
    try:
        # jobs still retrying finish on their own; any that ran out of attempts are picked up by the sweep

        async def sweep(queue: Any) -> Any:
            return await queue.apply("expire_events", timeout=60)

        deadline = time.monotonic() + 60
        while True:
            marks = gm.due_status(gm.main)["watermarks"]
            if all(m["processedToSeconds"] >= to for m in marks if m["kind"] in ("EXPIRATION", "DEFERRED")):
                break
            assert time.monotonic() < deadline, marks
            if any(
                j["status"] == "failed" for j in jobs(stack.ports.scheduler) if j["kwargs"].get("branch_id") == gm.main
            ):
                with_queue(stack, sweep)
            time.sleep(0.5)
        assert gm.entity("EVENT", event)["status"] == "EXPIRED"
        assert [h["data"]["population"] for h in gm.history("SETTLEMENT", town, gm.main)] == [100, 42]
        assert len(gm.audit(event, "EXPIRE")) == 1
        deadline = time.monotonic() + 15
        while metric(port, "scheduler_api_circuit_breaker_state", name="api") != 0:
            assert time.monotonic() < deadline, "the breaker did not close again"
            time.sleep(0.3)
    finally:
        if fast is not None:
            fast.stop()


def test_jobs_endpoint_lists_failures_and_retries_one(stack: StackHandle, gm: GM) -> None:
    port = stack.ports.scheduler
    assert httpx.get(f"http://127.0.0.1:{port}/jobs", timeout=10).status_code == 401
    key = f"bad-{uuid.uuid4().hex}"

    async def enqueue(queue: Any) -> None:  # a world time the API cannot read: refused, the job fails
        await queue.enqueue(
            DUE_WORK_FUNCTION, key=key, retries=1, ttl=3600, branch_id=gm.main, kind="GROWTH", up_to="the end of days"
        )

    with_queue(stack, enqueue)
    deadline = time.monotonic() + 30
    while True:
        failed = {j["key"]: j for j in jobs(port, status="failed")}
        if key in failed:
            break
        assert time.monotonic() < deadline, "the job did not fail"
        time.sleep(0.2)
    assert "VALIDATION_FAILED" in failed[key]["error"] and failed[key]["attempts"] == 1
    response = httpx.post(f"http://127.0.0.1:{port}/jobs/{key}/retry", headers=TOKEN, timeout=10)
    assert response.status_code == 202, response.text
    deadline = time.monotonic() + 30
    while True:
        again = next((j for j in jobs(port) if j["key"] == key), None)
        if again is not None and again["status"] == "failed" and again["completed"] > failed[key]["completed"]:
            break
        assert time.monotonic() < deadline, again
        time.sleep(0.2)
    missing = httpx.post(f"http://127.0.0.1:{port}/jobs/no-such-job/retry", headers=TOKEN, timeout=10)
    assert missing.status_code == 404
    assert metric(port, "scheduler_jobs_total", function=DUE_WORK_FUNCTION, status="failed") >= 2
