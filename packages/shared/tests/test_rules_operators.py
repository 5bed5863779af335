"""The SPEC §5 domain operators: pure functions of prefetched facts, in the shared compiled evaluator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from campaign_shared import jsonlogic
from campaign_shared.calendar import get_preset, parse
from campaign_shared.grpc.evaluation import evaluate
from campaign_shared.rule_analysis import analyse, entity_field_id
from campaign_shared.rules_operators import OPERATORS, REGISTRY, calendar_of, install, register_domain_operators

GREGORIAN = get_preset("gregorian")
NOW = parse(GREGORIAN, "1200-03-15 12:00")
DATA: dict[str, Any] = {
    "world": {"time": NOW, "calendar": "gregorian"},
    "settlement": {"id": "s1", "level": 4},
    "entity": {
        "SETTLEMENT": {"s1": {"id": "s1", "level": 4, "variables": {"gold": 120}}},
        "PARTY": {"p1": {"id": "p1", "level": 6}},
    },
    "facts": {
        "resolved": {"ev-1": True, "enc-2": False},
        "inside": {"loc-1": {"region-1": True, "region-2": False}},
        "distance": {"loc-1": {"loc-2": 1500.5}},
    },
    "event": {"occurred_at": parse(GREGORIAN, "1200-01-10 12:00")},
    "items": [{"id": "s1"}, {"id": "s9"}],
}


def run(rule: Any, data: Any = DATA) -> Any:
    return jsonlogic.apply(rule, data, operators=REGISTRY)


@pytest.fixture
def installed() -> Iterator[None]:
    """The operators in the default registry (as engine and API install them), removed afterwards."""
    before = {name for name in OPERATORS if name in jsonlogic.default_registry}
    install()
    yield
    for name in set(OPERATORS) - before:
        jsonlogic.default_registry.unregister(name)


def test_the_registry_holds_every_operator() -> None:
    assert set(OPERATORS) == {"entity", "inside", "distance", "resolved", "daysSince", "hoursSince", "monthsSince"}
    for name in OPERATORS:
        operator = REGISTRY.get(name)
        assert operator is not None and operator.fn is OPERATORS[name]
        assert operator.needs_context and not operator.pure
    token = REGISTRY.token
    register_domain_operators(REGISTRY)  # idempotent: no new version, no recompilation
    assert REGISTRY.token == token


def test_install_puts_them_in_the_default_registry(installed: None) -> None:
    token = jsonlogic.default_registry.token
    install()
    assert jsonlogic.default_registry.token == token
    assert jsonlogic.apply({"resolved": "ev-1"}, DATA) is True
    assert evaluate({"entity": ["settlement", "s1", "level"]}, DATA, explain=False).value_json == "4"


def test_entity_reads_prefetched_fields() -> None:
    assert run({"entity": ["settlement", "s1", "level"]}) == 4
    assert run({"entity": ["SETTLEMENT", "s1", "variables.gold"]}) == 120
    assert run({"entity": ["settlement", "s1"]})["level"] == 4
    assert run({">=": [{"entity": ["party", "p1", "level"]}, 5]}) is True
    assert run({"entity": ["settlement", "nope", "level"]}) is None
    assert run({"entity": ["settlement", None, "level"]}) is None
    assert run({"entity": ["settlement", "s1", "missing.deeper"]}) is None
    # ids computed from the context, and inside iterators (the operator always sees the root)
    assert run({"entity": ["settlement", {"var": "settlement.id"}, "level"]}) == 4
    assert run({"map": [{"var": "items"}, {"entity": ["settlement", {"var": "id"}, "level"]}]}) == [4, None]


def test_spatial_and_resolved_facts() -> None:
    assert run({"inside": ["loc-1", "region-1"]}) is True
    assert run({"inside": ["loc-1", "region-2"]}) is False
    assert run({"inside": ["loc-1", "region-9"]}) is None  # not prefetched: unknown, never a guess
    assert run({"distance": ["loc-1", "loc-2"]}) == 1500.5
    assert run({"distance": ["loc-2", "loc-1"]}) == 1500.5  # either order
    assert run({"<": [{"distance": ["loc-1", "loc-2"]}, 2000]}) is True
    assert run({"resolved": "ev-1"}) is True
    assert run({"resolved": ["enc-2"]}) is False
    assert run({"resolved": "nope"}) is None
    assert run({"resolved": None}) is None


def test_time_operators_use_the_world_calendar() -> None:
    assert run({"daysSince": {"var": "event.occurred_at"}}) == 65  # Jan 10 -> Mar 15 in 1200 (a leap year)
    assert run({"monthsSince": {"var": "event.occurred_at"}}) == 2
    assert run({"hoursSince": {"var": "event.occurred_at"}}) == 65 * 24
    assert run({"daysSince": "1200-03-14 12:00"}) == 1  # calendar strings work too
    assert run({"daysSince": "1200-03-14 13:00"}) == 0  # whole days only
    assert run({"daysSince": NOW + 86_400}) == -1  # the future is negative
    assert run({"daysSince": None}) is None
    # the same instants in another calendar give other months
    kindled = get_preset("kindled")
    data = {"world": {"time": NOW, "calendar": kindled.model_dump(mode="json")}}
    assert calendar_of(data).name == kindled.name
    assert run({"monthsSince": 0}, data) != run({"monthsSince": 0}, {"world": {"time": NOW}})


def test_gregorian_is_the_default_calendar() -> None:
    assert calendar_of({}).name == GREGORIAN.name
    assert run({"daysSince": NOW - 3 * 86_400}, {"world": {"time": NOW}}) == 3


@pytest.mark.parametrize(
    ("rule", "data", "error_type"),
    [
        ({"entity": ["settlement"]}, DATA, "Invalid Arguments"),
        ({"entity": [1, "s1", "level"]}, DATA, "Invalid Arguments"),
        ({"entity": ["settlement", ["s1"], "level"]}, DATA, "Invalid Arguments"),
        ({"inside": ["loc-1"]}, DATA, "Invalid Arguments"),
        ({"daysSince": True}, DATA, "Invalid Arguments"),
        ({"daysSince": "not a date"}, DATA, "Invalid Arguments"),
        ({"daysSince": 0}, {"world": {}}, "Operator Error"),  # no world.time in the context
        ({"daysSince": 0}, {"world": {"time": 0, "calendar": {"name": "broken"}}}, "Operator Error"),
    ],
)
def test_bad_arguments_are_rule_errors(rule: Any, data: Any, error_type: str, installed: None) -> None:
    with pytest.raises(jsonlogic.JsonLogicError) as caught:
        run(rule, data)
    assert caught.value.type == error_type
    result = evaluate(rule, data, explain=False)  # what engine and fallback answer: a result, not an exception
    assert not result.ok and result.error.type == error_type


def test_operators_are_traced() -> None:
    rule = {"and": [{"inside": ["loc-1", "region-1"]}, {"resolved": "ev-1"}]}
    value, trace = jsonlogic.evaluate_with_trace(rule, DATA, operators=REGISTRY)
    assert value is True
    tree = trace.to_dict()
    assert tree["op"] == "and"
    assert [(child["op"], child["value"]) for child in tree["children"]] == [("inside", True), ("resolved", True)]


def test_analysis_finds_what_the_operators_read() -> None:
    reads = analyse(
        {
            "and": [
                {"entity": ["settlement", "s1", "level"]},
                {"inside": ["loc-1", "region-1"]},
                {"resolved": "ev-1"},
                {"daysSince": {"var": "event.occurred_at"}},
            ]
        }
    )
    assert {read.node_id for read in reads.entity_fields} == {entity_field_id("settlement", "s1", "level")}
    assert entity_field_id("settlement", "s1", "level") == "SETTLEMENT:s1.level"
    assert reads.resolved == {"ev-1"} and reads.uses_world_time and not reads.dynamic
    assert reads.dotted_paths == {"event.occurred_at", "world.time"}
