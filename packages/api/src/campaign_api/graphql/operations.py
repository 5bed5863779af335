"""Root queries and mutations over the domain services.

Every root field declares its permission rule in `RULES` (a test fails when one is missing). Queries
open their own read session; each mutation runs in one transaction (`GraphQLContext.write`) and
publishes its events only after commit, so a failed mutation leaves nothing behind.

No `from __future__ import annotations` here: the per-entity resolvers are generated, and Strawberry
reads their annotations as real objects.
"""

import csv
import inspect
import io
import json
import uuid
from dataclasses import replace
from enum import Enum
from typing import Any, Optional

import strawberry
from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import array as pg_array
from strawberry.types import Info

from campaign_api.db.models import AuditEntry as AuditRow
from campaign_api.db.models import Branch as BranchRow
from campaign_api.db.models import Campaign as CampaignRow
from campaign_api.db.models import Membership
from campaign_api.db.models import User as UserRow
from campaign_api.db.models import World as WorldRow
from campaign_api.domain import merge as merging
from campaign_api.domain import spatial_queries as spatial
from campaign_api.domain.service import DomainService
from campaign_api.domain.state_variables import scope_values
from campaign_api.domain.store import EntityState
from campaign_api.errors import Conflict, Forbidden, NotFound, ValidationFailed
from campaign_api.graphql import rules_ops, world_ops
from campaign_api.graphql.context import GraphQLContext, _uuid
from campaign_api.graphql.entities import (
    CREATE_INPUTS,
    FIELDS,
    FILTERS,
    GM_ONLY_TYPES,
    OBJECT_TYPES,
    UPDATE_INPUTS,
    camel,
    input_fields,
    to_object,
    type_name,
)
from campaign_api.graphql.permissions import Access, Action, Role, Rule
from campaign_api.graphql.scalars import JSON, GeoJSON, WorldTime, to_seconds
from campaign_api.graphql.types import (
    AuditEntry,
    Branch,
    Campaign,
    EntityChange,
    EntityVersion,
    FieldChange,
    Member,
    MergeConflict,
    MergePreview,
    MergeResult,
    ResolutionInput,
    RoleEnum,
    UploadTicket,
    User,
    World,
)
from campaign_api.jobs import enqueue_due_work
from campaign_shared.messages import EntityType

Ctx = Info[GraphQLContext, None]
MAX_LIST = 1000
LIST_FIELDS = {
    EntityType.PARTY: "parties",
    EntityType.CHARACTER: "characters",
    EntityType.KINGDOM: "kingdoms",
    EntityType.SETTLEMENT: "settlements",
    EntityType.STRUCTURE: "structures",
    EntityType.LOCATION: "locations",
    EntityType.EVENT: "events",
    EntityType.ENCOUNTER: "encounters",
    EntityType.LINK: "links",
    EntityType.CONDITION: "conditions",
    EntityType.EFFECT: "effects",
    EntityType.STATE_VARIABLE: "stateVariables",
    EntityType.SECRET: "secrets",
}

RULES: dict[str, Rule] = {
    "serverInfo": Rule(Action.PUBLIC),
    "evaluateExpression": Rule(Action.SIGNED_IN, service=True),
    "me": Rule(Action.SIGNED_IN),
    "worlds": Rule(Action.SIGNED_IN),
    "world": Rule(Action.SIGNED_IN),
    "campaigns": Rule(Action.SIGNED_IN, service=True),
    "campaign": Rule(Action.READ, service=True),
    "branches": Rule(Action.READ, service=True),
    "members": Rule(Action.READ),
    "entity": Rule(Action.READ, service=True),
    "entityHistory": Rule(Action.READ),
    "versionDiff": Rule(Action.READ),
    "mapLayer": Rule(Action.READ),
    "locationsNear": Rule(Action.READ),
    "locationsInside": Rule(Action.READ),
    "overlappingRegions": Rule(Action.READ),
    "variables": Rule(Action.READ, service=True),
    "mergePreview": Rule(Action.WRITE),
    "auditLog": Rule(Action.WRITE),
    "exportAuditLog": Rule(Action.WRITE),
    "createWorld": Rule(Action.SIGNED_IN),
    "updateWorld": Rule(Action.SIGNED_IN),  # the world's owner only (checked by the resolver)
    "createCampaign": Rule(Action.SIGNED_IN),
    "addMember": Rule(Action.ADMIN),
    "updateMemberRole": Rule(Action.ADMIN),
    "removeMember": Rule(Action.ADMIN),
    "advanceWorldTime": Rule(Action.WRITE),
    "forkBranch": Rule(Action.WRITE),
    "mergeBranch": Rule(Action.WRITE),
    "cherryPick": Rule(Action.WRITE),
    "restoreVersion": Rule(Action.WRITE),
    "archiveEntity": Rule(Action.WRITE),
    "setVariable": Rule(Action.WRITE),
    "createUploadUrl": Rule(Action.WRITE),
}
RULES.update(world_ops.RULES)
for _etype, _list in LIST_FIELDS.items():
    RULES[_list] = Rule(Action.READ, service=True)
    for _verb in ("create", "update", "delete", "restore"):
        RULES[f"{_verb}{type_name(_etype)}"] = Rule(Action.WRITE)
RULES["updateCharacter"] = Rule(Action.PLAY)  # a player may edit their own character (PLAYER_EDITABLE)
RULES.update(rules_ops.RULES)

#: what a player may change on a character they own (not who owns it, its party, NPC status or GM fields)
PLAYER_EDITABLE = frozenset({"name", "description", "level", "race", "character_class", "variables"})


def _ctx(info: Ctx) -> GraphQLContext:
    return info.context


async def _guard(info: Ctx, name: str, campaign_id: uuid.UUID | None) -> Access:
    return await _ctx(info).authorize(RULES[name], campaign_id)


