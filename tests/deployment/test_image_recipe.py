"""Image-recipe smoke test: each Python service's production virtualenv, built the way its Dockerfile
builds it, runs as the unprivileged uid 1001 with production settings, and its HEALTHCHECK passes.

No Docker engine runs here, so the recipe is replayed on the host from the parsed Dockerfile:

* the builder stage's ENV, WORKDIR, COPY (from the build context) and `uv sync` RUN steps, in order,
  into a scratch `/app` (no other RUN step is allowed in a Python builder: the test would not know it);
* the production stage: the venv handed over `--chown` to the USER's uid, the stage's ENV, the CMD
  started as that uid with *only* the container environment, secrets as `*_FILE` files (Swarm);
* the HEALTHCHECK command run as that uid, retried within its start period.

The base image's interpreter is stood in for by a copy of this machine's CPython (standard library
only, no site-packages) in a world-readable directory, as `python:3.12-slim` provides one in
/usr/local. Dependencies come from uv's cache, so no network is needed.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

import devstack

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_dockerfiles as dockerfiles

ROOT = Path(__file__).resolve().parents[2]
PG = os.environ.get("TEST_PG_BASE", "postgresql://postgres@127.0.0.1:5432")
UID = 1001
SERVICES = ("rules-engine", "api", "scheduler")  # start order: each one's readiness needs the previous


@dataclass
class Recipe:
    """What the Dockerfile says about building and running one service."""

    builder_env: dict[str, str]
    builder_steps: list[tuple[str, str]]  # ("COPY", "src dest") or ("RUN", "uv sync …")
    runtime_env: dict[str, str]
    user: str
    venv_owner: str
    healthcheck: list[str]
    start_period_s: float
    command: list[str]


def _env_pairs(args: str) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in shlex.split(args))


def _duration(options: str, name: str) -> float:
    match = re.search(rf"--{name}=(\d+)s", options)
    assert match, f"HEALTHCHECK without --{name}"
    return float(match.group(1))


def recipe(service: str) -> Recipe:
    stages = {stage.name: stage for stage in dockerfiles.parse(ROOT / "docker" / f"{service}.Dockerfile")}
    builder, production = stages["builder"], stages["production"]
    env: dict[str, str] = {}
    steps: list[tuple[str, str]] = []
    for keyword, args in builder.instructions:
        if keyword == "ENV":
            env.update(_env_pairs(args))
        elif keyword == "WORKDIR":
            assert args == "/app", f"{service}: builder WORKDIR {args}"
        elif keyword == "COPY" and not args.startswith("--from="):
            steps.append(("COPY", args))
        elif keyword == "RUN":
            command = re.sub(r"--mount=\S+\s*", "", args).strip()
            assert command.startswith("uv sync "), f"{service}: builder step this test cannot replay: RUN {args}"
            steps.append(("RUN", command))
    runtime_env: dict[str, str] = {}
    user = owner = ""
    healthcheck: list[str] = []
    start_period = 0.0
    command: list[str] = []
    for keyword, args in production.instructions:
        if keyword == "ENV":
            runtime_env.update(_env_pairs(args))
        elif keyword == "USER":
            user = args
        elif keyword == "COPY" and args.startswith("--from=builder"):
            owner = re.search(r"--chown=(\S+)", args).group(1)  # type: ignore[union-attr]
        elif keyword == "HEALTHCHECK":
            options, _, cmd = args.partition("CMD ")
            healthcheck = json.loads(cmd)
            start_period = _duration(options, "start-period")
        elif keyword == "CMD":
            command = json.loads(args)
    return Recipe(env, steps, runtime_env, user, owner, healthcheck, start_period, command)


def _as_uid(path: Path) -> None:
    for item in [path, *path.rglob("*")]:
        os.chown(item, UID, UID, follow_symlinks=False)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """A world-traversable scratch root (pytest's own temporary directories are private to root)."""
    root = Path(tempfile.mkdtemp(prefix="campaign-image-"))
    root.chmod(0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def base_python(scratch: Path) -> Path:
    """A world-readable copy of this CPython (interpreter, libpython, standard library): the base image."""
    prefix = Path(sys.base_prefix)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    target = scratch / "base-image" / "usr-local"
    (target / "bin").mkdir(parents=True)
    shutil.copy2(prefix / "bin" / version, target / "bin" / version)
    (target / "bin" / "python3").symlink_to(version)
    (target / "bin" / "python").symlink_to(version)
    (target / "lib").mkdir()
    for lib in Path(sysconfig.get_config_var("LIBDIR") or prefix / "lib").glob("libpython3*.so*"):
        shutil.copy2(lib, target / "lib" / lib.name)
    shutil.copytree(
        prefix / "lib" / version,
        target / "lib" / version,
        ignore=shutil.ignore_patterns("site-packages", "test", "idlelib", "tkinter", "turtledemo", "__pycache__"),
        symlinks=True,
    )
    return target


def _base_env(base: Path) -> dict[str, str]:
    # the copied libpython wins over the original interpreter's RUNPATH (which points under /root)
    return {"LD_LIBRARY_PATH": str(base / "lib"), "PATH": f"{base / 'bin'}:/usr/local/bin:/usr/bin:/bin"}


def build(service: str, plan: Recipe, base: Path, workdir: Path) -> Path:
    """Replay the builder stage into `workdir` (standing for /app); return the virtualenv."""
    workdir.mkdir(parents=True)
    uv = shutil.which("uv")
    assert uv, "uv is missing: run scripts/provision.sh"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV"))},
        **plan.builder_env,
        **_base_env(base),
        "UV_PYTHON": str(base / "bin" / "python3"),  # the base image's python3.12
        "UV_PROJECT_ENVIRONMENT": str(workdir / ".venv"),
        "UV_OFFLINE": "1",  # everything comes from the cache the dev environment filled
    }
    for keyword, args in plan.builder_steps:
        if keyword == "COPY":  # COPY <src>… <dest>: a trailing "/" (or ./) means "into this directory"
            *sources, dest = shlex.split(args)
            for source in sources:
                origin = ROOT / source
                if origin.is_dir():
                    shutil.copytree(origin, workdir / dest, dirs_exist_ok=True)
                    continue
                target = workdir / dest / origin.name if dest.endswith("/") else workdir / dest
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, target)
        else:
            done = subprocess.run(
                [uv, *shlex.split(args)[1:]], cwd=workdir, env=env, capture_output=True, text=True, timeout=600
            )
            assert done.returncode == 0, f"{service}: {args}\n{done.stdout}\n{done.stderr}"
    venv = workdir / ".venv"
    assert plan.venv_owner and plan.user.split(":")[0] == str(UID), f"{service}: runs as {plan.user!r}"
    _as_uid(venv)  # COPY --from=builder --chown=…
    return venv


