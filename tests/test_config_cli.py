"""Start-up refuses unsafe production configuration with a readable message and exit code 2."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

BIN = Path(__file__).resolve().parents[1] / ".venv" / "bin"


@pytest.mark.parametrize(
    "command", [["campaign-api", "check-config"], ["campaign-rules-engine"], ["campaign-scheduler"]]
)
def test_bad_configuration_fails_fast(command: list[str], tmp_path: Path) -> None:
    env = {
        **os.environ,
        "APP_ENV": "production",
        "JWT_SECRET": "short",
        "S3_SECRET_KEY": "minioadmin",
        "GRPC_PORT": "0x",
        "PORT": "abc",
    }
    done = subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "configuration error" in done.stderr
    assert "Traceback" not in done.stderr


def test_good_configuration_passes(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "APP_ENV": "production",
        "JWT_SECRET": "j" * 48,
        "SCHEDULER_API_TOKEN": "t" * 48,
        "S3_ACCESS_KEY": "campaign",
        "S3_SECRET_KEY": "k" * 40,
    }
    done = subprocess.run(
        [str(BIN / "campaign-api"), "check-config"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "configuration OK" in done.stdout
