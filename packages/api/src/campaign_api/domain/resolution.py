"""Resolving an event or encounter: gate checks, then its effects, in one transaction.

`resolve()` refuses (VALIDATION_FAILED) when the entity's `available` condition is false or one of its
PREREQUISITE links comes from an event/encounter that is not resolved, and (CONFLICT) when a BLOCKS link
comes from one that is, or when the entity is already resolved, expired or cancelled; the error says which
link and which entity. Otherwise, at the branch's current world time: PRE effects, the entity's own status
change (event → COMPLETED with `occurred_at`, encounter → RESOLVED with `resolved_at`), ON_RESOLVE effects,
POST effects. Effects with a delay are not applied now: they are recorded in `deferred_effects`, due at
resolve time + delay, and applied by the branch's due work (`domain.due_work`).

A dry run does all of it inside a SAVEPOINT that is rolled back, so the diffs are exactly what a real
resolution would write, and nothing is written: no version, no audit row, no execution row, no deferred
row, no message. (Dry runs are not logged.)
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert

from campaign_api.db.models import Branch, DeferredEffect
from campaign_api.domain.effects import (
    PHASES,
    EffectFailed,
    EffectOutcome,
    apply_effect,
    is_deferred,
    order_key,
    owned_effects,
)
from campaign_api.domain.service import DomainService
from campaign_api.domain.store import EntityState
from campaign_api.errors import Conflict, ValidationFailed
from campaign_shared.messages import EntityType

RESOLVED_STATUS = {EntityType.EVENT: "COMPLETED", EntityType.ENCOUNTER: "RESOLVED"}
RESOLVED_TIME_FIELD = {EntityType.EVENT: "occurred_at", EntityType.ENCOUNTER: "resolved_at"}
#: statuses from which an entity can no longer be resolved
FINAL_STATUSES = {
    EntityType.EVENT: frozenset({"COMPLETED", "EXPIRED", "CANCELLED"}),
    EntityType.ENCOUNTER: frozenset({"RESOLVED", "EXPIRED"}),
}


@dataclass
class ResolutionResult:
    entity_type: EntityType
    entity_id: uuid.UUID
    branch_id: uuid.UUID
    world_time: int
    status: str
    dry_run: bool
    executions: list[EffectOutcome] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "entityType": self.entity_type.value,
            "entityId": str(self.entity_id),
            "branchId": str(self.branch_id),
            "worldTime": self.world_time,
            "status": self.status,
            "dryRun": self.dry_run,
            "executions": [e.as_json() for e in self.executions],
        }


def is_resolved(state: EntityState | None) -> bool:
    """An event is resolved once COMPLETED, an encounter once RESOLVED."""
    if state is None:
        return False
    status = state.content.get("status")
    return status == RESOLVED_STATUS.get(state.entity_type)


def _label(state: EntityState | None, entity_type: str, entity_id: Any) -> dict[str, Any]:
    return {
        "entityType": entity_type,
        "entityId": str(entity_id),
        "name": state.content.get("name") if state is not None else None,
        "status": state.content.get("status") if state is not None else None,
    }


async def check_links(
    svc: DomainService, branch: Branch, entity_type: EntityType, entity_id: uuid.UUID, at: int
) -> None:
    """PREREQUISITE sources must be resolved, BLOCKS sources must not be (links into this entity)."""
    links = await svc.store.read_many(
        EntityType.LINK,
        branch,
        at,
        where=[
            lambda row: row.target_id == entity_id,
            lambda row: row.kind.in_(("PREREQUISITE", "BLOCKS")),
        ],
    )
    unresolved: list[dict[str, Any]] = []
    blocking: list[dict[str, Any]] = []
    for link in links:
        source_type = link.content["source_type"]
        if source_type not in (EntityType.EVENT.value, EntityType.ENCOUNTER.value):
            continue  # only events and encounters can be resolved
        source_id = uuid.UUID(str(link.content["source_id"]))
        source = await svc.store.read(source_type, source_id, branch, at)
        entry = {
            "linkId": str(link.entity_id),
            "kind": link.content["kind"],
            "source": _label(source, source_type, source_id),
        }
        if link.content["kind"] == "PREREQUISITE" and not is_resolved(source):
            unresolved.append(entry)
        elif link.content["kind"] == "BLOCKS" and is_resolved(source):
            blocking.append(entry)
    if unresolved:
        names = ", ".join(
            f"{u['source']['entityType'].lower()} {u['source']['name'] or u['source']['entityId']!r}"
            for u in unresolved
        )
        raise ValidationFailed(
            f"a prerequisite is not resolved yet: {names} (link {unresolved[0]['linkId']})",
            details={"reason": "PREREQUISITE_UNRESOLVED", "field": "links", "links": unresolved},
        )
    if blocking:
        names = ", ".join(
            f"{b['source']['entityType'].lower()} {b['source']['name'] or b['source']['entityId']!r}" for b in blocking
        )
        raise Conflict(
            f"blocked by a resolved {names} (link {blocking[0]['linkId']})",
            details={"reason": "BLOCKED", "field": "links", "links": blocking},
        )


async def check_available(
    svc: DomainService,
    branch: Branch,
    entity_type: EntityType,
    entity_id: uuid.UUID,
    at: int,
    rules_client: Any = None,
) -> None:
    """The `available` field of the entity's conditions must not be false (no condition: available)."""
    from campaign_api.rules.evaluate import evaluate_fields

    results = await evaluate_fields(
        svc, branch, entity_type, entity_id, at, "available", explain=True, rules_client=rules_client
    )
    for result in results:
        if result.field == "available" and not result.value:
            raise ValidationFailed(
                f"the {entity_type.value.lower()} is not available: its `available` condition is false",
                details={
                    "reason": "UNAVAILABLE",
                    "field": "available",
                    "conditionIds": list(result.condition_ids),
                    "errors": list(result.errors),
                    "source": result.source,
                    "trace": result.trace,
                },
            )


