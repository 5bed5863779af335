"""GraphQL operations of the world clockwork: resolving events and encounters (with effect preview),
the scheduler's due work, simulating a clock advance, and the effect execution log.

`operations.py` merges `QUERY_FIELDS`, `MUTATION_FIELDS` and `RULES` from here. `processDueWork` is the
one operation the scheduler calls (with its service credential); GMs may call it too.

No `from __future__ import annotations`: Strawberry reads the resolvers' annotations as objects.
"""

import uuid
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from campaign_api import read_dependencies
from campaign_api.db.models import Branch as BranchRow
from campaign_api.db.models import DeferredEffect as DeferredRow
from campaign_api.db.models import EffectExecution as ExecutionRow
from campaign_api.domain import due_work, resolution
from campaign_api.domain.diff import diff
from campaign_api.domain.effects import EffectFailed, EffectOutcome, record_execution
from campaign_api.domain.service import DomainService
from campaign_api.errors import NotFound, ValidationFailed
from campaign_api.graphql.context import GraphQLContext, _uuid
from campaign_api.graphql.permissions import Access, Action, Rule
from campaign_api.graphql.scalars import JSON, WorldTime, WorldTimeValue, to_seconds
from campaign_api.graphql.types import FieldChange
from campaign_shared.calendar import Calendar
from campaign_shared.messages import EntityType

Ctx = Info[GraphQLContext, None]
MAX_LIST = 1000
#: expirations + deferred effects per processDueWork call (a few seconds of work), and the most a caller may ask
DEFAULT_MAX_ITEMS = 500
MAX_ITEMS = 10_000

RULES: dict[str, Rule] = {
    "resolveEvent": Rule(Action.WRITE),
    "resolveEncounter": Rule(Action.WRITE),
    "simulateTo": Rule(Action.WRITE),
    "processDueWork": Rule(Action.WRITE, service=True),
    "dueWorkStatus": Rule(Action.WRITE, service=True),
    "effectExecutions": Rule(Action.WRITE),
}


@strawberry.enum(name="WorldJobKind", description="kinds of due work, in the order they are processed")
class WorldJobKind(Enum):
    EXPIRATION = "EXPIRATION"
    DEFERRED = "DEFERRED"
    GROWTH = "GROWTH"
    MAINTENANCE = "MAINTENANCE"


@strawberry.type(description="what one effect did (or, in a dry run, would do)")
class EffectExecutionResult:
    effect_id: strawberry.ID
    success: bool
    diff: JSON | None = strawberry.field(description="RFC 6902 operations from the target's state before to after")
    error: str | None
    timing: str
    priority: int
    target_type: EntityType
    target_id: strawberry.ID
    world_time: WorldTime
    deferred_until: WorldTime | None = strawberry.field(
        description="set for an effect with a delay: recorded now, applied when the world time gets there"
    )
    version: int | None

    @classmethod
    def of(cls, outcome: EffectOutcome, calendar: Calendar) -> "EffectExecutionResult":
        return cls(
            effect_id=strawberry.ID(str(outcome.effect_id)),
            success=outcome.success,
            diff=outcome.diff,
            error=outcome.error,
            timing=outcome.timing,
            priority=outcome.priority,
            target_type=EntityType(outcome.target_type),
            target_id=strawberry.ID(str(outcome.target_id)),
            world_time=WorldTimeValue(outcome.world_time, calendar),
            deferred_until=(
                WorldTimeValue(outcome.deferred_until, calendar) if outcome.deferred_until is not None else None
            ),
            version=outcome.version,
        )


@strawberry.type
class ResolutionPayload:
    entity_type: EntityType
    entity_id: strawberry.ID
    branch_id: strawberry.ID
    status: str = strawberry.field(description="the entity's status after resolving; FAILED for a failing dry run")
    dry_run: bool
    world_time: WorldTime
    executions: list[EffectExecutionResult]


