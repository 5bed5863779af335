"""The due work of a branch over a world-time span: expirations, deferred effects, growth, maintenance.

Every change is a normal write through `DomainService.update` (validated, versioned, audited, announced
after commit), in the caller's transaction, at the world time the change happens.

Exactly once
    Each (branch, kind) has a watermark: the world time up to which that kind of work is done (it starts
    at the branch's fork time). `process_due_work` locks the watermark rows of the kinds it runs
    (`SELECT … FOR UPDATE`, always in the same order), does the work of `(watermark, to]`, and advances
    the watermarks with a conditional update (`… WHERE processed_to = <what we read>`) in the same
    transaction. A second processor of the same span waits for the lock and then finds nothing to do;
    a span already covered changes nothing.

Kinds and their order
    EXPIRATION, DEFERRED, GROWTH, MAINTENANCE, each with its own watermark and its own jobs. They touch
    the same entities (an ON_EXPIRE effect may pay into the treasury that upkeep is paid from), so a
    request for any kind brings every kind up to the same time, in one pass in world-time order:
    expirations, deferred effects and month starts interleaved as they happen (an ON_EXPIRE effect with a
    delay that falls due inside the span is applied in the same pass). The result therefore never
    depends on which job runs first, and `simulate_to` computes exactly what the advance will do.

World time of a change
    An expiring event becomes EXPIRED at its `expires_at`, a deferred effect applies at its `due_at`,
    growth and upkeep are booked at each world-month start. Entities are read as of the span end and a
    change is written at `max(its time, the start of the version read)`: a version written later than the
    item's time (a late edit) is never hidden behind the change, and is never lost either.

Failures
    An ON_EXPIRE or deferred effect that fails does not stop the branch's clockwork: its writes are rolled
    back (SAVEPOINT), an execution row records the error, a deferred row is marked FAILED, and the rest
    of the span is processed.

Growth and maintenance rules (data-driven)
    `DEFAULT_RULES` below, overridden per campaign (and per branch, since state variables are versioned)
    by a CAMPAIGN-scope state variable named `world_rules` (type JSON) holding any subset of the same
    keys. The defaults are documented in docs/world-time.md.
"""

from __future__ import annotations

import contextlib
import copy
import heapq
import itertools
import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from uuid_utils.compat import uuid7

from campaign_api.db.models import (
    WORLD_JOB_KINDS,
    Branch,
    Campaign,
    DeferredEffect,
    World,
    WorldJobWatermark,
)
from campaign_api.domain.diff import diff
from campaign_api.domain.effects import (
    EffectFailed,
    EffectOutcome,
    apply_effect,
    is_deferred,
    order_key,
    owned_effects,
    record_execution,
)
from campaign_api.domain.resolution import record_deferred
from campaign_api.domain.service import DomainService
from campaign_api.domain.store import EntityState
from campaign_api.errors import Conflict, ValidationFailed
from campaign_shared import jsonlogic
from campaign_shared.calendar import Calendar, add, to_date, to_seconds
from campaign_shared.messages import EntityType

KINDS: tuple[str, ...] = WORLD_JOB_KINDS
#: what a requested kind also processes: everything, in one chronological pass (see "Kinds" above)
IMPLIED: dict[str, tuple[str, ...]] = dict.fromkeys(KINDS, KINDS)
FINAL_EVENT_STATUSES = ("COMPLETED", "CANCELLED", "EXPIRED")
MAX_POPULATION = 2**31 - 1
RULES_VARIABLE = "world_rules"

