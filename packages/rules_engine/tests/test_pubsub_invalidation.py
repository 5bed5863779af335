"""Invalidation over REAL Redis pub/sub: the shared message schema, targeted drops, bad input, reconnects."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable

import httpx
import redis.asyncio as aioredis

from campaign_rules_engine.server import RulesEngineRuntime
from campaign_shared.grpc import rules_v1
from campaign_shared.messages import (
    CampaignEvent,
    CampaignEventKind,
    Channels,
    EntityType,
    RulesInvalidation,
    encode,
)

K, E = rules_v1.NodeKind, rules_v1.EdgeKind
GOLD = rules_v1.NodeRef(kind=K.VARIABLE, id="gold")
WOOD = rules_v1.NodeRef(kind=K.VARIABLE, id="wood")
RICH = rules_v1.NodeRef(kind=K.CONDITION, id="rich")
BUILDER = rules_v1.NodeRef(kind=K.CONDITION, id="builder")


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


def condition(campaign: str, ident: str, facts: object, rule: object = None) -> rules_v1.EvaluateConditionRequest:
    return rules_v1.EvaluateConditionRequest(
        campaign_id=campaign,
        branch_id="main",
        condition_id=ident,
        expression_json=json.dumps(rule or {">": [{"var": f"var.{ident}"}, 10]}),
        context_json=json.dumps(facts),
    )


async def publish(runtime: RulesEngineRuntime, client: aioredis.Redis, payload: str | bytes) -> None:
    channel = Channels(runtime.settings.redis.channel_prefix).rules_invalidation
    receivers = await client.publish(channel, payload)
    assert receivers >= 1, "nobody subscribed to the invalidation channel"


async def metric(runtime: RulesEngineRuntime, name: str, **labels: str) -> float:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{runtime.settings.rules_engine.http_port}") as http:
        text = (await http.get("/metrics")).text
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    pattern = rf"^{re.escape(name)}{re.escape('{' + wanted + '}') if wanted else ''} (\S+)$"
    match = re.search(pattern, text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


async def test_published_invalidation_drops_the_cached_result(
    runtime: RulesEngineRuntime, stub: rules_v1.RulesEngineStub, redis_client: aioredis.Redis, campaign: str
) -> None:
    facts = {"var": {"rich": 50}}
    assert not (await stub.evaluate_condition(condition(campaign, "rich", facts))).cached
    assert (await stub.evaluate_condition(condition(campaign, "rich", facts))).cached
    before = (await stub.get_cache_stats(rules_v1.GetCacheStatsRequest())).invalidated

    message = RulesInvalidation(campaign_id=campaign, branch_id="main", reason="variable edited")
    await publish(runtime, redis_client, encode(message))

    async def dropped() -> bool:
        return (await stub.get_cache_stats(rules_v1.GetCacheStatsRequest())).invalidated > before

    await eventually(dropped)
    again = await stub.evaluate_condition(condition(campaign, "rich", facts))
    assert again.ok and not again.cached
    changed = await stub.evaluate_condition(condition(campaign, "rich", {"var": {"rich": 5}}))
    assert not changed.cached and json.loads(changed.value_json) is False


async def test_a_variable_change_drops_only_dependent_conditions(
    runtime: RulesEngineRuntime, stub: rules_v1.RulesEngineStub, redis_client: aioredis.Redis, campaign: str
) -> None:
    graph = rules_v1.DependencyGraph(
        nodes=[GOLD, WOOD, RICH, BUILDER],
        edges=[
            rules_v1.Edge(source=RICH, target=GOLD, kind=E.READS),
            rules_v1.Edge(source=BUILDER, target=WOOD, kind=E.READS),
        ],
    )
    await stub.get_evaluation_order(
        rules_v1.GetEvaluationOrderRequest(campaign_id=campaign, branch_id="main", graph=graph, retain=True)
    )
    facts = {"var": {"rich": 50, "builder": 3}}
    for ident in ("rich", "builder"):
        await stub.evaluate_condition(condition(campaign, ident, facts))

    message = RulesInvalidation(
        campaign_id=campaign, branch_id="main", entity_type=EntityType.STATE_VARIABLE, entity_id="gold"
    )
    await publish(runtime, redis_client, encode(message))

    async def rich_is_dirty() -> bool:
        order = await stub.get_evaluation_order(
            rules_v1.GetEvaluationOrderRequest(campaign_id=campaign, branch_id="main")
        )
        return [n.id for n in order.dirty] == ["gold", "rich"]

    await eventually(rich_is_dirty)
    assert not (await stub.evaluate_condition(condition(campaign, "rich", facts))).cached
    assert (await stub.evaluate_condition(condition(campaign, "builder", facts))).cached
    order = await stub.get_evaluation_order(rules_v1.GetEvaluationOrderRequest(campaign_id=campaign, branch_id="main"))
    assert [n.id for n in order.dirty] == ["gold"]  # re-evaluating cleaned the condition


async def test_malformed_messages_are_skipped(
    runtime: RulesEngineRuntime, stub: rules_v1.RulesEngineStub, redis_client: aioredis.Redis, campaign: str
) -> None:
    malformed = await metric(runtime, "rules_engine_invalidation_messages_total", outcome="malformed")
    ignored = await metric(runtime, "rules_engine_invalidation_messages_total", outcome="ignored")
    applied = await metric(runtime, "rules_engine_invalidation_messages_total", outcome="applied")
    await stub.evaluate_condition(condition(campaign, "rich", {"var": {"rich": 1}}))

    await publish(runtime, redis_client, b"\xff not json")
    await publish(runtime, redis_client, json.dumps({"type": "rules_invalidation", "conditionId": "rich"}))
    await publish(runtime, redis_client, json.dumps({"type": "rules_invalidation", "campaign_id": 7}))
    event = CampaignEvent(kind=CampaignEventKind.ENTITY_CHANGED, campaign_id=campaign)
    await publish(runtime, redis_client, encode(event))
    await publish(runtime, redis_client, encode(RulesInvalidation(campaign_id=campaign)))

    async def valid_one_applied() -> bool:
        return await metric(runtime, "rules_engine_invalidation_messages_total", outcome="applied") > applied

    await eventually(valid_one_applied)
    assert await metric(runtime, "rules_engine_invalidation_messages_total", outcome="malformed") == malformed + 3
    assert await metric(runtime, "rules_engine_invalidation_messages_total", outcome="ignored") == ignored + 1
    assert runtime.subscriber.connected
    assert not (await stub.evaluate_condition(condition(campaign, "rich", {"var": {"rich": 1}}))).cached


async def test_subscriber_reconnects_after_losing_redis(
    runtime: RulesEngineRuntime, stub: rules_v1.RulesEngineStub, redis_client: aioredis.Redis, campaign: str
) -> None:
    facts = {"var": {"rich": 50}}
    await stub.evaluate_condition(condition(campaign, "rich", facts))
    subscriptions = runtime.subscriber.subscriptions
    # kill only our own subscriber connection (found by its client name), as a Redis restart would
    clients = await redis_client.client_list()
    ours = [c for c in clients if c.get("name") == runtime.subscriber.client_name]
    assert len(ours) == 1
    await redis_client.client_kill_filter(_id=ours[0]["id"])

    async def resubscribed() -> bool:
        return runtime.subscriber.subscriptions > subscriptions and runtime.subscriber.connected

    await eventually(resubscribed, within=15)
    # messages sent while disconnected are lost, so the cache was emptied on re-subscribing
    assert not (await stub.evaluate_condition(condition(campaign, "rich", facts))).cached
    assert (await stub.evaluate_condition(condition(campaign, "rich", facts))).cached
    await publish(runtime, redis_client, encode(RulesInvalidation(campaign_id=campaign)))

    async def applied_after_reconnect() -> bool:
        return not (await stub.evaluate_condition(condition(campaign, "rich", facts))).cached

    await eventually(applied_after_reconnect)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{runtime.settings.rules_engine.http_port}") as http:
        assert (await http.get("/health/ready")).status_code == 200
