"""Readiness follows the dependencies: a stopped rules engine or S3 server makes /health/ready 503
naming it within 10 s, and it recovers after a restart."""

from __future__ import annotations

import time

import httpx
import pytest

from devstack import StackHandle


def _wait_ready(url: str, want_status: int, timeout: float) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    body: dict[str, object] = {}
    while time.monotonic() < deadline:
        response = httpx.get(url, timeout=timeout)
        body = response.json()
        if response.status_code == want_status:
            return body
        time.sleep(0.25)
    raise AssertionError(f"{url} did not answer {want_status} within {timeout}s: {body}")


@pytest.mark.parametrize(("process", "check"), [("rules-engine", "rules_engine"), ("s3", "s3")])
def test_stopped_dependency_is_named_and_recovers(stack: StackHandle, process: str, check: str) -> None:
    ready_url = f"{stack.api_url}/health/ready"
    _wait_ready(ready_url, 200, 30)
    proc = stack.process(process)
    proc.stop()
    try:
        started = time.monotonic()
        body = _wait_ready(ready_url, 503, 10)
        assert time.monotonic() - started < 10
        assert body["status"] == "not_ready" and body["failing"] == [check]
        failing = next(c for c in body["checks"] if c["name"] == check)  # type: ignore[attr-defined]
        assert failing["error"]
    finally:
        proc.start()
    body = _wait_ready(ready_url, 200, 60)
    assert body["failing"] == []