DEFAULT_RULES: dict[str, Any] = {
    "growth": {
        "enabled": True,
        # fraction of the population added per world day, by settlement level (compounded daily,
        # booked at each world-month start for the days of the month that ended)
        "ratePerDayByLevel": {
            "1": 0.0010,
            "2": 0.0009,
            "3": 0.0008,
            "4": 0.0007,
            "5": 0.0006,
            "6": 0.0005,
            "7": 0.0004,
            "8": 0.0003,
            "9": 0.0002,
            "10": 0.0001,
        },
        # population at which a settlement reaches a level (level-ups only; never down)
        "levelThresholds": {
            "2": 500,
            "3": 1000,
            "4": 2500,
            "5": 5000,
            "6": 10000,
            "7": 25000,
            "8": 50000,
            "9": 100000,
            "10": 250000,
        },
        "maxLevel": 10,
        # optional JSON Logic formula: the population after one day, from
        # {population, level, rate, variables}; null = population * (1 + rate)
        "populationFormula": None,
        # treasury income per inhabitant per world day (settlements that declare the treasury variable)
        "incomePerCapitaPerDay": 0.01,
        "treasuryVariable": "treasury",
        # a settlement variable (number) overriding the rate per day, if declared
        "rateVariable": "growth_rate",
    },
    "maintenance": {
        "enabled": True,
        # upkeep per world month per structure level, paid from the settlement's treasury variable
        "upkeepPerLevel": 10,
        # per structure type: upkeep per level (overrides upkeepPerLevel)
        "upkeepByType": {},
        # a structure variable (number) overriding its monthly upkeep, if declared
        "upkeepVariable": "upkeep",
        "treasuryVariable": "treasury",
        # condition lost per unpaid month; at 0 the structure stops being operational
        "conditionLossPerUnpaidMonth": 25,
        # condition regained per paid month (0 = repairs are up to the GM)
        "conditionGainPerPaidMonth": 0,
    },
}


# -- results ----------------------------------------------------------------------------------------


@dataclass
class WorldChange:
    """One change the due work made (or would make, when simulated)."""

    kind: str
    operation: str
    entity_type: str
    entity_id: uuid.UUID
    world_time: int
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    version: int | None = None
    effect_id: uuid.UUID | None = None
    success: bool = True
    error: str | None = None

    @property
    def changes(self) -> list[dict[str, Any]]:
        return [c.as_json() for c in diff(self.before or {}, self.after or {})]

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "operation": self.operation,
            "entityType": self.entity_type,
            "entityId": str(self.entity_id),
            "worldTime": self.world_time,
            "version": self.version,
            "effectId": str(self.effect_id) if self.effect_id else None,
            "success": self.success,
            "error": self.error,
            "changes": self.changes,
        }


@dataclass
class DueWorkReport:
    branch_id: uuid.UUID
    campaign_id: uuid.UUID
    up_to: int
    #: kind → (watermark before, watermark after) for the kinds that had a span to process
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    changes: list[WorldChange] = field(default_factory=list)
    simulated: bool = False

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)


# -- rules ------------------------------------------------------------------------------------------


def _merge(base: dict[str, Any], override: Any) -> dict[str, Any]:
    result = copy.deepcopy(base)
    if not isinstance(override, dict):
        return result
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


async def load_rules(svc: DomainService, branch: Branch, at: int) -> dict[str, Any]:
    """The campaign's world rules as of (branch, at): defaults, overridden by the `world_rules` variable."""
    found = await svc.store.read_many(
        EntityType.STATE_VARIABLE,
        branch,
        at,
        where=[lambda row: row.scope == "CAMPAIGN", lambda row: row.key == RULES_VARIABLE],
    )
    rules = copy.deepcopy(DEFAULT_RULES)
    for state in found:
        content = state.content
        value = content.get("value")
        if content.get("var_type") == "DERIVED" and content.get("formula") is not None:
            try:
                value = jsonlogic.compile(content["formula"])({})
            except jsonlogic.JsonLogicError as exc:
                raise ValidationFailed(
                    f"the campaign's {RULES_VARIABLE} formula failed: {exc}", details={"field": RULES_VARIABLE}
                ) from None
        rules = _merge(rules, value)
    return rules


async def campaign_calendar(svc: DomainService, campaign_id: uuid.UUID) -> Calendar:
    raw = await svc.session.scalar(
        select(World.calendar).join(Campaign, Campaign.world_id == World.id).where(Campaign.id == campaign_id)
    )
    return Calendar.model_validate(raw)


def month_starts(calendar: Calendar, after: int, until: int) -> list[int]:
    """World times of the first instant of every calendar month in `(after, until]`."""
    if until <= after:
        return []
    date = to_date(calendar, after)
    start = to_seconds(calendar, date.year, date.month, 1)
    found = []
    current = add(calendar, start, months=1)
    while current <= until:
        found.append(current)
        current = add(calendar, current, months=1)
    return found


# -- watermarks -------------------------------------------------------------------------------------


def expand_kinds(kinds: Iterable[str] | None) -> list[str]:
    wanted: set[str] = set()
    for kind in kinds or KINDS:
        if kind not in IMPLIED:
            raise ValidationFailed(
                f"unknown kind of due work: {kind}", details={"field": "kinds", "allowed": list(KINDS)}
            )
        wanted.update(IMPLIED[kind])
    return [k for k in KINDS if k in wanted]


