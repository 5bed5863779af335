"""Publishing committed changes: campaign events for subscribers, invalidations for the rules engine.

Called only after the transaction committed, so subscribers never hear of a change that was rolled
back. Publishing failures are logged, not raised: the change itself is already durable.
"""

from __future__ import annotations

from collections.abc import Sequence

import redis.asyncio as aioredis
from loguru import logger

from campaign_shared.messages import CampaignEvent, CampaignEventKind, Channels, RulesInvalidation, encode

#: changes of these kinds can change a rule's result, so the engine drops what it cached
_INVALIDATING = {CampaignEventKind.ENTITY_CHANGED, CampaignEventKind.WORLD_TIME_ADVANCED}


async def publish(redis: aioredis.Redis, channels: Channels, events: Sequence[CampaignEvent]) -> None:  # type: ignore[type-arg]
    if not events:
        return
    try:
        async with redis.pipeline(transaction=False) as pipe:
            for event in events:
                pipe.publish(channels.campaign_events(event.campaign_id), encode(event))
                if event.kind in _INVALIDATING:
                    invalidation = RulesInvalidation(
                        campaign_id=event.campaign_id,
                        branch_id=event.branch_id,
                        entity_type=event.entity_type if event.kind is CampaignEventKind.ENTITY_CHANGED else None,
                        entity_id=event.entity_id if event.kind is CampaignEventKind.ENTITY_CHANGED else None,
                        reason=event.kind.value,
                    )
                    pipe.publish(channels.rules_invalidation, encode(invalidation))
            await pipe.execute()
    except Exception:  # the change is committed; a lost notification must not turn it into an error
        logger.exception("publishing {} campaign event(s) failed", len(events))