@strawberry.type(description="one change the due work made (or, simulated, would make)")
class WorldChange:
    kind: WorldJobKind
    operation: str
    entity_type: EntityType
    entity_id: strawberry.ID
    world_time: WorldTime
    world_time_seconds: float
    version: int | None
    effect_id: strawberry.ID | None
    success: bool
    error: str | None
    changes: list[FieldChange]
    before: JSON | None
    after: JSON | None

    @classmethod
    def of(cls, change: due_work.WorldChange, calendar: Calendar) -> "WorldChange":
        return cls(
            kind=WorldJobKind(change.kind),
            operation=change.operation,
            entity_type=EntityType(change.entity_type),
            entity_id=strawberry.ID(str(change.entity_id)),
            world_time=WorldTimeValue(change.world_time, calendar),
            world_time_seconds=float(change.world_time),
            version=change.version,
            effect_id=strawberry.ID(str(change.effect_id)) if change.effect_id else None,
            success=change.success,
            error=change.error,
            changes=[FieldChange.of(c) for c in diff(change.before or {}, change.after or {})],
            before=change.before,
            after=change.after,
        )


@strawberry.type
class DueWorkSpan:
    kind: WorldJobKind
    from_time: WorldTime = strawberry.field(name="from")
    to: WorldTime
    from_seconds: float
    to_seconds: float


@strawberry.type
class DueWorkResult:
    branch_id: strawberry.ID
    processed_to: WorldTime
    processed_to_seconds: float
    spans: list[DueWorkSpan] = strawberry.field(description="the kinds that had work to do, and their spans")
    change_count: int
    changes: list[WorldChange]


@strawberry.type
class Watermark:
    kind: WorldJobKind
    processed_to: WorldTime
    processed_to_seconds: float


@strawberry.type
class PendingDeferredEffect:
    id: strawberry.ID
    effect_id: strawberry.ID
    owner_type: EntityType
    owner_id: strawberry.ID
    resolved_at: WorldTime
    due_at: WorldTime
    inherited: bool


@strawberry.type
class DueWorkStatus:
    branch_id: strawberry.ID
    world_time: WorldTime
    watermarks: list[Watermark]
    pending_deferred: list[PendingDeferredEffect]


@strawberry.type
class EffectExecutionRecord:
    id: strawberry.ID
    effect_id: strawberry.ID
    branch_id: strawberry.ID
    target_type: EntityType
    target_id: strawberry.ID
    world_time: WorldTime
    executed_by: strawberry.ID | None
    diff: JSON | None
    success: bool
    error: str | None
    dry_run: bool
    recorded_at: datetime


# -- helpers ----------------------------------------------------------------------------------------


async def _guard(info: Ctx, name: str, campaign_id: uuid.UUID | None) -> Access:
    return await info.context.authorize(RULES[name], campaign_id)


async def _branch(info: Ctx, campaign_id: uuid.UUID, branch_id: Any) -> BranchRow:
    """The addressed branch of the campaign (default: its main branch)."""
    async with info.context.read() as svc:
        if branch_id:
            branch = await svc.store.branch(_uuid(branch_id, "branchId"))
            if branch.campaign_id != campaign_id:
                raise ValidationFailed("branchId belongs to another campaign", details={"field": "branchId"})
            return branch
        main = await svc.session.scalar(
            select(BranchRow).where(
                BranchRow.campaign_id == campaign_id, BranchRow.parent_id.is_(None), BranchRow.deleted_at.is_(None)
            )
        )
    if main is None:
        raise NotFound("campaign has no main branch")
    return main


# -- resolution -------------------------------------------------------------------------------------


async def _resolve(
    info: Ctx, name: str, etype: EntityType, id: Any, branch_id: Any, dry_run: bool
) -> ResolutionPayload:
    ctx = info.context
    cid = await ctx.campaign_of(entity_id=id)
    await _guard(info, name, cid)
    branch = await _branch(info, cid, branch_id)
    calendar = await ctx.calendar(cid)
    entity_id = _uuid(id, "id")
    rules = ctx.resources.rules
    if dry_run:
        async with ctx.read() as svc:  # the session is never committed, and resolve() rolls its savepoint back
            result = await resolution.resolve(svc, etype, entity_id, branch.id, dry_run=True, rules_client=rules)
    else:
        try:
            async with ctx.write() as svc:
                result = await resolution.resolve(svc, etype, entity_id, branch.id, rules_client=rules)
        except EffectFailed as exc:
            # the resolution rolled back as a whole; the failed attempt stays in the execution log
            async with ctx.write() as svc:
                record_execution(svc, await svc.store.branch(branch.id), exc.outcome, dry_run=False)
            raise
    return ResolutionPayload(
        entity_type=etype,
        entity_id=strawberry.ID(str(entity_id)),
        branch_id=strawberry.ID(str(branch.id)),
        status=result.status,
        dry_run=result.dry_run,
        world_time=WorldTimeValue(result.world_time, calendar),
        executions=[EffectExecutionResult.of(e, calendar) for e in result.executions],
    )


