"""GraphQL types of the unversioned records: users, worlds, campaigns, branches, members, history."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from campaign_api.db.models import AuditEntry as AuditRow
from campaign_api.db.models import Branch as BranchRow
from campaign_api.db.models import Campaign as CampaignRow
from campaign_api.db.models import User as UserRow
from campaign_api.db.models import World as WorldRow
from campaign_api.domain.diff import Change
from campaign_api.domain.store import EntityState
from campaign_api.graphql.scalars import JSON, WorldTime, WorldTimeValue
from campaign_shared.calendar import Calendar
from campaign_shared.messages import EntityType


@strawberry.enum(name="Role")
class RoleEnum(Enum):
    OWNER = "OWNER"
    GM = "GM"
    PLAYER = "PLAYER"
    VIEWER = "VIEWER"


@strawberry.type
class User:
    id: strawberry.ID
    email: str
    name: str

    @classmethod
    def of(cls, row: UserRow) -> User:
        return cls(id=strawberry.ID(str(row.id)), email=row.email, name=row.name)


@strawberry.type
class World:
    id: strawberry.ID
    name: str
    description: str
    calendar: JSON
    map_image_key: str | None
    map_bounds: JSON | None
    created_at: datetime

    @classmethod
    def of(cls, row: WorldRow) -> World:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            description=row.description,
            calendar=row.calendar,
            map_image_key=row.map_image_key,
            map_bounds=row.map_bounds,
            created_at=row.created_at,
        )

    @strawberry.field(description="a presigned GET URL of the map image (valid for an hour); null without one")
    async def map_image_url(self, info: strawberry.Info) -> str | None:
        if not self.map_image_key:
            return None
        url: str = await info.context.resources.storage.presigned_get(self.map_image_key)
        return url


@strawberry.type
class Branch:
    id: strawberry.ID
    campaign_id: strawberry.ID
    parent_id: strawberry.ID | None
    name: str
    description: str
    fork_time: WorldTime
    world_time: WorldTime
    world_time_seconds: float = strawberry.field(description="the clock as seconds since the epoch")
    version: int
    color: str | None
    pinned: bool
    tags: list[str]
    created_at: datetime

    @classmethod
    def of(cls, row: BranchRow, calendar: Calendar) -> Branch:
        return cls(
            id=strawberry.ID(str(row.id)),
            campaign_id=strawberry.ID(str(row.campaign_id)),
            parent_id=strawberry.ID(str(row.parent_id)) if row.parent_id else None,
            name=row.name,
            description=row.description,
            fork_time=WorldTimeValue(row.fork_time, calendar),
            world_time=WorldTimeValue(row.world_time, calendar),
            world_time_seconds=float(row.world_time),
            version=row.version,
            color=row.color,
            pinned=row.pinned,
            tags=list(row.tags or []),
            created_at=row.created_at,
        )


@strawberry.type
class Member:
    user_id: strawberry.ID
    email: str
    name: str
    role: RoleEnum


@strawberry.type
class Campaign:
    id: strawberry.ID
    world_id: strawberry.ID
    name: str
    description: str
    srid: int
    settings: JSON
    my_role: RoleEnum | None
    main_branch: Branch
    branches: list[Branch]

    @classmethod
    def of(cls, row: CampaignRow, branches: list[BranchRow], calendar: Calendar, role: str | None) -> Campaign:
        ordered = sorted(branches, key=lambda b: (b.depth, b.created_at))
        main = next(b for b in ordered if b.parent_id is None)
        return cls(
            id=strawberry.ID(str(row.id)),
            world_id=strawberry.ID(str(row.world_id)),
            name=row.name,
            description=row.description,
            srid=row.srid,
            settings=row.settings,
            my_role=RoleEnum(role) if role else None,
            main_branch=Branch.of(main, calendar),
            branches=[Branch.of(b, calendar) for b in ordered],
        )


@strawberry.type
class EntityVersion:
    entity_type: EntityType
    entity_id: strawberry.ID
    version: int
    version_id: strawberry.ID
    branch_id: strawberry.ID
    valid_from: WorldTime
    valid_to: WorldTime | None
    deleted: bool
    recorded_at: datetime
    recorded_by: strawberry.ID | None
    data: JSON

    @classmethod
    def of(cls, state: EntityState, calendar: Calendar, data: dict[str, Any]) -> EntityVersion:
        return cls(
            entity_type=state.entity_type,
            entity_id=strawberry.ID(str(state.entity_id)),
            version=state.version,
            version_id=strawberry.ID(str(state.version_id)),
            branch_id=strawberry.ID(str(state.branch_id)),
            valid_from=WorldTimeValue(state.valid_from, calendar),
            valid_to=WorldTimeValue(state.valid_to, calendar) if state.valid_to is not None else None,
            deleted=state.deleted,
            recorded_at=state.recorded_at,
            recorded_by=strawberry.ID(str(state.recorded_by)) if state.recorded_by else None,
            data=data,
        )


@strawberry.type
class FieldChange:
    path: str
    op: str
    before: JSON | None
    after: JSON | None

    @classmethod
    def of(cls, change: Change) -> FieldChange:
        j = change.as_json()
        return cls(path=j["path"], op=j["op"], before=j["before"], after=j["after"])


@strawberry.type
class MergeConflict:
    entity_type: EntityType
    entity_id: strawberry.ID
    path: str
    base: JSON | None
    ours: JSON | None
    theirs: JSON | None


@strawberry.type
class EntityChange:
    entity_type: EntityType
    entity_id: strawberry.ID
    action: str
    changes: list[FieldChange]


@strawberry.type
class MergePreview:
    source_branch_id: strawberry.ID
    target_branch_id: strawberry.ID
    conflicts: list[MergeConflict]
    changes: list[EntityChange]


@strawberry.type
class MergeResult:
    target: Branch
    written: int
    changes: list[EntityChange]


@strawberry.input
class ResolutionInput:
    entity_type: EntityType
    entity_id: strawberry.ID
    path: str
    value: JSON | None = None


@strawberry.type
class AuditEntry:
    id: strawberry.ID
    branch_id: strawberry.ID | None
    entity_type: str
    entity_id: strawberry.ID | None
    operation: str
    actor_id: strawberry.ID | None
    world_time: WorldTime | None
    version: int | None
    before: JSON | None
    after: JSON | None
    diff: JSON | None
    reason: str
    recorded_at: datetime

    @classmethod
    def of(cls, row: AuditRow, calendar: Calendar) -> AuditEntry:
        return cls(
            id=strawberry.ID(str(row.id)),
            branch_id=strawberry.ID(str(row.branch_id)) if row.branch_id else None,
            entity_type=row.entity_type,
            entity_id=strawberry.ID(str(row.entity_id)) if row.entity_id else None,
            operation=row.operation,
            actor_id=strawberry.ID(str(row.actor_id)) if row.actor_id else None,
            world_time=WorldTimeValue(row.world_time, calendar) if row.world_time is not None else None,
            version=row.version,
            before=row.before,
            after=row.after,
            diff=row.diff,
            reason=row.reason,
            recorded_at=row.recorded_at,
        )


@strawberry.type
class UploadTicket:
    url: str
    key: str
    method: str
    expires_in: int
