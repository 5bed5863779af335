"""Domain operators through the registry extension point."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from campaign_shared.jsonlogic import (
    OperatorError,
    OperatorRegistry,
    UnknownOperatorError,
    apply,
    compile,
    default_registry,
    evaluate_with_trace,
    register_operator,
)

WORLD = {
    "world": {"time": 100},
    "facts": {"resolved": ["evt-1"], "regions": {"loc-1": ["reg-a"]}},
    "party": {"location": "loc-1", "x": 3, "y": 4},
}


def distance(ax: float, ay: float, bx: float, by: float) -> float:
    return float(((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5)


def resolved(context: Any, event_id: str) -> bool:
    return event_id in context["facts"]["resolved"]


@pytest.fixture
def registry() -> OperatorRegistry:
    ops = OperatorRegistry()
    ops.register("distance", distance)
    ops.register("resolved", resolved, needs_context=True)
    ops.register("double", lambda x: x * 2)
    ops.register("answer", lambda: 42)
    return ops


def test_custom_operators_are_called(registry: OperatorRegistry) -> None:
    rule = {
        "and": [
            {"resolved": "evt-1"},
            {"<": [{"distance": [{"var": "party.x"}, {"var": "party.y"}, 0, 0]}, 6]},
            {"==": [{"double": {"var": "party.x"}}, 6]},
            {"==": [{"answer": []}, 42]},
        ]
    }
    assert apply(rule, WORLD, operators=registry) is True
    assert apply({"resolved": "evt-2"}, WORLD, operators=registry) is False


def test_two_argument_and_many_argument_calls(registry: OperatorRegistry) -> None:
    registry.register("pair", lambda a, b: [a, b])
    assert apply({"pair": [{"var": "party.x"}, "b"]}, WORLD, operators=registry) == [3, "b"]
    assert apply({"distance": [{"var": "party.x"}, 0, 0, 0]}, WORLD, operators=registry) == 3.0


def test_unknown_without_the_registry(registry: OperatorRegistry) -> None:
    with pytest.raises(UnknownOperatorError):
        compile({"distance": [0, 0, 3, 4]})


def test_pure_constant_calls_fold_at_compile_time() -> None:
    calls: list[int] = []
    ops = OperatorRegistry()
    ops.register("counted", lambda x: calls.append(x) or x)
    ops.register("clock", lambda x: calls.append(x) or x, pure=False)
    fn = compile({"+": [{"counted": 1}, {"clock": 2}]}, operators=ops)
    assert calls == [1]
    assert fn(None) == 3
    assert fn(None) == 3
    assert calls == [1, 2, 2]


def test_operator_failures_become_operator_errors() -> None:
    ops = OperatorRegistry()
    ops.register("boom", lambda x: 1 / x, pure=False)
    with pytest.raises(OperatorError) as caught:
        apply({"boom": 0}, operators=ops)
    assert caught.value.type == "Operator Error"
    assert isinstance(caught.value.__cause__, ZeroDivisionError)
    assert apply({"try": [{"boom": 0}, {"var": "type"}]}, operators=ops) == "Operator Error"


def test_registration_rules() -> None:
    ops = OperatorRegistry()
    with pytest.raises(ValueError, match="built-in"):
        ops.register("var", lambda x: x)
    with pytest.raises(ValueError, match="non-empty"):
        ops.register("", lambda x: x)
    with pytest.raises(TypeError, match="callable"):
        ops.register("x", 5)  # type: ignore[arg-type]

    async def remote(x: Any) -> Any:
        return x

    with pytest.raises(TypeError, match="synchronous"):
        ops.register("remote", remote)
    ops.register("x", lambda v: v)
    with pytest.raises(ValueError, match="already registered"):
        ops.register("x", lambda v: v)
    ops.register("x", lambda v: [v], replace=True)
    assert "x" in ops
    assert list(ops) == ["x"]
    assert len(ops) == 1


def test_decorator_and_unregister() -> None:
    ops = OperatorRegistry()

    @ops.operator("shout")
    def shout(text: str) -> str:
        return text.upper()

    assert apply({"shout": "hey"}, operators=ops) == "HEY"
    ops.unregister("shout")
    with pytest.raises(UnknownOperatorError):
        apply({"shout": "hey"}, operators=ops)


def test_changing_a_registry_invalidates_its_compiled_rules() -> None:
    ops = OperatorRegistry()
    ops.register("level", lambda: 1)
    assert apply({"level": []}, operators=ops) == 1
    ops.register("level", lambda: 2, replace=True)
    assert apply({"level": []}, operators=ops) == 2


@pytest.fixture
def default_op() -> Iterator[None]:
    register_operator("days_since", lambda ctx, t: ctx["world"]["time"] - t, needs_context=True)
    yield
    default_registry.unregister("days_since")


def test_default_registry(default_op: None) -> None:
    assert apply({"days_since": 40}, WORLD) == 60


def test_context_operators_in_iterators_and_scoped_rules(registry: OperatorRegistry) -> None:
    rule = {"map": [{"var": "ids"}, {"resolved": {"var": ""}}]}
    data = {"ids": ["evt-1", "evt-2"], "facts": {"resolved": ["evt-1"]}}
    assert apply(rule, data, operators=registry) == [True, False]  # the root data, not the item
    scoped = {"filter": [{"val": "ids"}, {"in": [{"val": []}, {"val": [[2], "facts", "resolved"]}]}]}
    assert apply(scoped, data, operators=registry) == ["evt-1"]
    assert apply({"map": [[1], {"resolved": "evt-1"}]}, {"facts": {"resolved": []}}, operators=registry) == [False]


def test_custom_operators_appear_in_traces(registry: OperatorRegistry) -> None:
    value, trace = evaluate_with_trace({"double": {"var": "party.x"}}, WORLD, operators=registry)
    assert value == 6
    assert trace.op == "double"
    assert trace.children[0].op == "var"