async def _branch_for(info: Ctx, campaign_id: Any, branch_id: Any) -> tuple[uuid.UUID, BranchRow]:
    """The (campaign, branch) an operation addresses; the branch defaults to the campaign's main branch."""
    ctx = _ctx(info)
    campaign = (
        await ctx.campaign_of(branch_id=branch_id) if branch_id else await ctx.campaign_of(campaign_id=campaign_id)
    )
    if campaign_id and str(campaign) != str(campaign_id):
        raise ValidationFailed("branchId belongs to another campaign", details={"field": "branchId"})
    async with ctx.read() as svc:
        if branch_id:
            return campaign, await svc.store.branch(_uuid(branch_id, "branchId"))
        main = await svc.session.scalar(
            select(BranchRow).where(BranchRow.campaign_id == campaign, BranchRow.parent_id.is_(None))
        )
    if main is None:
        raise NotFound("campaign has no main branch")
    return campaign, main


def _visible(state: EntityState, access: Access) -> bool:
    if access.gm_view:
        return True
    if state.entity_type in GM_ONLY_TYPES:
        return False
    return not state.content.get("hidden", False)


async def _audience(svc: DomainService, branch: BranchRow, at: int | None, user_id: uuid.UUID | None) -> list[str]:
    """The ids a secret may be revealed to that reach this user: the user and the parties of their characters."""
    characters = await svc.store.read_many(
        EntityType.CHARACTER, branch, at, where=[lambda row: row.owner_user_id == user_id]
    )
    parties = {str(c.content["party_id"]) for c in characters if c.content.get("party_id")}
    return [str(user_id), *sorted(parties)]


def _limit(limit: int | None) -> int:
    if limit is None:
        return MAX_LIST
    if not 0 < limit <= MAX_LIST:
        raise ValidationFailed(f"limit must be between 1 and {MAX_LIST}", details={"field": "limit"})
    return limit


# -- queries: accounts, worlds, campaigns -----------------------------------------------------------


async def me(info: Ctx) -> User | None:
    await _guard(info, "me", None)
    ctx = _ctx(info)
    if ctx.actor_id is None:
        return None
    async with ctx.read() as svc:
        row = await svc.session.get(UserRow, ctx.actor_id)
    return User.of(row) if row else None


def _world_filter(user_id: uuid.UUID) -> Any:
    member_worlds = (
        select(CampaignRow.world_id)
        .join(Membership, Membership.campaign_id == CampaignRow.id)
        .where(Membership.user_id == user_id)
    )
    return or_(WorldRow.owner_id == user_id, WorldRow.id.in_(member_worlds))


async def worlds(info: Ctx) -> list[World]:
    await _guard(info, "worlds", None)
    ctx = _ctx(info)
    if ctx.actor_id is None:
        return []
    async with ctx.read() as svc:
        rows = await svc.session.scalars(
            select(WorldRow).where(_world_filter(ctx.actor_id), WorldRow.deleted_at.is_(None)).order_by(WorldRow.name)
        )
        return [World.of(r) for r in rows]


async def world(info: Ctx, id: strawberry.ID) -> World | None:
    await _guard(info, "world", None)
    ctx = _ctx(info)
    if ctx.actor_id is None:
        return None
    async with ctx.read() as svc:
        row = await svc.session.scalar(
            select(WorldRow).where(WorldRow.id == _uuid(id, "id"), _world_filter(ctx.actor_id))
        )
    return World.of(row) if row else None


async def _campaign_object(info: Ctx, campaign_id: uuid.UUID) -> Campaign:
    ctx = _ctx(info)
    calendar = await ctx.calendar(campaign_id)
    async with ctx.read() as svc:
        row = await svc.session.get(CampaignRow, campaign_id)
        branches = list(
            await svc.session.scalars(
                select(BranchRow).where(BranchRow.campaign_id == campaign_id, BranchRow.deleted_at.is_(None))
            )
        )
        role = None
        if ctx.actor_id is not None:
            role = await svc.session.scalar(
                select(Membership.role).where(Membership.campaign_id == campaign_id, Membership.user_id == ctx.actor_id)
            )
    if row is None or row.deleted_at is not None:
        raise NotFound("campaign not found", details={"campaignId": str(campaign_id)})
    return Campaign.of(row, branches, calendar, role)


async def campaigns(info: Ctx) -> list[Campaign]:
    access = await _guard(info, "campaigns", None)
    ctx = _ctx(info)
    async with ctx.read() as svc:
        query = select(CampaignRow.id).where(CampaignRow.deleted_at.is_(None)).order_by(CampaignRow.name)
        if not access.service:
            if ctx.actor_id is None:
                return []
            query = query.join(Membership, Membership.campaign_id == CampaignRow.id).where(
                Membership.user_id == ctx.actor_id
            )
            restricted = getattr(ctx.principal, "campaign_id", None)
            if restricted is not None:
                query = query.where(CampaignRow.id == restricted)
        ids = list(await svc.session.scalars(query))
    return [await _campaign_object(info, cid) for cid in ids]


async def campaign(info: Ctx, id: strawberry.ID) -> Campaign | None:
    campaign_id = await _ctx(info).campaign_of(campaign_id=id)
    await _guard(info, "campaign", campaign_id)
    return await _campaign_object(info, campaign_id)


async def branches(info: Ctx, campaign_id: strawberry.ID) -> list[Branch]:
    cid = await _ctx(info).campaign_of(campaign_id=campaign_id)
    await _guard(info, "branches", cid)
    return (await _campaign_object(info, cid)).branches


async def members(info: Ctx, campaign_id: strawberry.ID) -> list[Member]:
    cid = await _ctx(info).campaign_of(campaign_id=campaign_id)
    await _guard(info, "members", cid)
    async with _ctx(info).read() as svc:
        rows = await svc.session.execute(
            select(Membership.role, UserRow)
            .join(UserRow, UserRow.id == Membership.user_id)
            .where(Membership.campaign_id == cid)
            .order_by(UserRow.name)
        )
        return [
            Member(user_id=strawberry.ID(str(u.id)), email=u.email, name=u.name, role=RoleEnum(role))
            for role, u in rows.all()
        ]


# -- queries: entities ------------------------------------------------------------------------------