async def record_deferred(
    svc: DomainService,
    branch: Branch,
    effect: EntityState,
    owner_type: str,
    owner_id: uuid.UUID,
    resolved_at: int,
) -> EffectOutcome:
    """Record a delayed effect as due at resolve time + delay (applied later by the due work)."""
    due = resolved_at + int(effect.content["delay_seconds"])
    await svc.session.execute(
        pg_insert(DeferredEffect)
        .values(
            id=uuid.uuid4(),
            campaign_id=branch.campaign_id,
            branch_id=branch.id,
            effect_id=effect.entity_id,
            owner_type=owner_type,
            owner_id=owner_id,
            resolved_at=resolved_at,
            due_at=due,
            created_by=svc.actor_id,
        )
        .on_conflict_do_nothing(constraint="uq_deferred_effects_branch_effect_resolved")
    )
    content = effect.content
    return EffectOutcome(
        effect_id=effect.entity_id,
        timing=content.get("timing") or "ON_RESOLVE",
        priority=int(content.get("priority") or 0),
        target_type=str(content["target_type"]),
        target_id=uuid.UUID(str(content["target_id"])),
        world_time=resolved_at,
        success=True,
        deferred_until=due,
    )


async def resolve(
    svc: DomainService,
    entity_type: EntityType | str,
    entity_id: uuid.UUID,
    branch_id: uuid.UUID,
    *,
    dry_run: bool = False,
    rules_client: Any = None,
) -> ResolutionResult:
    """Resolve an event or encounter at its branch's current world time (see the module docs)."""
    etype = EntityType(entity_type)
    if etype not in RESOLVED_STATUS:
        raise ValidationFailed("only events and encounters can be resolved", details={"field": "entityType"})
    branch = await svc.store.branch(branch_id)
    at = branch.world_time
    state = await svc.store.require(etype, entity_id, branch, at)
    status = state.content.get("status")
    if status in FINAL_STATUSES[etype]:
        verb = "already resolved" if status == RESOLVED_STATUS[etype] else f"{str(status).lower()}"
        raise Conflict(
            f"the {etype.value.lower()} is {verb}",
            details={"reason": "ALREADY_RESOLVED" if status == RESOLVED_STATUS[etype] else "FINAL", "status": status},
        )
    await check_available(svc, branch, etype, entity_id, at, rules_client)
    await check_links(svc, branch, etype, entity_id, at)

    effects = await owned_effects(svc, branch, etype.value, [entity_id], at, PHASES)
    immediate = [e for e in effects if not is_deferred(e)]
    deferred = [e for e in effects if is_deferred(e)]
    result = ResolutionResult(etype, entity_id, branch.id, at, RESOLVED_STATUS[etype], dry_run)

    savepoint = await svc.session.begin_nested() if dry_run else None
    outbox_mark = len(svc.outbox)
    try:
        for effect in sorted(immediate, key=order_key):
            if effect.content.get("timing") != "PRE":
                continue
            result.executions.append(await apply_effect(svc, branch, effect, at, record=not dry_run))
        await svc.update(
            etype,
            entity_id,
            branch.id,
            {"status": RESOLVED_STATUS[etype], RESOLVED_TIME_FIELD[etype]: at},
            expected_version=None,
            at=at,
            operation="RESOLVE",
        )
        for effect in sorted(immediate, key=order_key):
            if effect.content.get("timing") == "PRE":
                continue
            result.executions.append(await apply_effect(svc, branch, effect, at, record=not dry_run))
        for effect in sorted(deferred, key=order_key):
            result.executions.append(await record_deferred(svc, branch, effect, etype.value, entity_id, at))
    except EffectFailed as exc:
        if not dry_run:
            raise
        result.executions.append(exc.outcome)
        result.status = "FAILED"
    finally:
        if savepoint is not None:
            await savepoint.rollback()
            del svc.outbox[outbox_mark:]
    return result