async def resolve_event(
    info: Ctx, id: strawberry.ID, branch_id: strawberry.ID | None = None, dry_run: bool = False
) -> ResolutionPayload:
    """Resolve an event at the branch's world time: PRE effects, status COMPLETED, ON_RESOLVE, POST."""
    return await _resolve(info, "resolveEvent", EntityType.EVENT, id, branch_id, dry_run)


async def resolve_encounter(
    info: Ctx, id: strawberry.ID, branch_id: strawberry.ID | None = None, dry_run: bool = False
) -> ResolutionPayload:
    """Resolve an encounter at the branch's world time: PRE effects, status RESOLVED, ON_RESOLVE, POST."""
    return await _resolve(info, "resolveEncounter", EntityType.ENCOUNTER, id, branch_id, dry_run)


# -- due work ---------------------------------------------------------------------------------------


def _kinds(kinds: list[WorldJobKind] | None) -> list[str] | None:
    return [k.value for k in kinds] if kinds else None


def _result(report: due_work.DueWorkReport, calendar: Calendar) -> DueWorkResult:
    return DueWorkResult(
        branch_id=strawberry.ID(str(report.branch_id)),
        processed_to=WorldTimeValue(report.up_to, calendar),
        processed_to_seconds=float(report.up_to),
        spans=[
            DueWorkSpan(
                kind=WorldJobKind(kind),
                from_time=WorldTimeValue(start, calendar),
                to=WorldTimeValue(end, calendar),
                from_seconds=float(start),
                to_seconds=float(end),
            )
            for kind, (start, end) in report.spans.items()
        ],
        change_count=len(report.changes),
        changes=[WorldChange.of(c, calendar) for c in report.changes],
    )


async def process_due_work(
    info: Ctx,
    branch_id: strawberry.ID,
    up_to: WorldTime | None = None,
    kinds: list[WorldJobKind] | None = None,
    max_items: int = DEFAULT_MAX_ITEMS,
) -> DueWorkResult:
    """Do a branch's due work from its watermarks up to `upTo` (default and at most: the branch's clock).

    Exactly once: a span already covered changes nothing. A span with more than `maxItems` expirations
    and deferred effects is done in parts: `processedTo` says how far this call got (call again). The
    scheduler calls this."""
    ctx = info.context
    cid = await ctx.campaign_of(branch_id=branch_id)
    await _guard(info, "processDueWork", cid)
    if not 1 <= max_items <= MAX_ITEMS:
        raise ValidationFailed(f"maxItems must be between 1 and {MAX_ITEMS}", details={"field": "maxItems"})
    calendar = await ctx.calendar(cid)
    async with ctx.write() as svc:
        report = await due_work.process_due_work(
            svc, _uuid(branch_id, "branchId"), to_seconds(up_to, calendar), _kinds(kinds), max_items=max_items
        )
    return _result(report, calendar)


async def simulate_to(info: Ctx, branch_id: strawberry.ID, to: WorldTime) -> list[WorldChange]:
    """What advancing the branch's clock to `to` would change (expirations, deferred effects, growth,
    maintenance) — computed exactly as the advance's due work does, then rolled back: nothing is written."""
    ctx = info.context
    cid = await ctx.campaign_of(branch_id=branch_id)
    await _guard(info, "simulateTo", cid)
    calendar = await ctx.calendar(cid)
    target = to_seconds(to, calendar)
    assert target is not None
    async with ctx.resources.sessions() as session:
        transaction = await session.begin()
        try:
            report = await due_work.simulate_to(
                DomainService(session, ctx.actor_id), _uuid(branch_id, "branchId"), target
            )
        finally:
            await transaction.rollback()
    return [WorldChange.of(c, calendar) for c in report.changes]


