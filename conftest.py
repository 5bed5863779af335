"""Session fixtures shared by every test folder: a real stack on free ports.

The stack is the same one `make dev` runs (scripts/devstack.py): SeaweedFS (S3), the rules engine,
the API and the scheduler as separate processes, on a test database and a separate Redis namespace,
so a running development stack is never touched.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "scripts"))

import devstack  # noqa: E402

PG_BASE = os.environ.get("TEST_PG_BASE", "postgresql://postgres@127.0.0.1:5432")
TEST_DATABASE = os.environ.get("TEST_DATABASE", "campaign_test")
TEST_REDIS_DB = int(os.environ.get("TEST_REDIS_DB", "14"))
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture(scope="session")
def test_database_url() -> str:
    return f"{PG_BASE}/{TEST_DATABASE}"


@pytest.fixture(scope="session")
def test_redis_url() -> str:
    return f"redis://127.0.0.1:6379/{TEST_REDIS_DB}"


@pytest.fixture(scope="session")
def stack(
    tmp_path_factory: pytest.TempPathFactory, test_database_url: str, test_redis_url: str
) -> Iterator[devstack.StackHandle]:
    """The whole stack as real processes; started once per test session, stopped at its end."""
    state_dir = tmp_path_factory.mktemp("stack")
    ports = devstack.Ports.free()
    with_frontend = (devstack.FRONTEND / "dist" / "index.html").is_file()
    with devstack.running_stack(
        ports,
        state_dir,
        database_url=test_database_url,
        admin_database_url=f"{PG_BASE}/postgres",
        redis_url=test_redis_url,
        prefix=f"test-{uuid.uuid4().hex[:8]}",
        recreate_db=True,
        with_frontend=with_frontend,
        extra_env={
            "APP_ENV": "test",
            "LOG_LEVEL": "INFO",
            "HEALTH_CHECK_TIMEOUT_MS": "2000",
            # one caller may do 400 operations a minute; every test client shares 127.0.0.1
            "GRAPHQL_RATE_LIMIT_PER_MINUTE": "400",
            "GRAPHQL_IP_RATE_LIMIT_PER_MINUTE": "1000000",
        },
    ) as (running, env):
        yield devstack.StackHandle(ports=ports, env=env, stack=running, state_dir=state_dir)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
