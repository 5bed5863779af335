"""The gRPC RulesEngine service: thin adapters from messages to the cache, graph and evaluator modules.

Rule errors are results (ok=false), never gRPC failures; malformed requests to the graph and cache
RPCs answer INVALID_ARGUMENT, an unknown graph NOT_FOUND.
"""

from __future__ import annotations

import asyncio
from typing import Final

from grpclib import GRPCError
from grpclib.const import Status

from campaign_rules_engine import proto_convert as convert
from campaign_rules_engine.cache import ResultCache
from campaign_rules_engine.conditions import ConditionEvaluator
from campaign_rules_engine.graph import DependencyGraph
from campaign_rules_engine.graph_store import GraphStore
from campaign_rules_engine.metrics import EVALUATION_SECONDS, EVALUATIONS, INVALIDATIONS
from campaign_shared.grpc import rules_v1
from campaign_shared.grpc.evaluation import INVALID_JSON, evaluate_json

MAX_BATCH: Final = 10_000
_YIELD_EVERY: Final = 256  # a large batch lets other clients' calls in between


class RulesEngineService(rules_v1.RulesEngineBase):
    def __init__(self, cache: ResultCache[str], graphs: GraphStore) -> None:
        self.cache = cache
        self.graphs = graphs
        self.conditions = ConditionEvaluator(cache, graphs)

    async def evaluate_expression(self, message: rules_v1.EvaluateExpressionRequest) -> rules_v1.EvaluationResult:
        result = evaluate_json(message.expression_json, message.data_json, explain=message.explain)
        EVALUATIONS.labels("EvaluateExpression", _outcome(result)).inc()
        if result.ok:
            EVALUATION_SECONDS.labels("EvaluateExpression").observe(result.duration_us / 1e6)
        return result

    async def evaluate_condition(self, message: rules_v1.EvaluateConditionRequest) -> rules_v1.EvaluationResult:
        return self.conditions.evaluate(message)

    async def evaluate_conditions(
        self, message: rules_v1.EvaluateConditionsRequest
    ) -> rules_v1.EvaluateConditionsResponse:
        if len(message.conditions) > MAX_BATCH:
            raise GRPCError(Status.INVALID_ARGUMENT, f"at most {MAX_BATCH} conditions per batch")
        results = []
        for number, request in enumerate(message.conditions, 1):
            results.append(self.conditions.evaluate(request))
            if not number % _YIELD_EVERY:
                await asyncio.sleep(0)
        return rules_v1.EvaluateConditionsResponse(results=results)

    async def get_evaluation_order(
        self, message: rules_v1.GetEvaluationOrderRequest
    ) -> rules_v1.GetEvaluationOrderResponse:
        graph = self._graph(message.campaign_id, message.branch_id, message.graph, retain=message.retain)
        try:
            only = [convert.node_from_proto(node) for node in message.nodes] or None
        except convert.RequestError as exc:
            raise GRPCError(Status.INVALID_ARGUMENT, str(exc)) from None
        result = graph.evaluation_order(only)
        return rules_v1.GetEvaluationOrderResponse(
            order=[convert.node_to_proto(node) for node in result.order],
            cycles=[convert.cycle_to_proto(cycle) for cycle in result.cycles],
            dirty=[convert.node_to_proto(node) for node in result.order if graph.is_dirty(node)],
        )

    async def validate_dependencies(
        self, message: rules_v1.ValidateDependenciesRequest
    ) -> rules_v1.ValidateDependenciesResponse:
        report = self._graph(message.campaign_id, message.branch_id, message.graph, retain=False).validate()
        return rules_v1.ValidateDependenciesResponse(
            ok=report.ok,
            cycles=[convert.cycle_to_proto(cycle) for cycle in report.cycles],
            dangling=[
                rules_v1.DanglingReference(edge=convert.edge_to_proto(edge), missing=convert.node_to_proto(end))
                for edge, end in report.dangling
            ],
            invalid_edges=[
                rules_v1.InvalidEdge(edge=convert.edge_to_proto(edge), reason=reason)
                for edge, reason in report.invalid_edges
            ],
        )

    async def invalidate_cache(self, message: rules_v1.InvalidateCacheRequest) -> rules_v1.InvalidateCacheResponse:
        if not message.campaign_id:
            raise GRPCError(Status.INVALID_ARGUMENT, "campaign_id is required")
        dropped = self.cache.invalidate(message.campaign_id, message.branch_id, list(message.condition_ids) or None)
        INVALIDATIONS.labels("rpc", "targeted" if message.condition_ids else "scope").inc()
        return rules_v1.InvalidateCacheResponse(dropped=dropped)

    async def get_cache_stats(self, message: rules_v1.GetCacheStatsRequest) -> rules_v1.CacheStats:
        return convert.stats_to_proto(self.cache.stats())

    def _graph(
        self, campaign_id: str, branch_id: str, inline: rules_v1.DependencyGraph | None, *, retain: bool
    ) -> DependencyGraph:
        """The request's inline graph (retained when asked), or the one retained earlier."""
        if not campaign_id:
            raise GRPCError(Status.INVALID_ARGUMENT, "campaign_id is required")
        if inline is None:
            graph = self.graphs.get(campaign_id, branch_id)
            if graph is None:
                raise GRPCError(
                    Status.NOT_FOUND, f"no graph retained for campaign {campaign_id!r} branch {branch_id!r}"
                )
            return graph
        try:
            graph = convert.graph_from_proto(campaign_id, branch_id, inline)
        except convert.RequestError as exc:
            raise GRPCError(Status.INVALID_ARGUMENT, str(exc)) from None
        if retain:
            self.graphs.put(graph)
        return graph


def _outcome(result: rules_v1.EvaluationResult) -> str:
    if result.ok:
        return "ok"
    return "invalid_json" if result.error is not None and result.error.type == INVALID_JSON else "rule_error"
