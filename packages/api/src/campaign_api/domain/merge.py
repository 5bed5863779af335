"""Merging branches and cherry-picking versions, with per-field three-way conflict detection.

Preview and execution share `plan_merge`, so they always look at exactly the same entities. The merge
writes every change on the target branch inside the caller's transaction: all or nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select

from campaign_api.db.models import Branch, MergeRecord
from campaign_api.domain.diff import ABSENT, Change, diff, get_path, merge3, plain, same, set_path
from campaign_api.domain.registry import SPECS, spec_for
from campaign_api.domain.service import DomainService
from campaign_api.domain.store import EntityState
from campaign_api.domain.validation import validate_content
from campaign_api.errors import ValidationFailed
from campaign_shared.messages import EntityType

WHOLE = ""  # the path of a whole-entity conflict (modified on one side, deleted on the other)


@dataclass(frozen=True)
class MergeConflict:
    entity_type: EntityType
    entity_id: uuid.UUID
    path: str
    base: Any
    ours: Any
    theirs: Any

    def as_json(self) -> dict[str, Any]:
        return {
            "entityType": self.entity_type.value,
            "entityId": str(self.entity_id),
            "path": self.path,
            "base": plain(self.base),
            "ours": plain(self.ours),
            "theirs": plain(self.theirs),
        }


@dataclass
class EntityPlan:
    entity_type: EntityType
    entity_id: uuid.UUID
    action: str  # CREATE | UPDATE | DELETE | NONE
    base: dict[str, Any] | None
    ours: EntityState | None
    merged: dict[str, Any] | None  # the automatic result (None = deleted)
    changes: list[Change] = field(default_factory=list)
    conflicts: list[MergeConflict] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "entityType": self.entity_type.value,
            "entityId": str(self.entity_id),
            "action": self.action,
            "changes": [c.as_json() for c in self.changes],
        }


@dataclass
class MergePlan:
    source: Branch
    target: Branch
    at: int
    entities: list[EntityPlan]

    @property
    def conflicts(self) -> list[MergeConflict]:
        return [c for e in self.entities for c in e.conflicts]

    @property
    def changes(self) -> list[EntityPlan]:
        return [e for e in self.entities if e.action != "NONE" or e.conflicts]


def _content(state: EntityState | None) -> dict[str, Any] | None:
    return None if state is None or state.deleted else state.content


def _plan_entity(
    etype: EntityType,
    entity_id: uuid.UUID,
    base: dict[str, Any] | None,
    ours_state: EntityState | None,
    theirs: dict[str, Any] | None,
) -> EntityPlan:
    ours = _content(ours_state)
    plan = EntityPlan(etype, entity_id, "NONE", base, ours_state, ours)
    if theirs is None and base is None:
        return plan  # never existed on the source side
    if base is None and ours is None:  # created on the source
        plan.action, plan.merged, plan.changes = "CREATE", theirs, diff({}, theirs or {})
        return plan
    if theirs is None:  # deleted on the source
        if base is None or ours is None:
            return plan
        if same(ours, base):
            plan.action, plan.merged, plan.changes = "DELETE", None, diff(ours, {})
        else:
            plan.conflicts.append(MergeConflict(etype, entity_id, WHOLE, base, ours, None))
        return plan
    if ours is None:  # deleted (or never created) on the target
        if base is not None and not same(theirs, base):
            plan.conflicts.append(MergeConflict(etype, entity_id, WHOLE, base, None, theirs))
        elif base is None:
            plan.action, plan.merged, plan.changes = "CREATE", theirs, diff({}, theirs)
        return plan
    outcome = merge3(base or {}, ours, theirs)
    plan.merged = outcome.merged
    plan.changes = outcome.applied
    plan.action = "UPDATE" if outcome.applied else "NONE"
    plan.conflicts = [MergeConflict(etype, entity_id, c.path, c.base, c.ours, c.theirs) for c in outcome.conflicts]
    return plan


async def _candidates(service: DomainService, source: Branch, target: Branch) -> dict[EntityType, set[uuid.UUID]]:
    """Entities with a version written on either side since the common base."""
    tree = await service.store.tree(source.campaign_id)
    ancestor, base_time = tree.common_ancestor(source.id, target.id)
    sides = set(tree.path_below(source.id, ancestor.id)) | set(tree.path_below(target.id, ancestor.id))
    found: dict[EntityType, set[uuid.UUID]] = {}
    for etype, spec in SPECS.items():
        model = spec.model
        rows = await service.session.scalars(
            select(model.entity_id)
            .where(
                model.campaign_id == source.campaign_id,
                or_(
                    model.branch_id.in_(sides) if sides else False,
                    (model.branch_id == ancestor.id) & (model.valid_from > base_time),
                ),
            )
            .distinct()
        )
        ids = set(rows)
        if ids:
            found[etype] = ids
    return found


async def plan_merge(service: DomainService, source_id: uuid.UUID, target_id: uuid.UUID) -> MergePlan:
    store = service.store
    source, target = await store.branch(source_id), await store.branch(target_id)
    if source.campaign_id != target.campaign_id:
        raise ValidationFailed("branches belong to different campaigns", details={"field": "targetBranchId"})
    if source.id == target.id:
        raise ValidationFailed("a branch cannot be merged into itself", details={"field": "targetBranchId"})
    tree = await store.tree(source.campaign_id, refresh=True)
    ancestor, base_time = tree.common_ancestor(source.id, target.id)
    plans: list[EntityPlan] = []
    for etype, ids in (await _candidates(service, source, target)).items():
        id_list = sorted(ids)
        base = {
            s.entity_id: s
            for s in await store.read_many(
                etype, ancestor, base_time, entity_ids=id_list, include_deleted=True, include_archived=True
            )
        }
        ours = {
            s.entity_id: s
            for s in await store.read_many(
                etype,
                target,
                target.world_time,
                entity_ids=id_list,
                include_deleted=True,
                include_archived=True,
            )
        }
        theirs = {
            s.entity_id: s
            for s in await store.read_many(
                etype,
                source,
                source.world_time,
                entity_ids=id_list,
                include_deleted=True,
                include_archived=True,
            )
        }
        for entity_id in id_list:
            plans.append(
                _plan_entity(
                    etype,
                    entity_id,
                    _content(base.get(entity_id)),
                    ours.get(entity_id),
                    _content(theirs.get(entity_id)),
                )
            )
    return MergePlan(source, target, target.world_time, plans)


def _resolution_map(resolutions: list[dict[str, Any]]) -> dict[tuple[str, str, str], Any]:
    result = {}
    for index, item in enumerate(resolutions):
        try:
            key = (
                EntityType(item["entityType"]).value,
                str(uuid.UUID(str(item["entityId"]))),
                str(item["path"]),
            )
        except (KeyError, ValueError):
            raise ValidationFailed(
                "each resolution needs entityType, entityId, path and value",
                details={"field": f"resolutions[{index}]"},
            ) from None
        result[key] = item.get("value")
    return result


def _resolved_content(plan: EntityPlan, chosen: dict[tuple[str, str, str], Any]) -> tuple[str, dict[str, Any] | None]:
    """The automatic merge with each resolution applied on top."""
    merged = plan.merged
    action = plan.action
    for conflict in plan.conflicts:
        value = chosen[(conflict.entity_type.value, str(conflict.entity_id), conflict.path)]
        if conflict.path == WHOLE:
            if value is None:
                return ("DELETE" if plan.ours is not None and not plan.ours.deleted else "NONE"), None
            merged = dict(value) if isinstance(value, dict) else None
            if merged is None:
                raise ValidationFailed(
                    "a whole-entity resolution is an object (keep) or null (delete)",
                    details={"entityId": str(conflict.entity_id)},
                )
            action = "UPDATE" if plan.ours is not None and not plan.ours.deleted else "CREATE"
        else:
            merged = set_path(merged or {}, conflict.path, value)
            action = "UPDATE" if action == "NONE" else action
    return action, merged


async def apply_plan(
    service: DomainService, plan: MergePlan, resolutions: list[dict[str, Any]], *, operation: str
) -> list[EntityState]:
    chosen = _resolution_map(resolutions)
    missing = [c.as_json() for c in plan.conflicts if (c.entity_type.value, str(c.entity_id), c.path) not in chosen]
    if missing:
        raise ValidationFailed(f"{len(missing)} conflict(s) need a resolution", details={"unresolved": missing})
    target, at = plan.target, plan.at
    written: list[EntityState] = []
    for entity in plan.entities:
        action, content = _resolved_content(entity, chosen) if entity.conflicts else (entity.action, entity.merged)
        if action == "NONE":
            continue
        spec = spec_for(entity.entity_type)
        if action == "DELETE":
            written.extend(await service.delete(entity.entity_type, entity.entity_id, target.id, at=at))
            continue
        assert content is not None
        content = await validate_content(service.store, spec, dict(content), target, at)
        previous = await service.store.read(entity.entity_type, entity.entity_id, target, at, include_deleted=True)
        if previous is not None and not previous.deleted and same(previous.content, content):
            continue
        written.append(
            await service._write(
                entity.entity_type, entity.entity_id, target, at, content, operation, previous=previous
            )
        )
    return written


async def merge_branches(
    service: DomainService, source_id: uuid.UUID, target_id: uuid.UUID, resolutions: list[dict[str, Any]]
) -> tuple[MergePlan, list[EntityState]]:
    plan = await plan_merge(service, source_id, target_id)
    written = await apply_plan(service, plan, resolutions, operation="MERGE")
    service.session.add(
        MergeRecord(
            campaign_id=plan.target.campaign_id,
            source_branch_id=plan.source.id,
            target_branch_id=plan.target.id,
            world_time=plan.at,
            actor_id=service.actor_id,
            kind="MERGE",
            changes=[e.as_json() for e in plan.changes],
            resolutions=resolutions,
        )
    )
    service.audit(
        plan.target.campaign_id,
        "MERGE",
        EntityType.BRANCH.value,
        plan.target.id,
        branch_id=plan.target.id,
        world_time=plan.at,
        after={"sourceBranchId": str(plan.source.id), "entities": len(written)},
    )
    return plan, written


async def plan_cherry_pick(service: DomainService, version_id: uuid.UUID, target_id: uuid.UUID) -> MergePlan:
    """One version's change (against the version before it on its own branch) as a plan for the target."""
    store = service.store
    spec, row = await store.version_row(version_id)
    target = await store.branch(target_id)
    if row.campaign_id != target.campaign_id:
        raise ValidationFailed("the version belongs to another campaign", details={"field": "targetBranchId"})
    source = await store.branch(row.branch_id)
    versions = await store.history(spec.type, row.entity_id, source)
    picked = next(v for v in versions if v.version_id == row.id)
    earlier = [v for v in versions if v.version < picked.version]
    before = _content(earlier[-1]) if earlier else None
    after = _content(picked)
    ours = await store.read(spec.type, row.entity_id, target, include_deleted=True)
    plan = _plan_entity(spec.type, row.entity_id, before, ours, after)
    return MergePlan(source, target, target.world_time, [plan])


async def cherry_pick(
    service: DomainService, version_id: uuid.UUID, target_id: uuid.UUID, resolutions: list[dict[str, Any]]
) -> tuple[MergePlan, list[EntityState]]:
    plan = await plan_cherry_pick(service, version_id, target_id)
    written = await apply_plan(service, plan, resolutions, operation="CHERRY_PICK")
    service.session.add(
        MergeRecord(
            campaign_id=plan.target.campaign_id,
            source_branch_id=plan.source.id,
            target_branch_id=plan.target.id,
            world_time=plan.at,
            actor_id=service.actor_id,
            kind="CHERRY_PICK",
            changes=[e.as_json() for e in plan.changes],
            resolutions=resolutions,
        )
    )
    return plan, written


__all__ = [
    "ABSENT",
    "MergeConflict",
    "MergePlan",
    "cherry_pick",
    "get_path",
    "merge_branches",
    "plan_cherry_pick",
    "plan_merge",
]
