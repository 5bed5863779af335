"""GetEvaluationOrder and ValidateDependencies over a real loopback gRPC socket."""

from __future__ import annotations

import pytest
from grpclib import GRPCError
from grpclib.const import Status

from campaign_shared.grpc import rules_v1

K = rules_v1.NodeKind
E = rules_v1.EdgeKind


def node(kind: rules_v1.NodeKind, ident: str) -> rules_v1.NodeRef:
    return rules_v1.NodeRef(kind=kind, id=ident)


GOLD = node(K.VARIABLE, "gold")
RICH = node(K.CONDITION, "rich")
FEAST = node(K.EVENT, "feast")
PAY = node(K.EFFECT, "pay")
LEVEL = node(K.ENTITY_FIELD, "SETTLEMENT:s1.level")
BIG = node(K.CONDITION, "big")


def edge(source: rules_v1.NodeRef, target: rules_v1.NodeRef, kind: rules_v1.EdgeKind) -> rules_v1.Edge:
    return rules_v1.Edge(source=source, target=target, kind=kind)


def graph(*extra: rules_v1.Edge) -> rules_v1.DependencyGraph:
    return rules_v1.DependencyGraph(
        nodes=[GOLD, RICH, FEAST, PAY, LEVEL, BIG],
        edges=[
            edge(RICH, GOLD, E.READS),
            edge(RICH, FEAST, E.DECIDES),
            edge(FEAST, PAY, E.TRIGGERS),
            edge(PAY, LEVEL, E.WRITES),
            edge(BIG, LEVEL, E.READS),
            *extra,
        ],
    )


def ids(nodes: list[rules_v1.NodeRef]) -> list[str]:
    return [n.id for n in nodes]


async def test_order_of_an_inline_graph(stub: rules_v1.RulesEngineStub, campaign: str) -> None:
    reply = await stub.get_evaluation_order(
        rules_v1.GetEvaluationOrderRequest(campaign_id=campaign, branch_id="main", graph=graph())
    )
    assert ids(reply.order) == ["gold", "rich", "feast", "pay", "SETTLEMENT:s1.level", "big"]
    assert reply.order[0].kind == K.VARIABLE and reply.cycles == [] and reply.dirty == []
    subset = await stub.get_evaluation_order(
        rules_v1.GetEvaluationOrderRequest(campaign_id=campaign, graph=graph(), nodes=[BIG, GOLD])
    )
    assert ids(subset.order) == ["gold", "big"]


async def test_cycles_are_named(stub: rules_v1.RulesEngineStub, campaign: str) -> None:
    looping = graph(edge(PAY, GOLD, E.WRITES))
    reply = await stub.get_evaluation_order(rules_v1.GetEvaluationOrderRequest(campaign_id=campaign, graph=looping))
    (cycle,) = reply.cycles
    assert ids(cycle.path) == ["gold", "rich", "feast", "pay", "gold"]
    assert set(ids(cycle.members)) == {"gold", "rich", "feast", "pay"}
    assert ids(reply.order) == ["SETTLEMENT:s1.level", "big"]


async def test_validation_reports_cycles_dangling_and_invalid_edges(
    stub: rules_v1.RulesEngineStub, campaign: str
) -> None:
    ok = await stub.validate_dependencies(rules_v1.ValidateDependenciesRequest(campaign_id=campaign, graph=graph()))
    assert ok.ok and not ok.cycles and not ok.dangling and not ok.invalid_edges
    broken = graph(
        edge(PAY, GOLD, E.WRITES),
        edge(BIG, node(K.VARIABLE, "deleted"), E.READS),
        edge(GOLD, BIG, E.READS),
    )
    reply = await stub.validate_dependencies(rules_v1.ValidateDependenciesRequest(campaign_id=campaign, graph=broken))
    assert not reply.ok
    assert [ids(c.members) for c in reply.cycles] == [["gold", "rich", "feast", "pay", "SETTLEMENT:s1.level", "big"]]
    (dangling,) = reply.dangling
    assert dangling.missing == node(K.VARIABLE, "deleted") and dangling.edge.source == BIG  # type: ignore[union-attr]
    (invalid,) = reply.invalid_edges
    assert invalid.edge.source == GOLD and "READS must start at CONDITION" in invalid.reason  # type: ignore[union-attr]


async def test_retained_graph_is_used_when_none_is_sent(stub: rules_v1.RulesEngineStub, campaign: str) -> None:
    with pytest.raises(GRPCError) as caught:
        await stub.get_evaluation_order(rules_v1.GetEvaluationOrderRequest(campaign_id=campaign, branch_id="main"))
    assert caught.value.status == Status.NOT_FOUND
    await stub.get_evaluation_order(
        rules_v1.GetEvaluationOrderRequest(campaign_id=campaign, branch_id="main", graph=graph(), retain=True)
    )
    reply = await stub.get_evaluation_order(rules_v1.GetEvaluationOrderRequest(campaign_id=campaign, branch_id="main"))
    assert len(reply.order) == 6
    validated = await stub.validate_dependencies(
        rules_v1.ValidateDependenciesRequest(campaign_id=campaign, branch_id="main")
    )
    assert validated.ok
    with pytest.raises(GRPCError):  # other branches and campaigns never see it
        await stub.get_evaluation_order(rules_v1.GetEvaluationOrderRequest(campaign_id=campaign, branch_id="alt"))


@pytest.mark.parametrize(
    "bad",
    [
        rules_v1.DependencyGraph(nodes=[rules_v1.NodeRef(id="x")]),
        rules_v1.DependencyGraph(nodes=[rules_v1.NodeRef(kind=K.EVENT)]),
        rules_v1.DependencyGraph(edges=[rules_v1.Edge(source=GOLD, target=RICH)]),
        rules_v1.DependencyGraph(edges=[rules_v1.Edge(source=GOLD, kind=E.READS)]),
    ],
)
async def test_malformed_graphs_are_invalid_arguments(
    stub: rules_v1.RulesEngineStub, campaign: str, bad: rules_v1.DependencyGraph
) -> None:
    with pytest.raises(GRPCError) as caught:
        await stub.validate_dependencies(rules_v1.ValidateDependenciesRequest(campaign_id=campaign, graph=bad))
    assert caught.value.status == Status.INVALID_ARGUMENT
    with pytest.raises(GRPCError) as caught:
        await stub.validate_dependencies(rules_v1.ValidateDependenciesRequest(graph=graph()))
    assert caught.value.status == Status.INVALID_ARGUMENT
