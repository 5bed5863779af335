"""Property tests: compiled rules agree with a direct Python reference on random inputs."""

from __future__ import annotations

import ast
import json
import math
import operator
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_shared.jsonlogic import NaNError, apply, canonical_hash, canonical_json, compile, truthy

finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)
numbers = st.one_of(st.integers(min_value=-(10**12), max_value=10**12), finite)
json_scalars = st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=8))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=4), inner, max_size=4)),
    max_leaves=12,
)

ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
}
ORDERING: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
    "===": operator.eq,
    "!==": operator.ne,
}
examples = settings(max_examples=150, deadline=None)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@examples
@given(st.sampled_from(sorted(ARITHMETIC)), numbers, numbers, st.booleans())
def test_arithmetic_matches_python(op: str, x: float, y: float, constant: bool) -> None:
    right: Any = y if constant else {"var": "y"}
    assert close(apply({op: [{"var": "x"}, right]}, {"x": x, "y": y}), ARITHMETIC[op](x, y))


@examples
@given(numbers, numbers.filter(lambda v: v != 0))
def test_division_and_remainder_match_javascript(x: float, y: float) -> None:
    data = {"x": x, "y": y}
    assert close(apply({"/": [{"var": "x"}, {"var": "y"}]}, data), x / y)
    assert close(apply({"%": [{"var": "x"}, {"var": "y"}]}, data), math.fmod(x, y))


@examples
@given(numbers)
def test_division_by_zero_is_nan(x: float) -> None:
    try:
        apply({"/": [{"var": "x"}, 0]}, {"x": x})
    except NaNError:
        return
    raise AssertionError("expected NaN")


@examples
@given(st.sampled_from(sorted(ORDERING)), numbers, numbers, st.booleans())
def test_comparisons_match_python(op: str, x: float, y: float, constant: bool) -> None:
    right: Any = y if constant else {"var": "y"}
    assert apply({op: [{"var": "x"}, right]}, {"x": x, "y": y}) is ORDERING[op](x, y)


@examples
@given(st.sampled_from(["<", "<=", ">", ">="]), st.integers(-50, 50), st.integers(-50, 50), st.integers(-50, 50))
def test_chained_comparisons_are_between(op: str, a: int, b: int, c: int) -> None:
    expected = ORDERING[op](a, b) and ORDERING[op](b, c)
    assert apply({op: [a, {"var": "b"}, c]}, {"b": b}) is expected
    assert apply({op: [{"var": "a"}, {"var": "b"}, {"var": "c"}]}, {"a": a, "b": b, "c": c}) is expected


@examples
@given(st.lists(numbers, max_size=8))
def test_variadic_operators_over_lists(values: list[float]) -> None:
    data = {"xs": values}
    assert close(apply({"+": {"var": "xs"}}, data), sum(values))
    assert apply({"max": {"var": "xs"}}, data) == (max(values) if values else None)
    assert apply({"min": {"var": "xs"}}, data) == (min(values) if values else None)
    assert apply({"filter": [{"var": "xs"}, {">": [{"var": ""}, 0]}]}, data) == [v for v in values if v > 0]
    assert apply({"map": [{"var": "xs"}, {"*": [{"var": ""}, 2]}]}, data) == [v * 2 for v in values]
    assert apply({"some": [{"var": "xs"}, {"<": [{"var": ""}, 0]}]}, data) is any(v < 0 for v in values)


@examples
@given(json_values)
def test_truthiness_and_negation_agree(value: Any) -> None:
    data = {"v": value}
    assert apply({"!!": {"var": "v"}}, data) is truthy(value)
    assert apply({"!": {"var": "v"}}, data) is (not truthy(value))
    assert apply({"if": [{"var": "v"}, "yes", "no"]}, data) == ("yes" if truthy(value) else "no")
    assert truthy(value) is (value not in (None, False, 0, "", []))


@examples
@given(json_values)
def test_strict_equality_is_reflexive_and_var_round_trips(value: Any) -> None:
    data = {"v": value}
    assert apply({"===": [{"var": "v"}, {"var": "v"}]}, data) is True
    assert apply({"var": "v"}, data) is value
    assert apply({"preserve": value}) == value


@examples
@given(json_values)
def test_canonical_json_is_sorted_compact_json(value: Any) -> None:
    expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    assert canonical_json(value) == expected
    assert json.loads(canonical_json(value)) == value


@examples
@given(json_values, json_values)
def test_equal_rules_compile_once(a: Any, b: Any) -> None:
    rule_a, rule_b = {"preserve": a}, {"preserve": b}
    same = canonical_hash(rule_a) == canonical_hash(rule_b)
    assert (compile(rule_a) is compile(rule_b)) is same


def test_the_package_never_evaluates_text() -> None:
    package = Path(__file__).resolve().parents[2] / "src" / "campaign_shared" / "jsonlogic"
    for source in package.rglob("*.py"):
        tree = ast.parse(source.read_text(), str(source))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"eval", "exec", "__import__"}, f"{source.name}:{node.lineno}"
            if isinstance(node, ast.Attribute):
                assert node.attr not in {"eval", "exec"}, f"{source.name}:{node.lineno}"
