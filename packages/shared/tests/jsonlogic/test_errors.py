"""Error types (what ``try`` and the suites see), compile-time checks and limits."""

from __future__ import annotations

from typing import Any

import pytest

from campaign_shared.jsonlogic import (
    MAX_DEPTH,
    MAX_NODES,
    InvalidArgumentsError,
    InvalidRuleError,
    JsonLogicError,
    NaNError,
    RuleLimitError,
    RuleTooDeepError,
    RuleTooLargeError,
    ThrownError,
    UnknownOperatorError,
    apply,
    compile,
)


@pytest.mark.parametrize(
    ("rule", "data"),
    [
        ({"+": [{"var": "x"}, 1]}, {"x": "lots"}),
        ({"+": [{"var": "x"}, {"var": "y"}]}, {"x": [1], "y": 1}),
        ({"*": [{"var": "x"}, 2]}, {"x": {}}),
        ({"-": [{"var": "x"}, 1]}, {"x": "a"}),
        ({"/": [{"var": "x"}, 0]}, {"x": 1}),
        ({"/": [{"var": "x"}, {"var": "y"}]}, {"x": 1, "y": 0}),
        ({"%": [{"var": "x"}, 0]}, {"x": 5}),
        ({"%": [{"var": "x"}, 2]}, {"x": "z"}),
        ({">": [{"var": "x"}, 1]}, {"x": "many"}),
        ({"<": [{"var": "x"}, {"var": "y"}]}, {"x": [], "y": 1}),
        ({"<=": [1, {"var": "x"}, 3]}, {"x": {}}),
        ({"==": [{"var": "x"}, 1]}, {"x": "one"}),
        ({"==": [{"var": "x"}, {"var": "y"}]}, {"x": [1], "y": [1]}),
        ({"max": [{"var": "x"}, 1]}, {"x": "big"}),
        ({"-": [{"var": "x"}, {"var": "y"}]}, {"x": 1e308 * 10, "y": 1e308 * 10}),
        ({"+": {"var": "x"}}, {"x": ["1", "b"]}),
    ],
)
def test_nan_errors(rule: Any, data: Any) -> None:
    with pytest.raises(NaNError) as caught:
        apply(rule, data)
    assert caught.value.type == "NaN"
    assert caught.value.error_object == {"type": "NaN"}


@pytest.mark.parametrize(
    "rule",
    [
        {"if": "x"},
        {"and": {"var": "x"}},
        {"or": 1},
        {"==": [1]},
        {"<": 3},
        {"map": {"var": "x"}},
        {"map": [[1]]},
        {"map": [None, {"var": ""}]},
        {"map": [[1], None]},
        {"filter": [[1], None]},
        {"reduce": [None, 1]},
        {"all": [None, True]},
        {"-": []},
        {"/": []},
        {"%": [1]},
        {"in": ["a"]},
        {"substr": []},
        {"missing_some": [1]},
    ],
)
def test_invalid_arguments_are_rejected_at_compile_time(rule: Any) -> None:
    with pytest.raises(InvalidArgumentsError) as caught:
        compile(rule)
    assert caught.value.type == "Invalid Arguments"


@pytest.mark.parametrize(
    ("rule", "data"),
    [
        ({"map": [{"var": "x"}, 1]}, {"x": 5}),
        ({"filter": [{"var": "x"}, 1]}, {"x": "abc"}),
        ({"reduce": [{"var": "x"}, 1, 0]}, {"x": {}}),
        ({"all": [{"var": "x"}, True]}, {}),
        ({"some": [{"var": "x"}, True]}, {"x": 1}),
        ({"none": [{"var": "x"}, True]}, {"x": None}),
        ({"%": {"var": "xs"}}, {"xs": [1]}),
        ({"-": {"var": "xs"}}, {"xs": []}),
    ],
)
def test_invalid_arguments_at_evaluation_time(rule: Any, data: Any) -> None:
    fn = compile(rule)
    with pytest.raises(InvalidArgumentsError):
        fn(data)


def test_unknown_operator() -> None:
    with pytest.raises(UnknownOperatorError) as caught:
        compile({"and": [True, {"teleport": ["party", "castle"]}]})
    assert caught.value.type == "Unknown Operator"
    assert "teleport" in str(caught.value)