async def entity(
    info: Ctx,
    type: EntityType,
    id: strawberry.ID,
    branch_id: strawberry.ID | None = None,
    as_of: WorldTime | None = None,  # type: ignore[valid-type]
) -> JSON | None:
    """Any entity as JSON (stored field names), as of a branch and world time."""
    etype = EntityType(type.value if hasattr(type, "value") else type)
    campaign_id = await _ctx(info).campaign_of(entity_id=id)
    access = await _guard(info, "entity", campaign_id)
    _, branch = await _branch_for(info, campaign_id, branch_id)
    at = to_seconds(as_of, await _ctx(info).calendar(campaign_id))
    async with _ctx(info).read() as svc:
        state = await svc.store.read(etype, _uuid(id, "id"), branch, at)
    if state is None or not _visible(state, access):
        return None
    data = state.as_json()
    if not access.gm_view:
        data.pop("gm_notes", None)
    return data


def _make_list_resolver(etype: EntityType) -> Any:
    object_type = OBJECT_TYPES[etype]
    name = LIST_FIELDS[etype]
    filter_type = FILTERS.get(etype)

    async def resolver(
        info: Ctx,
        campaign_id: strawberry.ID,
        branch_id: strawberry.ID | None = None,
        as_of: WorldTime | None = None,  # type: ignore[valid-type]
        include_archived: bool = False,
        include_deleted: bool = False,
        search: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        filter: Any = None,  # `<Type>Filter`: its annotation is set below, or the argument removed
    ) -> list[object_type]:  # type: ignore[valid-type]
        cid, branch = await _branch_for(info, campaign_id, branch_id)
        access = await _guard(info, name, cid)
        revealed_only = etype is EntityType.SECRET and not access.gm_view and _ctx(info).actor_id is not None
        if etype in GM_ONLY_TYPES and not access.gm_view and not revealed_only:
            return []  # players never learn that conditions or effects exist
        calendar = await _ctx(info).calendar(cid)
        at = to_seconds(as_of, calendar)
        where = _reference_filters(etype, filter)
        if revealed_only:  # a player sees the secrets revealed to them or to a party they play in
            async with _ctx(info).read() as svc:
                audience = await _audience(svc, branch, at, _ctx(info).actor_id)
            where.append(lambda row: row.revealed_to.has_any(pg_array(audience)))
        if search and hasattr(OBJECT_TYPES[etype], "__annotations__") and "name" in OBJECT_TYPES[etype].__annotations__:
            where.append(lambda row: func.lower(row.name).contains(search.lower()))
        if offset < 0:
            raise ValidationFailed("offset must not be negative", details={"field": "offset"})
        async with _ctx(info).read() as svc:
            states = await svc.store.read_many(
                etype,
                branch,
                at,
                where=where,
                include_archived=include_archived,
                include_deleted=include_deleted and access.gm_view,
                limit=_limit(limit),
                offset=offset,
            )
        if revealed_only:  # who else was told stays the GM's business
            return [
                to_object(replace(s, content={**s.content, "revealed_to": []}), calendar, gm_view=False) for s in states
            ]
        return [to_object(s, calendar, gm_view=access.gm_view) for s in states if _visible(s, access)]

    if filter_type is None:  # nothing to filter by: the field has no `filter` argument
        signature = inspect.signature(resolver)
        resolver.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[p for p in signature.parameters.values() if p.name != "filter"]
        )
        del resolver.__annotations__["filter"]
    else:
        resolver.__annotations__["filter"] = Optional[filter_type]  # noqa: UP045 - evaluated by Strawberry
    resolver.__name__ = name
    return resolver


def _reference_filters(etype: EntityType, filter_by: Any) -> list[Any]:
    """WHERE clauses for the references set in a `<Type>Filter` (each must be a valid ID)."""
    where: list[Any] = []
    for fm in FIELDS[etype] if filter_by is not None else ():
        value = getattr(filter_by, fm.column, None) if fm.kind == "id" else None
        if value is not None:
            wanted = _uuid(value, f"filter.{fm.graphql}")
            where.append(lambda row, column=fm.column, wanted=wanted: getattr(row, column) == wanted)
    return where


async def entity_history(
    info: Ctx,
    type: EntityType,
    id: strawberry.ID,
    branch_id: strawberry.ID,
) -> list[EntityVersion]:
    etype = EntityType(type.value)
    campaign_id = await _ctx(info).campaign_of(entity_id=id)
    access = await _guard(info, "entityHistory", campaign_id)
    calendar = await _ctx(info).calendar(campaign_id)
    async with _ctx(info).read() as svc:
        versions = await svc.history(etype, _uuid(id, "id"), _uuid(branch_id, "branchId"))
    if not all(_visible(v, access) for v in versions[-1:]):
        raise NotFound("entity not found", details={"entityId": str(id)})
    result = []
    for v in versions:
        data = dict(v.content)
        if not access.gm_view:
            data.pop("gm_notes", None)
        result.append(EntityVersion.of(v, calendar, data))
    return result


async def version_diff(
    info: Ctx,
    type: EntityType,
    id: strawberry.ID,
    branch_id: strawberry.ID,
    from_version: int,
    to_version: int,
) -> list[FieldChange]:
    etype = EntityType(type.value)
    campaign_id = await _ctx(info).campaign_of(entity_id=id)
    access = await _guard(info, "versionDiff", campaign_id)
    if etype in GM_ONLY_TYPES and not access.gm_view:
        raise NotFound("entity not found", details={"entityId": str(id)})
    async with _ctx(info).read() as svc:
        changes = await svc.version_diff(etype, _uuid(id, "id"), _uuid(branch_id, "branchId"), from_version, to_version)
    return [FieldChange.of(c) for c in changes if access.gm_view or not c.path.startswith("/gm_notes")]