async def due_work_status(info: Ctx, branch_id: strawberry.ID) -> DueWorkStatus:
    """A branch's watermarks (how far each kind of due work is done) and its pending deferred effects."""
    ctx = info.context
    cid = await ctx.campaign_of(branch_id=branch_id)
    await _guard(info, "dueWorkStatus", cid)
    read_dependencies.forbid()  # job progress changes without a committed campaign change
    calendar = await ctx.calendar(cid)
    bid = _uuid(branch_id, "branchId")
    async with ctx.read() as svc:
        branch = await svc.store.branch(bid)
        marks = await due_work.watermarks(svc, bid)
        pending = list(
            await svc.session.scalars(
                select(DeferredRow)
                .where(DeferredRow.branch_id == bid, DeferredRow.applied_at.is_(None))
                .order_by(DeferredRow.due_at, DeferredRow.id)
                .limit(MAX_LIST)
            )
        )
    return DueWorkStatus(
        branch_id=strawberry.ID(str(bid)),
        world_time=WorldTimeValue(branch.world_time, calendar),
        watermarks=[
            Watermark(
                kind=WorldJobKind(kind),
                processed_to=WorldTimeValue(marks.get(kind, branch.fork_time), calendar),
                processed_to_seconds=float(marks.get(kind, branch.fork_time)),
            )
            for kind in due_work.KINDS
        ],
        pending_deferred=[
            PendingDeferredEffect(
                id=strawberry.ID(str(row.id)),
                effect_id=strawberry.ID(str(row.effect_id)),
                owner_type=EntityType(row.owner_type),
                owner_id=strawberry.ID(str(row.owner_id)),
                resolved_at=WorldTimeValue(row.resolved_at, calendar),
                due_at=WorldTimeValue(row.due_at, calendar),
                inherited=row.inherited_from is not None,
            )
            for row in pending
        ],
    )


# -- execution log ----------------------------------------------------------------------------------


async def effect_executions(
    info: Ctx,
    campaign_id: strawberry.ID,
    branch_id: strawberry.ID | None = None,
    effect_id: strawberry.ID | None = None,
    target_id: strawberry.ID | None = None,
    success: bool | None = None,
    dry_run: bool | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[EffectExecutionRecord]:
    """The effect execution log of a campaign, newest first."""
    ctx = info.context
    cid = await ctx.campaign_of(campaign_id=campaign_id)
    await _guard(info, "effectExecutions", cid)
    calendar = await ctx.calendar(cid)
    if limit is not None and not 0 < limit <= MAX_LIST:
        raise ValidationFailed(f"limit must be between 1 and {MAX_LIST}", details={"field": "limit"})
    if offset < 0:
        raise ValidationFailed("offset must not be negative", details={"field": "offset"})
    query = select(ExecutionRow).where(ExecutionRow.campaign_id == cid)
    if branch_id:
        query = query.where(ExecutionRow.branch_id == _uuid(branch_id, "branchId"))
    if effect_id:
        query = query.where(ExecutionRow.effect_id == _uuid(effect_id, "effectId"))
    if target_id:
        query = query.where(ExecutionRow.target_id == _uuid(target_id, "targetId"))
    if success is not None:
        query = query.where(ExecutionRow.success.is_(success))
    if dry_run is not None:
        query = query.where(ExecutionRow.dry_run.is_(dry_run))
    query = (
        query.order_by(ExecutionRow.recorded_at.desc(), ExecutionRow.id.desc()).offset(offset).limit(limit or MAX_LIST)
    )
    async with ctx.read() as svc:
        rows = list(await svc.session.scalars(query))
    return [
        EffectExecutionRecord(
            id=strawberry.ID(str(r.id)),
            effect_id=strawberry.ID(str(r.effect_id)),
            branch_id=strawberry.ID(str(r.branch_id)),
            target_type=EntityType(r.target_type),
            target_id=strawberry.ID(str(r.target_id)),
            world_time=WorldTimeValue(r.world_time, calendar),
            executed_by=strawberry.ID(str(r.executed_by)) if r.executed_by else None,
            diff=r.diff,
            success=r.success,
            error=r.error,
            dry_run=r.dry_run,
            recorded_at=r.recorded_at,
        )
        for r in rows
    ]


QUERY_FIELDS: dict[str, Any] = {
    "simulateTo": simulate_to,
    "dueWorkStatus": due_work_status,
    "effectExecutions": effect_executions,
}
MUTATION_FIELDS: dict[str, Any] = {
    "resolveEvent": resolve_event,
    "resolveEncounter": resolve_encounter,
    "processDueWork": process_due_work,
}
