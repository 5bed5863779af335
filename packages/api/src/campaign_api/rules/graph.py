"""The dependency graph of one (campaign, branch), analysed by the rules engine.

`graph_build` turns the branch's conditions, effects, links and variables into nodes and edges; this
module sends them to the engine inline: ``GetEvaluationOrder`` (topological order and cycles; the
engine retains the graph for targeted invalidation and dirty flags) and ``ValidateDependencies``
(cycles, dangling references, edges between kinds that cannot be connected). Cycles come back named
with the labels of their members. Without the engine there is no graph analysis:
:class:`~campaign_api.rules_client.EngineUnavailable` is raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from campaign_api.db.models import Branch
from campaign_api.domain.store import VersionStore
from campaign_api.rules.graph_build import Edge, Graph, Node, build_graph
from campaign_api.rules_client import RulesEngineClient
from campaign_shared.grpc import rules_v1


@dataclass(frozen=True, slots=True)
class NamedCycle:
    members: list[Node]
    path: list[Node]
    description: str
    """The closed path by labels: ``condition Festival.available -> event Festival -> ... -> condition …``."""


@dataclass(frozen=True, slots=True)
class GraphReport:
    graph: Graph
    order: list[Node]
    dirty: list[Node]
    cycles: list[NamedCycle]
    dangling: list[tuple[Edge, Node]]
    invalid_edges: list[tuple[Edge, str]]


def node_to_proto(node: Node) -> rules_v1.NodeRef:
    return rules_v1.NodeRef(kind=rules_v1.NodeKind[node.kind], id=node.id)


def node_from_proto(message: rules_v1.NodeRef | None) -> Node:
    assert message is not None
    return Node(rules_v1.NodeKind(message.kind).name, message.id)


def edge_to_proto(edge: Edge) -> rules_v1.Edge:
    return rules_v1.Edge(
        source=node_to_proto(edge.source), target=node_to_proto(edge.target), kind=rules_v1.EdgeKind[edge.kind]
    )


def edge_from_proto(message: rules_v1.Edge | None) -> Edge:
    assert message is not None
    return Edge(node_from_proto(message.source), node_from_proto(message.target), rules_v1.EdgeKind(message.kind).name)


def graph_to_proto(graph: Graph) -> rules_v1.DependencyGraph:
    return rules_v1.DependencyGraph(
        nodes=[node_to_proto(node) for node in graph.nodes], edges=[edge_to_proto(edge) for edge in graph.edges]
    )


def _cycle(graph: Graph, message: rules_v1.Cycle) -> NamedCycle:
    members = [node_from_proto(node) for node in message.members]
    path = [node_from_proto(node) for node in message.path]
    return NamedCycle(members, path, " -> ".join(graph.label(node) for node in path))


async def analyse_graph(graph: Graph, client: RulesEngineClient) -> GraphReport:
    """Order, cycles and dangling references of ``graph`` from the engine (which retains the graph)."""
    campaign, branch, proto = str(graph.campaign_id), str(graph.branch_id), graph_to_proto(graph)
    ordered = await client.require(
        partial(
            client.stub.get_evaluation_order,
            rules_v1.GetEvaluationOrderRequest(campaign_id=campaign, branch_id=branch, graph=proto, retain=True),
            timeout=client.timeout_s,
        )
    )
    checked = await client.require(
        partial(
            client.stub.validate_dependencies,
            rules_v1.ValidateDependenciesRequest(campaign_id=campaign, branch_id=branch, graph=proto),
            timeout=client.timeout_s,
        )
    )
    return GraphReport(
        graph=graph,
        order=[node_from_proto(node) for node in ordered.order],
        dirty=[node_from_proto(node) for node in ordered.dirty],
        cycles=[_cycle(graph, cycle) for cycle in checked.cycles],
        dangling=[(edge_from_proto(item.edge), node_from_proto(item.missing)) for item in checked.dangling],
        invalid_edges=[(edge_from_proto(item.edge), item.reason) for item in checked.invalid_edges],
    )


async def dependency_graph(
    store: VersionStore, branch: Branch, client: RulesEngineClient, at: int | None = None
) -> GraphReport:
    """Build the graph of ``branch``'s campaign from the database and have the engine analyse it."""
    return await analyse_graph(await build_graph(store, branch, at), client)
