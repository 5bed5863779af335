"""RulesInvalidation messages applied to a real cache and graph store (targeted vs whole branch)."""

from __future__ import annotations

from campaign_rules_engine.cache import CacheKey, ResultCache
from campaign_rules_engine.graph import DependencyGraph, Edge, EdgeKind, NodeKind, NodeRef, entity_field
from campaign_rules_engine.graph_store import GraphStore
from campaign_rules_engine.invalidation import Invalidator
from campaign_shared.messages import EntityType, RulesInvalidation


def C(name: str) -> NodeRef:
    return NodeRef(NodeKind.CONDITION, name)


def setup() -> tuple[ResultCache[str], GraphStore, Invalidator]:
    cache: ResultCache[str] = ResultCache(ttl_seconds=300, max_keys=1000)
    graphs = GraphStore()
    for branch in ("main", "alt"):
        for condition in ("rich", "big", "other"):
            cache.put(CacheKey("camp", branch, condition, "f"), "true")
    cache.put(CacheKey("elsewhere", "main", "rich", "f"), "true")
    gold = NodeRef(NodeKind.VARIABLE, "gold")
    level = entity_field("SETTLEMENT", "s1", "level")
    graph = DependencyGraph.build(
        "camp",
        "main",
        [gold, level, C("rich"), C("big"), C("other")],
        [Edge(C("rich"), gold, EdgeKind.READS), Edge(C("big"), level, EdgeKind.READS)],
    )
    graphs.put(graph)
    return cache, graphs, Invalidator(cache, graphs)


def live(cache: ResultCache[str], campaign: str, branch: str) -> set[str]:
    return {c for c in ("rich", "big", "other") if CacheKey(campaign, branch, c, "f") in cache}


def test_a_variable_change_drops_only_its_dependants() -> None:
    cache, graphs, invalidator = setup()
    message = RulesInvalidation(
        campaign_id="camp", branch_id="main", entity_type=EntityType.STATE_VARIABLE, entity_id="gold"
    )
    outcome = invalidator.apply(message)
    assert outcome.targeted and outcome.dropped == 1
    assert live(cache, "camp", "main") == {"big", "other"}
    graph = graphs.get("camp", "main")
    assert graph is not None and graph.is_dirty(C("rich")) and not graph.is_dirty(C("big"))


def test_an_entity_field_change_uses_the_named_fields() -> None:
    cache, _, invalidator = setup()
    unrelated = RulesInvalidation(
        campaign_id="camp",
        branch_id="main",
        entity_type=EntityType.SETTLEMENT,
        entity_id="s1",
        fields=["name"],
    )
    assert invalidator.apply(unrelated).targeted is False  # unknown to the graph: whole branch
    cache2, _, invalidator2 = setup()
    message = RulesInvalidation(
        campaign_id="camp",
        branch_id="main",
        entity_type=EntityType.SETTLEMENT,
        entity_id="s1",
        fields=["level"],
    )
    assert invalidator2.apply(message).dropped == 1
    assert live(cache2, "camp", "main") == {"rich", "other"}
    assert len(cache) == 4  # the unrelated field emptied main only: alt and the other campaign stay


def test_without_a_graph_the_whole_branch_goes() -> None:
    cache, _, invalidator = setup()
    message = RulesInvalidation(
        campaign_id="camp", branch_id="alt", entity_type=EntityType.STATE_VARIABLE, entity_id="gold"
    )
    outcome = invalidator.apply(message)
    assert not outcome.targeted and outcome.dropped == 3
    assert live(cache, "camp", "alt") == set() and live(cache, "camp", "main") == {"rich", "big", "other"}


def test_a_campaign_wide_message_covers_every_branch_and_no_other_campaign() -> None:
    cache, graphs, invalidator = setup()
    outcome = invalidator.apply(RulesInvalidation(campaign_id="camp", reason="import"))
    assert outcome.dropped == 6
    assert CacheKey("elsewhere", "main", "rich", "f") in cache
    graph = graphs.get("camp", "main")
    assert graph is not None and graph.is_dirty(C("other"))


def test_an_edited_condition_drops_only_itself() -> None:
    cache, _, invalidator = setup()
    message = RulesInvalidation(campaign_id="camp", branch_id="alt", entity_type=EntityType.CONDITION, entity_id="big")
    assert invalidator.apply(message).dropped == 1
    assert live(cache, "camp", "alt") == {"rich", "other"}


def test_replacing_a_retained_graph_keeps_dirty_nodes_dirty() -> None:
    _, graphs, invalidator = setup()
    invalidator.apply(
        RulesInvalidation(campaign_id="camp", branch_id="main", entity_type=EntityType.STATE_VARIABLE, entity_id="gold")
    )
    graphs.put(DependencyGraph.build("camp", "main", [C("rich"), C("big")], []))
    graph = graphs.get("camp", "main")
    assert graph is not None and graph.dirty == {C("rich")}


def test_graph_store_is_bounded() -> None:
    graphs = GraphStore(max_graphs=2)
    for branch in ("a", "b", "c"):
        graphs.put(DependencyGraph("camp", branch))
    assert graphs.get("camp", "a") is None and len(graphs) == 2
