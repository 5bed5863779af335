"""Explain traces: each operator with its arguments and value."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from campaign_shared.jsonlogic import NaNError, TraceNode, evaluate_with_trace

DATA = {"party": {"level": 6}, "flags": {"list": ["quest-started"]}}
RULE = {"and": [{">=": [{"var": "party.level"}, 5]}, {"in": ["quest-started", {"var": "flags.list"}]}]}


def test_trace_structure() -> None:
    value, trace = evaluate_with_trace(RULE, DATA)
    assert value is True
    assert trace.to_dict() == {
        "op": "and",
        "args": RULE["and"],
        "value": True,
        "children": [
            {
                "op": ">=",
                "args": [{"var": "party.level"}, 5],
                "value": True,
                "children": [{"op": "var", "args": "party.level", "value": 6, "children": []}],
            },
            {
                "op": "in",
                "args": ["quest-started", {"var": "flags.list"}],
                "value": True,
                "children": [
                    {"op": "var", "args": "flags.list", "value": ["quest-started"], "children": []},
                ],
            },
        ],
    }


def test_trace_shows_short_circuit() -> None:
    value, trace = evaluate_with_trace(RULE, {"party": {"level": 2}})
    assert value is False
    assert [child.op for child in trace.children] == [">="]


def test_trace_keeps_constant_subtrees_visible() -> None:
    value, trace = evaluate_with_trace({"+": [{"*": [2, 3]}, 1]}, None)
    assert value == 7
    assert trace.op == "+"
    assert trace.children[0].op == "*"
    assert trace.children[0].value == 6


def test_trace_of_iterators_records_each_item() -> None:
    value, trace = evaluate_with_trace({"map": [{"var": "xs"}, {"*": [{"var": ""}, 2]}]}, {"xs": [1, 2]})
    assert value == [2, 4]
    assert [child.op for child in trace.children] == ["var", "*", "*"]
    assert [child.value for child in trace.children[1:]] == [2, 4]


def test_trace_of_scoped_rule() -> None:
    value, trace = evaluate_with_trace({"map": [[1], {"val": [[2], "k"]}]}, {"k": "v"})
    assert value == ["v"]
    assert trace.children[0].op == "val"


def test_trace_of_literal_rules() -> None:
    value, trace = evaluate_with_trace([1, {"var": "a"}], {"a": 2})
    assert value == [1, 2]
    assert trace.op == "literal"
    assert [child.op for child in trace.children] == ["var"]
    assert evaluate_with_trace(5)[1] == TraceNode("literal", 5, 5)


def test_trace_records_errors() -> None:
    with pytest.raises(NaNError) as caught:
        evaluate_with_trace({"+": [{"var": "a"}, {"/": [1, {"var": "b"}]}]}, {"a": 1, "b": 0})
    trace = caught.value.trace
    assert isinstance(trace, TraceNode)
    assert trace.error == "NaN"
    assert trace.to_dict()["children"][1] == {
        "op": "/",
        "args": [1, {"var": "b"}],
        "error": "NaN",
        "children": [{"op": "var", "args": "b", "value": 0, "children": []}],
    }


def test_try_trace_shows_the_failed_branch() -> None:
    value, trace = evaluate_with_trace({"try": [{"throw": "x"}, {"var": "type"}]}, None)
    assert value == "x"
    assert [(child.op, child.error) for child in trace.children] == [("throw", "x"), ("var", None)]


def test_concurrent_traces_stay_separate() -> None:
    async def one(level: int) -> Any:
        await asyncio.sleep(0)
        return evaluate_with_trace(RULE, {"party": {"level": level}, "flags": {"list": []}})

    async def main() -> list[Any]:
        return await asyncio.gather(*(one(level) for level in range(10)))

    for level, (value, trace) in enumerate(asyncio.run(main())):
        assert trace.children[0].children[0].value == level
        assert value is False  # the flag list is empty