async def lock_watermarks(svc: DomainService, branch: Branch, kinds: Sequence[str]) -> dict[str, int]:
    """Create missing watermark rows (at the fork time) and lock the rows of `kinds`, in kind order."""
    await svc.session.execute(
        pg_insert(WorldJobWatermark)
        .values(
            [
                {
                    "id": uuid7(),
                    "campaign_id": branch.campaign_id,
                    "branch_id": branch.id,
                    "kind": kind,
                    "processed_to": branch.fork_time,
                    "updated_at": datetime.now(UTC),
                }
                for kind in kinds
            ]
        )
        .on_conflict_do_nothing(constraint="uq_world_job_watermarks_branch_kind")
    )
    marks: dict[str, int] = {}
    for kind in kinds:  # one by one, always in the same order: no deadlock between processors
        marks[kind] = int(
            await svc.session.scalar(
                select(WorldJobWatermark.processed_to)
                .where(WorldJobWatermark.branch_id == branch.id, WorldJobWatermark.kind == kind)
                .with_for_update()
            )
            or 0
        )
    return marks


async def watermarks(svc: DomainService, branch_id: uuid.UUID) -> dict[str, int]:
    rows = await svc.session.execute(
        select(WorldJobWatermark.kind, WorldJobWatermark.processed_to).where(WorldJobWatermark.branch_id == branch_id)
    )
    return {kind: int(value) for kind, value in rows.all()}


