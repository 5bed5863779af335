"""The pub/sub contract: channel names and typed messages shared by every producer and consumer.

The API publishes, the rules engine and other API processes subscribe, the scheduler publishes job
results. Everything goes through `encode`/`decode` here, so a field renamed on one side fails on both.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

SCHEMA_VERSION = 1


class EntityType(StrEnum):
    """The one spelling of entity types: database, GraphQL, messages and cache keys."""

    WORLD = "WORLD"
    CAMPAIGN = "CAMPAIGN"
    BRANCH = "BRANCH"
    PARTY = "PARTY"
    CHARACTER = "CHARACTER"
    KINGDOM = "KINGDOM"
    SETTLEMENT = "SETTLEMENT"
    STRUCTURE = "STRUCTURE"
    LOCATION = "LOCATION"
    EVENT = "EVENT"
    ENCOUNTER = "ENCOUNTER"
    CONDITION = "CONDITION"
    EFFECT = "EFFECT"
    LINK = "LINK"
    STATE_VARIABLE = "STATE_VARIABLE"
    SECRET = "SECRET"


class CampaignEventKind(StrEnum):
    ENTITY_CHANGED = "ENTITY_CHANGED"
    WORLD_TIME_ADVANCED = "WORLD_TIME_ADVANCED"
    CONDITIONS_INVALIDATED = "CONDITIONS_INVALIDATED"
    JOB_FINISHED = "JOB_FINISHED"


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: int = SCHEMA_VERSION
    message_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    sent_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class CampaignEvent(_Message):
    """What `campaignEvents` subscribers receive; one message per committed change."""

    type: Literal["campaign_event"] = "campaign_event"
    kind: CampaignEventKind
    campaign_id: str
    branch_id: str | None = None
    entity_type: EntityType | None = None
    entity_id: str | None = None
    version: int | None = None
    actor_id: str | None = None
    payload: dict[str, Any] = Field(default_factory=dict)


class RulesInvalidation(_Message):
    """Tells the rules engine which cached results and graph nodes are stale.

    `entity_type`/`entity_id` name what changed (a variable, an entity field, a condition …); with
    neither set, everything of the (campaign, branch) is dropped.
    """

    type: Literal["rules_invalidation"] = "rules_invalidation"
    campaign_id: str
    branch_id: str | None = None
    entity_type: EntityType | None = None
    entity_id: str | None = None
    fields: list[str] = Field(default_factory=list)
    reason: str = ""


class JobStatusMessage(_Message):
    """The scheduler's report of a finished job (also forwarded as a JOB_FINISHED campaign event)."""

    type: Literal["job_status"] = "job_status"
    job_key: str
    function: str
    status: Literal["complete", "failed", "aborted"]
    campaign_id: str | None = None
    branch_id: str | None = None
    error: str | None = None
    result: dict[str, Any] = Field(default_factory=dict)


Message = Annotated[CampaignEvent | RulesInvalidation | JobStatusMessage, Field(discriminator="type")]
_adapter: TypeAdapter[CampaignEvent | RulesInvalidation | JobStatusMessage] = TypeAdapter(Message)


class Channels:
    """Channel names, built from one prefix so several stacks can share a Redis server."""

    def __init__(self, prefix: str = "campaign") -> None:
        self.prefix = prefix

    def campaign_events(self, campaign_id: str) -> str:
        return f"{self.prefix}:campaign:{campaign_id}:events"

    @property
    def campaign_events_pattern(self) -> str:
        return f"{self.prefix}:campaign:*:events"

    @property
    def rules_invalidation(self) -> str:
        return f"{self.prefix}:rules:invalidate"

    @property
    def job_status(self) -> str:
        return f"{self.prefix}:jobs:status"


def encode(message: CampaignEvent | RulesInvalidation | JobStatusMessage) -> str:
    return message.model_dump_json()


def decode(raw: str | bytes) -> CampaignEvent | RulesInvalidation | JobStatusMessage:
    """Parse any message; raises `pydantic.ValidationError` on a malformed or unknown one."""
    return _adapter.validate_json(raw)
