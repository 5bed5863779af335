"""EvaluateCondition: evaluate a condition on the facts its caller fetched, through the result cache.

The cache key holds a fingerprint of the rule *and* of the facts (both as canonical JSON), so the
same condition over changed facts is a miss by construction, and an edited expression can never be
answered with its old result even if its invalidation message was lost.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from campaign_rules_engine.cache import CacheKey, ResultCache
from campaign_rules_engine.graph import NodeKind, NodeRef
from campaign_rules_engine.graph_store import GraphStore
from campaign_rules_engine.metrics import EVALUATION_SECONDS, EVALUATIONS
from campaign_rules_engine.operators import install as install_domain_operators
from campaign_shared import jsonlogic
from campaign_shared.grpc import rules_v1
from campaign_shared.grpc.evaluation import (
    INVALID_JSON,
    INVALID_REQUEST,
    JsonInputError,
    error_result,
    evaluate,
    parse_json,
)

_RPC = "EvaluateCondition"


def fingerprint(rule: Any, context: Any) -> str:
    """Hash of the rule and its facts; key order and whitespace of the JSON text do not matter."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(jsonlogic.canonical_json(rule).encode())
    digest.update(b"\x00")
    digest.update(jsonlogic.canonical_json(context).encode())
    return digest.hexdigest()


class ConditionEvaluator:
    """Cached evaluation of conditions; successful values are cached, rule errors are not."""

    def __init__(self, cache: ResultCache[str], graphs: GraphStore) -> None:
        self.cache = cache
        self.graphs = graphs
        install_domain_operators()  # entity, inside, distance, resolved, daysSince ... (SPEC §5)

    def evaluate(self, request: rules_v1.EvaluateConditionRequest) -> rules_v1.EvaluationResult:
        started = time.perf_counter_ns()
        result = self._evaluate(request, started)
        result.condition_id = request.condition_id
        return result

    def _evaluate(self, request: rules_v1.EvaluateConditionRequest, started: int) -> rules_v1.EvaluationResult:
        if not request.campaign_id or not request.condition_id:
            EVALUATIONS.labels(_RPC, "invalid_request").inc()
            return error_result(INVALID_REQUEST, "campaign_id and condition_id are required", started)
        if not request.expression_json:
            EVALUATIONS.labels(_RPC, "invalid_request").inc()
            return error_result(INVALID_REQUEST, "expression_json is required", started)
        try:
            rule = parse_json(request.expression_json, "expression_json")
            context = parse_json(request.context_json, "context_json")
            key = CacheKey(request.campaign_id, request.branch_id, request.condition_id, fingerprint(rule, context))
        except (JsonInputError, jsonlogic.JsonLogicError) as exc:
            EVALUATIONS.labels(_RPC, "invalid_json").inc()
            return error_result(INVALID_JSON, str(exc), started)
        if not (request.explain or request.bypass_cache):
            value_json = self.cache.get(key)
            if value_json is not None:
                EVALUATIONS.labels(_RPC, "cached").inc()
                self._mark_clean(request)
                return rules_v1.EvaluationResult(
                    ok=True,
                    value_json=value_json,
                    cached=True,
                    duration_us=(time.perf_counter_ns() - started) // 1000,
                )
        result = evaluate(rule, context, explain=request.explain, started_ns=started)
        if not result.ok:
            EVALUATIONS.labels(_RPC, "rule_error").inc()
            return result
        self.cache.put(key, result.value_json)
        self._mark_clean(request)
        EVALUATIONS.labels(_RPC, "ok").inc()
        EVALUATION_SECONDS.labels(_RPC).observe(result.duration_us / 1e6)
        return result

    def _mark_clean(self, request: rules_v1.EvaluateConditionRequest) -> None:
        """A current answer exists: the condition's node in a retained graph is no longer dirty."""
        graph = self.graphs.peek(request.campaign_id, request.branch_id)
        if graph is not None:
            graph.mark_clean((NodeRef(NodeKind.CONDITION, request.condition_id),))