async def map_layer(
    info: Ctx,
    campaign_id: strawberry.ID,
    branch_id: strawberry.ID | None = None,
    as_of: WorldTime | None = None,  # type: ignore[valid-type]
    bbox: list[float] | None = None,
) -> GeoJSON:  # type: ignore[valid-type]
    """Locations as a GeoJSON FeatureCollection (EPSG:4326) for a bbox, branch and world time."""
    cid, branch = await _branch_for(info, campaign_id, branch_id)
    access = await _guard(info, "mapLayer", cid)
    at = to_seconds(as_of, await _ctx(info).calendar(cid))
    cache = _ctx(info).resources.cache
    key = await cache.key("maplayer", str(cid), str(branch.id), at, bbox, access.gm_view)
    cached = await cache.get("maplayer", key, raw=True)
    if cached is not None:
        return cached
    async with _ctx(info).read() as svc:
        layer = await spatial.map_layer_collection(svc.store, branch, at, bbox, include_hidden=access.gm_view)
    await cache.put(key, layer)
    return layer


async def locations_near(
    info: Ctx,
    campaign_id: strawberry.ID,
    point: list[float],
    radius: float,
    branch_id: strawberry.ID | None = None,
    as_of: WorldTime | None = None,  # type: ignore[valid-type]
) -> list[OBJECT_TYPES[EntityType.LOCATION]]:  # type: ignore[valid-type]
    cid, branch = await _branch_for(info, campaign_id, branch_id)
    access = await _guard(info, "locationsNear", cid)
    calendar = await _ctx(info).calendar(cid)
    async with _ctx(info).read() as svc:
        states = await spatial.locations_near(svc.store, branch, to_seconds(as_of, calendar), point, radius)
    return [to_object(s, calendar, gm_view=access.gm_view) for s in states if _visible(s, access)]


async def _region_query(
    info: Ctx, name: str, region_id: strawberry.ID, branch_id: strawberry.ID | None, as_of: Any, query: Any
) -> list[Any]:
    cid = await _ctx(info).campaign_of(entity_id=region_id)
    access = await _guard(info, name, cid)
    _, branch = await _branch_for(info, cid, branch_id)
    calendar = await _ctx(info).calendar(cid)
    async with _ctx(info).read() as svc:
        states = await query(svc.store, branch, _uuid(region_id, "regionId"), to_seconds(as_of, calendar))
    return [to_object(s, calendar, gm_view=access.gm_view) for s in states if _visible(s, access)]


async def locations_inside(
    info: Ctx,
    region_id: strawberry.ID,
    branch_id: strawberry.ID | None = None,
    as_of: WorldTime | None = None,  # type: ignore[valid-type]
) -> list[OBJECT_TYPES[EntityType.LOCATION]]:  # type: ignore[valid-type]
    return await _region_query(info, "locationsInside", region_id, branch_id, as_of, spatial.inside_region)


async def overlapping_regions(
    info: Ctx,
    region_id: strawberry.ID,
    branch_id: strawberry.ID | None = None,
    as_of: WorldTime | None = None,  # type: ignore[valid-type]
) -> list[OBJECT_TYPES[EntityType.LOCATION]]:  # type: ignore[valid-type]
    return await _region_query(info, "overlappingRegions", region_id, branch_id, as_of, spatial.overlapping)


async def variables(
    info: Ctx,
    campaign_id: strawberry.ID,
    scope: EntityType,
    scope_id: strawberry.ID | None = None,
    branch_id: strawberry.ID | None = None,
    as_of: WorldTime | None = None,  # type: ignore[valid-type]
) -> JSON:
    """Every state variable of a scope, derived ones computed: {name: value}."""
    cid, branch = await _branch_for(info, campaign_id, branch_id)
    await _guard(info, "variables", cid)
    at = to_seconds(as_of, await _ctx(info).calendar(cid))
    async with _ctx(info).read() as svc:
        return await scope_values(svc.store, branch, scope.value, _uuid(scope_id, "scopeId") if scope_id else None, at)


def _preview(plan: merging.MergePlan) -> MergePreview:
    return MergePreview(
        source_branch_id=strawberry.ID(str(plan.source.id)),
        target_branch_id=strawberry.ID(str(plan.target.id)),
        conflicts=[MergeConflict(**_conflict_fields(c)) for c in plan.conflicts],
        changes=[_entity_change(e) for e in plan.changes],
    )


def _conflict_fields(conflict: merging.MergeConflict) -> dict[str, Any]:
    data = conflict.as_json()
    return {
        "entity_type": conflict.entity_type,
        "entity_id": strawberry.ID(data["entityId"]),
        "path": data["path"],
        "base": data["base"],
        "ours": data["ours"],
        "theirs": data["theirs"],
    }


def _entity_change(plan: merging.EntityPlan) -> EntityChange:
    return EntityChange(
        entity_type=plan.entity_type,
        entity_id=strawberry.ID(str(plan.entity_id)),
        action=plan.action,
        changes=[FieldChange.of(c) for c in plan.changes],
    )


async def merge_preview(info: Ctx, source_branch_id: strawberry.ID, target_branch_id: strawberry.ID) -> MergePreview:
    cid = await _ctx(info).campaign_of(branch_id=target_branch_id)
    await _guard(info, "mergePreview", cid)
    async with _ctx(info).read() as svc:
        plan = await merging.plan_merge(
            svc, _uuid(source_branch_id, "sourceBranchId"), _uuid(target_branch_id, "targetBranchId")
        )
    return _preview(plan)