@dataclass
class Container:
    service: str
    env: dict[str, str]
    workdir: Path
    process: devstack.ManagedProcess
    plan: Recipe

    def healthy(self) -> subprocess.CompletedProcess[str]:
        """`docker exec`-like: the HEALTHCHECK command as the container user with its environment."""
        deadline = time.monotonic() + self.plan.start_period_s
        while True:
            done = subprocess.run(
                self.plan.healthcheck,
                env=self.env,
                cwd=self.workdir,
                user=UID,
                group=UID,
                extra_groups=[],
                capture_output=True,
                text=True,
                timeout=30,
            )
            if done.returncode == 0 or time.monotonic() > deadline or not self.process.running:
                return done
            time.sleep(1)


def _secret(directory: Path, name: str, value: str) -> str:
    path = directory / name
    path.write_text(value)
    os.chown(path, UID, UID)
    path.chmod(0o400)
    return str(path)


@pytest.fixture(scope="module")
def containers(base_python: Path, scratch: Path) -> Iterator[dict[str, Container]]:
    """Postgres (fresh database), Redis, S3 with non-default keys, then the three services as uid 1001."""
    ports = devstack.Ports.free()
    database = f"campaign_image_{uuid.uuid4().hex[:8]}"
    prefix = f"image-{uuid.uuid4().hex[:6]}"
    access_key, secret_key = f"smoke-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
    shared = devstack.stack_env(
        ports,
        database_url=f"{PG}/{database}",
        redis_url=f"redis://127.0.0.1:6379/{os.environ.get('TEST_REDIS_DB', '14')}",
        prefix=prefix,
        state_dir=scratch,
    )
    shared = {k: v for k, v in shared.items() if k not in ("PYTHONUNBUFFERED",)}
    shared["S3_ACCESS_KEY"] = access_key
    secrets_dir = scratch / "run-secrets"
    secrets_dir.mkdir(mode=0o755)
    shared.update(
        {
            "JWT_SECRET_FILE": _secret(secrets_dir, "jwt_secret", secrets.token_urlsafe(48)),
            "S3_SECRET_KEY_FILE": _secret(secrets_dir, "s3_secret_key", secret_key),
            "SCHEDULER_API_TOKEN_FILE": _secret(secrets_dir, "scheduler_api_token", secrets.token_urlsafe(48)),
            "HOME": "/app",
        }
    )
    shared.pop("S3_SECRET_KEY", None)
    stack = devstack.Stack()
    try:
        s3 = stack.add(devstack.seaweedfs(ports, scratch, shared["S3_BUCKET"], access_key, secret_key))
        devstack.ensure_database(f"{PG}/postgres", database, recreate=True)
        devstack.wait_s3_bucket(s3, shared["S3_ENDPOINT"], shared["S3_BUCKET"], access_key, secret_key)
        running: dict[str, Container] = {}
        for service in SERVICES:
            plan = recipe(service)
            workdir = scratch / service / "app"
            venv = build(service, plan, base_python, workdir)
            runtime = {**plan.runtime_env, **shared, **_base_env(base_python)}
            runtime["PATH"] = (
                plan.runtime_env["PATH"]
                .replace("/app/.venv", str(venv))
                .replace("${PATH}", _base_env(base_python)["PATH"])
            )
            if service == "api":  # the compose file's one-shot migration service, same image
                migrate = subprocess.run(
                    ["campaign-api", "migrate"],
                    env=runtime,
                    cwd=workdir,
                    user=UID,
                    group=UID,
                    extra_groups=[],
                    capture_output=True,
                    text=True,
                    timeout=300,
                )
                assert migrate.returncode == 0, migrate.stdout + migrate.stderr
            process = devstack.ManagedProcess(
                service,
                plan.command,
                runtime,
                scratch / "logs" / f"{service}.log",
                cwd=workdir,
                user=UID,
                inherit_env=False,
            )
            stack.add(process)
            running[service] = Container(service, runtime, workdir, process, plan)
            health = running[service].healthy()
            assert health.returncode == 0, f"{service} unhealthy: {health.stderr[-2000:]}\n{process.log_tail()}"
        yield running
    finally:
        stack.stop()
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')  # type: ignore[arg-type]


@pytest.mark.parametrize("service", SERVICES)
def test_production_image_recipe_is_healthy_as_uid_1001(service: str, containers: Mapping[str, Container]) -> None:
    container = containers[service]
    assert container.healthy().returncode == 0
    status = Path(f"/proc/{container.process.proc.pid}/status").read_text()  # type: ignore[union-attr]
    uids = re.search(r"^Uid:\s+(\d+)\s+(\d+)", status, re.M)
    assert uids and uids.groups() == (str(UID), str(UID)), "the service must run as uid 1001"
    assert container.env["APP_ENV"] == "production"
    # only runtime packages: no test tooling, no editable installs pointing back at the sources
    site = next((container.workdir / ".venv" / "lib").glob("python3*/site-packages"))
    assert not list(site.glob("pytest*")) and not list(site.glob("ruff*")), "dev dependencies in the image"
    assert not list(site.glob("__editable__*")) and not list(site.glob("*.egg-link")), "editable install"