async def _advance_watermark(svc: DomainService, branch: Branch, kind: str, old: int, new: int) -> None:
    result = await svc.session.execute(
        update(WorldJobWatermark)
        .where(
            WorldJobWatermark.branch_id == branch.id,
            WorldJobWatermark.kind == kind,
            WorldJobWatermark.processed_to == old,
        )
        .values(processed_to=new, updated_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(
            f"the {kind.lower()} watermark of the branch moved meanwhile",
            details={"kind": kind, "expected": old, "branchId": str(branch.id)},
        )


# -- the run ----------------------------------------------------------------------------------------

_EXPIRE, _DEFERRED, _MONTH = 0, 1, 2


def _declares_number(state: EntityState, name: str | None) -> bool:
    if not name:
        return False
    return any(s.get("name") == name and s.get("type") == "number" for s in state.content.get("variable_schemas") or [])


class _Run:
    """One unit of due work on one branch up to `to`."""

    def __init__(
        self,
        svc: DomainService,
        branch: Branch,
        to: int,
        spans: dict[str, tuple[int, int]],
        report: DueWorkReport,
        max_items: int | None = None,
    ) -> None:
        self.max_items = max_items
        self.svc = svc
        self.branch = branch
        self.to = to
        self.spans = spans
        self.report = report
        self.floor = branch.fork_time if branch.parent_id is not None else None
        self.heap: list[tuple[int, int, str, int, Any]] = []
        self.sequence = itertools.count()
        self.touched: set[uuid.UUID] = set()
        self.rules: dict[str, Any] = {}
        self.calendar: Calendar | None = None
        self.expiring: dict[uuid.UUID, EntityState] = {}
        self.on_expire: dict[uuid.UUID, list[EntityState]] = {}

    # -- scheduling of items --

    def push(self, when: int, rank: int, tiebreak: str, item: Any) -> None:
        heapq.heappush(self.heap, (when, rank, tiebreak, next(self.sequence), item))

    def when(self, item_time: int, state: EntityState) -> int:
        """Write time of a change due at `item_time` to an entity read as of the span end."""
        at = max(item_time, state.valid_from)
        if self.floor is not None:
            at = max(at, self.floor)
        return at

    async def write(
        self, kind: str, operation: str, state: EntityState, fields: dict[str, Any], at: int
    ) -> EntityState:
        new = await self.svc.update(
            state.entity_type,
            state.entity_id,
            self.branch.id,
            fields,
            expected_version=None,
            at=at,
            operation=operation,
        )
        self.touched.add(state.entity_id)
        self.report.changes.append(
            WorldChange(
                kind, operation, state.entity_type.value, state.entity_id, at, state.content, new.content, new.version
            )
        )
        return new

    async def fresh(self, state: EntityState) -> EntityState | None:
        """The entity as of the span end, re-read only if this run wrote to it."""
        if state.entity_id not in self.touched:
            return state
        return await self.svc.store.read(state.entity_type, state.entity_id, self.branch, self.to)

    # -- collecting --

    async def collect(self) -> None:
        if "EXPIRATION" in self.spans:
            await self._collect_expirations()
        if "DEFERRED" in self.spans:
            await self._inherit_deferred()
            await self._collect_deferred()
        economy = {k: self.spans[k][0] for k in ("GROWTH", "MAINTENANCE") if k in self.spans}
        if economy:
            self.rules = await load_rules(self.svc, self.branch, self.to)
            self.calendar = await campaign_calendar(self.svc, self.branch.campaign_id)
            for start in month_starts(self.calendar, min(economy.values()), self.to):
                kinds = tuple(k for k, mark in economy.items() if start > mark)
                self.push(start, _MONTH, "", kinds)

    async def _collect_expirations(self) -> None:
        to = self.to
        events = await self.svc.store.read_many(
            EntityType.EVENT,
            self.branch,
            to,
            where=[
                lambda row: row.expires_at.is_not(None),
                lambda row: row.expires_at <= to,
                lambda row: row.status.not_in(FINAL_EVENT_STATUSES),
            ],
            include_archived=True,
        )
        self.expiring = {e.entity_id: e for e in events}
        on_expire = await owned_effects(
            self.svc, self.branch, EntityType.EVENT.value, list(self.expiring), to, ["ON_EXPIRE"]
        )
        for effect in on_expire:
            self.on_expire.setdefault(uuid.UUID(str(effect.content["owner_id"])), []).append(effect)
        for event in events:
            self.push(self.when(int(event.content["expires_at"]), event), _EXPIRE, str(event.entity_id), event)

    async def _inherit_deferred(self) -> None:
        """Copy pending work of ancestors that resolved before the fork but falls due after it."""
        if self.branch.parent_id is None:
            return
        tree = await self.svc.store.tree(self.branch.campaign_id)
        for link in tree.chain(self.branch.id, self.to)[1:]:
            source = select(
                DeferredEffect.effect_id,
                DeferredEffect.owner_type,
                DeferredEffect.owner_id,
                DeferredEffect.resolved_at,
                DeferredEffect.due_at,
                DeferredEffect.id.label("inherited_from"),
                DeferredEffect.created_by,
            ).where(
                DeferredEffect.branch_id == link.branch_id,
                DeferredEffect.resolved_at <= link.at,
                DeferredEffect.due_at > self.branch.fork_time,
            )
            rows = (await self.svc.session.execute(source)).mappings().all()
            if not rows:
                continue
            await self.svc.session.execute(
                pg_insert(DeferredEffect)
                .values(
                    [
                        {
                            **row,
                            "id": uuid7(),
                            "campaign_id": self.branch.campaign_id,
                            "branch_id": self.branch.id,
                            "created_at": datetime.now(UTC),
                        }
                        for row in rows
                    ]
                )
                .on_conflict_do_nothing(constraint="uq_deferred_effects_branch_effect_resolved")
            )

    async def _collect_deferred(self) -> None:
        rows = await self.svc.session.scalars(
            select(DeferredEffect)
            .where(
                DeferredEffect.branch_id == self.branch.id,
                DeferredEffect.applied_at.is_(None),
                DeferredEffect.due_at <= self.to,
            )
            .order_by(DeferredEffect.due_at, DeferredEffect.id)
        )
        for row in rows:
            self.push(int(row.due_at), _DEFERRED, str(row.effect_id), row.id)

    # -- running --

    async def run(self) -> None:
        await self.collect()
        cut = self._cut()
        if cut is not None:
            self._truncate(cut)
            await self.collect()
        while self.heap:
            when, rank, _, _, item = heapq.heappop(self.heap)
            if rank == _EXPIRE:
                await self._expire(item)
            elif rank == _DEFERRED:
                await self._apply_deferred(item)
            else:
                months = [(when, item)]
                while self.heap and self.heap[0][1] == _MONTH:
                    nxt = heapq.heappop(self.heap)
                    months.append((nxt[0], nxt[4]))
                await self._economy(months)

    def _cut(self) -> int | None:
        """With `max_items`, a span end that leaves at most that many expirations and deferred effects
        (all items of one world time stay together), or None when everything fits."""
        if self.max_items is None:
            return None
        times = sorted(item[0] for item in self.heap if item[1] != _MONTH)
        if len(times) <= self.max_items:
            return None
        after = times[self.max_items]
        cut = after - 1 if after - 1 >= times[0] else after
        if cut <= min(start for start, _ in self.spans.values()) or cut >= self.to:
            return None
        return cut

    def _truncate(self, cut: int) -> None:
        """Process only up to `cut` this time; the watermarks say where the next call starts."""
        self.to = cut
        self.report.up_to = cut
        for kind, (start, _) in list(self.spans.items()):
            if start >= cut:
                del self.spans[kind]
            else:
                self.spans[kind] = (start, cut)
        self.heap.clear()
        self.expiring = {}
        self.on_expire = {}

    async def _guarded(self, kind: str, effects: Sequence[EntityState], at: int) -> list[EffectOutcome]:
        """Apply effects in a SAVEPOINT; on failure roll them back and log the failed execution."""
        outbox_mark = len(self.svc.outbox)
        changes_mark = len(self.report.changes)
        outcomes: list[EffectOutcome] = []
        try:
            async with self.svc.session.begin_nested():
                for effect in sorted(effects, key=order_key):
                    outcome = await apply_effect(self.svc, self.branch, effect, at, latest_at=self.to)
                    outcomes.append(outcome)
                    self._effect_change(kind, outcome)
        except EffectFailed as exc:
            del self.svc.outbox[outbox_mark:]
            del self.report.changes[changes_mark:]
            for outcome in outcomes:
                self.touched.discard(outcome.target_id)
            record_execution(self.svc, self.branch, exc.outcome, dry_run=False)
            self.report.changes.append(
                WorldChange(
                    kind,
                    "EFFECT",
                    exc.outcome.target_type,
                    exc.outcome.target_id,
                    exc.outcome.world_time,
                    None,
                    None,
                    effect_id=exc.outcome.effect_id,
                    success=False,
                    error=exc.message,
                )
            )
            raise
        return outcomes

    def _effect_change(self, kind: str, outcome: EffectOutcome) -> None:
        self.touched.add(outcome.target_id)
        if outcome.before == outcome.after:
            return
        self.report.changes.append(
            WorldChange(
                kind,
                "EFFECT",
                outcome.target_type,
                outcome.target_id,
                outcome.world_time,
                outcome.before,
                outcome.after,
                outcome.version,
                effect_id=outcome.effect_id,
            )
        )

    async def _expire(self, event: EntityState) -> None:
        current = await self.fresh(event)
        if current is None or current.content.get("status") in FINAL_EVENT_STATUSES:
            return
        expires_at = current.content.get("expires_at")
        if expires_at is None or expires_at > self.to:
            return
        at = self.when(int(expires_at), current)
        await self.write("EXPIRATION", "EXPIRE", current, {"status": "EXPIRED"}, at)
        effects = self.on_expire.get(event.entity_id, [])
        immediate = [e for e in effects if not is_deferred(e)]
        if immediate:
            with contextlib.suppress(EffectFailed):  # logged; the event stays expired
                await self._guarded("EXPIRATION", immediate, at)
        for effect in (e for e in effects if is_deferred(e)):
            outcome = await record_deferred(self.svc, self.branch, effect, "EVENT", event.entity_id, at)
            if "DEFERRED" in self.spans and outcome.deferred_until is not None and outcome.deferred_until <= self.to:
                row_id = await self.svc.session.scalar(
                    select(DeferredEffect.id).where(
                        DeferredEffect.branch_id == self.branch.id,
                        DeferredEffect.effect_id == effect.entity_id,
                        DeferredEffect.resolved_at == at,
                        DeferredEffect.applied_at.is_(None),
                    )
                )
                if row_id is not None:
                    self.push(outcome.deferred_until, _DEFERRED, str(effect.entity_id), row_id)

    async def _apply_deferred(self, row_id: uuid.UUID) -> None:
        row = await self.svc.session.get(DeferredEffect, row_id)
        if row is None or row.applied_at is not None:
            return
        due = int(row.due_at)
        effect = await self.svc.store.read(EntityType.EFFECT, row.effect_id, self.branch, due)
        outcome, error = "APPLIED", None
        at = due
        if effect is None or not effect.content.get("active", True):
            outcome, error = "SKIPPED", "the effect was deleted or deactivated before it fell due"
        else:
            try:
                applied = await self._guarded("DEFERRED", [effect], due)
                at = applied[0].world_time if applied else due
            except EffectFailed as exc:
                outcome, error = "FAILED", exc.message
        claimed = await self.svc.session.execute(
            update(DeferredEffect)
            .where(and_(DeferredEffect.id == row_id, DeferredEffect.applied_at.is_(None)))
            .values(applied_at=at, outcome=outcome, error=error, applied_recorded_at=datetime.now(UTC))
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict("a deferred effect was applied meanwhile", details={"deferredEffectId": str(row_id)})

    # -- growth and maintenance --

    async def _economy(self, months: list[tuple[int, tuple[str, ...]]]) -> None:
        growth_rules = self.rules.get("growth") or {}
        upkeep_rules = self.rules.get("maintenance") or {}
        settlements = await self.svc.store.read_many(EntityType.SETTLEMENT, self.branch, self.to, include_archived=True)
        structures = await self.svc.store.read_many(EntityType.STRUCTURE, self.branch, self.to, include_archived=True)
        by_settlement: dict[str, list[EntityState]] = {}
        for structure in structures:
            by_settlement.setdefault(str(structure.content.get("settlement_id")), []).append(structure)
        sim_settlements = {s.entity_id: _SettlementSim(s, growth_rules, upkeep_rules) for s in settlements}
        sim_structures = {s.entity_id: _StructureSim(s, upkeep_rules) for s in structures}
        assert self.calendar is not None
        for start, kinds in months:
            days = (start - add(self.calendar, start, months=-1)) / _seconds_per_day(self.calendar)
            for settlement in settlements:
                sim = sim_settlements[settlement.entity_id]
                if "GROWTH" in kinds and growth_rules.get("enabled", True):
                    sim.grow(days)
                if "MAINTENANCE" in kinds and upkeep_rules.get("enabled", True):
                    for structure in by_settlement.get(str(settlement.entity_id), []):
                        sim_structures[structure.entity_id].pay(sim)
        last = months[-1][0]
        for settlement in settlements:
            sim = sim_settlements[settlement.entity_id]
            fields = sim.fields()
            if fields:
                kind = "GROWTH" if sim.grew else "MAINTENANCE"
                await self.write(kind, kind, settlement, fields, self.when(last, settlement))
        for structure in structures:
            fields = sim_structures[structure.entity_id].fields()
            if fields:
                await self.write("MAINTENANCE", "MAINTENANCE", structure, fields, self.when(last, structure))


def _seconds_per_day(calendar: Calendar) -> int:
    from campaign_shared.calendar import seconds_per_day

    return seconds_per_day(calendar)


def _number(value: Any, default: float = 0.0) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default


def _money(value: float) -> float | int:
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded


class _SettlementSim:
    """A settlement's population, level and treasury, month by month, in memory."""

    def __init__(self, state: EntityState, growth: dict[str, Any], upkeep: dict[str, Any]) -> None:
        content = state.content
        self.state = state
        self.growth = growth
        self.population = int(content.get("population") or 0)
        self.level = int(content.get("level") or 1)
        self.variables = dict(content.get("variables") or {})
        self.treasury_var = upkeep.get("treasuryVariable") or growth.get("treasuryVariable")
        self.income_var = growth.get("treasuryVariable")
        self.has_treasury = _declares_number(state, self.treasury_var)
        self.has_income = _declares_number(state, self.income_var)
        self.grew = False
        formula = growth.get("populationFormula")
        self.formula = jsonlogic.compile(formula) if formula is not None else None

    @property
    def treasury(self) -> float:
        return _number(self.variables.get(self.treasury_var)) if self.has_treasury else 0.0

    def rate(self) -> float:
        rate_var = self.growth.get("rateVariable")
        if rate_var and _declares_number(self.state, rate_var) and self.variables.get(rate_var) is not None:
            return _number(self.variables.get(rate_var))
        return _number((self.growth.get("ratePerDayByLevel") or {}).get(str(self.level)))

    def grow(self, days: float) -> None:
        before = (self.population, self.level, self.variables.get(self.income_var))
        rate = self.rate()
        if self.formula is not None:
            population = float(self.population)
            for _ in range(max(0, round(days))):
                data = {"population": population, "level": self.level, "rate": rate, "variables": self.variables}
                population = _number(self.formula(data), population)
        else:
            population = self.population * math.pow(1.0 + rate, days)
        self.population = max(0, min(MAX_POPULATION, round(population)))
        thresholds = self.growth.get("levelThresholds") or {}
        max_level = int(self.growth.get("maxLevel") or 10)
        while self.level < max_level:
            needed = thresholds.get(str(self.level + 1))
            if needed is None or self.population < _number(needed, math.inf):
                break
            self.level += 1
        income = self.population * _number(self.growth.get("incomePerCapitaPerDay")) * days
        if self.has_income and income:
            self.variables[self.income_var] = _money(_number(self.variables.get(self.income_var)) + income)
        if (self.population, self.level, self.variables.get(self.income_var)) != before:
            self.grew = True

    def spend(self, amount: float) -> bool:
        if not self.has_treasury or self.treasury < amount:
            return False
        self.variables[self.treasury_var] = _money(self.treasury - amount)
        return True

    def fields(self) -> dict[str, Any]:
        content = self.state.content
        fields: dict[str, Any] = {}
        if self.population != content.get("population"):
            fields["population"] = self.population
        if self.level != content.get("level"):
            fields["level"] = self.level
        if self.variables != (content.get("variables") or {}):
            fields["variables"] = self.variables
        return fields


class _StructureSim:
    """A structure's condition and operational flag, month by month, in memory."""

    def __init__(self, state: EntityState, rules: dict[str, Any]) -> None:
        content = state.content
        self.state = state
        self.rules = rules
        condition = content.get("condition")
        self.condition = int(condition) if condition is not None else 100
        self.operational = bool(content.get("operational", True))

    def upkeep(self) -> float:
        variable = self.rules.get("upkeepVariable")
        variables = self.state.content.get("variables") or {}
        if variable and _declares_number(self.state, variable) and variables.get(variable) is not None:
            return _number(variables.get(variable))
        level = int(self.state.content.get("level") or 1)
        per_type = (self.rules.get("upkeepByType") or {}).get(str(self.state.content.get("structure_type") or ""))
        per_level = _number(per_type, _number(self.rules.get("upkeepPerLevel"), 10.0))
        return per_level * level

    def pay(self, settlement: _SettlementSim) -> None:
        if not settlement.has_treasury or not self.operational:
            return  # no economy tracked for this settlement, or nothing left to maintain
        if settlement.spend(self.upkeep()):
            gain = int(_number(self.rules.get("conditionGainPerPaidMonth")))
            self.condition = min(100, self.condition + gain)
            return
        loss = int(_number(self.rules.get("conditionLossPerUnpaidMonth"), 25))
        self.condition = max(0, self.condition - loss)
        if self.condition == 0:
            self.operational = False

    def fields(self) -> dict[str, Any]:
        content = self.state.content
        fields: dict[str, Any] = {}
        if self.condition != content.get("condition"):
            fields["condition"] = self.condition
        if self.operational != content.get("operational"):
            fields["operational"] = self.operational
        return fields


# -- entry points -----------------------------------------------------------------------------------


async def process_due_work(
    svc: DomainService,
    branch_id: uuid.UUID,
    up_to: int | None = None,
    kinds: Iterable[str] | None = None,
    *,
    max_items: int | None = None,
) -> DueWorkReport:
    """Do the due work of a branch from its watermarks up to `up_to` (at most the branch's clock).

    With `max_items`, a span holding more expirations and deferred effects than that is processed only
    up to a world time that keeps the unit small (`report.up_to` says how far); call again for the rest.
    """
    branch = await svc.store.branch(branch_id)
    to = branch.world_time if up_to is None else min(up_to, branch.world_time)
    wanted = expand_kinds(kinds)
    report = DueWorkReport(branch.id, branch.campaign_id, to)
    marks = await lock_watermarks(svc, branch, wanted)
    report.spans = {kind: (marks[kind], to) for kind in wanted if marks[kind] < to}
    if not report.spans:
        return report
    await _Run(svc, branch, to, report.spans, report, max_items).run()
    for kind, (old, new) in report.spans.items():
        await _advance_watermark(svc, branch, kind, old, new)
    return report


async def simulate_to(svc: DomainService, branch_id: uuid.UUID, to: int) -> DueWorkReport:
    """What advancing the branch to `to` would change. Call it in a transaction the caller rolls back."""
    branch = await svc.store.branch(branch_id)
    if to > branch.world_time:
        await svc.advance_time(branch.id, to)
    report = await process_due_work(svc, branch.id, to, KINDS)
    report.simulated = True
    return report
