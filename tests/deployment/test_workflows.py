"""The CI workflow: schema-valid, pinned, bounded, least-privileged, and running every stage of the spec."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
CI = ROOT / ".github" / "workflows" / "ci.yml"


def _load(path: Path) -> dict[str, Any]:
    data: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def _run_lines(job: dict[str, Any]) -> str:
    return "\n".join(str(step.get("run", "")) for step in job["steps"])


def _uses(job: dict[str, Any]) -> list[str]:
    return [str(step["uses"]) for step in job["steps"] if "uses" in step]


def test_workflows_exist() -> None:
    assert CI in WORKFLOWS


def test_workflows_match_the_github_schema(tool: Callable[[str, str], str]) -> None:
    checker = tool("check-jsonschema", "run `uv sync --frozen` (dev group: check-jsonschema)")
    done = subprocess.run(
        [checker, "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actions_pinned_by_commit_sha(workflow: Path) -> None:
    for number, line in enumerate(workflow.read_text(encoding="utf-8").splitlines(), 1):
        match = re.search(r"uses:\s*(\S+)", line)
        if not match or match.group(1).startswith("./"):
            continue
        ref = match.group(1)
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", ref), f"{workflow.name}:{number} {ref} not pinned"
        assert re.search(r"#\s*v\d+(\.\d+)*\s*$", line), f"{workflow.name}:{number} lacks a `# vX.Y.Z` comment"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_jobs_are_bounded_and_least_privileged(workflow: Path) -> None:
    data = _load(workflow)
    assert data.get("permissions") == {"contents": "read"}, "workflow permissions must be read-only"
    assert data.get("concurrency", {}).get("group"), "a concurrency group cancels superseded runs"
    for name, job in data["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int) and job["timeout-minutes"] <= 60, name
        for scope, level in (job.get("permissions") or {}).items():
            assert level != "write", f"{name} asks for {scope}: write"
        for step in job["steps"]:
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, f"{name}: token kept on disk"


def test_ci_runs_every_stage_of_the_spec() -> None:
    jobs = _load(CI)["jobs"]
    lint = _run_lines(jobs["lint-and-typecheck"])
    for command in ("uv lock --check", "ruff check", "ruff format --check", "mypy", "make proto-check"):
        assert command in lint, f"lint-and-typecheck does not run {command}"

    backend = jobs["backend-tests"]
    assert backend["strategy"]["matrix"]["package"] == ["shared", "api", "rules_engine", "scheduler"]
    assert "packages/${{ matrix.package }}/tests" in _run_lines(backend)
    images = {name: svc["image"] for name, svc in backend["services"].items()}
    assert images["postgres"] == "postgis/postgis:16-3.4"
    assert re.fullmatch(r"redis:7(\.\d+)*", images["redis"])
    assert all("--health-cmd" in svc["options"] for svc in backend["services"].values())

    frontend = _run_lines(jobs["frontend-tests"])
    assert "npm ci" in frontend and "npm run typecheck" in frontend and "npm test" in frontend

    bench = jobs["performance-benchmarks"]
    assert "make bench" in _run_lines(bench)
    upload = [s for s in bench["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert upload and upload[0]["with"]["path"].rstrip("/") == "benchmarks/results"
    assert upload[0].get("if") == "always()"

    builds = jobs["image-builds"]
    services = builds["strategy"]["matrix"]["service"]
    dockerfiles = sorted(p.name.removesuffix(".Dockerfile") for p in (ROOT / "docker").glob("*.Dockerfile"))
    assert sorted(services) == dockerfiles, "every Dockerfile must be built in CI"
    build_steps = [s for s in builds["steps"] if str(s.get("uses", "")).startswith("docker/build-push-action@")]
    assert build_steps and all(s["with"]["push"] is False for s in build_steps)
    assert build_steps[0]["with"]["file"] == "docker/${{ matrix.service }}.Dockerfile"

    smoke = jobs["compose-smoke"]
    script = _run_lines(smoke)
    assert re.search(r"docker compose up -d .*--wait", script)
    for url in (
        "127.0.0.1:8080/health",
        "127.0.0.1:3000/health",
        "127.0.0.1:9265/health",
        "127.0.0.1:9266/health",
        "127.0.0.1:8080/graphql",
    ):
        assert url in script, f"the smoke test never checks {url}"
    down = [s for s in smoke["steps"] if "down -v" in str(s.get("run", ""))]
    assert down and down[0].get("if") == "always()", "the stack must be removed even when a check fails"
    assert "docker/stack.py" in script and "docker stack config" in script
