"""All tables. Importing this package registers every model on the shared metadata (Alembic needs that)."""

from campaign_api.db.models.accounts import User
from campaign_api.db.models.auth import ApiKey, RefreshToken
from campaign_api.db.models.campaigns import Branch, Campaign, Membership, World
from campaign_api.db.models.content import (
    Character,
    Encounter,
    Event,
    Kingdom,
    Link,
    Location,
    Party,
    Settlement,
    Structure,
)
from campaign_api.db.models.records import AuditEntry, EffectExecution, MergeRecord, Upload
from campaign_api.db.models.rules import Condition, Effect, Secret, StateVariable
from campaign_api.db.models.versioning import EntityHead, EntityRecord, VersionedRow
from campaign_api.db.models.world_jobs import WORLD_JOB_KINDS, DeferredEffect, WorldJobWatermark

__all__ = [
    "WORLD_JOB_KINDS",
    "ApiKey",
    "AuditEntry",
    "Branch",
    "Campaign",
    "Character",
    "Condition",
    "DeferredEffect",
    "Effect",
    "EffectExecution",
    "Encounter",
    "EntityHead",
    "EntityRecord",
    "Event",
    "Kingdom",
    "Link",
    "Location",
    "Membership",
    "MergeRecord",
    "Party",
    "RefreshToken",
    "Secret",
    "Settlement",
    "StateVariable",
    "Structure",
    "Upload",
    "User",
    "VersionedRow",
    "World",
    "WorldJobWatermark",
]
