"""Shared fixtures for the JSON Logic tests."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from campaign_shared.jsonlogic import clear_cache


def _json_equal(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return math.isclose(left, right, rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(_json_equal(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_json_equal(left[k], right[k]) for k in left)
    return type(left) is type(right) and left == right


@pytest.fixture
def json_equal() -> Callable[[Any, Any], bool]:
    """Equality of JSON values: booleans never equal numbers, numbers compare numerically."""
    return _json_equal


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    """Start and end with an empty compile cache (for tests that count cache hits)."""
    clear_cache()
    yield
    clear_cache()
