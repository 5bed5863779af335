"""`.env.example`, `.env.local.example` and docs/deployment.md cover every variable, and load cleanly."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / ".env.example"
ENV_LOCAL_EXAMPLE = ROOT / ".env.local.example"
DEPLOYMENT_DOC = ROOT / "docs" / "deployment.md"
ALL_CONCERNS = [
    "database",
    "redis",
    "s3",
    "auth",
    "service_token",
    "api",
    "rules_client",
    "rules_engine",
    "scheduler",
]

PROBE = """
import json, os, sys
from campaign_shared.settings import Settings, SettingsError
os.environ.clear()
try:
    s = Settings().require(*sys.argv[1:])
except SettingsError as exc:
    print(json.dumps({"refused": str(exc)}))
else:
    print(json.dumps({
        "env": s.app.env.value, "database": s.database.url, "redis": s.redis.url,
        "queue": s.redis.effective_queue_url, "s3": s.s3.endpoint, "api_port": s.api.port,
        "grpc_port": s.rules_engine.grpc_port, "rules_http_port": s.rules_engine.http_port,
        "scheduler_port": s.scheduler.port, "api_url": s.scheduler.api_url,
        "playground": s.api.graphql_playground,
    }))
"""


def _names_in(path: Path) -> set[str]:
    return set(re.findall(r"\b[A-Z][A-Z0-9_]*[A-Z0-9]\b", path.read_text(encoding="utf-8")))


def _load_settings(tmp_path: Path, filename: str, content: str) -> dict[str, Any]:
    """Settings as a service started in a directory holding only `filename` would load them."""
    (tmp_path / filename).write_text(content, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *ALL_CONCERNS],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"loading {filename} crashed the settings:\n{done.stderr}"
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _devstack() -> ModuleType:
    spec = importlib.util.spec_from_file_location("devstack_for_env_check", ROOT / "scripts" / "devstack.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def test_env_example_lists_every_variable(settings_variables: dict[str, str], infra_variables: frozenset[str]) -> None:
    missing = (set(settings_variables) | infra_variables) - _names_in(ENV_EXAMPLE)
    assert not missing, f".env.example does not mention {sorted(missing)}"


def test_deployment_doc_has_every_variable_in_its_table(
    settings_variables: dict[str, str], infra_variables: frozenset[str]
) -> None:
    text = DEPLOYMENT_DOC.read_text(encoding="utf-8")
    rows = "\n".join(line for line in text.splitlines() if line.startswith("|"))
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]*[A-Z0-9])", rows))
    missing = (set(settings_variables) | infra_variables) - documented
    assert not missing, f"docs/deployment.md's variable table lacks {sorted(missing)}"
    assert "README" in text and "Configuration" in text, "the table should point to the README's reference"


def test_env_example_as_is_fails_fast_on_the_missing_secrets(tmp_path: Path) -> None:
    result = _load_settings(tmp_path, ".env", ENV_EXAMPLE.read_text(encoding="utf-8"))
    assert "refused" in result, f"production with empty secrets was accepted: {result}"
    assert "JWT_SECRET" in result["refused"] and "SCHEDULER_API_TOKEN" in result["refused"]


def test_env_example_with_secrets_filled_in_is_a_valid_production_config(tmp_path: Path) -> None:
    filled = ENV_EXAMPLE.read_text(encoding="utf-8") + (
        "\nJWT_SECRET=" + "j" * 48 + "\nSCHEDULER_API_TOKEN=" + "s" * 48 + "\nS3_ACCESS_KEY=campaign-s3\n"
        "S3_SECRET_KEY=" + "k" * 40 + "\n"
    )
    result = _load_settings(tmp_path, ".env", filled)
    assert result.get("env") == "production", result
    assert result["playground"] is False


def test_env_local_example_matches_the_local_dev_stack(tmp_path: Path) -> None:
    result = _load_settings(tmp_path, ".env.local", ENV_LOCAL_EXAMPLE.read_text(encoding="utf-8"))
    assert result.get("env") == "development", result
    devstack = _devstack()
    ports = devstack.Ports()
    # scripts/devstack.py `up` defaults (DATABASE_URL / REDIS_URL / REDIS_CHANNEL_PREFIX unset)
    stack = devstack.stack_env(
        ports,
        database_url="postgresql://postgres@127.0.0.1:5432/campaign",
        redis_url="redis://127.0.0.1:6379/0",
        prefix="campaign",
        state_dir=tmp_path,
    )
    assert result["database"].endswith("@127.0.0.1:5432/campaign")
    assert result["redis"] == stack["REDIS_URL"] and result["queue"] == stack["REDIS_URL"]
    assert result["s3"] == stack["S3_ENDPOINT"]
    assert (result["api_port"], result["grpc_port"]) == (ports.api, ports.grpc)
    assert (result["rules_http_port"], result["scheduler_port"]) == (ports.rules_http, ports.scheduler)
    assert result["api_url"] == stack["API_URL"] and result["playground"] is True
    values = dict(
        line.split("=", 1)
        for line in ENV_LOCAL_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    )
    for key, value in stack.items():
        if key in {"PYTHONUNBUFFERED", "DATABASE_URL"}:
            continue
        assert values.get(key, "").strip('"') == value, f".env.local.example {key}={values.get(key)} != {value}"


def test_compose_reads_env_example(run_compose: Callable[..., Any]) -> None:
    done = run_compose(["docker-compose.yml"], ["--env-file", str(ENV_EXAMPLE), "config", "-q"])
    assert done.returncode == 0, done.stderr