async def audit_log(
    info: Ctx,
    campaign_id: strawberry.ID,
    branch_id: strawberry.ID | None = None,
    entity_type: str | None = None,
    entity_id: strawberry.ID | None = None,
    operation: str | None = None,
    actor_id: strawberry.ID | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[AuditEntry]:
    cid = await _ctx(info).campaign_of(campaign_id=campaign_id)
    await _guard(info, "auditLog", cid)
    calendar = await _ctx(info).calendar(cid)
    query = select(AuditRow).where(AuditRow.campaign_id == cid)
    if branch_id:
        query = query.where(AuditRow.branch_id == _uuid(branch_id, "branchId"))
    if entity_type:
        query = query.where(AuditRow.entity_type == entity_type.upper())
    if entity_id:
        query = query.where(AuditRow.entity_id == _uuid(entity_id, "entityId"))
    if operation:
        query = query.where(AuditRow.operation == operation.upper())
    if actor_id:
        query = query.where(AuditRow.actor_id == _uuid(actor_id, "actorId"))
    query = query.order_by(AuditRow.recorded_at.desc(), AuditRow.id.desc()).offset(max(offset, 0)).limit(_limit(limit))
    async with _ctx(info).read() as svc:
        return [AuditEntry.of(r, calendar) for r in await svc.session.scalars(query)]


@strawberry.enum
class ExportFormat(Enum):
    CSV = "CSV"
    JSON = "JSON"


async def export_audit_log(
    info: Ctx,
    campaign_id: strawberry.ID,
    format: ExportFormat = ExportFormat.CSV,
    branch_id: strawberry.ID | None = None,
    entity_type: str | None = None,
    entity_id: strawberry.ID | None = None,
    operation: str | None = None,
    actor_id: strawberry.ID | None = None,
    offset: int = 0,
) -> str:
    """The filtered audit log as a CSV or JSON document, newest first: the filters of `auditLog`, at most
    1000 rows per call (the list cap); page a longer log with `offset`."""
    cid = await _ctx(info).campaign_of(campaign_id=campaign_id)
    await _guard(info, "exportAuditLog", cid)
    entries = await audit_log(info, campaign_id, branch_id, entity_type, entity_id, operation, actor_id, None, offset)
    rows = [
        {
            "recordedAt": e.recorded_at.isoformat(),
            "operation": e.operation,
            "entityType": e.entity_type,
            "entityId": e.entity_id,
            "branchId": e.branch_id,
            "actorId": e.actor_id,
            "worldTime": str(e.world_time) if e.world_time is not None else None,
            "version": e.version,
            "diff": e.diff,
        }
        for e in entries
    ]
    if format is ExportFormat.JSON:
        return json.dumps(rows, default=str)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["recordedAt"])
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "diff": json.dumps(row["diff"], default=str)})
    return out.getvalue()


# -- mutations: worlds, campaigns, members ----------------------------------------------------------


@strawberry.input
class CreateWorldInput:
    name: str
    description: str = ""
    calendar: JSON = strawberry.field(default="gregorian", description='a preset name ("gregorian") or an object')


@strawberry.input
class UpdateWorldInput:
    name: str | None = None
    description: str | None = None
    map_image_key: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="the key createUploadUrl(entityType: WORLD) gave, once the image is uploaded; null removes it",
    )
    map_bounds: list[float] | None = strawberry.field(
        default=strawberry.UNSET, description="[west, south, east, north] in degrees the image covers"
    )


def _checked_bounds(bounds: list[float] | None) -> list[float] | None:
    if bounds is None:
        return None
    west, south, east, north = bounds if len(bounds) == 4 else (0.0, 0.0, 0.0, 0.0)
    if len(bounds) != 4 or not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ValidationFailed(
            "mapBounds must be [west, south, east, north] with west < east and south < north, in degrees",
            details={"field": "mapBounds"},
        )
    return [float(v) for v in bounds]


@strawberry.input
class CreateCampaignInput:
    world_id: strawberry.ID
    name: str
    description: str = ""
    start_time: WorldTime | None = None  # type: ignore[valid-type]
    srid: int = 3857


async def create_world(info: Ctx, input: CreateWorldInput) -> World:
    await _guard(info, "createWorld", None)
    ctx = _ctx(info)
    if ctx.actor_id is None:
        raise Forbidden("only a user can own a world")
    async with ctx.write() as svc:
        row = await svc.create_world(ctx.actor_id, input.name, input.description, input.calendar)
        return World.of(row)


async def _owned_world(svc: Any, raw_id: Any, field: str, actor_id: uuid.UUID | None, lock: bool = False) -> Any:
    """The caller's world; anyone else's (or a deleted one) is NOT_FOUND: worlds are private to their owner."""
    row = await svc.session.get(WorldRow, _uuid(raw_id, field), with_for_update=lock)
    if row is None or row.owner_id != actor_id or row.deleted_at is not None:
        raise NotFound("world not found", details={field: str(raw_id)})
    return row


async def update_world(info: Ctx, id: strawberry.ID, input: UpdateWorldInput) -> World:
    """Rename or describe a world, or set its map image (uploaded first via createUploadUrl) and the
    bounds it covers. Only the world's owner; its calendar stays (campaigns' times are counted in it)."""
    await _guard(info, "updateWorld", None)
    ctx = _ctx(info)
    key = input.map_image_key
    if key not in (None, strawberry.UNSET):  # the S3 check before the transaction, not inside it
        async with ctx.read() as svc:
            world = await _owned_world(svc, id, "id", ctx.actor_id)
        if not key.startswith(f"worlds/{world.id}/") or not await ctx.resources.storage.exists(key):
            raise ValidationFailed(
                "mapImageKey must be an uploaded image of this world (createUploadUrl, then PUT)",
                details={"field": "mapImageKey"},
            )
    async with ctx.write() as svc:
        row = await _owned_world(svc, id, "id", ctx.actor_id, lock=True)
        if input.name is not None:
            if not input.name.strip() or len(input.name) > 200:
                raise ValidationFailed("name must be 1-200 characters", details={"field": "name"})
            row.name = input.name.strip()
        if input.description is not None:
            row.description = input.description
        if input.map_bounds is not strawberry.UNSET:
            row.map_bounds = _checked_bounds(input.map_bounds)
        if key is not strawberry.UNSET:
            row.map_image_key = key
        if row.map_image_key and not row.map_bounds:
            raise ValidationFailed("a map image needs mapBounds", details={"field": "mapBounds"})
        campaigns = await svc.session.scalars(select(CampaignRow.id).where(CampaignRow.world_id == row.id))
        ctx.touched.update(campaigns)  # cached answers that show this world become unreachable
        return World.of(row)


