"""The pub/sub contract: typed messages round-trip through real Redis pub/sub."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import redis.asyncio as aioredis
from pydantic import ValidationError

from campaign_shared.messages import (
    CampaignEvent,
    CampaignEventKind,
    Channels,
    EntityType,
    RulesInvalidation,
    decode,
    encode,
)


def test_round_trip_keeps_type_and_fields() -> None:
    event = CampaignEvent(
        kind=CampaignEventKind.ENTITY_CHANGED,
        campaign_id="c1",
        branch_id="b1",
        entity_type=EntityType.SETTLEMENT,
        entity_id="s1",
        version=3,
        payload={"name": None},
    )
    assert decode(encode(event)) == event
    inv = RulesInvalidation(campaign_id="c1", entity_type=EntityType.STATE_VARIABLE, entity_id="v1")
    assert decode(encode(inv)) == inv


def test_renamed_field_is_rejected() -> None:
    raw = encode(RulesInvalidation(campaign_id="c1")).replace('"campaign_id"', '"campaignId"')
    with pytest.raises(ValidationError):
        decode(raw)


async def test_publish_subscribe_over_real_redis(test_redis_url: str) -> None:
    channels = Channels(f"test-{uuid.uuid4().hex[:6]}")
    client = aioredis.Redis.from_url(test_redis_url)
    pubsub = client.pubsub()
    await pubsub.subscribe(channels.rules_invalidation)
    try:
        sent = RulesInvalidation(campaign_id="c9", branch_id="b9", fields=["level"], reason="test")
        await client.publish(channels.rules_invalidation, encode(sent))
        async with asyncio.timeout(5):
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
                if message is not None:
                    break
        assert decode(message["data"]) == sent
    finally:
        await pubsub.aclose()
        await client.aclose()
