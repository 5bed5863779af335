"""Rule analysis: the context paths and domain facts a rule reads, with the evaluator's scoping."""

from __future__ import annotations

from typing import Any

from campaign_rules_engine.analysis import EntityRead, SpatialRead, analyse
from campaign_rules_engine.graph import NodeKind, NodeRef


def paths(rule: Any) -> set[str]:
    return set(analyse(rule).dotted_paths)


def test_var_paths_at_the_root() -> None:
    rule = {"and": [{">=": [{"var": "party.level"}, 5]}, {"var": ["flags.dragon_slain", False]}]}
    assert paths(rule) == {"party.level", "flags.dragon_slain"}
    assert analyse(rule).namespaces == {"party", "flags"}
    assert paths({"var": ""}) == {""}  # the whole context
    assert paths({"var": 0}) == {"0"}


def test_defaults_are_analysed_too() -> None:
    assert paths({"var": ["settlement.level", {"var": "kingdom.level"}]}) == {
        "settlement.level",
        "kingdom.level",
    }


def test_iterator_bodies_read_items_not_the_context() -> None:
    rule = {"some": [{"var": "settlement.structures"}, {"==": [{"var": "type"}, "temple"]}]}
    assert paths(rule) == {"settlement.structures"}
    rule = {"reduce": [{"var": "party.members"}, {"+": [{"var": "current.level"}, {"var": "accumulator"}]}, 0]}
    assert paths(rule) == {"party.members"}


def test_val_climbing_out_of_scopes_reaches_the_root() -> None:
    rule = {"map": [{"var": "xs"}, {"+": [{"val": "x"}, {"val": [[2], "bonus"]}]}]}
    assert paths(rule) == {"xs", "bonus"}
    nested = {"map": [{"var": "xs"}, {"map": [{"val": "ys"}, {"val": [[2], "inner"]}]}]}
    assert paths(nested) == {"xs"}  # two levels only reach the outer item
    assert paths({"val": ["a.b", "c"]}) == {"a.b.c"} and ("a.b", "c") in analyse({"val": ["a.b", "c"]}).paths


def test_try_fallbacks_run_on_the_error() -> None:
    rule = {"try": [{"/": [{"var": "a"}, 0]}, {"val": "type"}, {"val": [[2], "fallback"]}]}
    assert paths(rule) == {"a", "fallback"}


def test_exists_and_missing() -> None:
    assert paths({"exists": ["party", "level"]}) == {"party.level"}
    assert paths({"missing": ["a", "b.c"]}) == {"a", "b.c"}
    assert paths({"missing": [["a", "b"]]}) == {"a", "b"}
    assert paths({"missing_some": [1, ["x", "y"]]}) == {"x", "y"}
    assert paths({"if": [{"missing": "a"}, "no", "yes"]}) == {"a"}


def test_computed_paths_are_flagged_dynamic() -> None:
    reads = analyse({"var": {"cat": ["settlement.", {"var": "field"}]}})
    assert reads.dynamic and reads.dotted_paths == {"field"}
    assert not analyse({"map": [{"var": "xs"}, {"var": {"var": "k"}}]}).dynamic  # item-relative


def test_domain_operators() -> None:
    rule = {
        "and": [
            {">=": [{"entity": ["settlement", "s1", "level"]}, 3]},
            {"resolved": "ev-7"},
            {"inside": ["loc-1", "region-2"]},
            {"<": [{"distance": ["loc-1", "loc-9"]}, 100]},
            {"<": [{"daysSince": {"var": "event.startedAt"}}, 30]},
        ]
    }
    reads = analyse(rule)
    assert reads.entity_fields == {EntityRead("SETTLEMENT", "s1", "level")}
    assert reads.entity_nodes() == [NodeRef(NodeKind.ENTITY_FIELD, "SETTLEMENT:s1.level")]
    assert reads.resolved == {"ev-7"}
    assert reads.occurrence_nodes(events=["ev-7"]) == [NodeRef(NodeKind.EVENT, "ev-7")]
    assert reads.spatial == {
        SpatialRead("inside", "loc-1", "region-2"),
        SpatialRead("distance", "loc-1", "loc-9"),
    }
    assert reads.uses_world_time and {"world.time", "event.startedAt"} <= reads.dotted_paths
    assert not reads.dynamic and not reads.unknown_operators


def test_domain_lookups_with_computed_ids_are_dynamic() -> None:
    reads = analyse({"entity": ["settlement", {"var": "settlement.id"}, "level"]})
    assert reads.dynamic and reads.dotted_paths == {"settlement.id"} and not reads.entity_fields


def test_preserve_and_literal_objects_are_not_read() -> None:
    assert paths({"preserve": {"var": "not.read"}}) == set()
    assert paths({"==": [{"a": 1, "b": {"var": "x"}}, 1]}) == set()  # a multi-key object is a literal


def test_unknown_operators_are_reported() -> None:
    reads = analyse({"frobnicate": [{"var": "a"}]})
    assert reads.unknown_operators == {"frobnicate"} and reads.dotted_paths == {"a"}


def test_deep_rules_need_no_recursion() -> None:
    rule: Any = {"var": "leaf"}
    for _ in range(5000):
        rule = {"!": [rule]}
    assert paths(rule) == {"leaf"}
