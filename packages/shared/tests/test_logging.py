"""Logging: JSON lines in production with the request id; stdlib logging is routed through loguru."""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = """
import logging
from campaign_shared.logging import configure_logging, request_id_var
configure_logging("svc", "INFO", "json")
request_id_var.set("req-42")
logging.getLogger("some.library").warning("from stdlib %s", 7)
from loguru import logger
logger.debug("hidden")
logger.info("from loguru")
"""


def test_json_lines_carry_service_and_request_id() -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True).stdout
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["message"] for line in lines] == ["from stdlib 7", "from loguru"]
    assert all(line["service"] == "svc" and line["request_id"] == "req-42" for line in lines)
    assert lines[0]["level"] == "WARNING"