async def create_campaign(info: Ctx, input: CreateCampaignInput) -> Campaign:
    await _guard(info, "createCampaign", None)
    ctx = _ctx(info)
    if ctx.actor_id is None:
        raise Forbidden("only a user can create a campaign")
    from campaign_shared.calendar import Calendar

    async with ctx.write() as svc:
        world_row = await _owned_world(svc, input.world_id, "worldId", ctx.actor_id)
        calendar = Calendar.model_validate(world_row.calendar)
        start = to_seconds(input.start_time, calendar) or 0
        if input.srid not in (3857, 4326) and not 1024 <= input.srid <= 998999:
            raise ValidationFailed("srid is not a known spatial reference", details={"field": "srid"})
        row, _ = await svc.create_campaign(world_row, input.name, input.description, start, input.srid)
        campaign_id = row.id
    return await _campaign_object(info, campaign_id)


async def add_member(info: Ctx, campaign_id: strawberry.ID, email: str, role: RoleEnum) -> Member:
    cid = await _ctx(info).campaign_of(campaign_id=campaign_id)
    await _guard(info, "addMember", cid)
    async with _ctx(info).write() as svc:
        user = await svc.session.scalar(select(UserRow).where(func.lower(UserRow.email) == email.strip().lower()))
        if user is None:
            raise NotFound("no user with that email", details={"field": "email"})
        exists = await svc.session.scalar(
            select(Membership).where(Membership.campaign_id == cid, Membership.user_id == user.id)
        )
        if exists is not None:
            raise Conflict("already a member", details={"field": "email"})
        svc.session.add(Membership(campaign_id=cid, user_id=user.id, role=role.value))
        svc.audit(
            cid,
            "MEMBER_ADD",
            EntityType.CAMPAIGN.value,
            cid,
            after={"userId": str(user.id), "role": role.value},
        )
        return Member(user_id=strawberry.ID(str(user.id)), email=user.email, name=user.name, role=role)


async def _membership(svc: Any, cid: uuid.UUID, user_id: strawberry.ID) -> Membership:
    row = await svc.session.scalar(
        select(Membership).where(Membership.campaign_id == cid, Membership.user_id == _uuid(user_id, "userId"))
    )
    if row is None:
        raise NotFound("not a member", details={"field": "userId"})
    return row  # type: ignore[no-any-return]


async def _owners(svc: Any, cid: uuid.UUID) -> int:
    return int(
        await svc.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.campaign_id == cid, Membership.role == "OWNER")
        )
        or 0
    )


async def update_member_role(info: Ctx, campaign_id: strawberry.ID, user_id: strawberry.ID, role: RoleEnum) -> Member:
    cid = await _ctx(info).campaign_of(campaign_id=campaign_id)
    await _guard(info, "updateMemberRole", cid)
    async with _ctx(info).write() as svc:
        row = await _membership(svc, cid, user_id)
        if row.role == "OWNER" and role.value != "OWNER" and await _owners(svc, cid) == 1:
            raise Conflict("a campaign needs at least one owner", details={"field": "role"})
        before, row.role = row.role, role.value
        user = await svc.session.get(UserRow, row.user_id)
        assert user is not None
        svc.audit(
            cid,
            "MEMBER_ROLE",
            EntityType.CAMPAIGN.value,
            cid,
            before={"role": before},
            after={"userId": str(row.user_id), "role": role.value},
        )
        return Member(user_id=strawberry.ID(str(user.id)), email=user.email, name=user.name, role=role)


async def remove_member(info: Ctx, campaign_id: strawberry.ID, user_id: strawberry.ID) -> bool:
    cid = await _ctx(info).campaign_of(campaign_id=campaign_id)
    await _guard(info, "removeMember", cid)
    async with _ctx(info).write() as svc:
        row = await _membership(svc, cid, user_id)
        if row.role == "OWNER" and await _owners(svc, cid) == 1:
            raise Conflict("a campaign needs at least one owner", details={"field": "userId"})
        await svc.session.delete(row)
        svc.audit(cid, "MEMBER_REMOVE", EntityType.CAMPAIGN.value, cid, before={"userId": str(user_id)})
    return True


# -- mutations: branches and time -------------------------------------------------------------------


@strawberry.input
class ForkBranchInput:
    parent_id: strawberry.ID
    name: str
    at: WorldTime | None = None  # type: ignore[valid-type]
    description: str = ""
    color: str | None = None


@strawberry.input
class MergeBranchInput:
    source_branch_id: strawberry.ID
    target_branch_id: strawberry.ID
    resolutions: list[ResolutionInput] = strawberry.field(default_factory=list)


async def _branch_object(info: Ctx, branch_id: uuid.UUID) -> Branch:
    ctx = _ctx(info)
    async with ctx.read() as svc:
        row = await svc.store.branch(branch_id)
    return Branch.of(row, await ctx.calendar(row.campaign_id))


async def advance_world_time(
    info: Ctx,
    branch_id: strawberry.ID,
    to: WorldTime,  # type: ignore[valid-type]
    expected_version: int | None = None,
) -> Branch:
    cid = await _ctx(info).campaign_of(branch_id=branch_id)
    await _guard(info, "advanceWorldTime", cid)
    target = to_seconds(to, await _ctx(info).calendar(cid))
    assert target is not None
    async with _ctx(info).write() as svc:
        branch = await svc.advance_time(_uuid(branch_id, "branchId"), target, expected_version)
        branch_uuid = branch.id
    # after commit: the due work of the elapsed span, at once (the scheduler's sweeps catch up otherwise)
    await enqueue_due_work(_ctx(info).resources.settings, cid, branch_uuid, target)
    return await _branch_object(info, branch_uuid)


async def fork_branch(info: Ctx, input: ForkBranchInput) -> Branch:
    cid = await _ctx(info).campaign_of(branch_id=input.parent_id)
    await _guard(info, "forkBranch", cid)
    at = to_seconds(input.at, await _ctx(info).calendar(cid))
    async with _ctx(info).write() as svc:
        branch = await svc.fork(
            _uuid(input.parent_id, "parentId"), input.name, at, input.description, color=input.color
        )
        branch_uuid = branch.id
    return await _branch_object(info, branch_uuid)


