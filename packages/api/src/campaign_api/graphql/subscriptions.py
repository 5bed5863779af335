"""`campaignEvents`: committed changes of one campaign, fanned out through Redis to every API process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from enum import Enum
from typing import Any

import strawberry
from loguru import logger
from pydantic import ValidationError
from strawberry.types import Info

from campaign_api.graphql.context import GraphQLContext
from campaign_api.graphql.entities import GM_ONLY_TYPES
from campaign_api.graphql.permissions import Action, Rule
from campaign_api.graphql.scalars import JSON
from campaign_shared.messages import CampaignEvent, EntityType, decode

SUBSCRIPTION_RULES = {"campaignEvents": Rule(Action.READ, service=True)}


@strawberry.enum
class CampaignEventKindEnum(Enum):
    ENTITY_CHANGED = "ENTITY_CHANGED"
    WORLD_TIME_ADVANCED = "WORLD_TIME_ADVANCED"
    CONDITIONS_INVALIDATED = "CONDITIONS_INVALIDATED"
    JOB_FINISHED = "JOB_FINISHED"


@strawberry.type(name="CampaignEvent")
class CampaignEventType:
    kind: CampaignEventKindEnum
    campaign_id: strawberry.ID
    entity_type: EntityType | None
    entity_id: strawberry.ID | None
    branch_id: strawberry.ID | None
    version: int | None
    actor_id: strawberry.ID | None
    payload: JSON

    @classmethod
    def of(cls, event: CampaignEvent) -> CampaignEventType:
        return cls(
            kind=CampaignEventKindEnum(event.kind.value),
            campaign_id=strawberry.ID(event.campaign_id),
            entity_type=event.entity_type,
            entity_id=strawberry.ID(event.entity_id) if event.entity_id else None,
            branch_id=strawberry.ID(event.branch_id) if event.branch_id else None,
            version=event.version,
            actor_id=strawberry.ID(event.actor_id) if event.actor_id else None,
            payload=event.payload,
        )


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Changes of one campaign as they are committed (any API process)")
    async def campaign_events(
        self, info: Info[GraphQLContext, None], campaign_id: strawberry.ID
    ) -> AsyncGenerator[CampaignEventType, None]:
        ctx = info.context
        cid = await ctx.campaign_of(campaign_id=campaign_id)
        access = await ctx.authorize(SUBSCRIPTION_RULES["campaignEvents"], cid)
        pubsub = ctx.resources.redis.pubsub()
        await pubsub.subscribe(ctx.channels.campaign_events(str(cid)))
        try:
            while True:
                message: Any = await pubsub.get_message(ignore_subscribe_messages=True, timeout=15.0)
                if message is None:
                    await asyncio.sleep(0)
                    continue
                try:
                    event = decode(message["data"])
                except ValidationError:
                    logger.warning("skipping a malformed campaign event")
                    continue
                if not isinstance(event, CampaignEvent):
                    continue
                if event.entity_type in GM_ONLY_TYPES and not access.gm_view:
                    continue
                yield CampaignEventType.of(event)
        finally:
            await pubsub.unsubscribe()
            await pubsub.aclose()  # type: ignore[no-untyped-call]
