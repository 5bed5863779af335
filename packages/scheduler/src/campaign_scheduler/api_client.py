"""The scheduler's client of the API: GraphQL over HTTP with the service credential.

Every call carries `Authorization: Bearer <SCHEDULER_API_TOKEN>` and the `API_REQUEST_TIMEOUT_MS`
deadline. Transport errors and 5xx answers are retried a few times at once (tenacity, short exponential
waits); when a call still fails it counts against the circuit breaker (`API_CIRCUIT_BREAKER_THRESHOLD`
failures open it for `API_CIRCUIT_BREAKER_DURATION_MS`), and while it is open calls fail fast with
`BreakerOpen`, so a job fails quickly and SAQ retries it later (`QUEUE_MAX_RETRIES`, `QUEUE_RETRY_BACKOFF_MS`).
GraphQL errors (the API answered) do not count against the breaker.

The GraphQL documents are module constants so a test can validate them against the API's schema.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from campaign_scheduler.breaker import BreakerOpen, CircuitBreaker
from campaign_scheduler.metrics import API_CALLS
from campaign_shared.settings import SchedulerSettings

BRANCHES_QUERY = """query SchedulerBranches {
  campaigns { id branches { id worldTimeSeconds } }
}"""

PROCESS_DUE_WORK = """mutation SchedulerProcessDueWork($branchId: ID!, $upTo: WorldTime, $kinds: [WorldJobKind!]) {
  processDueWork(branchId: $branchId, upTo: $upTo, kinds: $kinds) {
    branchId processedToSeconds changeCount
    spans { kind fromSeconds toSeconds }
  }
}"""

DOCUMENTS = {"branches": BRANCHES_QUERY, "processDueWork": PROCESS_DUE_WORK}
#: attempts per call before it counts as one failure
ATTEMPTS = 3


class ApiUnavailable(RuntimeError):
    """The API could not be reached or answered 5xx (after the quick retries)."""


class ApiError(RuntimeError):
    """The API answered with GraphQL errors."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        first = errors[0] if errors else {}
        self.code = str((first.get("extensions") or {}).get("code") or "UNKNOWN")
        self.errors = errors
        super().__init__(f"{self.code}: {first.get('message', 'GraphQL error')}")


class _ServerError(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code} from the API")


@dataclass(frozen=True)
class BranchClock:
    campaign_id: str
    branch_id: str
    world_time: int


class ApiClient:
    def __init__(
        self,
        settings: SchedulerSettings,
        token: str,
        *,
        breaker: CircuitBreaker | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = settings.api_url
        self.breaker = breaker or CircuitBreaker(
            settings.api_circuit_breaker_threshold, settings.api_circuit_breaker_duration_ms / 1000
        )
        self.http = httpx.AsyncClient(
            timeout=settings.api_request_timeout_ms / 1000,
            headers={"Authorization": f"Bearer {token}", "User-Agent": "campaign-scheduler"},
            transport=transport,
        )

    async def aclose(self) -> None:
        await self.http.aclose()

    async def _post(self, body: dict[str, Any]) -> httpx.Response:
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(ATTEMPTS),
            wait=wait_exponential(multiplier=0.2, max=2),
            retry=retry_if_exception_type((httpx.TransportError, _ServerError)),
            reraise=True,
        ):
            with attempt:
                response = await self.http.post(self.url, json=body)
                if response.status_code >= 500:
                    raise _ServerError(response)
        return response

    async def execute(self, operation: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run one of `DOCUMENTS`; returns `data` or raises ApiError / ApiUnavailable / BreakerOpen."""
        try:
            self.breaker.before_call()
        except BreakerOpen:
            API_CALLS.labels(operation, "breaker_open").inc()
            raise
        try:
            response = await self._post({"query": DOCUMENTS[operation], "variables": variables or {}})
        except (httpx.TransportError, _ServerError) as exc:
            self.breaker.failure()
            API_CALLS.labels(operation, "unavailable").inc()
            raise ApiUnavailable(f"the API is unavailable: {exc}") from exc
        self.breaker.success()
        try:
            body = response.json()
        except ValueError as exc:
            API_CALLS.labels(operation, "error").inc()
            raise ApiUnavailable(f"the API answered HTTP {response.status_code} without JSON") from exc
        if body.get("errors"):
            API_CALLS.labels(operation, "error").inc()
            raise ApiError(body["errors"])
        API_CALLS.labels(operation, "ok").inc()
        return body["data"]  # type: ignore[no-any-return]

    async def branches(self) -> list[BranchClock]:
        data = await self.execute("branches")
        return [
            BranchClock(str(c["id"]), str(b["id"]), int(b["worldTimeSeconds"]))
            for c in data["campaigns"]
            for b in c["branches"]
        ]

    async def process_due_work(self, branch_id: str, up_to: int | None, kinds: Sequence[str]) -> dict[str, Any]:
        data = await self.execute("processDueWork", {"branchId": branch_id, "upTo": up_to, "kinds": list(kinds)})
        return data["processDueWork"]  # type: ignore[no-any-return]