def _resolutions(items: list[ResolutionInput]) -> list[dict[str, Any]]:
    return [
        {"entityType": r.entity_type.value, "entityId": str(r.entity_id), "path": r.path, "value": r.value}
        for r in items
    ]


async def merge_branch(info: Ctx, input: MergeBranchInput) -> MergeResult:
    cid = await _ctx(info).campaign_of(branch_id=input.target_branch_id)
    await _guard(info, "mergeBranch", cid)
    async with _ctx(info).write() as svc:
        plan, written = await merging.merge_branches(
            svc,
            _uuid(input.source_branch_id, "sourceBranchId"),
            _uuid(input.target_branch_id, "targetBranchId"),
            _resolutions(input.resolutions),
        )
    return MergeResult(
        target=await _branch_object(info, plan.target.id),
        written=len(written),
        changes=[_entity_change(e) for e in plan.changes],
    )


async def cherry_pick(
    info: Ctx,
    version_id: strawberry.ID,
    target_branch_id: strawberry.ID,
    resolutions: list[ResolutionInput] | None = None,
) -> MergeResult:
    cid = await _ctx(info).campaign_of(branch_id=target_branch_id)
    await _guard(info, "cherryPick", cid)
    async with _ctx(info).write() as svc:
        plan, written = await merging.cherry_pick(
            svc,
            _uuid(version_id, "versionId"),
            _uuid(target_branch_id, "targetBranchId"),
            _resolutions(resolutions or []),
        )
    return MergeResult(
        target=await _branch_object(info, plan.target.id),
        written=len(written),
        changes=[_entity_change(e) for e in plan.changes],
    )


async def restore_version(
    info: Ctx,
    type: EntityType,
    id: strawberry.ID,
    branch_id: strawberry.ID,
    version: int,
) -> JSON:
    cid = await _ctx(info).campaign_of(entity_id=id)
    await _guard(info, "restoreVersion", cid)
    async with _ctx(info).write() as svc:
        state = await svc.restore_version(
            EntityType(type.value), _uuid(id, "id"), _uuid(branch_id, "branchId"), version
        )
        return state.as_json()


async def archive_entity(
    info: Ctx,
    type: EntityType,
    id: strawberry.ID,
    branch_id: strawberry.ID,
    archived: bool = True,
    expected_version: int | None = None,
) -> JSON:
    cid = await _ctx(info).campaign_of(entity_id=id)
    await _guard(info, "archiveEntity", cid)
    async with _ctx(info).write() as svc:
        state = await svc.archive(
            EntityType(type.value),
            _uuid(id, "id"),
            _uuid(branch_id, "branchId"),
            archived=archived,
            expected_version=expected_version,
        )
        return state.as_json()


async def set_variable(
    info: Ctx,
    type: EntityType,
    id: strawberry.ID,
    branch_id: strawberry.ID,
    name: str,
    value: JSON | None = None,
    expected_version: int | None = None,
) -> JSON:
    """Set one typed variable of a party, character, kingdom, settlement or structure."""
    etype = EntityType(type.value)
    if etype not in {
        EntityType.PARTY,
        EntityType.CHARACTER,
        EntityType.KINGDOM,
        EntityType.SETTLEMENT,
        EntityType.STRUCTURE,
    }:
        raise ValidationFailed("this entity type has no typed variables", details={"field": "type"})
    cid = await _ctx(info).campaign_of(entity_id=id)
    await _guard(info, "setVariable", cid)
    async with _ctx(info).write() as svc:
        branch = await svc.store.branch(_uuid(branch_id, "branchId"))
        current = await svc.store.require(etype, _uuid(id, "id"), branch)
        variables_now = dict(current.content.get("variables") or {})
        variables_now[name] = value
        state = await svc.update(
            etype,
            current.entity_id,
            branch.id,
            {"variables": variables_now},
            expected_version=expected_version,
        )
        return state.as_json()


async def create_upload_url(
    info: Ctx,
    entity_type: EntityType,
    entity_id: strawberry.ID,
    filename: str,
    content_type: str,
) -> UploadTicket:
    """A presigned S3 PUT URL for a map image or an attachment of an entity (or a WORLD)."""
    ctx = _ctx(info)
    if entity_type.value == "WORLD":
        async with ctx.read() as svc:
            world_row = await _owned_world(svc, entity_id, "entityId", ctx.actor_id)
        await ctx.authorize(Rule(Action.SIGNED_IN), None)
        prefix = f"worlds/{world_row.id}"
    else:
        cid = await ctx.campaign_of(entity_id=entity_id)
        await _guard(info, "createUploadUrl", cid)
        prefix = f"campaigns/{cid}/{entity_type.value.lower()}/{entity_id}"
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in filename)[:120] or "file"
    if not content_type or "/" not in content_type or len(content_type) > 200:
        raise ValidationFailed("contentType must be a MIME type", details={"field": "contentType"})
    key = f"{prefix}/{uuid.uuid4().hex}-{safe}"
    url = await ctx.resources.storage.presigned_put(key, content_type)
    return UploadTicket(url=url, key=key, method="PUT", expires_in=900)


# -- generated per-entity mutations ------------------------------------------------------------------


def _make_create(etype: EntityType) -> Any:
    input_type = CREATE_INPUTS[etype]
    output = OBJECT_TYPES[etype]

    async def resolver(info: Ctx, input: input_type) -> output:  # type: ignore[valid-type]
        ctx = _ctx(info)
        data: Any = input
        owner = getattr(data, "owner_id", None) or getattr(data, "scope_id", None)
        if data.branch_id or data.campaign_id:
            cid, branch = await _branch_for(info, data.campaign_id, data.branch_id)
        elif owner not in (None, strawberry.UNSET):
            cid, branch = await _branch_for(info, await ctx.campaign_of(entity_id=owner), None)
        else:
            raise ValidationFailed("campaignId or branchId is required", details={"field": "campaignId"})
        access = await _guard(info, f"create{type_name(etype)}", cid)
        calendar = await ctx.calendar(cid)
        fields = input_fields(etype, data, calendar)
        async with ctx.write() as svc:
            state = await svc.create(etype, branch.id, fields, at=to_seconds(data.at, calendar))
        return to_object(state, calendar, gm_view=access.gm_view)

    resolver.__name__ = f"create_{etype.value.lower()}"
    return resolver


