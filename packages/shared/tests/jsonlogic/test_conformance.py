"""All community conformance suites (copied under ``compat_suites/``, Apache-2.0) must pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from campaign_shared.jsonlogic import JsonLogicError, apply, evaluate_with_trace

SUITES = Path(__file__).resolve().parent / "compat_suites"
EXPECTED_CASES = 1138


def load_cases() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for name in json.loads((SUITES / "index.json").read_text()):
        for case in json.loads((SUITES / name).read_text()):
            if isinstance(case, dict):
                cases.append((name, case))
    return cases


def judge(evaluate: Any, case: dict[str, Any], json_equal: Any) -> str | None:
    """``None`` when the case passes, else why it failed (same rules as the compat tool)."""
    try:
        got = evaluate(case.get("rule"), case.get("data"))
    except JsonLogicError as error:
        if "error" not in case:
            return f"raised {error!r}"
        want = str(case["error"].get("type", "")).lower()
        return None if want in error.type.lower() or want in str(error).lower() else f"raised {error!r}"
    if "error" in case:
        return f"returned {got!r}, expected error {case['error']!r}"
    return None if json_equal(got, case.get("result")) else f"returned {got!r}, expected {case.get('result')!r}"


def traced_value(rule: Any, data: Any) -> Any:
    return evaluate_with_trace(rule, data)[0]


@pytest.mark.parametrize("evaluate", [apply, traced_value], ids=["compiled", "traced"])
def test_every_conformance_case_passes(evaluate: Any, json_equal: Any) -> None:
    cases = load_cases()
    assert len(cases) == EXPECTED_CASES
    failures = [
        f"{name}: {case.get('description', case.get('rule'))} -> {why}"
        for name, case in cases
        if (why := judge(evaluate, case, json_equal)) is not None
    ]
    assert not failures, "\n".join(failures[:20])


def test_suites_ship_with_their_license() -> None:
    assert "Apache License" in (SUITES / "LICENSE").read_text()
