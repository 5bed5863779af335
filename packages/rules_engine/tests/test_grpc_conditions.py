"""EvaluateCondition(s), InvalidateCache and GetCacheStats over a real loopback gRPC socket."""

from __future__ import annotations

import json
from typing import Any

import pytest
from grpclib import GRPCError
from grpclib.const import Status

from campaign_shared.grpc import rules_v1

RULE = {">=": [{"var": "settlement.population"}, {"var": "threshold"}]}


def request(
    campaign: str,
    condition: str = "c1",
    context: Any = None,
    *,
    rule: Any = RULE,
    branch: str = "main",
    **flags: bool,
) -> rules_v1.EvaluateConditionRequest:
    facts = {"settlement": {"population": 1200}, "threshold": 1000} if context is None else context
    return rules_v1.EvaluateConditionRequest(
        campaign_id=campaign,
        branch_id=branch,
        condition_id=condition,
        expression_json=json.dumps(rule),
        context_json=json.dumps(facts),
        **flags,
    )


async def stats(stub: rules_v1.RulesEngineStub) -> rules_v1.CacheStats:
    return await stub.get_cache_stats(rules_v1.GetCacheStatsRequest())


async def test_second_evaluation_is_cached_and_counted(stub: rules_v1.RulesEngineStub, campaign: str) -> None:
    before = await stats(stub)
    first = await stub.evaluate_condition(request(campaign))
    second = await stub.evaluate_condition(request(campaign))
    after = await stats(stub)
    assert first.ok and json.loads(first.value_json) is True and not first.cached
    assert second.ok and second.value_json == first.value_json and second.cached
    assert first.condition_id == second.condition_id == "c1"
    assert after.misses - before.misses == 1 and after.hits - before.hits == 1
    assert after.size == before.size + 1
    assert after.max_keys == 10_000 and after.ttl_seconds == 300


async def test_changed_facts_are_a_miss_and_reflected(stub: rules_v1.RulesEngineStub, campaign: str) -> None:
    await stub.evaluate_condition(request(campaign))
    smaller = await stub.evaluate_condition(
        request(campaign, context={"settlement": {"population": 10}, "threshold": 1000})
    )
    assert not smaller.cached and json.loads(smaller.value_json) is False


async def test_key_order_of_the_facts_does_not_matter(stub: rules_v1.RulesEngineStub, campaign: str) -> None:
    await stub.evaluate_condition(request(campaign, context={"threshold": 1, "settlement": {"population": 5}}))
    again = await stub.evaluate_condition(request(campaign, context={"settlement": {"population": 5}, "threshold": 1}))
    assert again.cached


async def test_an_edited_rule_is_never_answered_from_the_cache(stub: rules_v1.RulesEngineStub, campaign: str) -> None:
    await stub.evaluate_condition(request(campaign))
    edited = await stub.evaluate_condition(request(campaign, rule={"<": [{"var": "threshold"}, 0]}))
    assert not edited.cached and json.loads(edited.value_json) is False


async def test_tenants_never_share_entries(stub: rules_v1.RulesEngineStub, campaign: str) -> None:
    await stub.evaluate_condition(request(campaign))
    assert not (await stub.evaluate_condition(request(campaign + "-other"))).cached
    assert not (await stub.evaluate_condition(request(campaign, branch="what-if"))).cached


async def test_explain_and_bypass_evaluate_but_store(stub: rules_v1.RulesEngineStub, campaign: str) -> None:
    explained = await stub.evaluate_condition(request(campaign, explain=True))
    assert not explained.cached and json.loads(explained.trace_json)["op"] == ">="
    assert (await stub.evaluate_condition(request(campaign))).cached
    assert not (await stub.evaluate_condition(request(campaign, bypass_cache=True))).cached


async def test_rule_errors_are_results_and_not_cached(stub: rules_v1.RulesEngineStub, campaign: str) -> None:
    for _ in range(2):
        reply = await stub.evaluate_condition(request(campaign, rule={"throw": "Unpaid"}))
        assert not reply.ok and not reply.cached and reply.error is not None and reply.error.type == "Unpaid"
    bad = rules_v1.EvaluateConditionRequest(campaign_id=campaign, condition_id="c", expression_json="{oops")
    reply = await stub.evaluate_condition(bad)
    assert reply.error is not None and reply.error.type == "INVALID_JSON"
    reply = await stub.evaluate_condition(rules_v1.EvaluateConditionRequest(expression_json="true"))
    assert reply.error is not None and reply.error.type == "INVALID_REQUEST"
    nan = rules_v1.EvaluateConditionRequest(
        campaign_id=campaign, condition_id="c", expression_json="true", context_json='{"x": NaN}'
    )
    assert (await stub.evaluate_condition(nan)).error.type == "INVALID_JSON"  # type: ignore[union-attr]


async def test_batch_answers_in_order(stub: rules_v1.RulesEngineStub, campaign: str) -> None:
    items = [
        request(campaign, f"c{i}", {"settlement": {"population": i}, "threshold": 500}) for i in range(0, 1000, 10)
    ]
    items.insert(3, request(campaign, "broken", rule={"nope": []}))
    reply = await stub.evaluate_conditions(rules_v1.EvaluateConditionsRequest(conditions=items))
    assert [r.condition_id for r in reply.results] == [i.condition_id for i in items]
    assert reply.results[3].ok is False
    values = [json.loads(r.value_json) for r in reply.results if r.ok]
    assert values == [i >= 500 for i in range(0, 1000, 10)]
    again = await stub.evaluate_conditions(rules_v1.EvaluateConditionsRequest(conditions=items))
    assert sum(r.cached for r in again.results) == len(items) - 1


async def test_batch_is_bounded(stub: rules_v1.RulesEngineStub, campaign: str) -> None:
    too_many = [rules_v1.EvaluateConditionRequest(campaign_id=campaign, condition_id="c", expression_json="1")] * 10_001
    with pytest.raises(GRPCError) as caught:
        await stub.evaluate_conditions(rules_v1.EvaluateConditionsRequest(conditions=too_many))
    assert caught.value.status == Status.INVALID_ARGUMENT


async def test_invalidate_cache_by_scope(stub: rules_v1.RulesEngineStub, campaign: str) -> None:
    for branch in ("main", "alt"):
        for condition in ("a", "b"):
            await stub.evaluate_condition(request(campaign, condition, branch=branch))
    await stub.evaluate_condition(request(campaign + "-x", "a"))

    async def drop(**fields: Any) -> int:
        reply = await stub.invalidate_cache(rules_v1.InvalidateCacheRequest(**fields))
        return reply.dropped

    assert await drop(campaign_id=campaign, branch_id="main", condition_ids=["a"]) == 1
    assert not (await stub.evaluate_condition(request(campaign, "a"))).cached
    assert (await stub.evaluate_condition(request(campaign, "b"))).cached
    assert await drop(campaign_id=campaign, branch_id="alt") == 2
    assert await drop(campaign_id=campaign) == 2
    assert (await stub.evaluate_condition(request(campaign + "-x", "a"))).cached
    assert await drop(campaign_id=campaign + "-x", branch_id="") == 0  # "" is a branch name, not "all"
    with pytest.raises(GRPCError) as caught:
        await stub.invalidate_cache(rules_v1.InvalidateCacheRequest())
    assert caught.value.status == Status.INVALID_ARGUMENT
