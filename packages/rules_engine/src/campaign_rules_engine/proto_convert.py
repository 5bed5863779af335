"""Conversions between the gRPC messages and the engine's own graph and cache types.

Kept apart from the service so the algorithms never import generated code, and every request
check (unspecified enum, empty id, size bounds) happens in one place and becomes INVALID_ARGUMENT.
"""

from __future__ import annotations

from typing import Final

from campaign_rules_engine.cache import CacheStats
from campaign_rules_engine.graph import Cycle, DependencyGraph, Edge, EdgeKind, NodeKind, NodeRef
from campaign_shared.grpc import rules_v1

MAX_GRAPH_NODES: Final = 250_000
MAX_GRAPH_EDGES: Final = 1_000_000


class RequestError(ValueError):
    """The request is malformed (the service answers INVALID_ARGUMENT)."""


def node_from_proto(message: rules_v1.NodeRef | None) -> NodeRef:
    if message is None or message.kind == rules_v1.NodeKind.UNSPECIFIED:
        raise RequestError("every node needs a kind")
    if not message.id:
        raise RequestError("every node needs an id")
    try:
        kind = NodeKind[rules_v1.NodeKind(message.kind).name]
    except (ValueError, KeyError):
        raise RequestError(f"unknown node kind {message.kind!r}") from None
    return NodeRef(kind, message.id)


def edge_from_proto(message: rules_v1.Edge) -> Edge:
    if message.kind == rules_v1.EdgeKind.UNSPECIFIED:
        raise RequestError("every edge needs a kind")
    try:
        kind = EdgeKind[rules_v1.EdgeKind(message.kind).name]
    except (ValueError, KeyError):
        raise RequestError(f"unknown edge kind {message.kind!r}") from None
    return Edge(node_from_proto(message.source), node_from_proto(message.target), kind)


def graph_from_proto(campaign_id: str, branch_id: str, message: rules_v1.DependencyGraph) -> DependencyGraph:
    if len(message.nodes) > MAX_GRAPH_NODES or len(message.edges) > MAX_GRAPH_EDGES:
        raise RequestError(f"a graph may have at most {MAX_GRAPH_NODES} nodes and {MAX_GRAPH_EDGES} edges")
    return DependencyGraph.build(
        campaign_id,
        branch_id,
        (node_from_proto(node) for node in message.nodes),
        (edge_from_proto(edge) for edge in message.edges),
    )


def node_to_proto(node: NodeRef) -> rules_v1.NodeRef:
    return rules_v1.NodeRef(kind=rules_v1.NodeKind[node.kind.name], id=node.id)


def edge_to_proto(edge: Edge) -> rules_v1.Edge:
    return rules_v1.Edge(
        source=node_to_proto(edge.source),
        target=node_to_proto(edge.target),
        kind=rules_v1.EdgeKind[edge.kind.name],
    )


def cycle_to_proto(cycle: Cycle) -> rules_v1.Cycle:
    return rules_v1.Cycle(
        members=[node_to_proto(node) for node in cycle.members],
        path=[node_to_proto(node) for node in cycle.path],
    )


def stats_to_proto(stats: CacheStats) -> rules_v1.CacheStats:
    return rules_v1.CacheStats(
        hits=stats.hits,
        misses=stats.misses,
        evictions=stats.evictions,
        expirations=stats.expirations,
        invalidated=stats.invalidated,
        size=stats.size,
        max_keys=stats.max_keys,
        ttl_seconds=int(stats.ttl_seconds),
    )