def test_throw_string_and_object() -> None:
    with pytest.raises(ThrownError) as caught:
        apply({"throw": "Quest Locked"})
    assert caught.value.type == "Quest Locked"
    assert caught.value.error_object == {"type": "Quest Locked"}
    with pytest.raises(ThrownError) as caught:
        apply({"throw": {"var": "err"}}, {"err": {"type": "Bad", "detail": 1}})
    assert caught.value.type == "Bad"
    assert caught.value.error_object == {"type": "Bad", "detail": 1}
    with pytest.raises(ThrownError) as caught:
        apply({"throw": 42})
    assert caught.value.type == "42"


def test_try_rethrows_the_last_error() -> None:
    with pytest.raises(ThrownError) as caught:
        apply({"try": [{"throw": "A"}, {"throw": {"var": "type"}}]})
    assert caught.value.type == "A"
    with pytest.raises(NaNError):
        apply({"try": [{"throw": "A"}, {"/": [1, 0]}]})


def test_try_does_not_swallow_compile_errors() -> None:
    with pytest.raises(UnknownOperatorError):
        compile({"try": [{"nope": []}, 1]})


def test_constant_failures_stay_lazy() -> None:
    fn = compile({"if": [{"var": "risky"}, {"/": [1, 0]}, "safe"]})
    assert fn({"risky": False}) == "safe"
    with pytest.raises(NaNError):
        fn({"risky": True})
    with pytest.raises(NaNError):  # a pre-computed failure can be raised again
        fn({"risky": True})


def test_errors_are_json_logic_errors_and_exceptions() -> None:
    for cls in (NaNError, InvalidArgumentsError, UnknownOperatorError, ThrownError, RuleTooDeepError):
        assert issubclass(cls, JsonLogicError)
        assert issubclass(cls, Exception)
    assert issubclass(RuleTooDeepError, RuleLimitError)
    assert issubclass(RuleTooLargeError, RuleLimitError)


def _nested(depth: int) -> Any:
    rule: Any = {"var": "x"}
    for _ in range(depth - 2):
        rule = {"!": [rule]} if len(str(rule)) % 2 else {"!!": rule}
    return rule


def test_depth_limit() -> None:
    shallow: Any = 1
    for _ in range(MAX_DEPTH - 1):
        shallow = [shallow]
    assert apply(shallow) is not None
    deep: Any = [shallow]
    with pytest.raises(RuleTooDeepError) as caught:
        compile(deep)
    assert caught.value.type == "Rule Too Deep"


def test_depth_limit_on_operator_nesting() -> None:
    rule: Any = {"var": "x"}
    for _ in range(MAX_DEPTH):
        rule = {"!": [rule]}
    with pytest.raises(RuleTooDeepError):
        compile(rule)


def test_pathologically_deep_rules_fail_cleanly() -> None:
    rule: Any = 0
    for _ in range(100_000):
        rule = [rule]
    with pytest.raises(RuleLimitError):
        compile(rule)


def test_size_limit() -> None:
    with pytest.raises(RuleTooLargeError) as caught:
        compile({"+": list(range(MAX_NODES))})
    assert caught.value.type == "Rule Too Large"
    assert apply({"+": list(range(MAX_NODES // 2))}) == sum(range(MAX_NODES // 2))


@pytest.mark.parametrize("rule", [float("nan"), {"x": {1, 2}}, {1: "a", "b": 2}, object()])
def test_non_json_rules_are_rejected(rule: Any) -> None:
    with pytest.raises(InvalidRuleError) as caught:
        compile(rule)
    assert caught.value.type == "Invalid Rule"


def test_integer_literals_must_be_safe() -> None:
    assert apply({"+": [2**53, 0]}) == 2**53
    with pytest.raises(InvalidRuleError):
        compile({"+": [2**53 + 1, 0.5]})
    with pytest.raises(InvalidRuleError):
        compile({"*": [{"var": "x"}, -(10**400)]})


def test_overflow_while_folding_is_nan() -> None:
    big = {"*": [2**53] * 20}  # an exact integer beyond the float range
    fn = compile({"try": [{"+": [big, 0.5]}, {"var": "type"}]})
    assert fn(None) == "NaN"


def test_missing_some_needs_a_number() -> None:
    assert apply({"missing_some": ["1", ["a", "b"]]}, {"a": 1}) == []
    with pytest.raises(NaNError):
        apply({"missing_some": ["one", ["a"]]}, {})
    with pytest.raises(NaNError):
        apply({"missing_some": [{"var": "n"}, ["a"]]}, {"n": [1]})


def test_cyclic_rule_is_rejected() -> None:
    rule: dict[str, Any] = {"and": []}
    rule["and"].append(rule)
    with pytest.raises(RuleTooDeepError):
        compile(rule)
