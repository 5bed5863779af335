"""The dependency graph: cycles named, order respects every edge, invalidation equals reachability."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_rules_engine.graph import (
    DependencyGraph,
    Edge,
    EdgeKind,
    NodeKind,
    NodeRef,
    entity_field,
    split_entity_field_id,
)


def V(name: str) -> NodeRef:
    return NodeRef(NodeKind.VARIABLE, name)


def C(name: str) -> NodeRef:
    return NodeRef(NodeKind.CONDITION, name)


def EV(name: str) -> NodeRef:
    return NodeRef(NodeKind.EVENT, name)


def FX(name: str) -> NodeRef:
    return NodeRef(NodeKind.EFFECT, name)


def campaign_graph() -> DependencyGraph:
    """gold -> c_rich decides feast -> triggers pay -> writes treasury.level -> read by c_big."""
    level = entity_field("settlement", "s1", "level")
    nodes = [V("gold"), C("c_rich"), EV("feast"), FX("pay"), level, C("c_big"), EV("festival"), V("wood")]
    edges = [
        Edge(C("c_rich"), V("gold"), EdgeKind.READS),
        Edge(C("c_rich"), EV("feast"), EdgeKind.DECIDES),
        Edge(EV("feast"), FX("pay"), EdgeKind.TRIGGERS),
        Edge(FX("pay"), level, EdgeKind.WRITES),
        Edge(C("c_big"), level, EdgeKind.READS),
        Edge(C("c_big"), EV("festival"), EdgeKind.DECIDES),
        Edge(EV("feast"), EV("festival"), EdgeKind.PREREQUISITE),
    ]
    return DependencyGraph.build("camp", "main", nodes, edges)


def test_reads_edges_flow_from_the_read_thing_to_the_condition() -> None:
    graph = campaign_graph()
    assert graph.downstream_of(V("gold")) == [C("c_rich")]
    assert graph.upstream_of(C("c_rich")) == [V("gold")]


def test_order_respects_every_edge() -> None:
    graph = campaign_graph()
    result = graph.evaluation_order()
    assert result.cycles == ()
    assert set(result.order) == set(graph.nodes)
    position = {node: i for i, node in enumerate(result.order)}
    for edge in graph.edges:
        assert position[edge.upstream] < position[edge.downstream], edge


def test_order_of_a_subset_keeps_the_full_order() -> None:
    graph = campaign_graph()
    result = graph.evaluation_order([EV("festival"), V("gold"), C("c_big")])
    assert result.order == (V("gold"), C("c_big"), EV("festival"))


def test_cycle_is_found_and_named() -> None:
    graph = campaign_graph()
    graph.add_edge(Edge(FX("pay"), V("gold"), EdgeKind.WRITES))  # paying changes the gold it depends on
    result = graph.evaluation_order()
    assert len(result.cycles) == 1
    cycle = result.cycles[0]
    assert set(cycle.members) == {V("gold"), C("c_rich"), EV("feast"), FX("pay")}
    assert cycle.path == (V("gold"), C("c_rich"), EV("feast"), FX("pay"), V("gold"))
    assert str(cycle) == "VARIABLE:gold -> CONDITION:c_rich -> EVENT:feast -> EFFECT:pay -> VARIABLE:gold"
    # members of the cycle are left out; what depends on it is still ordered
    assert V("gold") not in result.order
    assert result.order.index(C("c_big")) < result.order.index(EV("festival"))


def test_self_loop_is_a_cycle() -> None:
    graph = DependencyGraph.build("c", "b", [EV("a")], [Edge(EV("a"), EV("a"), EdgeKind.TRIGGERS)])
    (cycle,) = graph.cycles()
    assert cycle.path == (EV("a"), EV("a"))


def test_validation_reports_dangling_and_invalid_edges() -> None:
    graph = DependencyGraph.build(
        "c",
        "b",
        [C("c1"), V("v1")],
        [
            Edge(C("c1"), V("deleted"), EdgeKind.READS),
            Edge(V("v1"), C("c1"), EdgeKind.READS),  # only conditions read
        ],
    )
    report = graph.validate()
    assert not report.ok
    assert report.dangling == ((Edge(C("c1"), V("deleted"), EdgeKind.READS), V("deleted")),)
    assert len(report.invalid_edges) == 1 and "READS must start at CONDITION" in report.invalid_edges[0][1]
    assert campaign_graph().validate().ok


def test_invalidation_marks_exactly_the_downstream_nodes() -> None:
    graph = campaign_graph()
    stale = graph.invalidate([V("gold")])
    level = entity_field("SETTLEMENT", "s1", "level")
    assert stale == {V("gold"), C("c_rich"), EV("feast"), FX("pay"), level, C("c_big"), EV("festival")}
    assert not graph.is_dirty(V("wood"))
    graph.mark_clean([C("c_rich")])
    assert not graph.is_dirty(C("c_rich")) and graph.is_dirty(C("c_big"))
    assert graph.invalidate([V("wood")]) == {V("wood")}
    assert graph.invalidate([V("never-heard-of")]) == set()


def test_dangling_references_still_carry_invalidation() -> None:
    graph = DependencyGraph.build("c", "b", [C("c1")], [Edge(C("c1"), V("undeclared"), EdgeKind.READS)])
    assert graph.invalidate([V("undeclared")]) == {V("undeclared"), C("c1")}
    assert graph.evaluation_order().order == (C("c1"),)


def test_entity_fields_are_indexed_by_entity() -> None:
    graph = campaign_graph()
    graph.add_node(entity_field("settlement", "s1", "population"))
    assert set(graph.entity_fields("SETTLEMENT", "s1")) == {
        entity_field("SETTLEMENT", "s1", "level"),
        entity_field("SETTLEMENT", "s1", "population"),
    }
    assert graph.entity_fields("settlement", "s1", ["level", "nope"]) == [entity_field("SETTLEMENT", "s1", "level")]
    assert split_entity_field_id("SETTLEMENT:s1.resources.gold") == ("SETTLEMENT", "s1", "resources.gold")
    assert split_entity_field_id("nonsense") is None


def test_edits_replace_reads_and_remove_nodes() -> None:
    graph = campaign_graph()
    graph.replace_reads(C("c_rich"), [V("wood")])
    assert graph.upstream_of(C("c_rich")) == [V("wood")]
    assert graph.invalidate([V("gold")]) == {V("gold")}
    graph.remove_node(EV("feast"))
    assert EV("feast") not in graph and graph.downstream_of(C("c_rich")) == []
    graph.remove_edge(Edge(C("c_big"), EV("festival"), EdgeKind.DECIDES))
    assert graph.downstream_of(C("c_big")) == []


def test_two_edges_between_the_same_nodes_keep_the_flow_until_both_go() -> None:
    graph = DependencyGraph.build("c", "b", [EV("a"), EV("b")], [])
    prerequisite, trigger = (
        Edge(EV("a"), EV("b"), EdgeKind.PREREQUISITE),
        Edge(EV("a"), EV("b"), EdgeKind.TRIGGERS),
    )
    graph.add_edge(prerequisite)
    graph.add_edge(trigger)
    graph.remove_edge(prerequisite)
    assert graph.downstream_of(EV("a")) == [EV("b")]
    graph.remove_edge(trigger)
    assert graph.downstream_of(EV("a")) == []


def test_long_chains_need_no_recursion() -> None:
    n = 50_000
    nodes = [EV(str(i)) for i in range(n)]
    edges = [Edge(a, b, EdgeKind.TRIGGERS) for a, b in itertools.pairwise(nodes)]
    graph = DependencyGraph.build("c", "b", nodes, [*edges, Edge(nodes[-1], nodes[0], EdgeKind.TRIGGERS)])
    (cycle,) = graph.cycles()
    assert len(cycle.members) == n and len(cycle.path) == n + 1
    graph.remove_edge(Edge(nodes[-1], nodes[0], EdgeKind.TRIGGERS))
    assert graph.evaluation_order().order == tuple(nodes)
    assert len(graph.invalidate([nodes[0]])) == n


# -- properties against brute force ------------------------------------------------------------

KINDS = list(NodeKind)
EDGE_KINDS = list(EdgeKind)


@st.composite
def graphs(draw: st.DrawFn, *, acyclic: bool = False) -> tuple[list[NodeRef], list[Edge]]:
    n = draw(st.integers(1, 14))
    nodes = [NodeRef(draw(st.sampled_from(KINDS)), f"n{i}") for i in range(n)]
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40))
    edges = []
    for a, b in pairs:
        kind = draw(st.sampled_from(EDGE_KINDS))
        if acyclic:
            if a == b:
                continue
            low, high = min(a, b), max(a, b)
            # flow must go low -> high: READS flows target -> source
            a, b = (high, low) if kind is EdgeKind.READS else (low, high)
        edges.append(Edge(nodes[a], nodes[b], kind))
    return nodes, edges


def brute_reachable(edges: list[Edge], sources: set[NodeRef]) -> set[NodeRef]:
    reached = set(sources)
    changed = True
    while changed:
        changed = False
        for edge in edges:
            if edge.upstream in reached and edge.downstream not in reached:
                reached.add(edge.downstream)
                changed = True
    return reached


def on_a_cycle(edges: list[Edge], node: NodeRef) -> bool:
    first_steps = {e.downstream for e in edges if e.upstream == node}
    return node in brute_reachable(edges, first_steps)


@settings(max_examples=300, deadline=None)
@given(graphs(), st.data())
def test_invalidation_equals_brute_force_reachability(
    graph_input: tuple[list[NodeRef], list[Edge]], data: st.DataObject
) -> None:
    nodes, edges = graph_input
    graph = DependencyGraph.build("c", "b", nodes, edges)
    changed = set(data.draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=3)))
    assert graph.invalidate(changed) == brute_reachable(edges, changed)
    assert graph.dirty == frozenset(brute_reachable(edges, changed))


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_order_and_cycles_against_brute_force(graph_input: tuple[list[NodeRef], list[Edge]]) -> None:
    nodes, edges = graph_input
    graph = DependencyGraph.build("c", "b", nodes, edges)
    result = graph.evaluation_order()
    cyclic = {node for node in nodes if on_a_cycle(edges, node)}
    assert {m for cycle in result.cycles for m in cycle.members} == cyclic
    flows = {(e.upstream, e.downstream) for e in edges}
    for cycle in result.cycles:  # each path is a real closed walk through its members
        assert cycle.path[0] == cycle.path[-1] == cycle.members[0]
        assert set(cycle.path) <= set(cycle.members)
        assert all(pair in flows for pair in itertools.pairwise(cycle.path))
    assert sorted(result.order) == sorted(set(nodes) - cyclic)  # each acyclic node exactly once
    position = {node: i for i, node in enumerate(result.order)}
    for edge in edges:  # every dependency between ordered nodes, direct or through a cycle, is respected
        for down in brute_reachable(edges, {edge.downstream}):
            if edge.upstream in position and down in position and edge.upstream != down:
                assert position[edge.upstream] < position[down]


@settings(max_examples=200, deadline=None)
@given(graphs(acyclic=True))
def test_dags_have_no_cycles_and_a_complete_order(graph_input: tuple[list[NodeRef], list[Edge]]) -> None:
    nodes, edges = graph_input
    graph = DependencyGraph.build("c", "b", nodes, edges)
    result = graph.evaluation_order()
    assert result.cycles == ()
    assert len(result.order) == len(nodes)
    position = {node: i for i, node in enumerate(result.order)}
    assert all(position[e.upstream] < position[e.downstream] for e in edges)