def _make_update(etype: EntityType) -> Any:
    input_type = UPDATE_INPUTS[etype]
    output = OBJECT_TYPES[etype]

    async def resolver(
        info: Ctx,
        id: strawberry.ID,
        branch_id: strawberry.ID,
        input: input_type,  # type: ignore[valid-type]
        at: WorldTime | None = None,  # type: ignore[valid-type]
    ) -> output:  # type: ignore[valid-type]
        ctx = _ctx(info)
        cid = await ctx.campaign_of(entity_id=id)
        access = await _guard(info, f"update{type_name(etype)}", cid)
        calendar = await ctx.calendar(cid)
        fields = input_fields(etype, input, calendar)
        expected = getattr(input, "expected_version", None)
        async with ctx.write() as svc:
            if not access.gm_view:  # only PLAY-rule updates get here: a player and their own character
                await _check_own_character(svc, ctx.actor_id, _uuid(id, "id"), _uuid(branch_id, "branchId"), fields)
            state = await svc.update(
                etype,
                _uuid(id, "id"),
                _uuid(branch_id, "branchId"),
                fields,
                expected_version=expected,
                at=to_seconds(at, calendar),
            )
        return to_object(state, calendar, gm_view=access.gm_view)

    resolver.__name__ = f"update_{etype.value.lower()}"
    return resolver


async def _check_own_character(
    svc: Any, actor_id: uuid.UUID | None, character_id: uuid.UUID, branch_id: uuid.UUID, fields: dict[str, Any]
) -> None:
    """A player's update: the character must be theirs (and visible to players), the fields player-editable."""
    branch = await svc.store.branch(branch_id)
    state = await svc.store.read(EntityType.CHARACTER, character_id, branch, None)
    if state is None or state.content.get("hidden"):
        raise NotFound("entity not found", details={"entityId": str(character_id)})
    if actor_id is None or str(state.content.get("owner_user_id")) != str(actor_id):
        raise Forbidden("players may edit only their own character")
    refused = sorted(set(fields) - PLAYER_EDITABLE)
    if refused:
        raise Forbidden(
            "a player may change only name, description, level, race, class and variables",
            details={"fields": [camel(f) for f in refused]},
        )


def _make_delete_or_restore(etype: EntityType, verb: str) -> Any:
    output = OBJECT_TYPES[etype]

    async def resolver(
        info: Ctx,
        id: strawberry.ID,
        branch_id: strawberry.ID,
        at: WorldTime | None = None,  # type: ignore[valid-type]
        expected_version: int | None = None,
    ) -> output:  # type: ignore[valid-type]
        ctx = _ctx(info)
        cid = await ctx.campaign_of(entity_id=id)
        access = await _guard(info, f"{verb}{type_name(etype)}", cid)
        calendar = await ctx.calendar(cid)
        when = to_seconds(at, calendar)
        async with ctx.write() as svc:
            if verb == "delete":
                states = await svc.delete(
                    etype,
                    _uuid(id, "id"),
                    _uuid(branch_id, "branchId"),
                    expected_version=expected_version,
                    at=when,
                )
                state = states[0]
            else:
                state = await svc.restore(
                    etype,
                    _uuid(id, "id"),
                    _uuid(branch_id, "branchId"),
                    expected_version=expected_version,
                    at=when,
                )
        return to_object(state, calendar, gm_view=access.gm_view)

    resolver.__name__ = f"{verb}_{etype.value.lower()}"
    return resolver


def graphql_type(name: str, fields: dict[str, Any]) -> type:
    """A Strawberry object type whose fields are the given resolvers (used for generated root types)."""
    namespace = {key: strawberry.field(resolver=fn, name=key) for key, fn in fields.items()}
    return strawberry.type(type(name, (), namespace))


def query_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {
        "me": me,
        "worlds": worlds,
        "world": world,
        "campaigns": campaigns,
        "campaign": campaign,
        "branches": branches,
        "members": members,
        "entity": entity,
        "entityHistory": entity_history,
        "versionDiff": version_diff,
        "mapLayer": map_layer,
        "locationsNear": locations_near,
        "locationsInside": locations_inside,
        "overlappingRegions": overlapping_regions,
        "variables": variables,
        "mergePreview": merge_preview,
        "auditLog": audit_log,
        "exportAuditLog": export_audit_log,
        **rules_ops.QUERY_FIELDS,
        **world_ops.QUERY_FIELDS,
    }
    for etype in LIST_FIELDS:
        fields[LIST_FIELDS[etype]] = _make_list_resolver(etype)
    return fields


def mutation_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {
        "createWorld": create_world,
        "updateWorld": update_world,
        "createCampaign": create_campaign,
        "addMember": add_member,
        "updateMemberRole": update_member_role,
        "removeMember": remove_member,
        "advanceWorldTime": advance_world_time,
        "forkBranch": fork_branch,
        "mergeBranch": merge_branch,
        "cherryPick": cherry_pick,
        "restoreVersion": restore_version,
        "archiveEntity": archive_entity,
        "setVariable": set_variable,
        "createUploadUrl": create_upload_url,
        **rules_ops.MUTATION_FIELDS,
        **world_ops.MUTATION_FIELDS,
    }
    for etype in LIST_FIELDS:
        name = type_name(etype)
        fields[f"create{name}"] = _make_create(etype)
        fields[f"update{name}"] = _make_update(etype)
        fields[f"delete{name}"] = _make_delete_or_restore(etype, "delete")
        fields[f"restore{name}"] = _make_delete_or_restore(etype, "restore")
    return fields


def build_mutation() -> type:
    return graphql_type("Mutation", mutation_fields())


__all__ = ["RULES", "Role", "build_mutation", "graphql_type", "query_fields"]
